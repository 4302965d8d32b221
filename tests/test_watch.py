"""`news watch` (issue 16): with a watcher running, a query skips the walk of the archive and
still answers exactly as `--no-cache` does, each change followed at once by a query (no
sleep); and whatever happens to the watcher, queries stay right."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE
from helpers import run

from newscli.archive.location import archive_root
from newscli.errors import CannotWatch
from newscli.index import live

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="news watch is Linux's (inotify)")

DAY = "news/2011/06/6"
START_SECONDS = 30


def _start(archive: Path) -> subprocess.Popen[bytes]:
    watcher = subprocess.Popen([sys.executable, "-m", "newscli", "-d", str(archive), "watch"], cwd=REPO,
                               env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + START_SECONDS
    while not _vouched(archive):
        if watcher.poll() is not None:
            pytest.fail(f"news watch ended: {watcher.communicate()}")
        assert time.monotonic() < deadline, "news watch did not start"
        time.sleep(0.02)
    return watcher


def _vouched(archive: Path) -> bool:
    folder = archive_root(archive)[1]
    return live.vouched(folder, str(folder.resolve()))


def _stop(watcher: subprocess.Popen[bytes]) -> tuple[int, bytes]:
    if watcher.poll() is None:
        watcher.send_signal(signal.SIGTERM)
    _, err = watcher.communicate(timeout=10)
    return watcher.returncode, err


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    shutil.copytree(SAMPLE, root)
    return root


@pytest.fixture
def watched(archive: Path) -> Iterator[Path]:
    watcher = _start(archive)
    yield archive
    status, err = _stop(watcher)
    assert status == 143, err  # SIGTERM, as `news watch --stop` sends it
    assert not live.socket_path(archive_root(archive)[1]).exists()


def _assert_fresh(archive: Path, *query: str, watched: bool = True) -> str:
    """The query's answer now equals --no-cache's, and (`watched`) the watcher vouched for it."""
    status, report, err = run("-d", str(archive), "index", "--json")
    assert status == 0, err
    assert json.loads(report)["watched"] is watched
    if watched:
        assert json.loads(report)["parsed"] == 0  # the watcher left the query nothing to do
    cached = run("-d", str(archive), *query, "--jsonl")
    fresh = run("-d", str(archive), "--no-cache", *query, "--jsonl")
    assert cached == fresh
    return cached[1]


def _titles_in_index(archive: Path, title: str) -> int:
    """How many events of that title the index holds, read past news."""
    from newscli.index.database import database_path

    with contextlib.closing(sqlite3.connect(database_path(archive_root(archive)[1]))) as connection:
        return int(connection.execute("SELECT count(*) FROM events WHERE title = ?", (title,)).fetchone()[0])


def _event_files(archive: Path) -> list[Path]:
    return sorted(p for p in (archive / DAY).glob("*.md") if p.name != "index.md")


def _headline(path: Path, text: str) -> None:
    """Set the event's title, wherever the file gives it (frontmatter, else the heading)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    done = []
    for line in lines:
        if line.startswith("title:"):
            line = f"title: {text}\n"
        elif line.startswith("# "):
            line = f"# {text}\n"
        done.append(line)
    path.write_text("".join(done), encoding="utf-8")


def test_each_change_is_in_the_next_answer(watched: Path) -> None:
    first, second = _event_files(watched)[:2]
    _assert_fresh(watched, "show", "2011-06")

    _headline(first, "Edited in place")  # an edit in place
    assert "Edited in place" in _assert_fresh(watched, "show", "2011-06-06")

    stamp = first.stat()
    _headline(first, "Edited twice AB")  # the same size, the same mtime: only the event tells
    _headline(first, "Edited twice CD")
    os.utime(first, ns=(stamp.st_atime_ns, first.stat().st_mtime_ns))
    assert "Edited twice CD" in _assert_fresh(watched, "show", "2011-06-06")

    added = watched / DAY / "a-new-event.md"  # an addition
    added.write_text("### [2011-06-6](/news/2011/06/6/index.md)\n\n# A new event\n", encoding="utf-8")
    assert "A new event" in _assert_fresh(watched, "show", "2011-06-06")

    second.unlink()  # a removal
    _assert_fresh(watched, "show", "2011-06-06")

    added.rename(added.with_name("renamed-event.md"))  # a rename
    assert "renamed-event" in _assert_fresh(watched, "show", "2011-06-06")

    temporary = first.with_name(f".{first.name}.swp")  # an editor's write, then rename
    temporary.write_text(first.read_text(encoding="utf-8").replace("Edited twice CD", "Saved by an editor"),
                         encoding="utf-8")
    os.replace(temporary, first)
    assert "Saved by an editor" in _assert_fresh(watched, "show", "2011-06-06")


def test_a_day_folder_moved_and_a_new_year(watched: Path) -> None:
    (watched / DAY).rename(watched / "news/2011/06/16")  # a day folder moved
    _assert_fresh(watched, "show", "2011-06")
    (watched / "news/2011/06/16").rename(watched / DAY)
    _assert_fresh(watched, "show", "2011-06")
    new_day = watched / "news/2030/01/1"  # folders made, and files in them at once
    new_day.mkdir(parents=True)
    (new_day / "later.md").write_text("### [2030-01-1](/news/2030/01/1/index.md)\n\n# Later\n",
                                      encoding="utf-8")
    assert "Later" in _assert_fresh(watched, "show", "2030")


