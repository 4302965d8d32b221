"""The README's examples, run: every ```console block is a transcript the tool must print.

The conventions (README.md states them too, under "Examples"):

- `$ ` opens a command.  /bin/sh runs it in a folder where `mangled` is the sample with
  three bad files added and `archive` is the whole public archive; with no `-d`, `news`
  reads the bundled sample.  NO_COLOR=1, COLUMNS=100 and LC_ALL=C.UTF-8 are set, a web
  browser and a pager do nothing, and stdout is not a terminal, unless the command's comment
  says `# on an N-column terminal` (then it is one, and its styles are not shown).
- The lines after it, up to the next command, are what it prints: its stdout, then its
  stderr.  Trailing spaces are not compared, and `...` stands for text left out.
- `# exit N` ends the first line it prints on stderr (else its last line, else the
  command) when its exit status is not 0.
- A block after `<!-- full archive: figures vary -->` reads the whole public archive
  (`-d archive`): it is skipped unless NEWS_README_ARCHIVE names one (its index is then kept
  in the NEWS_CACHE_DIR the tests were started with, if any).  Any other block must run on
  the sample.

`NEWS_UPDATE_README=1 python -m pytest tests/test_readme.py` rewrites the output of every
example that no longer matches with what the tool prints now (an example that still
matches keeps its `...`); review the diff before committing it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE

README = REPO / "README.md"
UPDATE = bool(os.environ.get("NEWS_UPDATE_README"))
FULL_ARCHIVE = os.environ.get("NEWS_README_ARCHIVE")
# read before the tests get a cache of their own: the whole archive's index, built once, is reused
FULL_ARCHIVE_CACHE = os.environ.get("NEWS_CACHE_DIR")
FULL_ARCHIVE_MARK = "<!-- full archive: figures vary -->"
COLUMNS = 100
SCREEN_LINES = 50
SPACING = " " * 10  # before `# exit N`, unless the README spaced it otherwise

_EXIT = re.compile(r"^(?P<text>.*?)(?P<spacing>\s+)# exit (?P<status>\d+)$")
_TERMINAL = re.compile(r"# on an? (\d+)-column terminal")
_STYLE = re.compile(r"\x1b\[[0-9;]*m")  # bold, dim: a README shows no styles (NO_COLOR keeps colour off)
_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=")

# the three bad files of `mangled`, in the sample's day 2011-06-06
MANGLED = {
    "bad-date.md": "---\ndate: banana\n---\n# Bananas are sold in Lima.\n",
    "empty.md": "",
    "impossible.md": "### [2011-02-30](/news/2011/02/30/index.md)\n\n# A day that never was.\n",
}


@dataclass
class Example:
    number: int  # in the README, from 1
    command: str  # as /bin/sh runs it
    line: int  # index in README.md of its `$ ` line
    end: int  # index of the line after its output
    output: list[str]  # as the README shows it, `# exit N` included
    full_archive: bool
    columns: int | None  # a terminal of this width; None: stdout is not a terminal

    @property
    def label(self) -> str:
        command = _EXIT.sub(r"\g<text>", self.command)
        return f"{self.number}: {command[:60]}"


def examples(text: str) -> list[Example]:
    lines = text.splitlines()
    found: list[Example] = []
    in_block = full = False
    previous = ""
    current: Example | None = None
    for number, line in enumerate(lines):
        if not in_block:
            if line.strip() == "```console":
                in_block, full = True, previous.strip() == FULL_ARCHIVE_MARK
            if line.strip():
                previous = line
            continue
        if line.strip() == "```" or line.startswith("$ "):
            if current is not None:
                current.end = number
                found.append(current)
                current = None
            if line.strip() == "```":
                in_block = False
                continue
            terminal = _TERMINAL.search(line)
            current = Example(len(found) + 1, line[2:], number, number + 1, [], full,
                              int(terminal.group(1)) if terminal else None)
        elif current is not None:
            current.output.append(line)
    return found


EXAMPLES = examples(README.read_text(encoding="utf-8"))
OUTCOMES: dict[int, tuple[Example, list[str], str]] = {}  # number -> (example, output, command line)


def test_the_readme_has_examples_and_marks_those_on_the_full_archive() -> None:
    assert len([e for e in EXAMPLES if not e.full_archive]) >= 15
    for example in EXAMPLES:
        on_archive = re.search(r"(?:-d|--data-dir)[ =]archive\b", example.command) is not None
        assert on_archive == example.full_archive, (
            f"README example {example.label!r}: a block reading `-d archive` (and only such a block) "
            f"follows a line {FULL_ARCHIVE_MARK}")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mangled`, `archive` if there is one, and a `news` of this interpreter in bin/."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(SAMPLE, folder / "mangled")
    for name, text in MANGLED.items():
        (folder / "mangled" / "news" / "2011" / "06" / "6" / name).write_text(text, encoding="utf-8")
    if FULL_ARCHIVE:
        (folder / "archive").symlink_to(Path(FULL_ARCHIVE).resolve())
    (folder / "bin").mkdir()
    shim = folder / "bin" / "news"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m newscli "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    return folder


def environment(workdir: Path, columns: int | None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if name not in {"NEWS_DATA_DIR", "VISUAL", "EDITOR", "PAGER", "LINES", "FORCE_COLOR", "LESS",
                           "CLICOLOR_FORCE", "_NEWS_COMPLETE"}}
    # a cache of the README's own: `news cache` lists only the archives its examples opened
    env.update(PATH=f"{workdir / 'bin'}{os.pathsep}{env.get('PATH', '')}", NO_COLOR="1",
               NEWS_CACHE_DIR=str(workdir / "cache"),
               COLUMNS=str(columns or COLUMNS), LC_ALL="C.UTF-8", BROWSER="true", NEWS_PAGER="cat")
    if columns:
        env["LINES"] = str(SCREEN_LINES)
    return env


def run(example: Example, workdir: Path) -> tuple[str, str, int]:
    """(stdout, stderr, exit status) of the example's command."""
    env = environment(workdir, example.columns)
    if example.full_archive and FULL_ARCHIVE_CACHE:
        env["NEWS_CACHE_DIR"] = FULL_ARCHIVE_CACHE
    argv = ["/bin/sh", "-c", example.command]
    if example.columns:
        return _on_a_terminal(argv, workdir, env, example.columns)
    done = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    return _text(done.stdout), _text(done.stderr), done.returncode


