"""Bringing the index up to date with the archive, in one write transaction.

Only new, changed and removed files cost anything: the last listing is kept in the
database, and a folder whose names, sizes and mtimes are all as they were is not even
looked into.  Files are parsed in worker processes when there are many (every core helps
on a first run), and their rows are written in bulk.  Links are stored as written (their
target's date and slug, and their text) and resolved when read, so nothing else needs
parsing again when a link's target moves or disappears.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import astuple, dataclass

from newscli.archive.listing import RACY_NS, Listing, Stamp
from newscli.index.database import Database
from newscli.index.rows import Rows, Task, parse_chunk
from newscli.index.writer import Writer
from newscli.workers import Crew, Failed, usable_cores

ProgressCallback = Callable[[int, int], None]

# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_FROM = 300
CHUNK = 400


@dataclass
class Changes:
    """What a refresh did, for `news index` to report."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    parsed: int = 0
    seconds: float = 0.0

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.parsed)


def last_walk(database: Database) -> list[tuple[str, bytes]]:
    """The parts of the listing the index was last brought up to date with."""
    return [(part, data) for part, data in database.connection.execute(
        "SELECT part, listing FROM last_walk ORDER BY part")]


def refresh(database: Database, listing: Listing, progress: ProgressCallback | None = None,
            rebuild: bool = False, again: Iterable[str] = ()) -> Changes:
    """Make the index match `listing`; the caller holds the write transaction.  The files
    `again` names are parsed again whatever their stamps say (news watch saw them written)."""
    started = time.perf_counter()
    if rebuild:
        _empty(database)
    writer = Writer(database)
    old_parts = [] if rebuild else last_walk(database)
    if not old_parts or writer.bulk:
        current = listing.files()
        paths, removed = sorted(current), list[str]()
        changes = Changes(added=len(paths))
    else:
        current, paths, removed, changes = _diff(database, listing, old_parts, again)
    known = {} if writer.bulk else writer.file_ids(paths + removed)
    writer.drop_files([known.pop(p) for p in removed if p in known])
    tasks = writer.tasks(current, paths, known)
    if not writer.bulk:
        writer.drop_events([t.file for t in tasks])
        tasks += writer.orphaned_duplicates(current, {t.path for t in tasks})
    for chunk in _parse_all(tasks, progress):
        writer.insert(chunk)
    writer.finish()
    recheck = sorted(set(_racy(listing)) | set(writer.unreadable))
    _keep_walk(database, listing, old_parts)
    database.set_meta(recheck=json.dumps(recheck) if recheck else None,
                      refreshed=time.time(), walk=walk_report(listing), **writer.counts())
    changes.parsed = len(tasks)
    changes.seconds = time.perf_counter() - started
    return changes


def walk_report(listing: Listing) -> str:
    """What the walk found wrong, kept beside its listing: a query that news watch vouches
    for uses the listing kept, and reports what this walk would have."""
    return json.dumps([listing.skipped, [astuple(problem) for problem in listing.problems]])


def _keep_walk(database: Database, listing: Listing, old_parts: list[tuple[str, bytes]]) -> None:
    """Store the parts of the listing that changed (a 17 MB listing written whole was most
    of the cost of an edit)."""
    old = dict(old_parts)
    new = dict(listing.parts)
    run = database.connection.executemany
    run("DELETE FROM last_walk WHERE part = ?", [(part,) for part in old.keys() - new.keys()])
    run("INSERT OR REPLACE INTO last_walk VALUES (?, ?)",
        [(part, data) for part, data in new.items() if old.get(part) != data])