def test_a_link_whose_target_changes_date(watched: Path) -> None:
    target = watched / DAY / "the-target.md"
    target.write_text("### [2011-06-6](/news/2011/06/6/index.md)\n\n# The target\n", encoding="utf-8")
    (watched / DAY / "the-link.md").write_text(
        "### [2011-06-6](/news/2011/06/6/index.md)\n\n# The link\n\n### Related:\n\n"
        "1. [The target](/news/2011/06/6/the-target.md) _Context: Peru_\n", encoding="utf-8")
    linked = _assert_fresh(watched, "show", "2011-06-06/the-link")
    target.write_text("### [2012-07-9](/news/2012/07/9/index.md)\n\n# The target\n", encoding="utf-8")
    assert _assert_fresh(watched, "show", "2011-06-06/the-link") != linked  # the link follows it


def test_ten_thousand_files_added_at_once(watched: Path) -> None:
    day = watched / "news/2031/02/3"
    day.mkdir(parents=True)
    for n in range(10_000):
        (day / f"bulk-{n}.md").write_text(f"### [2031-02-3](/news/2031/02/3/index.md)\n\n# Bulk {n}\n",
                                          encoding="utf-8")
    # the watcher may still be applying them: the query then walks, and is right either way
    cached = run("-d", str(watched), "show", "2031", "--jsonl")
    assert cached == run("-d", str(watched), "--no-cache", "show", "2031", "--jsonl")
    assert cached[1].count("\n") == 10_000


# -- faults --


def test_a_watcher_killed_at_any_moment_of_a_change(archive: Path) -> None:
    for _ in range(3):
        watcher = _start(archive)
        day = archive / "news/2032/03" / str(random.randint(1, 28))
        day.mkdir(parents=True, exist_ok=True)
        for n in range(300):
            (day / f"many-{n}.md").write_text(f"# Many {n} {random.random()}\n", encoding="utf-8")
        time.sleep(random.uniform(0, 0.3))
        watcher.kill()
        watcher.communicate(timeout=10)
        assert not _vouched(archive)  # its socket is left, and answers nothing
        _assert_fresh(archive, "show", "2032", watched=False)


def test_a_socket_replaced_by_a_file(archive: Path) -> None:
    socket = live.socket_path(archive_root(archive)[1])
    socket.parent.mkdir(parents=True, exist_ok=True)
    socket.write_text("not a socket")
    _headline(_event_files(archive)[0], "Nobody watches")
    assert "Nobody watches" in _assert_fresh(archive, "show", "2011-06-06", watched=False)
    watcher = _start(archive)  # a watcher replaces it
    _assert_fresh(archive, "show", "2011-06-06")
    assert _stop(watcher)[0] == 143


def test_two_watchers_for_one_archive(watched: Path) -> None:
    second = subprocess.run([sys.executable, "-m", "newscli", "-d", str(watched), "watch"], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                            timeout=60)
    assert second.returncode == 1
    assert second.stderr.startswith("news: a watcher already runs for this archive (pid ")
    assert second.stderr.count("\n") == 1
    _assert_fresh(watched, "show", "2011-06-06")  # the first one still answers


def test_another_archives_watcher_is_not_trusted(watched: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(SAMPLE, other)
    run("-d", str(other), "index")
    mine, theirs = (live.socket_path(archive_root(a)[1]) for a in (other, watched))
    os.link(theirs, mine)  # the other archive's socket, under this one's name
    _headline(_event_files(other)[0], "Not the watched archive")
    assert "Not the watched archive" in _assert_fresh(other, "show", "2011-06-06", watched=False)
    mine.unlink()


def test_a_queue_overflow_walks_the_archive_again(archive: Path) -> None:
    from inotify_simple import Event, flags

    from newscli.index.database import open_database
    from newscli.index.watcher import Watcher

    run("-d", str(archive), "index")
    watcher = Watcher(archive, lambda line: None)
    try:
        watcher.start(open_database(archive_root(archive)[1], True, lambda line: None))
        _headline(_event_files(archive)[0], "Lost in an overflow")
        time.sleep(0.05)
        watcher.inotify.read(timeout=0)  # the events are lost, as in an overflow
        watcher.take([Event(-1, flags.Q_OVERFLOW, 0, "")])
        watcher.apply_pending()
    finally:
        watcher.close()
    assert _titles_in_index(archive, "Lost in an overflow") == 1  # the watcher applied it
    assert "Lost in an overflow" in _assert_fresh(archive, "show", "2011-06-06", watched=False)


def test_an_archive_on_a_network_file_system_is_not_watched(archive: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from newscli.index import watcher

    monkeypatch.setattr(watcher, "file_system_of", lambda folder: "nfs4")
    with pytest.raises(CannotWatch, match="nfs4 file system"):
        watcher.refuse_remote(archive)


def test_detach_then_stop(archive: Path) -> None:
    status, out, err = run("-d", str(archive), "watch", "--detach")
    assert (status, out) == (0, "")
    assert err.startswith("news: watching in the background (pid ")
    pid = int(err.split("pid ")[1].split(")")[0])
    status, listed, _ = run("cache", "--json")
    assert pid in [row["watcher"] for row in json.loads(listed)]
    _headline(_event_files(archive)[0], "Watched in the background")
    assert "Watched in the background" in _assert_fresh(archive, "show", "2011-06-06")
    assert run("-d", str(archive), "watch", "--stop") == (0, "", f"news: stopped the watcher (pid {pid})\n")
    assert run("-d", str(archive), "watch", "--stop") == (1, "", "news: no watcher runs for this archive\n")
    _assert_fresh(archive, "show", "2011-06-06", watched=False)


def test_watch_refuses_no_cache(archive: Path) -> None:
    status, out, err = run("-d", str(archive), "--no-cache", "watch")
    assert (status, out) == (2, "")
    assert "--no-cache" in err