def _on_a_terminal(argv: list[str], workdir: Path, env: dict[str, str], columns: int) -> tuple[str, str, int]:
    import fcntl
    import pty
    import struct
    import tempfile
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", SCREEN_LINES, columns, 0, 0))
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(argv, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=follower,
                              stderr=errors) as proc:
            os.close(follower)
            chunks = []
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the last writer closed the terminal
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            os.close(leader)
            status = proc.wait(timeout=300)
        errors.seek(0)
        screen = _STYLE.sub("", _text(b"".join(chunks)).replace("\r\n", "\n"))
        return screen, _text(errors.read()), status


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def programs(command: str) -> list[str]:
    """The programs a command line runs: the first word of each command of its pipelines."""
    words = shlex.shlex(command, posix=True, punctuation_chars=True)
    words.whitespace_split = True
    found, first = [], True
    for word in words:
        if word in {"|", "||", "&&", ";", "&"}:
            first = True
        elif first and not _ASSIGNMENT.match(word) and word[:1] not in "<>" and not word.isdigit():
            found.append(word)
            first = False
    return found


def transcript(stdout: str, stderr: str, status: int, spacing: str = SPACING) -> tuple[list[str], str]:
    """What the README shows for a run: its output lines (stdout, then stderr, `# exit N` on
    the first line of stderr, else the last line), and what goes after the command itself."""
    out, err = stdout.splitlines(), stderr.splitlines()
    lines = [line.rstrip() for line in (*out, *err)]
    if not status:
        return lines, ""
    if not lines:
        return lines, f"{spacing}# exit {status}"
    where = len(out) if err else len(lines) - 1
    lines[where] += f"{spacing}# exit {status}"
    return lines, ""


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line for line, trailing spaces and the spacing before `# exit` aside; `...` is any text."""
    def normal(lines: list[str]) -> str:
        return "\n".join(_EXIT.sub(r"\g<text> # exit \g<status>", line.rstrip()) for line in lines)

    pattern = ".*?".join(re.escape(part) for part in normal(expected).split("..."))
    return re.fullmatch(pattern, normal(actual), re.DOTALL) is not None


def _command_status(example: Example) -> tuple[str, str]:
    """The command without its `# exit N`, and that annotation."""
    found = _EXIT.match(example.command)
    if found is None:
        return example.command, ""
    return found["text"], f"{found['spacing']}# exit {found['status']}"


def _spacing(example: Example) -> str:
    for line in (example.command, *example.output):
        found = _EXIT.match(line)
        if found:
            return found["spacing"]
    return SPACING


@pytest.fixture(scope="module")
def sample_index(workdir: Path) -> None:
    """The sample's index, as any command builds it (completion reads it, never builds it)."""
    subprocess.run(["news", "index"], cwd=workdir, env=environment(workdir, None), check=True,
                   capture_output=True)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.label)
