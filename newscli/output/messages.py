"""Messages on stderr: `news: ...` lines (errors with their suggestions, notes), the
summary of `check`, and the progress bar of a build.  Archive text in them is escaped."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from newscli.model.event import DANGLING
from newscli.model.results import CheckReport
from newscli.output.escape import cell_limit, cut, printable
from newscli.output.terminal import Terminal

if TYPE_CHECKING:
    from rich.console import Console


def stderr_console(term: Terminal) -> Console:
    from rich.console import Console

    return Console(file=term.stderr, force_terminal=term.stderr_is_tty, no_color=not term.stderr_color,
                   width=term.width, highlight=False, soft_wrap=True)


def error_line(
    term: Terminal, message: str, suggestions: Sequence[str] = (), label: str = "did you mean"
) -> None:
    """`news: message`, then one indented line per suggestion."""
    lines = [f"{label}:", *(f"  {s}" for s in suggestions)] if suggestions else []
    _say(term, "bold red", message, lines)


def note_line(term: Terminal, message: str) -> None:
    _say(term, "dim", message)


def _say(term: Terminal, style: str, message: str, lines: Sequence[str] = ()) -> None:
    # messages quote archive text (a suggested id, a matched name) and arguments
    message, lines = printable(message), [printable(line) for line in lines]
    with suppress(OSError):  # stderr itself closed or full: nowhere is left to say it
        _say_printable(term, style, message, lines)


def _say_printable(term: Terminal, style: str, message: str, lines: Sequence[str]) -> None:
    if not (term.stderr_color and term.stderr_is_tty):
        term.stderr.write("".join(f"{line}\n" for line in (f"news: {message}", *lines)))
        return
    from rich.text import Text

    console = stderr_console(term)
    limit = cell_limit(term.width)
    console.print(Text.assemble(("news: ", style), cut(message, limit)))
    for line in lines:
        console.print(Text(cut(line, limit)))


# the bar is drawn only for work that lasts longer than this (seconds): a small archive,
# or a few changed files, say nothing at all
PROGRESS_AFTER = 0.5


@contextmanager
def indexing_progress(term: Terminal) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr while files are parsed, when stderr is a terminal, whatever
    stdout is (a file, a pipe) and with or without colour.

    The bar starts with a report of progress once the work has lasted `PROGRESS_AFTER`
    seconds, so a run that reads the cache, or has little to parse, draws nothing at all;
    it is cleared when the work ends.
    """
    if not term.stderr_is_tty:
        yield None
        return
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    started = time.monotonic()
    bar: Progress | None = None

    def advance(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if time.monotonic() - started < PROGRESS_AFTER:
                return
            bar = Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
                           console=stderr_console(term), transient=True)
            bar.start()
            bar.add_task("indexing", total=total)
        bar.update(bar.task_ids[0], completed=done, total=total)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.stop()


def check_summary(term: Terminal, report: CheckReport) -> None:
    errors = report.errors
    warnings = len(report.problems) - errors
    dangling = sum(1 for p in report.problems if p.problem == DANGLING)
    parts = [f"{report.files} files checked", f"{errors} error{'s' if errors != 1 else ''}",
             f"{warnings} warning{'s' if warnings != 1 else ''}"]
    if dangling and not report.verbose:
        parts.append(f"{dangling} dangling related link{'s' if dangling != 1 else ''} not listed "
                     "(--verbose lists them)")
    note_line(term, ", ".join(parts))
