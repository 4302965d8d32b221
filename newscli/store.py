"""The persistent index: an `Archive` saved in the user's cache directory.

A cache file is trusted only while every file of the archive has the size and mtime it
had when the cache was written (one `stat` per file, far cheaper than parsing them).
It is written to a temporary file and renamed into place, so an interrupted run
(Ctrl-C while indexing) leaves the old cache or none, never a damaged one.  The
archive itself is only ever read.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from newscli import __version__
from newscli.index import Archive, build_archive
from newscli.loader import FileEntry, ProgressCallback, archive_root, load_entries, scan
from newscli.models import Problem
from newscli.textindex import TextIndex

# Bump when the record layout changes; the package version is part of the key as well.
FORMAT = 5


def cache_dir() -> Path:
    override = os.environ.get("NEWS_CACHE_DIR")
    return Path(override) if override else Path(user_cache_dir("news", appauthor=False))


def open_archive(
    data_dir: Path,
    progress: ProgressCallback | None = None,
    use_cache: bool = True,
    on_indexing: Callable[[int], None] | None = None,
) -> Archive:
    """Load `data_dir` from the cache when it is current, else parse it and cache it."""
    root, folder = archive_root(data_dir)
    scan_problems: list[Problem] = []
    entries = list(scan(root, folder, scan_problems))
    fingerprint = _fingerprint(entries)
    cache_file = cache_dir() / f"{_key(folder)}.idx"
    words_file = cache_file.with_suffix(".words")
    if use_cache:
        columns = _read(cache_file, fingerprint)
        if columns is not None:
            archive = Archive.from_columns(columns)
            archive.text_index_loader = lambda: _read_text_index(words_file, fingerprint, data_dir)
            return archive
    if on_indexing:
        on_indexing(len(entries))
    files = load_entries(root, entries, progress)
    files.problems[:0] = scan_problems
    archive = build_archive(files)
    if use_cache:
        # the words first: an archive file in place promises its words file is current
        _write(words_file, fingerprint, archive.text_index.columns())
        _write(cache_file, fingerprint, archive.columns())
    return archive


def _read_text_index(words_file: Path, fingerprint: str, data_dir: Path) -> TextIndex:
    """The word index that goes with a cached archive (read only by search and related)."""
    columns = _read(words_file, fingerprint)
    if columns is None:  # removed or replaced since the archive was read: parse again
        return open_archive(data_dir, use_cache=False).text_index
    return TextIndex(*columns)


def _key(folder: Path) -> str:
    return hashlib.blake2b(os.fsencode(folder.resolve()), digest_size=10).hexdigest()


def _fingerprint(entries: list[FileEntry]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}|{__version__}\n".encode())
    digest.update(
        "\n".join(f"{e.relpath}\0{e.mtime_ns}\0{e.size}" for e in entries).encode(
            "utf-8", "surrogatepass"
        )
    )
    return digest.hexdigest()


def _read(cache_file: Path, fingerprint: str) -> tuple[Any, ...] | None:
    try:
        with cache_file.open("rb") as handle:
            stored_fingerprint = marshal.load(handle)
            if stored_fingerprint != fingerprint:
                return None
            columns = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return None  # no cache yet, or one we cannot use: index again
    return columns if isinstance(columns, tuple) else None


def _write(cache_file: Path, fingerprint: str, payload: tuple[Any, ...]) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=cache_file.parent, prefix=".tmp-", suffix=".idx")
        try:
            with os.fdopen(fd, "wb") as handle:
                marshal.dump(fingerprint, handle)
                marshal.dump(payload, handle)
            os.replace(temp, cache_file)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError:
        pass  # a read-only cache directory only costs speed
