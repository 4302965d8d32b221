"""`news watch`: keeps an archive's index current as its files change, and vouches for it.

The kernel's file events (inotify, through `inotify_simple`: one file of Python over three
system calls, read when we choose; watchfiles and watchdog deliver events from threads of
their own after a debounce, so a question could not be answered knowing that every event
queued before it was applied) tell which folders changed.  Only the parts of the listing
they are in are walked again (a year of the archive: milliseconds), and refresh.py applies
the difference in one write transaction, the files written parsed again whatever their
stamps say.  A question on the socket (live.py) is answered once every event queued
before it has been applied.

It never writes the archive.  It vouches for nothing it cannot see: after a queue overflow
it walks the whole archive again before it answers; a folder it cannot watch (the limit of
watches, fs.inotify.max_user_watches) or an archive on a network file system ends it with
one line, and queries walk the archive as they do without a watcher.
"""

from __future__ import annotations

import contextlib
import fcntl
import marshal
import os
import selectors
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from inotify_simple import INotify, flags  # type: ignore[import-untyped]

from newscli.archive.listing import Part, assembled, part_key, root_key, walk_part
from newscli.archive.location import archive_root
from newscli.errors import CannotWatch
from newscli.index import live, store
from newscli.index.database import Database, archive_text, open_database
from newscli.index.refresh import ProgressCallback, refresh
from newscli.model.words import no_surrogates

WATCHED = (flags.CREATE | flags.DELETE | flags.MODIFY | flags.CLOSE_WRITE | flags.ATTRIB
           | flags.MOVED_FROM | flags.MOVED_TO | flags.DELETE_SELF | flags.MOVE_SELF
           | flags.ONLYDIR | flags.DONT_FOLLOW)
FOLDER_GONE = flags.DELETE_SELF | flags.MOVE_SELF | flags.IGNORED
# file systems whose changes made elsewhere raise no event here
REMOTE = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "lustre",
          "fuse.sshfs", "fuse.rclone", "davfs", "fuse.s3fs", "vboxsf", "virtiofs"}
QUESTION_SECONDS = 1.0  # a client that asks nothing for this long is dropped

Say = Callable[[str], None]


