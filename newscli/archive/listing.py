"""The archive's listing: every event file below its folder, with its size and mtime.

The listing runs on every start (the index is trusted only while every file keeps its size
and mtime), so it imports nothing that parsing or the database needs, builds nothing per
file but two integers, and on a large archive splits the walk over forked processes.
"""

from __future__ import annotations

import errno
import marshal
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from newscli.errors import BadInput
from newscli.model.event import Problem
from newscli.model.words import no_surrogates
from newscli.workers import Crew, Failed

# A walker process is worth its fork only when there are enough files to stat.
WALKERS_FROM_FILES = 20_000
# git's racy-file rule: a file whose mtime is this close to the moment the walk began may
# change again within the file system's timestamp granularity without its mtime moving, so
# the index reads it again at the next run, however late that run comes.
RACY_NS = 2_000_000_000
_BY_FD = os.stat in os.supports_dir_fd and os.stat in os.supports_follow_symlinks and hasattr(
    os, "O_DIRECTORY")
_IFMT, _IFREG, _IFDIR, _IFLNK = 0o170000, stat.S_IFREG, stat.S_IFDIR, stat.S_IFLNK
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


class Folder(NamedTuple):
    """One folder of the archive as listed: plain strings and integers, so that a listing
    compares and stores as one marshal string."""

    rel: str  # relative to the archive root, '/'-separated; '' for the root itself
    names: list[str]  # its .md files (event files and day pages) in directory order
    stamps: list[int]  # size and mtime_ns of each name, in turn
    links: dict[str, str]  # name -> resolved path, for the names that are symlinks


class Stamp(NamedTuple):
    size: int
    mtime_ns: int
    path: str  # where to read it: the file itself, or a symlink's target inside the archive


@dataclass
class Listing:
    """Every .md file under the folder walked, compared with the index as a whole."""

    root: Path
    folder: Path
    # (top folder, marshal.dumps(list[Folder]) of it and all below it), by top folder: the
    # index keeps them to compare with, and an edit unpacks only the part it is in
    parts: list[tuple[str, bytes]]
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0  # folders that could not be read, .md symlinks not followed
    started_ns: int = 0  # when the walk began (git's racy-file rule compares mtimes with it)
    recent: list[str] = field(default_factory=list)  # folders holding a file modified since then - 2 s

    def folders(self, parts: list[tuple[str, bytes]] | None = None) -> list[Folder]:
        return [Folder(*f) for _, part in (self.parts if parts is None else parts)
                for f in marshal.loads(part)]

    def files(self, folders: list[Folder] | None = None) -> dict[str, Stamp]:
        """relpath (as text: see `no_surrogates`) -> size, mtime and where to read it."""
        found: dict[str, Stamp] = {}
        root = str(self.root)
        for rel, names, stamps, links in self.folders() if folders is None else folders:
            base = f"{rel}/" if rel else ""
            for i, name in enumerate(names):
                key = base + name
                if not key.isascii():
                    key = no_surrogates(key)
                    if key in found:
                        continue  # an odd folder name reads like another: the first wins
                where = links.get(name) or os.path.join(root, base + name)
                found[key] = Stamp(stamps[2 * i], stamps[2 * i + 1], where)
        return found

    def __len__(self) -> int:
        return sum(len(f.names) for f in self.folders())


def is_day_page(relpath: str) -> bool:
    return relpath.rpartition("/")[2].lower() == "index.md"


def walk(root: Path, folder: Path, walkers: int = 1) -> Listing:
    """List every .md file below `folder` (hidden names skipped, folder symlinks not followed).

    With `walkers` > 1 (and fork available) the top folders are shared out among forked
    processes: one `stat` per file is the floor of a warm start, and the kernel does it
    in parallel.
    """
    started = time.time_ns()
    walker = _Walker(root, started - RACY_NS)
    own = walker.list_folder(str(folder))
    if own is None:
        raise BadInput(f"cannot read data directory: {no_surrogates(str(folder))}")
    tops = own[1]
    shares = [tops[i::walkers] for i in range(walkers)] if walkers > 1 and tops else [tops]
    parts = [(own[0][0], marshal.dumps([own[0]]))]
    with Crew[list[str], tuple[Any, ...]](lambda share: _walked(walker, share), len(shares) - 1) as crew:
        answers = crew.run(shares[1:])  # the others' shares are walked meanwhile
        parts += walker.parts_below(shares[0])
        for share, answer in zip(shares[1:], answers, strict=True):
            if isinstance(answer, Failed):  # no fork, or the worker failed: walk it here
                parts += walker.parts_below(share)
                continue
            found, problems, skipped, recent = answer
            parts += found
            walker.problems.extend(problems)
            walker.skipped += skipped
            walker.recent.extend(recent)
    walker.problems.sort()
    problems_found = [Problem(path, severity, problem, detail)  # type: ignore[arg-type]
                      for path, severity, problem, detail in walker.problems]
    return Listing(root, folder, sorted(parts), problems_found, walker.skipped, started,
                   sorted(walker.recent))


