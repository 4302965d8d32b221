"""Opening an archive's index: list the files, and refresh the database if they changed.

Every run lists the archive (one `stat` per file), unless the archive's watcher (`news
watch`) says the index holds every change so far; when the listing is the one the index
was built from, the run reads the index as it is.  Otherwise one write transaction brings
it up to date (refresh.py).  A run that finds another run writing waits a few seconds at
most, then answers from a copy of the index that it refreshes itself, in memory.  A
damaged database is replaced and the question asked again, with one line on stderr.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from newscli.archive.listing import WALKERS_FROM_FILES, Listing, walk
from newscli.archive.location import archive_root
from newscli.index.database import (
    Database,
    archive_text,
    database_path,
    discard,
    is_busy,
    let_signals_in,
    open_database,
    publish,
    raise_if_interrupted,
    remove_database,
)
from newscli.index.reader import Index
from newscli.model.event import Problem
from newscli.workers import usable_cores

if TYPE_CHECKING:
    from newscli.index.refresh import Changes, ProgressCallback

T = TypeVar("T")
Notify = Callable[[str], None]


def _quiet(message: str) -> None:
    """Notes go nowhere unless the caller wants them (the CLI prints them on stderr)."""


def open_index(data_dir: Path, progress: ProgressCallback | None = None, use_cache: bool = True,
               rebuild: bool = False, notify: Notify = _quiet) -> Index:
    """The archive's index, current with its files; `rebuild` makes it again from nothing."""
    started = time.perf_counter()
    root, folder = archive_root(data_dir)
    database = open_database(folder, use_cache, notify)
    try:
        if database.path is not None and database.building is None and not rebuild:
            vouched = _vouched_index(database, root, folder, started)
            if vouched is not None:
                return vouched
        walkers = _walkers(database)
        listing = walk(root, folder, walkers)
        changes = None
        if database.building is not None:
            changes = _built(database, listing, progress)
            database = publish(database, folder, notify)
            if not _read_snapshot(database, listing):  # another run's index, of other files
                database, more = _refreshed(database, listing, progress, False, notify)
                changes = more or changes
        elif rebuild or not _read_snapshot(database, listing):
            database, changes = _refreshed(database, listing, progress, rebuild, notify)
        return Index(database, listing, changes, time.perf_counter() - started)
    except BaseException:
        discard(database)
        raise


def answer(data_dir: Path, question: Callable[[Index], T], progress: ProgressCallback | None = None,
           use_cache: bool = True, notify: Notify = _quiet, rebuild: bool = False) -> T:
    """Open the index and ask it `question`; a damaged database is rebuilt and asked again."""
    index = None
    try:
        index = open_index(data_dir, progress, use_cache, rebuild, notify)
        return question(index)
    except sqlite3.DatabaseError as exc:
        raise_if_interrupted(exc)
        path = index.database.path if index else _database_path(data_dir, use_cache)
        if path is None or is_busy(exc):
            raise
        notify(f"the index at {path} is damaged ({exc}); rebuilding it")
        if index:
            index.close()
            index = None
        remove_database(path)
        index = open_index(data_dir, progress, use_cache, rebuild, notify)
        return question(index)
    finally:
        if index:
            index.close()


def _vouched_index(database: Database, root: Path, folder: Path, started: float) -> Index | None:
    """The index as it stands, when the archive's watcher says it holds every change (no
    walk: that was nine tenths of a warm query); None when there is no watcher to ask."""
    from newscli.index import live

    if not live.vouched(folder, archive_text(folder)):
        return None
    database.begin()  # after the watcher's answer: this snapshot holds what it applied
    parts = database.connection.execute("SELECT part, listing FROM last_walk ORDER BY part").fetchall()
    skipped, problems = json.loads(str(database.meta("walk") or "[0, []]"))
    if not parts:
        database.end()
        return None
    listing = Listing(root, folder, parts, [Problem(*problem) for problem in problems], skipped)
    return Index(database, listing, None, time.perf_counter() - started, watched=True)


def _database_path(data_dir: Path, use_cache: bool) -> Path | None:
    return database_path(archive_root(data_dir)[1]) if use_cache else None


def _walkers(database: Database) -> int:
    """Forked walkers for a large archive (as large as the index says it was last time)."""
    files = int(database.meta("files") or 0)
    return 1 if files < WALKERS_FROM_FILES else min(usable_cores(), 4)


def is_current(database: Database, listing: Listing) -> bool:
    """Whether the index holds exactly this listing and nothing needs reading again (refresh.py,
    with the parser, is imported only when it does not)."""
    stored = database.connection.execute("SELECT part, listing FROM last_walk ORDER BY part").fetchall()
    return stored == listing.parts and not database.meta("recheck")


def _read_snapshot(database: Database, listing: Listing) -> bool:
    """Open a read transaction; whether the index in it is current (else it is closed)."""
    database.begin()
    if is_current(database, listing):
        return True
    database.end()
    return False


def _built(database: Database, listing: Listing, progress: ProgressCallback | None) -> Changes:
    """A first index, in its own file: nobody else reads it until it is whole."""
    from newscli.index.refresh import refresh

    database.begin()
    changes = refresh(database, listing, progress)
    database.end()
    return changes


def _refreshed(database: Database, listing: Listing, progress: ProgressCallback | None, rebuild: bool,
               notify: Notify) -> tuple[Database, Changes | None]:
    """Refresh in one write transaction, then open a read transaction for the queries."""
    try:
        database.begin(immediate=True)
    except sqlite3.OperationalError as exc:
        if not is_busy(exc):
            raise
        notify("another run is updating the index; answering from a copy of it")
        database = _copy_in_memory(database)
        database.begin(immediate=True)
    try:
        changes = None
        if rebuild or not is_current(database, listing):
            from newscli.index.refresh import refresh

            changes = refresh(database, listing, progress, rebuild)
        database.end()
    except BaseException:
        if database.connection.in_transaction:
            database.connection.execute("ROLLBACK")
        raise
    database.begin()
    return database, changes


def _copy_in_memory(database: Database) -> Database:
    copy = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    let_signals_in(copy)
    database.connection.backup(copy)
    database.close()
    return Database(copy, None)