class Watcher:
    """The watches of one archive, its listing part by part, and what events left to apply."""

    def __init__(self, data_dir: Path, say: Say) -> None:
        self.root, self.folder = archive_root(data_dir)
        self.first = root_key(self.root, self.folder)
        self.archive = archive_text(self.folder)
        self.say = say
        self.parts: dict[str, Part] = {}
        self.rel_of: dict[int, str] = {}  # watch descriptor -> folder
        self.watch_of: dict[str, int] = {}
        self.dirty: set[str] = set()  # parts to walk again
        self.written: set[str] = set()  # files to parse again
        self.rewatch = False  # a folder came or went: the watches are checked
        self.overflowed = False
        self.inotify = INotify(nonblocking=True)
        self.database: Database | None = None

    def close(self) -> None:
        self.inotify.close()
        if self.database is not None:
            self.database.close()

    # -- starting: watches first, then the walk, so that nothing between is missed --

    def start(self, database: Database) -> None:
        refuse_remote(self.folder)
        self.database = database
        self._walk_all()
        self._sync_watches()
        self._walk_all()
        self._apply()

    def _walk_all(self) -> None:
        self.parts = {}
        self.dirty = {self.first}
        self._walk_dirty()

    # -- events --

    def take(self, events: Iterable[object]) -> None:
        """Note what the events say changed (applied by `apply_pending`)."""
        for event in events:
            wd, mask, name = event.wd, event.mask, event.name  # type: ignore[attr-defined]
            if mask & flags.Q_OVERFLOW:
                self.overflowed = True
                continue
            rel = self.rel_of.get(wd)
            if rel is None:
                continue
            if mask & FOLDER_GONE:
                self.rewatch = True
                self._forget(wd, rel, mask)
                self.dirty.add(part_key(self.first, rel))
                continue
            child = f"{rel}/{name}" if rel else name
            self.dirty.add(part_key(self.first, rel))
            if mask & flags.ISDIR:
                self.rewatch = True
                self.dirty.add(part_key(self.first, child))
            elif name[-3:].lower() == ".md":
                self.written.add(child if child.isascii() else no_surrogates(child))

    def _forget(self, wd: int, rel: str, mask: int) -> None:
        if self.watch_of.get(rel) == wd:
            del self.watch_of[rel]
        if mask & flags.IGNORED:
            self.rel_of.pop(wd, None)

    def pending(self) -> bool:
        return bool(self.dirty or self.written or self.rewatch or self.overflowed)

    def drain(self) -> None:
        """Take every event the kernel has queued until now."""
        while True:
            events = self.inotify.read(timeout=0)
            if not events:
                return
            self.take(events)

    def apply_pending(self) -> None:
        if not self.pending():
            return
        if self.overflowed:
            self.say("the kernel's queue of file events overflowed: walking the archive again")
            self.overflowed = False
            self.rewatch = True
            self._walk_all()
        self._apply()

    # -- applying --

    def _apply(self) -> None:
        started_ns = time.time_ns()
        started = time.perf_counter()
        self._walk_dirty()
        while self.rewatch:
            self.rewatch = False
            self.dirty = {part_key(self.first, rel) for rel in self._sync_watches()}
            self._walk_dirty()  # what was made in a new folder before its watch was
        linked = [f"{f[0]}/{name}" if f[0] else name for part in self.parts.values()
                  for f in marshal.loads(part.data) for name in f[3]]
        listing = assembled(self.root, self.folder, list(self.parts.values()), started_ns)
        assert self.database is not None
        self.database.begin(immediate=True)
        try:
            changes = refresh(self.database, listing, again=[*self.written, *linked])
            self.database.end()
        except BaseException:
            if self.database.connection.in_transaction:
                self.database.connection.execute("ROLLBACK")
            raise
        self.written = set()
        if changes.any:
            took = (time.perf_counter() - started) * 1000
            self.say(f"watching {len(listing)} files; applied {changes.added} added, "
                     f"{changes.changed} changed, {changes.removed} removed in {took:.0f} ms")

    def _walk_dirty(self) -> None:
        while self.dirty:
            key = self.dirty.pop()
            part = walk_part(self.root, self.folder, key)
            if part is None:
                self.parts.pop(key, None)
                continue
            self.parts[key] = part
            if key == self.first:  # a top folder came or went
                self.dirty.update(top for top in part.tops if top not in self.parts)
                for gone in [k for k in self.parts if k != self.first and k not in part.tops]:
                    del self.parts[gone]

    def _sync_watches(self) -> set[str]:
        """Watch every folder of the listing, and no other; the folders newly watched."""
        folders = {f[0] for part in self.parts.values() for f in marshal.loads(part.data)}
        added = set()
        for rel in sorted(folders - self.watch_of.keys()):
            path = os.path.join(str(self.root), rel) if rel else str(self.root)
            try:
                wd = self.inotify.add_watch(path, WATCHED)
            except OSError as exc:
                if exc.errno == 28:  # ENOSPC: the limit of watches
                    raise CannotWatch(watch_limit_message()) from None
                continue  # gone already: its parent's event walks it again
            old = self.rel_of.get(wd)  # a folder moved: the same watch, at its new place
            if old is not None and self.watch_of.get(old) == wd:
                del self.watch_of[old]
            self.rel_of[wd] = rel
            self.watch_of[rel] = wd
            added.add(rel)
        for rel in self.watch_of.keys() - folders:
            wd = self.watch_of.pop(rel)
            if self.rel_of.get(wd) == rel:
                del self.rel_of[wd]
                with contextlib.suppress(OSError):
                    self.inotify.rm_watch(wd)
        return added


