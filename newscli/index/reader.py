"""The index, read: events by number, in the archive's order, by id; the archive's problems.

An event's number is the row id of the file that gives it (`events.file`).  Numbers say
nothing about order: the archive's order is date, then the day page's order, then path,
and every listing sorts by it.  Events are made into `Event` objects only for the rows a
command shows, with their links resolved as they are read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from newscli.archive.listing import Listing
from newscli.errors import Ambiguous, BadInput, NothingFound
from newscli.index.database import Database
from newscli.index.links import EventReader, LinkResolver, same_opening
from newscli.index.short_ids import short_id
from newscli.model.dates import DateRange, looks_like_date, parse_date_range
from newscli.model.event import DANGLING, Event, Problem

if TYPE_CHECKING:
    from newscli.index.refresh import Changes

# a day page's order for events it does not list: after those it does
_UNLISTED = 1 << 30
_ORDER = ("coalesce((SELECT min(d.position) FROM day_order AS d WHERE d.date = e.date "
          f"AND d.slug = e.slug), {_UNLISTED})")


class Brief(NamedTuple):
    id: str
    date: str  # YYYY-MM-DD
    title: str


@dataclass
class Index:
    database: Database
    listing: Listing
    changes: Changes | None = None  # what this run's refresh did, if it refreshed
    opened_in: float = 0.0  # seconds to list the archive and bring the index up to date
    watched: bool = False  # news watch vouched for it: the archive was not listed

    def __post_init__(self) -> None:
        self.connection = self.database.connection
        self.root = str(self.listing.root)
        self._events: dict[int, Event] = {}

    def close(self) -> None:
        self.database.close()

    def query(self, sql: str, *params: Any) -> list[Any]:
        return self.connection.execute(sql, params).fetchall()

    def value(self, sql: str, *params: Any) -> Any:
        row = self.connection.execute(sql, params).fetchone()
        return row[0] if row else None

    def __len__(self) -> int:
        return int(self.database.meta("events") or 0)

    @property
    def skipped(self) -> int:
        """Event files that gave no event, and folders that could not be read."""
        return int(self.database.meta("skipped") or 0) + self.listing.skipped

    @property
    def files(self) -> int:
        return int(self.database.meta("files") or 0)

    # -- events --------------------------------------------------------------------------

    def event(self, number: int) -> Event:
        return self.events([number])[0]

    def events(self, numbers: Iterable[int]) -> list[Event]:
        """The events, in the order given, each made once per run."""
        wanted = list(numbers)
        missing = [n for n in dict.fromkeys(wanted) if n not in self._events]
        for batch in _batches(missing):
            self._events.update(EventReader(self, batch).read())
        return [self._events[n] for n in wanted]

    def in_archive_order(self, numbers: Iterable[int]) -> list[int]:
        """`numbers` sorted by date, then the day page's order, then path."""
        keys: dict[int, tuple[str, int, str]] = {}
        for batch in _batches(list(set(numbers))):
            marks = ",".join("?" * len(batch))
            for number, *key in self.query(
                f"SELECT e.file, e.date, {_ORDER}, f.path FROM events AS e "
                f"JOIN files AS f ON f.id = e.file WHERE e.file IN ({marks})", *batch):
                keys[number] = tuple(key)
        return sorted(keys, key=keys.__getitem__)

    def numbers_between(self, span: DateRange | None) -> list[int]:
        """The event numbers dated within `span` (None: all), in the archive's order."""
        low, high = (span.start.isoformat(), span.end.isoformat()) if span else ("", "9999-99-99")
        return [row[0] for row in self.query(
            f"SELECT e.file FROM events AS e JOIN files AS f ON f.id = e.file "
            f"WHERE e.date BETWEEN ? AND ? ORDER BY e.date, {_ORDER}, f.path", low, high)]

    def brief(self, numbers: Iterable[int]) -> dict[int, Brief]:
        """Id, date and title of each event: what a ranking needs, without the rest."""
        found: dict[int, Brief] = {}
        for batch in _batches(list(numbers)):
            marks = ",".join("?" * len(batch))
            for number, event_id, date, title in self.query(
                f"SELECT file, date || '/' || slug, date, title FROM events "
                f"WHERE file IN ({marks})", *batch):
                found[number] = Brief(event_id, date, title)
        return found

    def linked(self, numbers: Iterable[int]) -> dict[int, list[int]]:
        """The events each of these names in its `Related:` links, as far as the archive
        holds them (links resolved as they are read)."""
        rows: list[Any] = []
        for batch in _batches(list(numbers)):
            marks = ",".join("?" * len(batch))
            rows += self.query(
                f"SELECT e.file, t.date, t.slug, t.text FROM events AS e, json_each(e.links) AS l "
                f"JOIN targets AS t ON t.id = json_extract(l.value, '$[0]') WHERE e.file IN ({marks})",
                *batch)
        resolved = LinkResolver(self).resolve({(d, s, t) for _, d, s, t in rows})
        found: dict[int, list[int]] = {}
        for number, date, slug, text in rows:
            target = resolved[(date, slug, text)]
            if target is not None:
                found.setdefault(number, []).append(target[0])
        return found

    def headings(self) -> set[int]:
        """The events whose title is only a heading or a list of story names."""
        return {r[0] for r in self.query("SELECT file FROM events WHERE heading")}

    def linking_to(self, number: int) -> list[int]:
        """The events whose `Related:` links name this one (by its date and slug, or by the
        opening of its title's slug, as links are resolved)."""
        row = self.query("SELECT date, slug, title_slug FROM events WHERE file = ?", number)
        if not row:
            return []
        date, slug, title_slug = row[0]
        targets = [t for t, target_slug in self.query("SELECT id, slug FROM targets WHERE date = ?", date)
                   if target_slug == slug or same_opening(target_slug, title_slug)]
        targets += [t for (t,) in self.query("SELECT id FROM targets WHERE date IS NULL AND slug = ?", slug)]
        found: list[int] = []
        for target in targets:
            found += [r[0] for r in self.query("SELECT event FROM linked_from WHERE target = ?", target)]
        return sorted(set(found) - {number})

    def find_id(self, event_id: str) -> int | None:
        """The event with exactly this id, if the archive holds it."""
        date, _, slug = event_id.partition("/")
        found = self.value("SELECT file FROM events WHERE date = ? AND slug = ?", date, slug)
        return None if found is None else int(found)

    def dates(self, numbers: Iterable[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for batch in _batches(list(numbers)):
            marks = ",".join("?" * len(batch))
            found.update(self.query(f"SELECT file, date FROM events WHERE file IN ({marks})",
                                    *batch))
        return found

    def ids(self, numbers: Iterable[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for batch in _batches(list(numbers)):
            marks = ",".join("?" * len(batch))
            found.update(self.query(
                f"SELECT file, date || '/' || slug FROM events WHERE file IN ({marks})", *batch))
        return found

    # -- ids -----------------------------------------------------------------------------

    def find(self, text: str) -> int:
        """An event by full id, whole slug or unambiguous prefix of a slug or id."""
        wanted = text.strip().strip("/")
        if wanted.endswith(".md"):
            wanted = wanted[:-3]
        if not wanted:
            raise BadInput(f"not an event id: {text!r}")
        day, _, slug = wanted.partition("/")
        if slug and looks_like_date(day):
            with suppress(BadInput):
                exact = self.value("SELECT file FROM events WHERE date = ? AND slug = ?",
                                   parse_date_range(day).start.isoformat(), slug)
                if exact is not None:
                    return int(exact)
        by_slug = [r[0] for r in self.query("SELECT file FROM events WHERE slug = ?", wanted)]
        if len(by_slug) == 1:
            return int(by_slug[0])
        candidates = by_slug or self._prefixed(wanted) or self._holding_words(wanted)
        if len(candidates) == 1:
            return int(candidates[0])
        if candidates:
            shown = [self.ids([n])[n] for n in self.in_archive_order(candidates)[:10]]
            more = ", the first 10 below" if len(candidates) > 10 else ""
            raise Ambiguous(f"{text!r} matches {len(candidates)} events{more}; give more of the id", shown)
        raise NothingFound(f"no event with id {text!r}", self.nearest_ids(wanted))

    def _prefixed(self, wanted: str) -> list[int]:
        """Events whose slug, or whose id, opens with `wanted`."""
        found = _prefix_query(self, "slug", wanted)
        day, _, slug = wanted.partition("/")
        if looks_like_date(day) and "/" in wanted:
            with suppress(BadInput):
                date = parse_date_range(day).start.isoformat()
                found += [r[0] for r in self.query(
                    "SELECT file FROM events WHERE date = ? AND slug >= ? AND slug < ?",
                    date, slug, slug + "\U0010ffff")]
        elif wanted[:4].isdigit():
            found += _prefix_query(self, "date || '/' || slug", wanted)
        return list(dict.fromkeys(found))

    def _holding_words(self, wanted: str) -> list[int]:
        """For `DATE/words` that opens no slug of that day: the day's events whose slug holds
        the words from the start of one of its words (what a short id may be)."""
        day, _, words = wanted.partition("/")
        if not (words and looks_like_date(day)):
            return []
        with suppress(BadInput):
            date = parse_date_range(day).start.isoformat()
            return [r[0] for r in self.query(
                "SELECT file FROM events WHERE date = ? AND instr('-' || slug, '-' || ?) > 0",
                date, words)]
        return []

    def short_ids(self, ids: Iterable[str]) -> dict[str, str]:
        """A short form of each id that `find` takes back to the same event (see `short_id`);
        the events' days are read in one query for the whole listing."""
        wanted = set(ids)
        days: dict[str, list[str]] = {}
        dates = sorted({event_id.partition("/")[0] for event_id in wanted})
        for date, slug in self.query(
            "SELECT date, slug FROM events WHERE date IN (SELECT value FROM json_each(?))",
                json.dumps(dates)):
            days.setdefault(date, []).append(slug)
        for slugs in days.values():
            slugs.sort()
        return {event_id: short_id(event_id, days.get(event_id.partition("/")[0], []))
                for event_id in wanted}

    def has_slug(self, text: str) -> bool:
        return self.value("SELECT 1 FROM events WHERE slug = ?", text) is not None

    def nearest_ids(self, text: str, limit: int = 3) -> list[str]:
        """Ids whose slug opens most like `text` (people type the start of a slug), among the
        events of the day `text` names when it names one that has events."""
        from rapidfuzz import fuzz, process

        day, _, wanted = text.rpartition("/")
        rows: list[Any] = []
        if looks_like_date(day):
            with suppress(BadInput):  # an impossible day: suggest from the whole archive
                span = parse_date_range(day)
                rows = self.query("SELECT date || '/' || slug, slug FROM events WHERE date BETWEEN ? AND ?",
                                  span.start.isoformat(), span.end.isoformat())
        if not rows:
            rows = self.query("SELECT date || '/' || slug, slug FROM events")
        openings = {event_id: slug[: len(wanted)] for event_id, slug in rows}
        found = process.extract(wanted, openings, scorer=fuzz.ratio, limit=limit, score_cutoff=60)
        return [event_id for _, _, event_id in sorted(found, key=lambda f: (-f[1], f[2]))]

    # -- the archive's problems (news check) ---------------------------------------------

    def problems(self) -> list[Problem]:
        """What the walk and the parser found, and files whose id another file gives."""
        found = list(self.listing.problems)
        for path, problems in self.query("SELECT path, problems FROM files WHERE problems IS NOT NULL"):
            found += [Problem(path, *row) for row in json.loads(problems)]
        for path, event_id, holder in self.query(
            "SELECT f.path, f.duplicate_of, h.path FROM files AS f "
            "LEFT JOIN events AS e ON e.date || '/' || e.slug = f.duplicate_of "
            "LEFT JOIN files AS h ON h.id = e.file WHERE f.duplicate_of IS NOT NULL"):
            found.append(Problem(path, "error", "duplicate id", f"{event_id} is also {holder}"))
        return found

    def dangling_links(self) -> Iterator[Problem]:
        """A warning for each related link whose target the archive does not hold."""
        rows = self.query(
            "SELECT f.path, t.date, t.slug, t.text FROM events AS e JOIN files AS f ON f.id = e.file, "
            "json_each(e.links) AS l JOIN targets AS t ON t.id = json_extract(l.value, '$[0]') "
            "WHERE NOT EXISTS (SELECT 1 FROM events AS x WHERE x.date = t.date AND x.slug = t.slug)")
        resolved = LinkResolver(self).resolve({(d, s, text) for _, d, s, text in rows})
        for path, date, slug, text in rows:
            if resolved[(date, slug, text)] is None:
                yield Problem(path, "warning", DANGLING, f"{date}/{slug}" if date else slug)


def _prefix_query(index: Index, column: str, wanted: str) -> list[int]:
    return [r[0] for r in index.query(
        f"SELECT file FROM events WHERE {column} >= ? AND {column} < ?",
        wanted, wanted + "\U0010ffff")]


def _batches(values: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