@dataclass
class Part:
    """One part of a listing walked on its own (news watch walks again only the parts an
    event came from), with what the walk found wrong in it."""

    key: str  # as in `Listing.parts`: the folder walked, or a top folder below it
    data: bytes
    problems: list[tuple[str, str, str, str]]
    skipped: int
    recent: list[str]
    tops: list[str]  # the keys of the other parts (listed by the part of the folder itself)


def root_key(root: Path, folder: Path) -> str:
    """The key of the part that holds the walked folder's own files."""
    return "" if folder == root else str(folder)[len(str(root)) + 1 :]


def part_key(first: str, rel: str) -> str:
    """The key of the part that folder `rel` is in, `first` being `root_key`."""
    if rel == first:
        return first
    inner = rel[len(first) + 1 :] if first else rel
    top = inner.split("/", 1)[0]
    return f"{first}/{top}" if first else top


def walk_part(root: Path, folder: Path, key: str) -> Part | None:
    """That part of the listing, walked now; None when its folder is gone (or is no folder)."""
    walker = _Walker(root, time.time_ns() - RACY_NS)
    if key == root_key(root, folder):
        own = walker.list_folder(str(folder))
        if own is None:
            raise BadInput(f"cannot read data directory: {no_surrogates(str(folder))}")
        tops = [top[walker.prefix :] for top in own[1]]
        return Part(key, marshal.dumps([own[0]]), walker.problems, walker.skipped, walker.recent, tops)
    path = os.path.join(str(root), key)
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            return None
    except OSError:
        return None
    ((_, data),) = walker.parts_below([path])
    return Part(key, data, walker.problems, walker.skipped, walker.recent, [])


def assembled(root: Path, folder: Path, parts: list[Part], started_ns: int) -> Listing:
    """The listing made of these parts, as `walk` would have made it."""
    problems = sorted(problem for part in parts for problem in part.problems)
    return Listing(root, folder, sorted((part.key, part.data) for part in parts),
                   [Problem(*problem) for problem in problems],  # type: ignore[arg-type]
                   sum(part.skipped for part in parts), started_ns,
                   sorted(rel for part in parts for rel in part.recent))


