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
import hashlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from newscli.db import DAY_PAGE, INDEXES, Database
from newscli.files import RACY_NS, Listing, Stamp, is_day_page, usable_cores
from newscli.models import Event
from newscli.text import fold, looks_like_heading, words
from newscli.textindex import NAME_BREAK

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


# -- the plan: which files to parse and which rows to drop --


class Task(NamedTuple):
    """One file for a worker: its row id, relpath, where to read it, size and mtime."""

    file: int
    path: str
    where: str
    size: int
    mtime_ns: int


def refresh(database: Database, listing: Listing, progress: ProgressCallback | None = None,
            rebuild: bool = False) -> Changes:
    """Make the index match `listing`; the caller holds the write transaction."""
    started = time.perf_counter()
    if rebuild:
        _empty(database)
    writer = _Writer(database)
    old_parts = [] if rebuild else last_walk(database)
    if not old_parts or writer.bulk:
        current = listing.files()
        paths, removed = sorted(current), list[str]()
        changes = Changes(added=len(paths))
    else:
        current, paths, removed, changes = _diff(database, listing, old_parts)
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
                      refreshed=time.time(), **writer.counts())
    changes.parsed = len(tasks)
    changes.seconds = time.perf_counter() - started
    return changes


def _keep_walk(database: Database, listing: Listing, old_parts: list[tuple[str, bytes]]) -> None:
    """Store the parts of the listing that changed (a 17 MB listing written whole was most
    of the cost of an edit)."""
    old = dict(old_parts)
    new = dict(listing.parts)
    run = database.connection.executemany
    run("DELETE FROM last_walk WHERE part = ?", [(part,) for part in old.keys() - new.keys()])
    run("INSERT OR REPLACE INTO last_walk VALUES (?, ?)",
        [(part, data) for part, data in new.items() if old.get(part) != data])


def _diff(database: Database, listing: Listing, old_parts: list[tuple[str, bytes]]
          ) -> tuple[dict[str, Stamp], list[str], list[str], Changes]:
    """(stamps of the files looked at, paths to parse, paths removed, counts).

    Only the parts of the listing that differ from the last one are unpacked, and of those
    only the folders that differ are looked into; the files the last refresh could not
    trust (racy or unreadable) are parsed again too.
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
    again = [p for p in json.loads(str(database.meta("recheck") or "[]")) if p not in now]
    for path, stamp in _stamps_of(listing, again).items():
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
                  "day_order", "search", "vocabulary", "last_walk"):
        connection.execute(f"DELETE FROM {table}")
    connection.execute("DELETE FROM meta WHERE key NOT IN ('schema', 'archive')")


# -- parsing, in worker processes when there is much to parse --


def _parse_all(tasks: list[Task], progress: ProgressCallback | None) -> Iterator[Rows]:
    chunks = [tasks[i : i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    workers = _worker_count(len(tasks))
    done = 0
    if workers > 1:
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        token = f"{os.getpid()}-{time.time_ns()}"
        # the collector ran every few hundred tuples made and found no cycle to free: up to
        # a tenth of a worker's parse, and of the unpickling here
        collecting = gc.isenabled()
        gc.disable()
        try:
            with multiprocessing.get_context(method).Pool(workers, initializer=gc.disable) as pool:
                for rows in pool.imap(_parse_job, [(token, chunk) for chunk in chunks]):
                    done += len(rows.files)
                    if progress:
                        progress(done, len(tasks))
                    yield rows
        finally:
            if collecting:
                gc.enable()
        return
    sent: set[int] = set()
    for chunk in chunks:
        rows = parse_chunk(chunk, sent)
        done += len(rows.files)
        if progress and len(tasks) >= CHUNK:
            progress(done, len(tasks))
        yield rows


def _worker_count(files: int) -> int:
    return 1 if files < PARALLEL_FROM else min(usable_cores(), 8)


class Rows(NamedTuple):
    """The rows a chunk of files gives, ready for the database: lists of plain tuples, which
    cross a pipe cheaply (an object per file cost more to unpickle than to insert)."""

    files: list[tuple[Any, ...]]  # files rows, without duplicate_of
    events: list[tuple[Any, ...]]
    sources: list[tuple[Any, ...]]
    entities: list[tuple[Any, ...]]  # event_entities rows
    targets: list[tuple[Any, ...]]  # only those not sent before in this refresh
    texts: list[tuple[Any, ...]]  # search rows
    days: list[tuple[Any, ...]]  # day_order rows, from day pages
    unreadable: list[str]  # paths to read again next time (permissions may change)


_sent_targets: tuple[str, set[int]] = ("", set())


def _parse_job(job: tuple[str, Sequence[Task]]) -> Rows:
    """A worker's chunk; the targets it has sent already in this refresh are not sent again
    (each is linked ten times on average)."""
    global _sent_targets
    token, tasks = job
    if _sent_targets[0] != token:
        _sent_targets = (token, set())
    return parse_chunk(tasks, _sent_targets[1])


def parse_chunk(tasks: Sequence[Task], sent: set[int] | None = None) -> Rows:
    """Parse files into rows; `sent` holds the targets already sent (and gets these)."""
    from newscli.loader import date_from_path, load_day_page, load_file

    sent = set() if sent is None else sent
    rows = Rows([], [], [], [], [], [], [], [])
    for task in tasks:
        if is_day_page(task.path):
            rows.files.append((task.file, task.path, task.size, task.mtime_ns, None))
            day = date_from_path(task.path) or date_from_path(os.path.realpath(task.where))
            if day:
                slugs = load_day_page(task.where, task.path)
                rows.days.extend(_first_only([(day.isoformat(), slug, task.file, n)
                                              for n, slug in enumerate(slugs)]))
            continue
        loaded = load_file(task.where, task.path)
        problems = [[p.severity, p.problem, p.detail] for p in loaded.problems]
        rows.files.append((task.file, task.path, task.size, task.mtime_ns,
                           json.dumps(problems, ensure_ascii=False) if problems else None))
        if any(p.problem == "cannot read file" for p in loaded.problems):
            rows.unreadable.append(task.path)
        if loaded.event is not None:
            event, sources, entities, targets, text = event_rows(task.file, loaded.event)
            rows.events.append(event)
            rows.sources.extend(sources)
            rows.entities.extend(entities)
            rows.texts.append(text)
            for target in targets:
                if target[0] not in sent:
                    sent.add(target[0])
                    rows.targets.append(target)
    return rows


def _first_only(days: list[tuple[str, str, int, int]]) -> list[tuple[str, str, int, int]]:
    """A day page that lists one slug twice orders it by its first place."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for row in days:
        if row[:2] not in seen:
            seen.add(row[:2])
            kept.append(row)
    return kept


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def title_slug(title: str) -> str:
    """The title as a file name would write it, accents folded: resolves a link written
    with "garcia" to the file an archive named with "garc-a"."""
    return _NOT_SLUG.sub("-", fold(title)).strip("-")


