"""The indexes in the cache folder, for `news cache`: which archive each belongs to, its
size and last refresh, read without opening anything for writing."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from newscli.index.database import cache_dir, companions, only_files


@dataclass(frozen=True)
class CacheEntry:
    path: Path
    archive: str | None
    size: int
    refreshed: float | None  # seconds since the epoch
    archive_exists: bool


def list_caches() -> list[CacheEntry]:
    folder = cache_dir()
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".db"))
    except OSError:
        return []
    return [_describe(folder / name) for name in names if not _is_folder(folder / name)]


def _is_folder(path: Path) -> bool:
    """A folder named like a database is none of ours: it is left alone."""
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return True  # gone since the listing


def _describe(path: Path) -> CacheEntry:
    size = sum(_size(p) for p in (path, *companions(path)))
    archive, refreshed = None, None
    with contextlib.suppress(sqlite3.Error, OSError):
        if only_files(path):  # a named pipe beside it would block even a read-only look
            connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=0.5)
            try:
                rows = dict(connection.execute(
                    "SELECT key, value FROM meta WHERE key IN ('archive', 'refreshed')").fetchall())
            finally:
                connection.close()
            archive = rows.get("archive")
            refreshed = rows.get("refreshed")
    exists = bool(archive) and os.path.isdir(str(archive))
    return CacheEntry(path, archive, size, refreshed, exists)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