class _Walker:
    """Lists folders; collects what is wrong with them as plain tuples (they cross a pipe)."""

    def __init__(self, root: Path, recent_from: int) -> None:
        self.root = str(root)
        self.real_root = os.path.realpath(root)
        self.prefix = len(self.root) + 1
        self.recent_from = recent_from
        self.problems: list[tuple[str, str, str, str]] = []
        self.skipped = 0
        self.recent: list[str] = []

    def parts_below(self, tops: list[str]) -> list[tuple[str, bytes]]:
        """Each top folder with everything below it, as one part of the listing."""
        return [(top[self.prefix :], marshal.dumps(self.folders_below([top]))) for top in tops]

    def folders_below(self, tops: list[str]) -> list[Folder]:
        found = []
        stack = list(reversed(tops))
        while stack:
            listed = self.list_folder(stack.pop())
            if listed is not None:
                found.append(listed[0])
                stack.extend(reversed(listed[1]))
        return found

    def list_folder(self, here: str) -> tuple[Folder, list[str]] | None:
        """The folder's .md files and its subfolders; None when it cannot be read."""
        rel = here[self.prefix :]
        try:
            fd = os.open(here, _DIR_FLAGS) if _BY_FD else -1
        except OSError as exc:
            self._unreadable(rel, exc)
            return None
        try:
            names = os.listdir(fd if _BY_FD else here)
            names.sort()
            # one lstat per file is the floor of a warm start; relative to the folder's
            # descriptor the kernel resolves one name instead of the whole path
            return self._entries(here, rel, fd, names)
        except OSError as exc:
            self._unreadable(rel, exc)
            return None
        finally:
            if _BY_FD:
                os.close(fd)

    def _entries(self, here: str, rel: str, fd: int, names: list[str]) -> tuple[Folder, list[str]]:
        kept: list[str] = []
        stamps: list[int] = []
        links: dict[str, str] = {}
        subfolders: list[str] = []
        if not "".join(names).isascii():
            names = self._odd_names(rel, names)
        lstat, stat_ = os.lstat, os.stat
        # the profile's lesson: this loop runs once per file on every start, so the common
        # case (a regular .md file) takes the fewest steps; mode bits are compared inline
        for name in names:
            if name[0] == ".":
                continue
            try:
                info = stat_(name, dir_fd=fd, follow_symlinks=False) if _BY_FD else lstat(f"{here}/{name}")
            except OSError:
                continue  # gone since the listing
            kind = info.st_mode & _IFMT
            if kind == _IFREG:
                if name.endswith(".md") or name[-3:].lower() == ".md":
                    kept.append(name)
                    stamps.append(info.st_size)
                    stamps.append(info.st_mtime_ns)
                continue
            if kind == _IFDIR:
                subfolders.append(f"{here}/{name}")
                continue
            is_md = name[-3:].lower() == ".md"
            if kind == _IFLNK:
                target = self._follow(f"{here}/{name}", is_md)
                if target is None:
                    self.skipped += is_md  # an event file not read
                    continue
                info, links[name] = target
            elif not is_md:
                continue
            kept.append(name)  # a named pipe or device: the loader reports it
            stamps.append(info.st_size)
            stamps.append(info.st_mtime_ns)
        if stamps and max(stamps[1::2]) >= self.recent_from:
            self.recent.append(rel)
        # a plain tuple, not a Folder: marshal writes only built-in types
        return (rel, kept, stamps, links), subfolders  # type: ignore[return-value]

    def _odd_names(self, rel: str, names: list[str]) -> list[str]:
        """Names that are not UTF-8 are read, and shown with U+FFFD; one that then reads like
        an earlier name of the folder is left out (the index knows files by that text)."""
        kept, seen = [], set()
        for name in names:
            shown = no_surrogates(name)
            if shown in seen:
                self._problem(f"{rel}/{shown}" if rel else shown, "warning",
                              "name is not UTF-8 and reads like another; not read", "")
                continue
            seen.add(shown)
            kept.append(name)
            if shown != name and name[0] != ".":
                self._problem(f"{rel}/{shown}" if rel else shown, "warning", "name is not UTF-8",
                              "shown with \ufffd")
        return kept

    def _unreadable(self, rel: str, exc: OSError) -> None:
        self.skipped += 1
        self._problem(rel or ".", "error", "cannot read folder", exc.strerror or str(exc))

    def _follow(self, path: str, is_md: bool) -> tuple[os.stat_result, str] | None:
        """A symlink's target when it is an event file inside the archive; else a problem."""
        rel = no_surrogates(path[self.prefix :])
        try:
            info = os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self._problem(rel, "warning", "symlink loop not followed", link_target(path))
            elif is_md:
                self._problem(rel, "error", "cannot read file", exc.strerror or str(exc))
            return None
        if stat.S_ISDIR(info.st_mode):
            self._problem(rel, "warning", "folder symlink not followed", link_target(path))
            return None
        if not is_md:
            return None
        real = os.path.realpath(path)
        if os.path.commonpath([real, self.real_root]) != self.real_root:
            self._problem(rel, "warning", "symlink out of the archive not followed", link_target(path))
            return None
        return info, real

    def _problem(self, rel: str, severity: str, problem: str, detail: str) -> None:
        self.problems.append((no_surrogates(rel), severity, problem, detail))


def link_target(path: str | Path) -> str:
    try:
        return no_surrogates(os.readlink(path))
    except OSError:
        return ""


# -- walking in a worker process --


def _walked(parent: _Walker, tops: list[str]) -> tuple[Any, ...]:
    """A worker's share of the walk, as plain values (they cross a pipe)."""
    walker = _Walker(Path(parent.root), parent.recent_from)
    found = walker.parts_below(tops)
    return found, walker.problems, walker.skipped, walker.recent