def target_id(date: str | None, slug: str, text: str) -> int:
    """A link's row in `targets`: the same link text to the same place is stored once."""
    digest = hashlib.blake2b(f"{date}\0{slug}\0{text}".encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "little", signed=True)


def event_rows(file: int, event: Event) -> tuple[
        tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]],
        tuple[Any, ...]]:
    """(events row, sources, event_entities, targets, search row) of one event."""
    day = event.date.isoformat()
    positions = {name.casefold(): str(n) for n, name in enumerate(event.entities)}
    targets = []
    links = []
    for link_id, _date, title, context, _found in event.related:
        link_day, _, slug = link_id.rpartition("/")
        target = target_id(link_day or None, slug, title)
        targets.append((target, link_day or None, slug, title))
        places = ",".join([positions[c.casefold()] for c in context])
        links.append(f"[{target},[{places}]]")
    extra = json.dumps(event.extra, ensure_ascii=False) if event.extra else None
    row = (file, day, event.slug, event.title, event.category, event.story, extra,
           f"[{','.join(links)}]" if links else None, title_slug(event.title),
           int(looks_like_heading(event.title)))
    sources = [(file, n, s.name, s.url, s.domain) for n, s in enumerate(event.sources)]
    entities = [(name.casefold(), file, day, n, name) for n, name in enumerate(event.entities)]
    text = (file, " ".join(words(event.title)), _names_text(event.entities),
            " ".join(words(event.story)) if event.story else "",
            " ".join(words(event.category)) if event.category else "",
            _names_text([s.name for s in event.sources]))
    return row, sources, entities, targets, text


def _names_text(names: Sequence[str]) -> str:
    """The names' words with a break between names, folded in one call (a call per name
    was a tenth of the parse)."""
    return " ".join(words(f" {NAME_BREAK} ".join(names))) if names else ""


# -- writing --