def watch_limit_message() -> str:
    try:
        limit = Path("/proc/sys/fs/inotify/max_user_watches").read_text().strip()
    except OSError:
        limit = "?"
    return (f"cannot watch every folder of the archive: the system's limit of inotify watches "
            f"is reached (fs.inotify.max_user_watches = {limit}); raise it with "
            "sudo sysctl fs.inotify.max_user_watches=524288")


def refuse_remote(folder: Path) -> None:
    """A network file system raises no event for a change made on another machine."""
    kind = file_system_of(folder)
    if kind in REMOTE or (kind or "").startswith("fuse.sshfs"):
        raise CannotWatch(f"the archive is on a {kind} file system, whose changes made elsewhere "
                          "raise no file events here: queries walk it instead")


def file_system_of(folder: Path) -> str | None:
    """The type of the file system `folder` is on (Linux's mountinfo), None if unknown."""
    real = os.path.realpath(folder)
    best, kind = "", None
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        before, _, after = line.partition(" - ")
        fields = before.split()
        if len(fields) < 5 or not after:
            continue
        point = fields[4].encode().decode("unicode_escape")  # \040 for a space
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, after.split()[0]
    return kind


# -- the one watcher of an archive: its lock, its socket, its loop --


def serve(data_dir: Path, say: Say, progress: ProgressCallback | None = None) -> None:
    """Watch the archive and answer queries until a signal stops it (KeyboardInterrupt)."""
    folder = archive_root(data_dir)[1]
    with _the_lock(folder):
        watcher = Watcher(data_dir, say)
        try:
            store.answer(data_dir, len, progress=progress, notify=say)  # built, as a query would
            database = open_database(folder, True, say)
            if database.path is None or database.building is not None:
                raise CannotWatch("no index can be kept for this archive (see news cache)")
            watcher.start(database)
            with _listening(folder) as server:
                say(f"watching {watcher.archive} ({len(watcher.watch_of)} folders); Ctrl-C stops")
                _loop(watcher, server)
        finally:
            watcher.close()


def _loop(watcher: Watcher, server: socket.socket) -> None:
    with selectors.DefaultSelector() as selector:
        selector.register(watcher.inotify.fileno(), selectors.EVENT_READ, "events")
        selector.register(server, selectors.EVENT_READ, "question")
        while True:
            for key, _ in selector.select():
                if key.data == "events":
                    watcher.drain()
                    watcher.apply_pending()
                else:
                    _answer(watcher, server)


def _answer(watcher: Watcher, server: socket.socket) -> None:
    try:
        client, _ = server.accept()
    except OSError:
        return
    with client:
        try:
            client.settimeout(QUESTION_SECONDS)
            if live.read_line(client, limit=64) != "sync":
                return
            watcher.drain()  # every event queued before the question
            try:
                watcher.apply_pending()
                reply = f"ok {watcher.archive}"
            except sqlite3.OperationalError as exc:  # another run writes: the query walks
                reply = f"no {exc}"
            client.sendall(f"{reply}\n".encode("utf-8", "surrogateescape"))
        except (OSError, ValueError, UnicodeDecodeError):
            return


@contextlib.contextmanager
def _the_lock(folder: Path):  # type: ignore[no-untyped-def]
    path = live.lock_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.pread(fd, 32, 0).decode(errors="replace").strip()
            raise CannotWatch(f"a watcher already runs for this archive (pid {pid}); "
                              "news watch --stop ends it") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
        os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # the lock goes with it


@contextlib.contextmanager
def _listening(folder: Path):  # type: ignore[no-untyped-def]
    """The socket queries ask; ours alone while we hold the lock, so one left is stale."""
    path = live.socket_path(folder)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mine = None
    try:
        with live.address(path) as where:
            server.bind(where)
        server.listen(64)
        mine = os.lstat(path).st_ino
        yield server
    finally:
        server.close()
        with contextlib.suppress(OSError):
            if mine is not None and os.lstat(path).st_ino == mine:
                os.unlink(path)
