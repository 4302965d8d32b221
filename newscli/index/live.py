"""Asking the archive's watcher (`news watch`, index/watcher.py) whether the index already
holds every change made so far, so that a query may skip the walk of the archive.

A query asks only when a watcher's socket is in the cache folder, and trusts the index
only on the answer "ok" with its own archive's name, within SYNC_SECONDS: the watcher
reads every file event the kernel queued before the question, applies them, and then
answers.  No socket, a file in its place, a dead or hung watcher, another archive's
watcher, any error: the query walks the archive as it does without one.  Imported on
every query, so it imports nothing until a socket is there.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newscli.index.database import database_path

# how long a query waits for the watcher before walking the archive itself (a walk of
# the whole archive takes 0.35 s)
SYNC_SECONDS = 0.25
# AF_UNIX addresses are limited to 108 bytes; a longer one is reached through a descriptor
# of its folder
_LONGEST_ADDRESS = 100


def socket_path(folder: Path) -> Path:
    return database_path(folder).with_suffix(".sock")


def lock_path(folder: Path) -> Path:
    """Held (flock) by the archive's one watcher, and holds its pid."""
    return database_path(folder).with_suffix(".watch")


def log_path(folder: Path) -> Path:
    """Where a detached watcher writes its stderr."""
    return database_path(folder).with_suffix(".log")


def vouched(folder: Path, archive: str) -> bool:
    """Whether the archive's watcher says the index holds every change made until now."""
    path = socket_path(folder)
    try:
        if not stat.S_ISSOCK(os.lstat(path).st_mode):
            return False
    except OSError:
        return False
    import socket

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client, address(path) as where:
            client.settimeout(SYNC_SECONDS)
            client.connect(where)
            client.sendall(b"sync\n")
            return read_line(client) == f"ok {archive}"
    except (OSError, ValueError, UnicodeDecodeError):
        return False


def read_line(connection: object, limit: int = 65536) -> str:
    """One line from a socket, without its newline (at most `limit` bytes)."""
    got = b""
    while not got.endswith(b"\n"):
        more = connection.recv(4096)  # type: ignore[attr-defined]
        if not more or len(got) > limit:
            raise ValueError("no answer")
        got += more
    return got[:-1].decode("utf-8")


@contextmanager
def address(path: Path) -> Iterator[str]:
    """The address to bind or connect to for `path`: itself, or when too long for AF_UNIX,
    the same name in /proc/self/fd/N (Linux), N being its folder, kept open meanwhile."""
    text = str(path)
    if len(os.fsencode(text)) <= _LONGEST_ADDRESS:
        yield text
        return
    fd = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        yield f"/proc/self/fd/{fd}/{path.name}"
    finally:
        os.close(fd)


def watcher_pid(folder: Path) -> int | None:
    """The pid of the archive's watcher (-1 if unknown), None when there is none."""
    return watcher_pid_at(lock_path(folder))


def watcher_pid_at(lock: Path) -> int | None:
    try:
        import fcntl
    except ImportError:  # no flock, no watcher
        return None
    try:
        fd = os.open(lock, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 32, 0).decode(errors="replace").strip()
            return int(text) if text.isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