def test_readme_example(example: Example, workdir: Path, sample_index: None, readme_update: None) -> None:
    if example.full_archive and not FULL_ARCHIVE:
        pytest.skip("on the whole public archive (NEWS_README_ARCHIVE names one to run it on)")
    missing = [p for p in programs(example.command) if p != "news" and not shutil.which(p)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed")
    stdout, stderr, status = run(example, workdir)
    command, annotation = _command_status(example)
    lines, after_command = transcript(stdout, stderr, status, _spacing(example))
    same = matches(example.output, lines) and bool(annotation) == bool(after_command) and (
        not annotation or annotation.split() == after_command.split())
    if UPDATE:
        if not same:
            OUTCOMES[example.number] = (example, lines, command + after_command)
        return
    assert same, (f"README example {example.number} prints otherwise now (NEWS_UPDATE_README=1 "
                  f"rewrites it)\n$ {command}\n--- the README:\n" + "\n".join(example.output)
                  + "\n--- now:\n" + "\n".join(lines) + (f"\n(after the command: {after_command.strip()})"
                                                          if after_command else ""))


def rewritten(text: str, outcomes: Iterable[tuple[Example, list[str], str]]) -> str:
    """`text` with each example's command line and output replaced."""
    lines = text.splitlines()
    for example, output, command in sorted(outcomes, key=lambda o: -o[0].line):  # from the end
        lines[example.line : example.end] = [f"$ {command}", *output]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def readme_update() -> Iterator[None]:
    """With NEWS_UPDATE_README, rewrite the examples that no longer match, once they have run."""
    yield
    if not (UPDATE and OUTCOMES):
        return
    README.write_text(rewritten(README.read_text(encoding="utf-8"), OUTCOMES.values()), encoding="utf-8")
    warnings.warn(f"README.md: rewrote the output of example(s) {', '.join(map(str, sorted(OUTCOMES)))}",
                  stacklevel=1)


# -- the runner's own rules --


def test_output_is_stdout_then_stderr_with_the_exit_status_on_the_first_line_of_stderr() -> None:
    assert transcript("a\nb  \n", "news: bad\n  more\n", 2) == (
        ["a", "b", f"news: bad{SPACING}# exit 2", "  more"], "")
    assert transcript("a\nb\n", "", 3) == (["a", f"b{SPACING}# exit 3"], "")
    assert transcript("", "", 1) == ([], f"{SPACING}# exit 1")
    assert transcript("a", "news: note\n", 0) == (["a", "news: note"], "")


def test_dots_stand_for_any_text_and_spacing_before_exit_is_free() -> None:
    assert matches(["id: 2011-...", "..."], ["id: 2011-06-06/x", "date: 2011-06-06", "title: T"])
    assert matches(["news: no          # exit 1"], ["news: no  # exit 1"])
    assert matches(["a   "], ["a"])
    assert not matches(["news: no # exit 1"], ["news: no # exit 2"])
    assert not matches(["a", "b"], ["a"])
    assert not matches(["a..."], ["b"])


def test_the_update_rewrites_commands_and_outputs_in_place() -> None:
    text = "x\n```console\n$ news a\nold\nold\n$ news b   # exit 1\n```\n$ not an example\n"
    first, second = examples(text)
    assert (first.command, first.output, second.command, second.output) == (
        "news a", ["old", "old"], "news b   # exit 1", [])
    assert rewritten(text, [(first, ["new"], "news a"), (second, ["b"], "news b")]) == (
        "x\n```console\n$ news a\nnew\n$ news b\nb\n```\n$ not an example\n")


def test_a_block_is_on_the_full_archive_when_the_mark_is_the_line_before() -> None:
    text = f"{FULL_ARCHIVE_MARK}\n\n```console\n$ news -d archive x\n```\n```console\n$ news y\n```\n"
    assert [e.full_archive for e in examples(text)] == [True, False]
    assert examples("```console\n$ news x   # on an 80-column terminal\n```\n")[0].columns == 80


def test_the_programs_of_a_command_line() -> None:
    assert programs("VISUAL= EDITOR= news show x --edit") == ["news"]
    assert programs("news show x --json | jq -r '.[] | select(.found | not)' 2>/dev/null | head -3") == [
        "news", "jq", "head"]
    assert programs('COMP_WORDS="news related O" COMP_CWORD=2 news') == ["news"]
