"""The index database: a changed archive answers as a fresh parse would, whichever files
changed; only the changed files are parsed again; a damaged, foreign, locked or busy
database never gives a wrong answer or a traceback."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SAMPLE, SEED_ID
from helpers import DAY, news, write_event

from newscli.archive import loader
from newscli.archive.location import archive_root
from newscli.index import database as db
from newscli.index import schema


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(SAMPLE, copy)
    return copy


def answers(data: Path, *flags: str) -> list[str]:
    """What a user would compare: every event of the sample's years, the problems, a search,
    the related events, and the summaries (stats, sources, entities)."""
    results = [news(*flags, *args, data=data) for args in (
        ("show", "2006", "--json"), ("show", "2011", "--json"), ("show", "2015", "--json"),
        ("show", "2016", "--json"), ("show", "2017", "--json"), ("check", "--json"),
        ("search", "humala", "--json"), ("related", SEED_ID, "--json", "-n", "0"),
        ("related", "Ollanta Humala", "--json", "-n", "0"), ("stats", "--json"),
        ("sources", "--json", "-n", "0"), ("entities", "--json", "-n", "0"),
    )]
    return [r.stdout for r in results]


def fresh(data: Path) -> list[str]:
    return answers(data, "--no-cache")


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = loader.load_file

    def counting(path: str, relpath: str) -> loader.LoadedFile:
        parsed.append(relpath)
        return real(path, relpath)

    monkeypatch.setattr(loader, "load_file", counting)
    return parsed


def database(data: Path) -> Path:
    return db.database_path(archive_root(data)[1])


def age(path: Path, seconds: float = 60) -> None:
    """Move a file's mtime into the past: out of reach of the racy-file rule."""
    then = time.time() - seconds
    os.utime(path, (then, then))


# -- freshness: the cached answer is the --no-cache answer --


