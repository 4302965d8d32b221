"""The archive's files: where the archive is, and every event file in it with its size and
mtime.  This runs on every start (the cache is checked against it), so it imports nothing
that parsing needs.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from newscli.errors import BadInput
from newscli.models import Problem

_SURROGATE = re.compile("[\ud800-\udfff]")

ProgressCallback = Callable[[int, int], None]


def printable(text: str) -> str:
    """`text` with any lone surrogate (an undecodable file name byte, a YAML `\\udXXX` escape)
    replaced by U+FFFD, so that it can be written to a UTF-8 stream."""
    return _SURROGATE.sub("\ufffd", text)



def archive_root(data_dir: Path) -> tuple[Path, Path]:
    """(root, folder to scan): the root is the folder that holds `news/` when there is one."""
    try:
        info = data_dir.stat()
    except FileNotFoundError:
        raise BadInput(f"data directory not found: {data_dir}") from None
    except OSError as exc:
        raise BadInput(f"cannot open data directory {data_dir}: {exc.strerror}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise BadInput(f"data directory is not a directory: {data_dir}")
    if not os.access(data_dir, os.R_OK | os.X_OK):
        raise BadInput(f"cannot read data directory: {data_dir}")
    if (data_dir / "news").is_dir():
        return data_dir, data_dir / "news"
    if data_dir.name == "news":
        return data_dir.parent, data_dir
    return data_dir, data_dir


class FileEntry(NamedTuple):
    # plain strings and a tuple: building 100,000 Path objects or frozen dataclasses was
    # most of a warm start
    path: str
    relpath: str
    mtime_ns: int
    size: int


def scan(root: Path, folder: Path, problems: list[Problem]) -> Iterator[FileEntry]:
    """Every `.md` file below `folder`; unreadable folders and odd entries become problems.

    This runs on every start (the cache is trusted only while every file keeps its size
    and mtime), so the common case, a plain ASCII-named file, takes the shortest path.
    Files come in directory order: what is built from them is sorted later.  Directory
    symlinks are not followed (so a symlink loop cannot send us round); a file symlink
    is followed, and a dangling or looping one is reported when it is read.
    """
    prefix = len(str(root)) + 1
    stack = [str(folder)]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as listing:
                entries = list(listing)
        except OSError as exc:
            rel = printable(here[prefix:]) or "."
            problems.append(Problem(rel, "error", "cannot read folder", exc.strerror or str(exc)))
            continue
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                continue
            path = entry.path
            rel = path[prefix:]
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_md = name[-3:].lower() == ".md"
                if not rel.isascii():
                    rel = printable(rel)
                    if _SURROGATE.search(name) and (is_md or is_dir):
                        problems.append(Problem(rel, "warning", "name is not UTF-8", "shown with \ufffd"))
                if is_dir:
                    stack.append(path)
                elif entry.is_symlink() and _is_dir_link(path):
                    problems.append(
                        Problem(rel, "warning", "folder symlink not followed", link_target(path))
                    )
                elif is_md:
                    info = entry.stat()
                    yield FileEntry(path, rel, info.st_mtime_ns, info.st_size)
            except OSError:
                if is_md:
                    yield FileEntry(path, rel, -1, -1)  # read later, and reported then


def link_target(path: str | Path) -> str:
    try:
        return printable(os.readlink(path))
    except OSError:
        return ""


def _is_dir_link(path: str) -> bool:
    try:
        return os.path.isdir(path)
    except OSError:
        return False


def is_day_page(entry: FileEntry) -> bool:
    return entry.relpath.rpartition("/")[2].lower() == "index.md"




def default_data_dir() -> Path:
    """The bundled sample: inside the installed package, or beside it in a source checkout."""
    package = Path(__file__).resolve().parent
    bundled = package / "sample_data"
    return bundled if bundled.is_dir() else package.parent / "sample_data"
