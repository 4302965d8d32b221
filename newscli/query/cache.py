"""`news index` and `news cache`: what bringing the index up to date did and where it is;
the indexes in the cache folder, and removing those of archives that are gone."""

from __future__ import annotations

from pathlib import Path

from newscli.index.caches import list_caches
from newscli.index.database import cache_dir, remove_database
from newscli.index.live import watcher_pid_at
from newscli.index.reader import Index
from newscli.model.results import CacheReport, CacheRow, Empty, IndexReport


def index_report(index: Index) -> IndexReport:
    """What opening the index did (`news index`)."""
    from newscli.index.refresh import Changes

    changes = index.changes or Changes()
    path = index.database.path
    return IndexReport(index.files, len(index), index.skipped, changes.added, changes.changed,
                       changes.removed, changes.parsed, index.opened_in, str(path) if path else None,
                       index.watched)


def cache_report(clear: bool = False, prune: bool = False) -> CacheReport:
    """The indexes in the cache folder; with `clear` or `prune`, those it removes."""
    entries = list_caches()
    rows = [CacheRow(str(e.path), e.archive, e.size, e.refreshed, e.archive_exists,
                     watcher_pid_at(e.path.with_suffix(".watch"))) for e in entries]
    folder = str(cache_dir())
    if not (clear or prune):
        empty = None if rows else Empty(f"no indexes in {folder}")
        return CacheReport(rows, folder, empty=empty)
    chosen = [row for row in rows if clear or not row.archive_exists]
    gone = [row for row in chosen if remove_database(Path(row.database))]
    notes = tuple(f"cannot remove {row.database}" for row in chosen if row not in gone)
    notes += () if gone or notes else ("nothing to remove",)
    return CacheReport(gone, folder, removed=True, notes=notes)