def test_a_current_index_parses_nothing(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in archive.rglob("*.md"):
        age(path)
    first = answers(archive)
    parsed = count_parses(monkeypatch)
    assert answers(archive) == first
    assert parsed == []
    monkeypatch.undo()
    assert first == fresh(archive)


def test_an_edited_file_is_parsed_again_alone(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in archive.rglob("*.md"):
        age(path)
    answers(archive)
    seed = next((archive / DAY).glob("ollanta-humala-is-elected*.md"))
    seed.write_text(seed.read_text(encoding="utf-8").replace(
        "# Ollanta Humala is elected", "# Ollanta Humala wins and is elected"), encoding="utf-8")
    parsed = count_parses(monkeypatch)
    result = news("show", SEED_ID, "--json", data=archive)
    assert '"Ollanta Humala wins and is elected' in result.stdout
    assert parsed == [seed.relative_to(archive).as_posix()]
    monkeypatch.undo()
    assert answers(archive) == fresh(archive)


def test_added_removed_and_broken_files(archive: Path) -> None:
    answers(archive)
    day = archive / DAY
    (day / "zz-added.md").write_text(
        "### [2011-06-6](/news/2011/06/6/index.md)\n\n# Humala meets the press.\n", encoding="utf-8")
    (day / "zz-broken.md").write_bytes(b"\xff\xfe not text")
    removed = next((archive / "news/2011/06/5").glob("voters-in-peru*.md"))
    removed.unlink()  # the seed's first link now dangles
    incremental = answers(archive)
    assert incremental == fresh(archive)
    assert "zz-added" in incremental[1] and "zz-broken.md" in incremental[5]


def test_a_renamed_file(archive: Path) -> None:
    answers(archive)
    seed = next((archive / DAY).glob("ollanta-humala-is-elected*.md"))
    seed.rename(seed.with_name("humala-elected.md"))
    after = answers(archive)
    assert after == fresh(archive)
    assert "2011-06-06/humala-elected" in after[1] and SEED_ID not in after[1]


def test_a_touched_file_keeps_its_problems(archive: Path) -> None:
    bad = archive / DAY / "bad-date.md"
    bad.write_text("---\ndate: banana\n---\n# A title\n", encoding="utf-8")
    answers(archive)
    other = next((archive / DAY).glob("ollanta-humala-is-elected*.md"))
    os.utime(other)  # changes the listing, not the bad file
    check = news("check", data=archive)
    assert check.exit_code == 1
    assert "bad-date.md: error: frontmatter date is not a date" in check.stdout
    assert answers(archive) == fresh(archive)


def test_a_link_to_a_removed_file_shows_its_own_text(archive: Path) -> None:
    target = next((archive / "news/2011/06/5").glob("voters-in-peru*.md"))
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("\ntitle: Voters in Peru", "\ntitle: EDITED Voters in Peru")
                      .replace("\n# Voters in Peru", "\n# EDITED Voters in Peru"), encoding="utf-8")
    linked = news("show", SEED_ID, "--json", data=archive).stdout
    assert '"EDITED Voters in Peru' in linked  # a found link shows the file's title
    target.unlink()
    after = news("show", SEED_ID, "--json", data=archive).stdout
    assert '"EDITED' not in after and '"Voters in Peru go to the polls' in after
    assert answers(archive) == fresh(archive)


def test_a_link_target_whose_date_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = "2011-06-05/target"
    write_event(tmp_path, target, "The target event.", meta={})
    write_event(tmp_path, "2011-06-06/linker", "The linking event.", links=[(target, "The target", [])])
    for path in tmp_path.rglob("*.md"):
        age(path)
    assert '"found": true' in news("show", "linker", "--json", data=tmp_path).stdout
    path = tmp_path / "news/2011/06/5/target.md"
    path.write_text(path.read_text(encoding="utf-8").replace("date: '2011-06-05'", "date: '2011-06-07'")
                    .replace("[2011-06-5]", "[2011-06-7]"), encoding="utf-8")
    parsed = count_parses(monkeypatch)
    shown = news("show", "linker", "--json", data=tmp_path).stdout
    assert '"found": false' in shown  # the target now has another id: the link names nothing
    assert parsed == ["news/2011/06/5/target.md"]  # the linking file was not read again
    monkeypatch.undo()
    assert shown == news("--no-cache", "show", "linker", "--json", data=tmp_path).stdout


def test_a_same_slug_twin_makes_a_dateless_link_ambiguous(tmp_path: Path) -> None:
    write_event(tmp_path, "2011-06-05/target", "The target event.")
    linker = tmp_path / "news/2011/06/6/linker.md"
    linker.parent.mkdir(parents=True)
    linker.write_text("# The linking event.\n\n### Related:\n\n1. [The target](target.md)\n",
                      encoding="utf-8")
    assert '"found": true' in news("show", "linker", "--json", data=tmp_path).stdout
    write_event(tmp_path, "2012-01-01/target", "A twin with the same slug.")
    shown = news("show", "linker", "--json", data=tmp_path).stdout
    assert '"found": false' in shown
    assert shown == news("--no-cache", "show", "linker", "--json", data=tmp_path).stdout


def test_an_event_that_wins_its_id_back(tmp_path: Path) -> None:
    """Two files give one id: the first path keeps it; when it goes, the other has it."""
    write_event(tmp_path, "2011-06-06/twin", "The first twin.")
    copy = tmp_path / "news/2011/6/6/twin.md"
    copy.parent.mkdir(parents=True)
    copy.write_text("### [2011-06-6](/x)\n\n# The second twin.\n", encoding="utf-8")
    assert "The first twin" in news("show", "twin", "--json", data=tmp_path).stdout
    assert "duplicate id" in news("check", data=tmp_path).stdout
    (tmp_path / "news/2011/06/6/twin.md").unlink()
    shown = news("show", "twin", "--json", data=tmp_path)
    assert "The second twin" in shown.stdout
    assert news("check", data=tmp_path).exit_code == 0
    assert shown.stdout == news("--no-cache", "show", "twin", "--json", data=tmp_path).stdout


def test_a_same_size_edit_within_the_second_is_seen(archive: Path) -> None:
    """git's racy-file rule: a file modified as the index was made is read again next time,
    even when an edit keeps both its size and its mtime."""
    seed = next((archive / DAY).glob("ollanta-humala-is-elected*.md"))
    os.utime(seed)  # this second's mtime, as an editor saving it would leave
    assert news("index", data=archive).exit_code == 0  # indexed while the seed is racy
    before = seed.stat()
    seed.write_text(seed.read_text(encoding="utf-8").replace("# Ollanta Humala is elected",
                                                             "# OLLANTA HUMALA is elected"), encoding="utf-8")
    os.utime(seed, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime
    assert seed.stat().st_size == before.st_size
    assert '"OLLANTA HUMALA is elected' in news("show", SEED_ID, "--json", data=archive).stdout
    assert answers(archive) == fresh(archive)


def test_an_old_unchanged_file_is_trusted(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside the racy window a file keeping its size and mtime is not read again."""
    for path in archive.rglob("*.md"):
        age(path)
    answers(archive)
    answers(archive)  # the racy files of the first run are read once more, then trusted
    parsed = count_parses(monkeypatch)
    answers(archive)
    assert parsed == []


def test_a_file_that_could_not_be_read_is_read_again(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in archive.rglob("*.md"):
        age(path)
    seed = next((archive / DAY).glob("ollanta-humala-is-elected*.md"))
    real_open = os.open

    def refuse(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(seed.name):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "open", refuse)
        assert news("show", SEED_ID, data=archive).exit_code == 1
    assert news("show", SEED_ID, data=archive).exit_code == 0  # no change on disk, read again
    assert answers(archive) == fresh(archive)


# -- the database itself --


def test_a_database_of_another_schema_is_rebuilt(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers(archive)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    parsed = count_parses(monkeypatch)
    result = news("show", "2011-06-06", data=archive)
    assert result.exit_code == 0
    assert "rebuilding it" in result.stderr and "schema version" in result.stderr
    assert len(parsed) > 100  # everything parsed again
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("damage", ["truncated", "garbage", "foreign", "empty", "zeroed"])
def test_a_damaged_database_is_rebuilt(archive: Path, damage: str) -> None:
    answers(archive)
    path = database(archive)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif damage == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif damage == "foreign":
        path.unlink()
        with contextlib.closing(sqlite3.connect(path)) as other:
            other.execute("CREATE TABLE files (x)")
            other.execute("INSERT INTO files VALUES (1)")
            other.commit()
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(data[:4096] + bytes(len(data) - 4096))
    for name in (path.name + "-wal", path.name + "-shm"):
        with contextlib.suppress(FileNotFoundError):
            (path.parent / name).unlink()
    result = news("show", "2011", "--json", data=archive)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) <= 1
    assert answers(archive) == fresh(archive)


def test_a_database_of_another_archive_is_not_used(archive: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(archive / "news" / "2011", other / "news" / "2011")
    answers(archive)
    shutil.copy(database(archive), database(other))  # as if two archives' keys met
    result = news("show", "2006", "--json", data=other)
    assert result.exit_code == 1  # the other archive has no 2006
    assert "another archive" in result.stderr


def test_something_not_a_file_where_the_database_goes(archive: Path) -> None:
    path = database(archive)
    path.parent.mkdir(parents=True, exist_ok=True)
    if hasattr(os, "mkfifo"):
        os.mkfifo(path)  # opening it for reading would block forever
        result = news("show", "2011-06-06", data=archive)
        assert result.exit_code == 0
        assert path.is_file() and not path.is_fifo()
    path.unlink()
    path.mkdir()  # a folder cannot be removed for us: the run works without an index
    result = news("show", "2011-06-06", data=archive)
    assert result.exit_code == 0
    assert "working without it" in result.stderr


def test_a_read_only_cache_folder_only_costs_speed(archive: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x", encoding="utf-8")
    monkeypatch.setenv("NEWS_CACHE_DIR", str(blocked / "cache"))
    result = news("show", "2011-06-06", data=archive)
    assert result.exit_code == 0
    assert result.stderr == ""


def test_a_run_waits_for_another_write_then_answers_from_a_copy(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers(archive)
    (archive / DAY / "zz-added.md").write_text("# Humala meets the press.\n", encoding="utf-8")
    monkeypatch.setattr(db, "BUSY_SECONDS", 0.2)
    with contextlib.closing(sqlite3.connect(database(archive), isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another run, in the middle of its refresh
        result = news("show", "2011-06-06", "--json", data=archive)
        other.execute("ROLLBACK")
    assert result.exit_code == 0
    assert "zz-added" in result.stdout
    assert "answering from a copy" in result.stderr
    assert answers(archive) == fresh(archive)


def test_a_locked_database_is_read_while_another_run_writes(archive: Path) -> None:
    answers(archive)
    with contextlib.closing(sqlite3.connect(database(archive), isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        other.execute("DELETE FROM events")  # not committed: nobody sees it
        result = news("show", "2011-06-06", "--json", data=archive)
        other.execute("ROLLBACK")
    assert result.exit_code == 0 and result.stderr == ""
    assert SEED_ID in result.stdout


def test_old_cache_files_are_removed(archive: Path) -> None:
    folder = db.cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    old = [folder / "0123456789abcdef0123.idx", folder / "0123456789abcdef0123.words",
           folder / ".tmp-x1y2z3.idx"]
    for path in old:
        path.write_bytes(b"marshal")
    assert news("show", "2011-06-06", data=archive).exit_code == 0
    assert not [path for path in old if path.exists()]


# -- runs in other processes --


def _news_process(root: Path, cache: Path, *args: str, slow: Path | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "NEWS_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(slow)] if slow else [sys.executable, "-m", "newscli"]
    return subprocess.Popen([*command, "-d", str(root), *args], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _many(root: Path, count: int) -> Path:
    for n in range(count):
        write_event(root, f"2011-06-{n % 28 + 1:02d}/event-{n:04}", f"Event number {n} happens.")
    return root


def test_two_runs_at_once_on_a_cold_cache(tmp_path: Path) -> None:
    root = _many(tmp_path / "archive", 1500)
    cache = tmp_path / "cache"
    runs = [_news_process(root, cache, "show", "2011-06", "--json") for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert outputs[0][0] == outputs[1][0]
    assert "Traceback" not in outputs[0][1] + outputs[1][1]
    fresh_run = _news_process(root, tmp_path / "other-cache", "--no-cache", "show", "2011-06", "--json")
    assert fresh_run.communicate(timeout=120)[0] == outputs[0][0]


def _killed_while_writing(root: Path, cache: Path, tmp_path: Path) -> None:
    """Run news with a slow writer and SIGKILL it once it has written a chunk."""
    started = tmp_path / "writing-started"
    started.unlink(missing_ok=True)
    slow = tmp_path / "slow_news.py"
    slow.write_text(
        "import sys, time\n"
        "from pathlib import Path\n"
        "import newscli.index.refresh as refresh\nimport newscli.index.writer as writer\n"
        "refresh.CHUNK = 5\n"
        "real = writer.Writer.insert\n"
        "def insert(self, chunk):\n"
        "    real(self, chunk)\n"
        f"    Path({str(started)!r}).touch()\n"
        "    time.sleep(0.2)\n"
        "writer.Writer.insert = insert\n"
        "from newscli.cli import main\n"
        "sys.argv = ['news', *sys.argv[1:]]\n"
        "main()\n",
        encoding="utf-8",
    )
    proc = _news_process(root, cache, "show", "2011-06", slow=slow)
    deadline = time.monotonic() + 60
    while not started.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert started.exists(), "the refresh never started writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def test_a_run_killed_while_writing_leaves_a_working_index(tmp_path: Path) -> None:
    root = _many(tmp_path / "archive", 200)
    cache = tmp_path / "cache"
    assert _news_process(root, cache, "show", "2011-06").wait(timeout=120) == 0
    for n in range(200, 260):
        write_event(root, f"2011-06-{n % 28 + 1:02d}/event-{n:04}", f"Event number {n} happens.")
    _killed_while_writing(root, cache, tmp_path)
    after = _news_process(root, cache, "show", "2011-06", "--json")
    out, err = after.communicate(timeout=120)
    assert after.returncode == 0, err
    assert out.count('"id"') == 260
    with contextlib.closing(sqlite3.connect(next(cache.glob("*.db")))) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_first_index_killed_while_writing_leaves_nothing_behind(tmp_path: Path) -> None:
    root = _many(tmp_path / "archive", 200)
    cache = tmp_path / "cache"
    _killed_while_writing(root, cache, tmp_path)
    assert [p.suffix for p in cache.iterdir()] == [".tmp"]  # its half-built file
    after = _news_process(root, cache, "show", "2011-06", "--json")
    out, err = after.communicate(timeout=120)
    assert after.returncode == 0, err
    assert out.count('"id"') == 200
    assert [p.suffix for p in cache.iterdir()] == [".db"]  # the leftover removed


# -- the commands --


def test_no_cache_before_or_after_the_command(archive: Path) -> None:
    before = news("--no-cache", "show", "2011-06-06", data=archive)
    after = news("show", "2011-06-06", "--no-cache", data=archive)
    assert before.exit_code == after.exit_code == 0
    assert before.stdout == after.stdout
    assert not database(archive).exists()


def test_index_reports_what_it_did(archive: Path) -> None:
    first = news("index", "--json", data=archive)
    assert first.exit_code == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["added"] == report["parsed"] == report["files"] == len(list(archive.rglob("*.md")))
    assert report["events"] == 184 and report["skipped"] == 0
    assert report["database"].endswith(".db") and Path(report["database"]).is_file()
    (archive / DAY / "zz-added.md").write_text("# Humala meets the press.\n", encoding="utf-8")
    second = json.loads(news("index", "--json", data=archive).stdout)
    assert (second["added"], second["changed"], second["removed"]) == (1, 0, 0)
    rebuilt = json.loads(news("index", "--rebuild", "--json", data=archive).stdout)
    assert rebuilt["parsed"] == rebuilt["files"]
    with contextlib.closing(sqlite3.connect(report["database"])) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (185,)


def test_cache_lists_prunes_and_clears(archive: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_CACHE_DIR", str(tmp_path / "cache"))
    gone = tmp_path / "gone"
    shutil.copytree(archive / "news" / "2011", gone / "news" / "2011")
    news("index", data=archive)
    news("index", data=gone)
    listed = json.loads(news("cache", "--json").stdout)
    assert sorted(row["archive_exists"] for row in listed) == [True, True]
    shutil.rmtree(gone)
    pruned = news("cache", "--prune", "--json")
    assert [row["archive"] for row in json.loads(pruned.stdout)] == [str(gone / "news")]
    assert len(json.loads(news("cache", "--json").stdout)) == 1
    assert news("cache", "--clear").exit_code == 0
    empty = news("cache")
    assert empty.exit_code == 1 and empty.stderr.startswith("news: no indexes in ")
