"""Where output goes and how it may look, in one object that tests can replace.

Like httpie's `Environment`: the streams, whether each is a terminal, the screen's size,
whether colour is on and whether a pager may be used are decided here once, not by each
piece of code that prints.  The programs `news` hands things to (the pager, the browser,
the editor) are started by its `Launcher`, which tests replace with one that only records.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TextIO

DEFAULT_PAGER = "less -FRX"


class Format(str, Enum):
    """The output formats (render.py has a sink for each); here, with the other choices
    about output, so that the command line can name them without importing the sinks."""

    table = "table"  # a rich table on a terminal, tab-separated rows when piped
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class ColorChoice(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class Launcher:
    """Starts other programs: the pager, the web browser, the editor."""

    def page(self, argv: list[str], text: str, env: Mapping[str, str]) -> None:
        """Run the pager `argv` on `text` and wait for the user to leave it."""
        import signal
        import subprocess

        with subprocess.Popen(argv, stdin=subprocess.PIPE, env=dict(env)) as pager:
            # the pager has Ctrl-C to itself (less stops a search with it); news waits for it
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                assert pager.stdin is not None
                try:
                    pager.stdin.write(text.encode("utf-8", "replace"))
                    pager.stdin.close()
                except BrokenPipeError:  # the user left before the end: all is well
                    pass
                pager.wait()
            finally:
                signal.signal(signal.SIGINT, previous)

    def browse(self, url: str) -> bool:
        """Open `url` in the web browser (`BROWSER` first); whether one could be started."""
        import webbrowser

        return webbrowser.open(url)

    def edit(self, argv: list[str]) -> int:
        """Run the editor command `argv` (the file last) and return its exit status."""
        import subprocess

        return subprocess.run(argv, check=False).returncode


@dataclass
class Terminal:
    stdout: TextIO
    stderr: TextIO
    stdout_is_tty: bool
    stderr_is_tty: bool
    width: int
    color: bool  # colour on stdout
    height: int | None = None  # lines of the screen; None: unknown, and nothing is paged
    paging: bool = False  # whether output longer than the screen may go through a pager
    err_color: bool | None = None  # colour on stderr; None: as on stdout
    launcher: Launcher = field(default_factory=Launcher)

    @classmethod
    def detect(cls, choice: ColorChoice = ColorChoice.auto) -> Terminal:
        out, err = sys.stdout, sys.stderr
        out_tty, err_tty = _isatty(out), _isatty(err)
        size = shutil.get_terminal_size((100, 24))
        return cls(
            stdout=out,
            stderr=err,
            stdout_is_tty=out_tty,
            stderr_is_tty=err_tty,
            width=size.columns,
            color=wants_color(choice, out_tty),
            height=size.lines if out_tty else None,
            paging=out_tty,
            err_color=wants_color(choice, err_tty),
        )

    @property
    def stderr_color(self) -> bool:
        return self.color if self.err_color is None else self.err_color

    def with_color(self, choice: ColorChoice | None) -> Terminal:
        if choice is None:
            return self
        return replace(self, color=wants_color(choice, self.stdout_is_tty),
                       err_color=wants_color(choice, self.stderr_is_tty))

    def without_pager(self, no_pager: bool = True) -> Terminal:
        return replace(self, paging=False) if no_pager else self

    def write_screen(self, text: str) -> None:
        """Terminal output: through the pager when it is longer than the screen."""
        pager = self.pager() if self.fills_the_screen(text) else None
        if pager is None:
            self.stdout.write(text)
            return
        argv, env = pager
        self.stdout.flush()
        self.launcher.page(argv, text, env)

    def fills_the_screen(self, text: str) -> bool:
        if not (self.paging and self.stdout_is_tty and self.height):
            return False
        return text.count("\n") >= self.height  # the last line is the shell's prompt's

    def pager(self) -> tuple[list[str], dict[str, str]] | None:
        """The pager's command and environment, or None for none: `NEWS_PAGER`, else `PAGER`,
        else `less -FRX`.  An empty value or `cat` means no pager, as for git; so does a
        program that cannot be found."""
        argv = pager_command(os.environ)
        if argv is None or shutil.which(argv[0]) is None:
            return None
        env = dict(os.environ)
        env.setdefault("LESS", "FRX")  # colour, and no pager at all for what fits the screen
        env.setdefault("LV", "-c")
        return argv, env


def pager_command(environ: Mapping[str, str]) -> list[str] | None:
    for name in ("NEWS_PAGER", "PAGER"):
        value = environ.get(name)
        if value is not None:
            try:
                argv = shlex.split(value)
            except ValueError:  # an unclosed quote: no pager rather than a wrong one
                return None
            return None if not argv or argv == ["cat"] else argv
    return shlex.split(DEFAULT_PAGER)


def editor_command(environ: Mapping[str, str]) -> list[str] | None:
    """`VISUAL`, else `EDITOR`, as a command (it may carry options: `code -w`)."""
    for name in ("VISUAL", "EDITOR"):
        value = environ.get(name, "").strip()
        if value:
            try:
                return shlex.split(value) or None
            except ValueError:
                return None
    return None


def wants_color(choice: ColorChoice, is_tty: bool) -> bool:
    if choice is ColorChoice.always:
        return True
    if choice is ColorChoice.never:
        return False
    # https://no-color.org: any non-empty NO_COLOR turns colour off
    return is_tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