@dataclass
class _Writer:
    """Drops and inserts rows, settles duplicate ids, and keeps the summaries (entities,
    vocabulary, counts) in step."""

    database: Database
    bulk: bool = False  # an empty index: nothing to look up or drop, summaries made at the end
    unreadable: list[str] = field(default_factory=list)
    entity_keys: set[str] = field(default_factory=set)  # whose summary rows to make again
    source_names: set[str] = field(default_factory=set)  # the same, for source_names
    vocabulary: Counter[str] = field(default_factory=Counter)  # event counts to add (or remove)
    inserted: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)  # (date, slug) ->
    dropped_ids: set[str] = field(default_factory=set)  # ids whose events were dropped

    def __post_init__(self) -> None:
        self.connection = self.database.connection
        self.connection.create_function("fold", 1, fold, deterministic=True)
        self.bulk = not self.connection.execute("SELECT 1 FROM files LIMIT 1").fetchone()

    def file_ids(self, paths: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for batch in _batches(list(paths)):
            marks = ",".join("?" * len(batch))
            found.update(self.connection.execute(
                f"SELECT path, id FROM files WHERE path IN ({marks})", batch).fetchall())
        return found

    def tasks(self, current: dict[str, Stamp], paths: list[str], known: dict[str, int]) -> list[Task]:
        next_id = (self.connection.execute("SELECT max(id) FROM files").fetchone()[0] or 0) + 1
        tasks = []
        for path in paths:
            stamp = current[path]
            file = known.get(path)
            if file is None:
                file, next_id = next_id, next_id + 1
            tasks.append(Task(file, path, stamp.path, stamp.size, stamp.mtime_ns))
        return tasks

    def drop_files(self, files: list[int]) -> None:
        self.drop_events(files)
        for batch in _batches(files):
            marks = ",".join("?" * len(batch))
            self.connection.execute(f"DELETE FROM files WHERE id IN ({marks})", batch)

    def drop_events(self, files: list[int]) -> None:
        """Remove the events (and day page rows) of these files; the ids they had."""
        dropped: list[tuple[str, str]] = []
        run = self.connection.execute
        for batch in _batches(files):
            marks = ",".join("?" * len(batch))
            for text in run(f"SELECT title, entities, story, category, sources FROM search "
                            f"WHERE rowid IN ({marks})", batch):
                self.vocabulary.subtract(set(" ".join(text).split()))
            self.entity_keys.update(r[0] for r in run(
                f"SELECT entity FROM event_entities WHERE event IN ({marks})", batch))
            self.source_names.update(r[0] for r in run(
                f"SELECT name FROM sources WHERE event IN ({marks})", batch))
            dropped += run(f"SELECT date, slug FROM events WHERE file IN ({marks})", batch)
            for table, column in (("events", "file"), ("sources", "event"), ("event_entities", "event"),
                                  ("search", "rowid"), ("day_order", "file")):
                run(f"DELETE FROM {table} WHERE {column} IN ({marks})", batch)
        for key in dropped:
            self.inserted.pop(key, None)
            self.dropped_ids.add(f"{key[0]}/{key[1]}")

    def orphaned_duplicates(self, current: dict[str, Stamp], parsing: set[str]) -> list[Task]:
        """Files that lost an id to a file whose event was just dropped: they may win now."""
        ids = sorted(self.dropped_ids)
        tasks = []
        for batch in _batches(ids):
            marks = ",".join("?" * len(batch))
            for file, path, size, mtime in self.connection.execute(
                f"SELECT id, path, size, mtime_ns FROM files WHERE duplicate_of IN ({marks})",
                batch,
            ):
                if path not in parsing and path in current:
                    tasks.append(Task(file, path, current[path].path, size, mtime))
        return tasks

    def insert(self, rows: Rows) -> None:
        self.unreadable += rows.unreadable
        losers = self._settle(rows)
        events, sources, entities, texts = rows.events, rows.sources, rows.entities, rows.texts
        if losers:
            events = [row for row in events if row[0] not in losers]
            sources = [row for row in sources if row[0] not in losers]
            entities = [row for row in entities if row[1] not in losers]
            texts = [row for row in texts if row[0] not in losers]
        if not self.bulk:
            self.entity_keys.update(row[0] for row in entities)
            self.source_names.update(row[2] for row in sources)
            for text in texts:
                self.vocabulary.update(set(" ".join(text[1:]).split()))
        run = self.connection.executemany
        run("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
            [(*row, losers.get(row[0])) for row in rows.files])
        run("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
        run("INSERT INTO sources VALUES (?, ?, ?, ?, ?)", sources)
        run("INSERT INTO event_entities VALUES (?, ?, ?, ?, ?)", entities)
        run("INSERT OR IGNORE INTO targets VALUES (?, ?, ?, ?)", rows.targets)
        run("INSERT INTO search (rowid, title, entities, story, category, sources) "
            "VALUES (?, ?, ?, ?, ?, ?)", texts)
        run("INSERT OR IGNORE INTO day_order VALUES (?, ?, ?, ?)", rows.days)

    def _settle(self, rows: Rows) -> dict[int, str]:
        """The files of this chunk whose event id a file with a smaller path gives (file ->
        that id); a file that comes first takes the id from the one that held it."""
        paths = {row[0]: row[1] for row in rows.files} if rows.events else {}
        losers: dict[int, str] = {}
        for event in rows.events:
            key = (event[1], event[2])
            file, path = event[0], paths[event[0]]
            holder = self.inserted.get(key)
            if holder is None and not self.bulk:
                row = self.connection.execute(
                    "SELECT e.file, f.path FROM events AS e JOIN files AS f ON f.id = e.file "
                    "WHERE e.date = ? AND e.slug = ?", key).fetchone()  # a twin indexed earlier
                holder = (row[0], row[1]) if row else None
            event_id = f"{key[0]}/{key[1]}"
            if holder is not None and holder[1] < path:
                losers[file] = event_id
                continue
            if holder is not None:  # this file's path comes first: the other loses the id
                self.drop_events([holder[0]])
                self.connection.execute("UPDATE files SET duplicate_of = ? WHERE id = ?",
                                        (event_id, holder[0]))
            self.inserted[key] = (file, path)
        return losers

    def finish(self) -> None:
        run = self.connection.execute
        for statement in INDEXES.split(";"):  # not executescript(): it would commit the transaction
            if statement.strip():
                run(statement)
        if self.bulk:
            run("DELETE FROM entities")
            run(_ENTITY_SUMMARY.format(where=""))
            run("DELETE FROM source_names")
            run(_SOURCE_SUMMARY.format(where=""))
            run("DELETE FROM vocabulary")
            run("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms USING fts5vocab(main, search, row)")
            run("INSERT INTO vocabulary SELECT term, doc FROM temp.search_terms")
            return
        keys = sorted(self.entity_keys)
        for batch in _batches(keys):
            marks = ",".join("?" * len(batch))
            run(f"DELETE FROM entities WHERE key IN ({marks})", batch)
            run(_ENTITY_SUMMARY.format(where=f"WHERE entity IN ({marks})"), batch)
        for batch in _batches(sorted(self.source_names)):
            marks = ",".join("?" * len(batch))
            run(f"DELETE FROM source_names WHERE name IN ({marks})", batch)
            run(_SOURCE_SUMMARY.format(where=f"AND s.name IN ({marks})"), batch)
        deltas = [(term, count) for term, count in self.vocabulary.items() if count]
        self.connection.executemany(
            "INSERT INTO vocabulary VALUES (?, ?) ON CONFLICT (term) DO UPDATE "
            "SET events = events + excluded.events", deltas)
        run("DELETE FROM vocabulary WHERE events <= 0")

    def counts(self) -> dict[str, int]:
        run = self.connection.execute
        events = run("SELECT count(*) FROM events").fetchone()[0]
        files = run("SELECT count(*) FROM files").fetchone()[0]
        # by its partial index: the scan of every path cost an edit 50 ms
        day_pages = run(f"SELECT count(*) FROM files INDEXED BY files_day_pages WHERE {DAY_PAGE}"
                        ).fetchone()[0]
        return {"events": events, "files": files, "skipped": files - day_pages - events}


# The spelling most events use names an entity (the same at every refresh, whatever the
# order files were read in); its first and last dates come with it.
_ENTITY_SUMMARY = """
INSERT INTO entities (key, name, folded, events, first, last)
SELECT entity, name, fold(name), events, first, last FROM (
    SELECT entity,
           (SELECT name FROM event_entities AS s WHERE s.entity = e.entity
            GROUP BY name ORDER BY count(*) DESC, name LIMIT 1) AS name,
           count(*) AS events, min(date) AS first, max(date) AS last
    FROM event_entities AS e {where} GROUP BY entity
)
"""

# Each way a source is written, with its events and their first and last dates: `news
# sources` and `news stats` read these rather than group 140,000 sources at every run.
_SOURCE_SUMMARY = """
INSERT INTO source_names (name, events, first, last)
SELECT s.name, count(DISTINCT s.event), min(e.date), max(e.date)
FROM sources AS s JOIN events AS e ON e.file = s.event WHERE s.name != '' {where} GROUP BY s.name
"""


def _batches(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