def _diff(database: Database, listing: Listing, old_parts: list[tuple[str, bytes]],
          again: Iterable[str]) -> tuple[dict[str, Stamp], list[str], list[str], Changes]:
    """(stamps of the files looked at, paths to parse, paths removed, counts).

    Only the parts of the listing that differ from the last one are unpacked, and of those
    only the folders that differ are looked into; the files the last refresh could not
    trust (racy or unreadable) are parsed again too, and those `again` names.
    """
    before, after = dict(old_parts), dict(listing.parts)
    moved_parts = [(part, data) for part, data in listing.parts if before.get(part) != data]
    old = {f.rel: f for f in listing.folders([(p, d) for p, d in old_parts if after.get(p) != d])}
    new = listing.folders(moved_parts)
    moved = [f for f in new if old.get(f.rel) != f]
    looked = {f.rel for f in moved} | (old.keys() - {f.rel for f in new})
    was = listing.files([old[rel] for rel in sorted(looked) if rel in old])
    now = listing.files(moved)
    changes = Changes()
    paths = []
    for path, stamp in now.items():
        if was.get(path) != stamp:
            paths.append(path)
            if path in was:
                changes.changed += 1
            else:
                changes.added += 1
    removed = sorted(was.keys() - now.keys())
    changes.removed = len(removed)
    queued = set(paths)
    # a file to read again may be in a folder looked into for another file's sake
    wanted = [p for p in (*json.loads(str(database.meta("recheck") or "[]")), *again) if p not in queued]
    stamps = {p: now[p] for p in wanted if p in now}
    stamps.update(_stamps_of(listing, [p for p in wanted if p not in now]))
    for path, stamp in stamps.items():
        now[path] = stamp
        paths.append(path)
    return now, sorted(paths), removed, changes


def _stamps_of(listing: Listing, paths: list[str]) -> dict[str, Stamp]:
    """The stamps of these files, unpacking only the parts of the listing they are in."""
    if not paths:
        return {}
    found = listing.files(listing.folders(_parts_holding(listing, set(paths))))
    return {p: found[p] for p in paths if p in found}


def _racy(listing: Listing) -> list[str]:
    """Files whose mtime is too close to the start of the walk to trust an unchanged one
    (they are in the folders the walk found recently modified files in)."""
    if not listing.recent:
        return []
    threshold = listing.started_ns - RACY_NS
    wanted = set(listing.recent)
    folders = [f for f in listing.folders(_parts_holding(listing, wanted)) if f.rel in wanted]
    return sorted(path for path, stamp in listing.files(folders).items() if stamp.mtime_ns >= threshold)


def _parts_holding(listing: Listing, paths: set[str]) -> list[tuple[str, bytes]]:
    """The parts of the listing these folders or files are in."""
    return [(part, data) for part, data in listing.parts
            if any(p == part or p.startswith(f"{part}/") or not part for p in paths)]


def _empty(database: Database) -> None:
    connection = database.connection
    for table in ("files", "events", "sources", "event_entities", "entities", "targets",
                  "day_order", "vocabulary", "last_walk", "linked_from"):
        connection.execute(f"DELETE FROM {table}")
    # made again rather than emptied: deleting the full archive's rows took 1.2 s, this 0.15 s
    (made,) = connection.execute("SELECT sql FROM sqlite_schema WHERE name = 'search'").fetchone()
    connection.execute("DROP TABLE search")
    connection.execute(made)
    connection.execute("DELETE FROM meta WHERE key NOT IN ('schema', 'archive')")


# -- parsing, in worker processes when there is much to parse --


def _parse_all(tasks: list[Task], progress: ProgressCallback | None) -> Iterator[Rows]:
    """The rows of every file, in the order of the tasks: parsed by worker processes when
    there are many (workers.py stops them on Ctrl-C), else here."""
    chunks = [tasks[i : i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    workers = _worker_count(len(tasks))
    sent: set[int] = set()  # the targets sent so far (each is linked ten times on average)
    # each worker's copy of it, made by the fork: its own targets are not sent twice
    worker_sent: set[int] = set()
    done = 0
    # the collector ran every few hundred tuples made and found no cycle to free: up to a
    # tenth of a worker's parse (which inherits this), and of the unpickling here
    collecting = gc.isenabled()
    gc.disable()
    try:
        size = workers if workers > 1 else 0
        with Crew[list[Task], Rows](lambda chunk: parse_chunk(chunk, worker_sent), size) as crew:
            for chunk, answer in zip(chunks, crew.run(chunks), strict=True):
                rows = parse_chunk(chunk, sent) if isinstance(answer, Failed) else answer
                done += len(rows.files)
                if progress and len(tasks) >= CHUNK:
                    progress(done, len(tasks))
                yield rows
    finally:
        if collecting:
            gc.enable()


def _worker_count(files: int) -> int:
    return 1 if files < PARALLEL_FROM else min(usable_cores(), 8)
