"""Shell completion: the scripts for bash, zsh and fish, their installation, and what a Tab
completes (commands, options, entity names, event ids, dates) through the protocol those
scripts speak: `_NEWS_COMPLETE=complete_SHELL` and the command line so far.

Values come from the index as it stands, never refreshed: the sample's index is built
first where a test wants values, and a test with no index checks that completing creates
and writes nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import RUNNER, news, write_event
from typer._click.shell_completion import split_arg_string
from typer.testing import Result

from newscli.cli import app
from newscli.cli.completion import bash_word
from newscli.model import dates

SHELLS = ("bash", "zsh", "fish")


def complete(line: str, shell: str = "bash", env: dict[str, str] | None = None) -> Result:
    """What a shell's completion script asks `news` for when Tab is pressed after `line`."""
    if shell == "bash":
        words = split_arg_string(line) + ([""] if line.endswith(" ") else [])
        protocol = {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        protocol = {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    return RUNNER.invoke(app, [], prog_name="news",
                         env={"_NEWS_COMPLETE": f"complete_{shell}", **protocol, **(env or {})})


def values(line: str, shell: str = "bash", env: dict[str, str] | None = None) -> list[str]:
    result = complete(line, shell, env)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    return [value for value in result.stdout.splitlines() if value]  # bash's none is one empty line


@pytest.fixture
def sample_index() -> None:
    """The sample's index, built as any command builds it."""
    assert news("index").exit_code == 0


@pytest.fixture
def no_shell_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    """typer's --show-completion and --install-completion then take the shell's name, so that
    the tests do not depend on the shell that runs them."""
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")


# -- the scripts --


@pytest.mark.parametrize(("shell", "marks"), [
    ("bash", ("_NEWS_COMPLETE=complete_bash", "complete -o default -F _news_completion news")),
    ("zsh", ("#compdef news", "_NEWS_COMPLETE=complete_zsh", "compdef _news_completion news")),
    ("fish", ("complete --command news", "_NEWS_COMPLETE=complete_fish")),
])
def test_show_completion_prints_the_shells_script(no_shell_detection: None, shell: str,
                                                  marks: tuple[str, ...]) -> None:
    result = news("--show-completion", shell)
    assert result.exit_code == 0, result.stderr
    for mark in marks:
        assert mark in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("shell", SHELLS)
def test_the_completion_protocol_prints_any_shells_script(shell: str) -> None:
    """`_NEWS_COMPLETE=source_zsh news` writes the zsh script from any shell (for packaging)."""
    result = RUNNER.invoke(app, [], prog_name="news", env={"_NEWS_COMPLETE": f"source_{shell}"})
    assert result.exit_code == 0
    assert f"_NEWS_COMPLETE=complete_{shell}" in result.stdout


def test_the_options_are_in_the_help() -> None:
    result = news("--help")
    assert "--install-completion" in result.stdout
    assert "--show-completion" in result.stdout


def test_a_shell_with_no_script_is_one_error_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import typer._completion_shared

    monkeypatch.setenv("HOME", str(tmp_path))  # were it installed after all, never in the user's files
    monkeypatch.setattr(typer._completion_shared, "_get_shell_name", lambda: "sh")
    for option in ("--show-completion", "--install-completion"):
        result = news(option)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            "news: no completion for the shell 'sh': run it from bash, zsh or fish, or print one's "
            "script with _NEWS_COMPLETE=source_SHELL news"]


def test_without_a_name_the_shell_is_the_one_news_runs_in(monkeypatch: pytest.MonkeyPatch) -> None:
    import typer._completion_shared
    import typer.completion

    for module in (typer._completion_shared, typer.completion):
        monkeypatch.setattr(module, "_get_shell_name", lambda: "fish")
    result = news("--show-completion")
    assert result.exit_code == 0
    assert result.stdout.startswith("complete --command news")


@pytest.mark.parametrize(("shell", "script", "rc_file", "rc_line"), [
    ("bash", ".bash_completions/news.sh", ".bashrc", "source '{home}/.bash_completions/news.sh'"),
    ("zsh", ".zfunc/_news", ".zshrc", "fpath+=~/.zfunc; autoload -Uz compinit; compinit"),
    ("fish", ".config/fish/completions/news.fish", None, None),
])
def test_install_completion_writes_the_script_in_the_home_folder(
        no_shell_detection: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shell: str,
        script: str, rc_file: str | None, rc_line: str | None) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # never the user's own shell files
    result = news("--install-completion", shell)
    assert result.exit_code == 0, result.stderr
    assert f"{shell} completion installed in {tmp_path / script}" in result.stdout
    assert f"_NEWS_COMPLETE=complete_{shell}" in (tmp_path / script).read_text()
    if rc_file and rc_line:
        assert rc_line.format(home=tmp_path) in (tmp_path / rc_file).read_text().splitlines()


def test_install_completion_that_cannot_write_is_one_error_line(
        no_shell_detection: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.write_text("a file where the home folder should be\n")
    monkeypatch.setenv("HOME", str(home))
    result = news("--install-completion", "bash")
    assert result.exit_code == 74
    line, = result.stderr.splitlines()
    assert line.startswith("news: cannot write output: ")
    assert str(home) in line


# -- commands and options --


@pytest.mark.parametrize("shell", SHELLS)
def test_commands_and_options_complete(shell: str) -> None:
    commands = values("news s", shell)
    assert any("show" in line for line in commands) and any("search" in line for line in commands)
    assert not any("related" in line for line in commands)
    options = "\n".join(values("news search --f", shell))
    for option in ("--from", "--fields", "--format"):
        assert option in options
    assert "--entity" not in options


def test_a_choice_completes() -> None:
    assert values("news show 2011 --sort ") == ["date", "-date"]


# -- values from the index --


def test_entity_names_complete_ignoring_case_and_accents(sample_index: None) -> None:
    assert values("news related Olla") == ["Ollanta\\ Humala"]
    assert values("news related olla") == ["Ollanta\\ Humala"]
    assert values("news search --entity Keik") == ["Keiko\\ Fujimori"]
    assert values("news related --entity keiko\\ f") == ["Keiko\\ Fujimori"]
    assert values("news search peru --entity 'Keiko F") == ["Keiko\\ Fujimori"]


def test_a_name_is_one_word_in_every_shell(sample_index: None) -> None:
    """bash inserts a value as it is given, so it comes escaped; zsh and fish quote it."""
    assert values("news related Olla", "zsh") == ["_arguments '*: :((\"Ollanta Humala\"))'"]
    assert values("news related Olla", "fish") == ["Ollanta Humala"]


def test_names_come_most_used_first_and_at_most_fifty(sample_index: None, tmp_path: Path) -> None:
    names = values("news related ")
    assert names[:3] == ["United\\ States", "Keiko\\ Fujimori", "Peruvian\\ general\\ election"]
    assert len(names) == 37  # all the sample has
    archive = tmp_path / "archive"
    for n in range(60):
        write_event(archive, f"2020-01-{1 + n % 28:02d}/event-{n}", f"Event {n}.",
                    meta={"entities": [f"Name {m}" for m in range(n, 60)]})
    assert news("-d", str(archive), "index").exit_code == 0
    many = values(f"news -d {archive} related Name")
    assert many == [f"Name\\ {m}" for m in range(59, 9, -1)]  # Name 59 is in the most events


def test_ids_complete_as_short_ids_while_they_open_with_what_is_typed(sample_index: None) -> None:
    assert values("news show 2011-06-06/oll") == ["2011-06-06/ollanta-humala"]
    assert values("news related 2011-06-06/oll") == ["2011-06-06/ollanta-humala"]
    assert values("news show 2011-6-6/oll") == ["2011-6-6/ollanta-humala"]  # the day as typed
    longer = values("news show 2011-06-06/ollanta-humala-is")
    assert longer == ["2011-06-06/ollanta-humala-is-elected-president-of-peru-in-the-peruvian-general-"
                      "election-defeating-opposition-leader-keiko-fujimori"]
    day = values("news show 2011-06-06/")
    assert len(day) == 32
    assert "2011-06-06/two-united" in day
    # each finds its event
    for value in day[:5]:
        assert news("show", value, "--json").exit_code == 0


def test_a_slug_completes_for_show(sample_index: None) -> None:
    assert values("news show ollanta") == [
        "ollanta-humala-is-elected-president-of-peru-in-the-peruvian-general-election-defeating-"
        "opposition-leader-keiko-fujimori"]


def test_dates_complete_by_year_month_and_day(sample_index: None) -> None:
    words = list(getattr(dates, "RELATIVE_DAYS", {}))  # today, yesterday: when dates.py has them
    assert values("news show ") == ["2006", "2011", "2015", "2016", "2017", *words]
    assert values("news show 201") == ["2011", "2015", "2016", "2017"]
    assert values("news show 2011") == ["2011", "2011-04", "2011-06", "2011-12"]
    assert values("news show 2011-0") == ["2011-04", "2011-06"]
    assert values("news show 2011-06") == ["2011-06", "2011-06-05", "2011-06-06"]
    assert values("news show 2011-06-0") == ["2011-06-05", "2011-06-06"]
    assert values("news show 2011-06-06") == ["2011-06-06"]
    for option in ("--from", "--to", "--on"):
        assert values(f"news search peru {option} 2011-0") == ["2011-04", "2011-06"]
        assert values(f"news related humala {option} 2011-06-0") == ["2011-06-05", "2011-06-06"]


def test_nothing_completes_what_the_index_does_not_hold(sample_index: None) -> None:
    for line in ("news related Zzyzx", "news show 1999", "news show 2011-06-07/", "news show 2011-13",
                 "news show 2011-02-30/x", "news search --entity Zzyzx"):
        assert values(line) == []


def test_the_archive_is_the_one_the_command_line_names(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    write_event(archive, "2020-01-02/a-thing-happens", "A thing happens.",
                meta={"entities": ["Zebediah Quux"]})
    assert news("-d", str(archive), "index").exit_code == 0
    assert values(f"news -d {archive} related Zeb") == ["Zebediah\\ Quux"]
    assert values(f"news related -d {archive} Zeb") == ["Zebediah\\ Quux"]
    assert values(f"news --data-dir {archive} search --entity Zeb") == ["Zebediah\\ Quux"]
    assert values("news related Zeb", env={"NEWS_DATA_DIR": str(archive)}) == ["Zebediah\\ Quux"]
    assert values(f"news -d {archive} show 20") == ["2020"]
    assert values("news related Zeb") == []  # the sample has no such name


def test_a_value_that_is_not_one_printable_line_is_left_out(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    write_event(archive, "2020-01-02/a-thing-happens", "A thing happens.",
                meta={"entities": ["Evil\x1b[2JName", "Evil\x9bTwin", "Evil\u200dish"]})
    assert news("-d", str(archive), "index").exit_code == 0
    assert values(f"news -d {archive} related Evil") == ["Evil\u200dish"]  # a joiner is text


def test_bash_gets_every_special_character_escaped() -> None:
    assert bash_word("O'Brien (Jr.) & \"Sons\" $1 `x` *?[a] #~;|<>!") == (
        "O\\'Brien\\ \\(Jr.\\)\\ \\&\\ \\\"Sons\\\"\\ \\$1\\ \\`x\\`\\ \\*\\?\\[a\\]\\ \\#\\~\\;\\|\\<\\>\\!")
    assert bash_word("São Paulo-2011/x") == "São\\ Paulo-2011/x"


# -- with no index, or one that cannot be read: nothing, and nothing written --

LINES = ("news related Olla", "news show 2011-06-0", "news show 2011-06-06/", "news show oll",
         "news search --entity Keik", "news search --from 2011", "news related 2011-06-06/o")


def _state(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


@pytest.mark.parametrize("shell", SHELLS)
def test_with_no_index_nothing_completes_and_nothing_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shell: str) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("NEWS_CACHE_DIR", str(cache))
    for line in LINES:
        result = complete(line, shell)
        assert result.exit_code == 0
        assert result.stderr == ""
        assert result.stdout.strip() in ("", "_files")  # zsh is told to complete file names
    assert not cache.exists()
    cache.mkdir()
    for line in LINES:
        assert complete(line, shell).exit_code == 0
    assert list(cache.iterdir()) == []


def test_reading_the_index_creates_and_writes_nothing(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """An index no run has open is read as immutable: no -wal or -shm file is made."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("NEWS_CACHE_DIR", str(cache))
    assert news("index").exit_code == 0
    before = _state(cache)
    assert [name for name in before if not name.endswith(".db")] == []
    for line in LINES:
        assert values(line)
    assert _state(cache) == before


def test_an_index_another_run_has_open_is_read_through_its_wal(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    cache = tmp_path / "cache"
    monkeypatch.setenv("NEWS_CACHE_DIR", str(cache))
    assert news("index").exit_code == 0
    database, = cache.glob("*.db")
    writer = sqlite3.connect(database, isolation_level=None)  # as a running refresh holds it
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE entities SET name = 'Ollanta Humala Tasso' WHERE name = 'Ollanta Humala'")
        assert values("news related Olla") == ["Ollanta\\ Humala\\ Tasso"]  # what is committed
    finally:
        writer.close()


def test_a_damaged_index_completes_nothing_and_is_left_as_it_is(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("NEWS_CACHE_DIR", str(cache))
    assert news("index").exit_code == 0
    database, = cache.glob("*.db")
    database.write_bytes(b"not a database at all" * 100)
    before = _state(cache)
    for line in LINES:
        result = complete(line)
        assert (result.exit_code, result.stdout.strip(), result.stderr) == (0, "", "")
    assert _state(cache) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_beside_the_index_is_never_opened(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("NEWS_CACHE_DIR", str(cache))
    assert news("index").exit_code == 0
    database, = cache.glob("*.db")
    os.mkfifo(f"{database}-wal")
    os.mkfifo(f"{database}-shm")
    result = complete("news related Olla")  # would block for ever if opened
    assert (result.exit_code, result.stdout.strip()) == (0, "")


@pytest.mark.parametrize(("shell", "line"), [
    ("bash", "news s"), ("zsh", "news s"), ("fish", "news search --f"), ("zsh", "news related Olla")])
def test_a_tab_imports_neither_rich_nor_rapidfuzz(shell: str, line: str, sample_index: None) -> None:
    """A Tab costs what a start costs: typer's help sanitising would import rich for zsh and fish."""
    protocol = ({"COMP_WORDS": line, "COMP_CWORD": str(len(line.split()) - 1)} if shell == "bash"
                else {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": "get-args"})
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "newscli"], capture_output=True,
                          text=True, env={**os.environ, "_NEWS_COMPLETE": f"complete_{shell}", **protocol})
    assert done.returncode == 0
    assert done.stdout.strip()
    imported = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()}
    assert not {name for name in imported if name.split(".")[0] in ("rich", "rapidfuzz")}
