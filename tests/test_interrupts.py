"""Ctrl-C and SIGTERM during an index build (issue 17): at any moment of a first build, a
rebuild or a refresh, `news` exits 130 (SIGINT to its process group, as a terminal sends
it) or 143 (SIGTERM to the process), says nothing, leaves no process and no temporary
file, and the next run answers as `--no-cache` does.  Then the worker crew itself: answers
in order, a worker that dies or fails, and workers that die with their parent."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE

from newscli import stopping
from newscli.index import database as db
from newscli.workers import FAILED, Crew

# 195 sample files copied this often: a first build of about two seconds, parsed by workers
COPIES = 48
# the moments to stop a run at, as fractions of its time uninterrupted, counted from when its
# work begins (before, in the interpreter's own start-up, no program can handle a signal)
MOMENTS = (0.15, 0.3, 0.45, 0.6, 0.75)
STOP_WITHIN = 5.0  # seconds: a second on a quiet machine, with room for a loaded CI runner
SIGNALS = {signal.SIGINT: 130, signal.SIGTERM: 143}

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes need fork")


def _copied_sample(root: Path) -> Path:
    for path in (SAMPLE / "news").rglob("*.md"):
        folder = root / path.parent.relative_to(SAMPLE)
        folder.mkdir(parents=True, exist_ok=True)
        if path.name == "index.md":  # a day page: once is enough
            shutil.copyfile(path, folder / path.name)
            continue
        text = path.read_text(encoding="utf-8")
        for copy in range(COPIES):
            (folder / f"{copy}-{path.name}").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copied_sample(tmp_path_factory.mktemp("big") / "archive")


def _news(archive: Path, cache: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NEWS_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "newscli", "-d", str(archive), *args], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)  # its own session: `pgrep -s` finds its workers


def _took(archive: Path, cache: Path, *args: str) -> float:
    return _run(archive, cache, *args)[0]


def _run(archive: Path, cache: Path, *args: str) -> tuple[float, bytes]:
    """(how long `news ARGS` took, what it printed)."""
    started = time.monotonic()
    done = _news(archive, cache, *args)
    out, _ = done.communicate(timeout=120)
    assert done.returncode == 0
    return time.monotonic() - started, out


def _session(pid: int) -> list[str]:
    """The processes still in the session the run led (its workers, had they outlived it)."""
    found = subprocess.run(["pgrep", "-s", str(pid)], capture_output=True, text=True)
    return found.stdout.split()


def _stop_at(archive: Path, cache: Path, args: tuple[str, ...], after: float, signum: int,
             answer: bytes = b"") -> bool:
    """Start `news`, send `signum` after `after` seconds, and check how it ended: at most
    the beginning of its `answer` printed, when the signal came as it was printed.  False
    when it had finished before the signal came."""
    run = _news(archive, cache, *args)
    _wait_until_it_works(run.pid, (archive, cache))
    time.sleep(after)
    if signum == signal.SIGINT:
        os.killpg(run.pid, signum)  # as a terminal's Ctrl-C: every process of the group
    else:
        run.send_signal(signum)
    sent = time.monotonic()
    try:
        out, err = run.communicate(timeout=STOP_WITHIN)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        run.communicate()
        pytest.fail(f"{' '.join(args)} did not stop within {STOP_WITHIN} s of signal {signum} "
                    f"sent {after:.2f} s in")
    moment = f"{signum!r} {after:.2f} s in, answered in {time.monotonic() - sent:.2f} s"
    if run.returncode == 0:
        return False  # it had finished (a fast machine)
    assert (run.returncode, err) == (SIGNALS[signum], b""), moment
    assert answer.startswith(out), moment
    if shutil.which("pgrep"):
        assert _session(run.pid) == [], f"processes left {moment}"
    assert sorted(p.name for p in cache.glob("*.tmp*")) == [], f"temporary files left {moment}"
    return True


def _wait_until_it_works(pid: int, places: tuple[Path, ...]) -> None:
    """Until the process has a file open in the archive or the cache (Linux's /proc says
    so; elsewhere, a while): it handles signals by then, as its work has begun."""
    fds = Path(f"/proc/{pid}/fd")
    if not fds.exists():
        time.sleep(0.5)
        return
    wanted = tuple(str(place.resolve()) for place in places)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            opened = [os.readlink(fd) for fd in fds.iterdir()]
        except OSError:
            return  # it has ended
        if any(path.startswith(wanted) for path in opened):
            return
        time.sleep(0.002)


def _moments(took: float) -> Iterator[tuple[float, int]]:
    for number, fraction in enumerate(MOMENTS):
        yield fraction * took, list(SIGNALS)[number % 2]


def _assert_answers_as_without_cache(archive: Path, cache: Path) -> None:
    cached = _news(archive, cache, "show", "2011-06", "--jsonl").communicate(timeout=120)
    fresh = _news(archive, cache, "--no-cache", "show", "2011-06", "--jsonl").communicate(timeout=120)
    assert cached == fresh
    assert cached[0].count(b"\n") > COPIES


@needs_fork
def test_stopping_a_first_build_at_any_moment(big_archive: Path, tmp_path: Path) -> None:
    cache, stopped = tmp_path / "cache", list[bool]()
    took, answer = _run(big_archive, cache, "show", "2011-06-06")
    for after, signum in _moments(took):
        shutil.rmtree(cache)
        stopped.append(_stop_at(big_archive, cache, ("show", "2011-06-06"), after, signum, answer))
    assert stopped.count(True) >= len(MOMENTS) - 1, "the runs ended before they could be stopped"
    _assert_answers_as_without_cache(big_archive, cache)


@needs_fork
def test_stopping_a_rebuild_at_any_moment(big_archive: Path, tmp_path: Path) -> None:
    cache, stopped = tmp_path / "cache", list[bool]()
    _took(big_archive, cache, "index")
    took = _took(big_archive, cache, "index", "--rebuild")
    for after, signum in _moments(took):
        stopped.append(_stop_at(big_archive, cache, ("index", "--rebuild"), after, signum))
    assert stopped.count(True) >= len(MOMENTS) - 1, "the runs ended before they could be stopped"
    _assert_answers_as_without_cache(big_archive, cache)


@needs_fork
def test_stopping_a_refresh_at_any_moment(tmp_path: Path) -> None:
    archive, cache, kept = _copied_sample(tmp_path / "archive"), tmp_path / "cache", tmp_path / "kept"
    _took(archive, cache, "index")
    for path in archive.rglob("1*-*.md"):  # copies 1 and 10-19 edited: parsed again
        path.write_text(path.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    shutil.copytree(cache, kept)
    took, stopped = _took(archive, cache, "index"), list[bool]()  # the refresh's time; then undone
    shutil.rmtree(cache)
    shutil.copytree(kept, cache)
    for after, signum in _moments(took):
        stopped.append(_stop_at(archive, cache, ("index",), after, signum))
    assert stopped.count(True) >= len(MOMENTS) - 1, "the runs ended before they could be stopped"
    _assert_answers_as_without_cache(archive, cache)


# -- a long SQLite statement stops too --


def test_a_signal_stops_a_long_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    def on_signal(signum: int, frame: object) -> None:  # as entry.py's handler does
        stopping.requested_by = signum
        raise KeyboardInterrupt

    monkeypatch.setattr(stopping, "requested_by", None)
    previous = signal.signal(signal.SIGALRM, on_signal)
    connection = sqlite3.connect(":memory:")
    db.let_signals_in(connection)
    endless = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
               "SELECT count(*) FROM n")
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(KeyboardInterrupt):
            try:
                connection.execute(endless).fetchone()
            except sqlite3.Error as exc:
                db.raise_if_interrupted(exc)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        connection.close()


def test_an_sqlite_error_with_no_signal_is_not_an_interrupt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stopping, "requested_by", None)
    db.raise_if_interrupted(sqlite3.OperationalError("interrupted"))  # nothing raised


# -- the crew of workers --


def _square(number: int) -> int:
    return number * number


def _fails_on_seven(number: int) -> int:
    if number == 7:
        raise ValueError("seven")
    return number


@needs_fork
def test_a_crew_answers_in_the_order_of_the_jobs() -> None:
    with Crew(_square, 3) as crew:
        assert list(crew.run(list(range(50)))) == [n * n for n in range(50)]


@needs_fork
def test_a_job_that_raises_is_failed_and_the_others_are_answered() -> None:
    with Crew(_fails_on_seven, 2) as crew:
        answers = list(crew.run(list(range(20))))
    assert answers[7] is FAILED
    assert all(answer in (number, FAILED) for number, answer in enumerate(answers))


@needs_fork
def test_a_worker_killed_midway_fails_its_jobs_and_the_rest_are_answered() -> None:
    with Crew(lambda n: time.sleep(0.01) or n, 2) as crew:
        answers = []
        for answer in crew.run(list(range(40))):
            if len(answers) == 5:
                os.kill(crew.workers[0].pid, signal.SIGKILL)
            answers.append(answer)
    assert len(answers) == 40
    assert FAILED in answers
    assert all(answer in (number, FAILED) for number, answer in enumerate(answers))


def _gone(pid: int) -> bool:
    """Not running: no such process, or a zombie nobody has reaped yet."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


@needs_fork
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_leaving_a_crew_by_an_interrupt_leaves_no_worker() -> None:
    with pytest.raises(KeyboardInterrupt), Crew(lambda n: time.sleep(30), 3) as crew:
        answers = crew.run(list(range(6)))
        pids = [worker.pid for worker in crew.workers]
        raise KeyboardInterrupt
    assert answers and len(pids) == 3
    assert all(_gone(pid) for pid in pids)


_KILLED_PARENT = textwrap.dedent("""
    import sys, time
    from newscli.workers import Crew
    with Crew(lambda n: time.sleep(60), 3) as crew:
        answers = crew.run(list(range(6)))
        print(*(worker.pid for worker in crew.workers), flush=True)
        time.sleep(60)
""")


@needs_fork
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_with_a_parent_killed_by_sigkill() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen([sys.executable, "-c", _KILLED_PARENT], env=env, stdout=subprocess.PIPE,
                          text=True) as parent:
        assert parent.stdout is not None
        pids = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(pids) == 3 and not any(_gone(pid) for pid in pids)
        parent.kill()
        parent.wait(timeout=10)
    deadline = time.monotonic() + STOP_WITHIN
    while not all(_gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert all(_gone(pid) for pid in pids), "workers outlived their parent"
