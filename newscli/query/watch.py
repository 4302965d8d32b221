"""`news watch`: run the archive's watcher here, start it in the background, or stop it.
The watcher itself is index/watcher.py (Linux's inotify); this module only starts and
stops it, and imports it only when it runs here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from newscli.archive.location import archive_root
from newscli.errors import CannotWatch
from newscli.index import live
from newscli.index.database import archive_text

START_SECONDS = 600.0  # a detached watcher first builds the index: 20 s on the whole archive
STOP_SECONDS = 5.0


def watch_here(data_dir: Path, say: Callable[[str], None],
               progress: Callable[[int, int], None] | None = None) -> None:
    """Watch in this process until Ctrl-C or SIGTERM."""
    try:
        from newscli.index.watcher import serve
    except ImportError:  # inotify_simple is installed on Linux only
        raise CannotWatch(f"news watch needs Linux's inotify; {sys.platform} has none: "
                          "queries walk the archive instead") from None
    serve(data_dir, say, progress)


def detach(data_dir: Path) -> int:
    """Start a watcher in the background and wait until it answers; its pid."""
    folder = archive_root(data_dir)[1]
    running = live.watcher_pid(folder)
    if running is not None:
        raise CannotWatch(f"a watcher already runs for this archive (pid {running}); "
                          "news watch --stop ends it")
    log = live.log_path(folder)
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as errors:
        child = subprocess.Popen([sys.executable, "-m", "newscli", "-d", str(data_dir), "watch"],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
                                 start_new_session=True, env={**os.environ, "NO_COLOR": "1"})
    deadline = time.monotonic() + START_SECONDS
    archive = archive_text(folder)
    try:
        while not live.vouched(folder, archive):
            if child.poll() is not None:
                raise CannotWatch(_last_line(log) or f"the watcher ended at once (exit {child.returncode})")
            if time.monotonic() > deadline:
                raise CannotWatch(f"the watcher did not start within {START_SECONDS:.0f} s; see {log}")
            time.sleep(0.05)
    except BaseException:
        if child.poll() is None:
            child.terminate()
        raise
    return child.pid


def stop(data_dir: Path) -> int:
    """Stop the archive's watcher; its pid."""
    folder = archive_root(data_dir)[1]
    pid = live.watcher_pid(folder)
    if pid is None or pid <= 0:
        raise CannotWatch("no watcher runs for this archive")
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    while live.watcher_pid(folder) is not None:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)  # the index is whole at any moment: nothing is lost
            break
        time.sleep(0.02)
    return pid


def _last_line(log: Path) -> str:
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1].removeprefix("news: ") if lines else ""
