"""Writing a refresh's rows: drops and inserts, duplicate ids settled, and the summaries
(entities, source names, vocabulary, counts) kept in step with the rows."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newscli.archive.listing import Stamp
from newscli.index.database import Database
from newscli.index.rows import Rows, Task
from newscli.index.schema import DAY_PAGE, INDEXES
from newscli.model.words import fold


@dataclass
class Writer:
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
                                  ("search", "rowid"), ("day_order", "file"), ("linked_from", "event")):
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
        run("INSERT OR IGNORE INTO linked_from VALUES (?, ?)",
            [(target, row[0]) for row in events if row[7] for target, _ in json.loads(row[7])])
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
