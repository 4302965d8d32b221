"""The index, read: events by number, in the archive's order, by id; the archive's problems.

An event's number is the row id of the file that gives it (`events.file`).  Numbers say
nothing about order: the archive's order is date, then the day page's order, then path,
and every listing sorts by it.  Events are made into `Event` objects only for the rows a
command shows, with their links resolved as they are read.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from newscli.dates import DateRange, looks_like_date, parse_date_range
from newscli.db import Database
from newscli.errors import Ambiguous, BadInput, NothingFound
from newscli.files import Listing
from newscli.models import Event, Problem, Related, Source

if TYPE_CHECKING:
    from newscli.refresh import Changes

# a day page's order for events it does not list: after those it does
_UNLISTED = 1 << 30
_ORDER = ("coalesce((SELECT min(d.position) FROM day_order AS d WHERE d.date = e.date "
          f"AND d.slug = e.slug), {_UNLISTED})")
DANGLING = "related link to no file in the archive"


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
            self._events.update(_EventReader(self, batch).read())
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
                   if target_slug == slug or _same_opening(target_slug, title_slug)]
        targets += [t for (t,) in self.query("SELECT id FROM targets WHERE date IS NULL AND slug = ?", slug)]
        found: list[int] = []
        for target in targets:
            found += [r[0] for r in self.query(
                "SELECT file FROM events WHERE instr(links, ?) > 0", f"[{target},")]
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


# -- short ids --

SHORT_ID_LENGTH = 30  # the longest a short id is made, but for a slug with no shorter form
_SHORT_ID_WORDS = 2  # words a short id opens with, when they fit: one is often an article
_WORD_END = re.compile(r"(?<=[^-])-")


def short_id(event_id: str, day_slugs: Sequence[str]) -> str:
    """The date and the fewest whole words of the slug that tell the event apart from the
    others of its day (`day_slugs`, sorted), as a git short hash is the shortest prefix no
    other object has.

    Its opening words (at least two when they fit in `SHORT_ID_LENGTH` characters); when
    the day's slugs share their opening (a story's name, "2011-libyan-civil-war-..."), the
    fewest words from further on that no other slug of that day holds: `Index.find` takes
    `DATE/words` that opens no slug of the day to the one slug holding them.  Failing both,
    the whole id.  It always holds the date and a slash, so it is never a date, a date
    range or a date word.
    """
    date, _, slug = event_id.partition("/")
    position = bisect.bisect_left(day_slugs, slug)
    if not slug or day_slugs[position : position + 1] != [slug]:
        return event_id
    # the slugs sharing the longest opening with this one are its neighbours in order
    shared = max((_common_length(slug, day_slugs[i]) for i in (position - 1, position + 1)
                  if 0 <= i < len(day_slugs)), default=0)
    room = SHORT_ID_LENGTH - len(date) - 1
    ends = _word_ends(slug)
    # an opening longer than that opens no other slug of the day, and is none of them
    first = next((end for end in ends if end > shared and _as_typed(slug[:end])), room + 1)
    if first <= room:  # then as many words as make _SHORT_ID_WORDS, if they fit
        end = max([first, *(e for e in ends[:_SHORT_ID_WORDS] if first < e <= room
                            and _as_typed(slug[:e]))])
        return f"{date}/{slug[:end]}"
    inside = _words_inside(slug, day_slugs, room)
    return f"{date}/{inside}" if inside else event_id


def _common_length(a: str, b: str) -> int:
    """How many characters two texts open with alike."""
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _word_ends(slug: str) -> list[int]:
    """Where each word of a slug ends (a run of hyphens is one separator)."""
    return [*(match.start() for match in _WORD_END.finditer(slug)), len(slug)]


def _words_inside(slug: str, day_slugs: Sequence[str], room: int) -> str | None:
    """The fewest words of `slug` after its first, within `room`, that name it on its day."""
    starts = [i + 1 for i, char in enumerate(slug) if char == "-" and i + 1 < len(slug)
              and slug[i + 1] != "-"]
    ends = _word_ends(slug)
    for count in range(1, 4):
        for start in starts:
            later = [end for end in ends if end > start]
            if len(later) < count or later[count - 1] - start > room:
                continue
            words = slug[start : later[count - 1]]
            if _names_only(words, slug, day_slugs):
                more = [slug[start:end] for end in later[count:_SHORT_ID_WORDS] if end - start <= room]
                return next((w for w in reversed(more) if _names_only(w, slug, day_slugs)), words)
    return None


def _as_typed(text: str) -> bool:
    """Whether `Index.find` reads `DATE/text` as it is (it drops spaces, slashes and `.md`)."""
    return bool(text) and text == text.strip().strip("/") and not text.endswith(".md")


def _names_only(text: str, slug: str, day_slugs: Sequence[str]) -> bool:
    """Whether `DATE/text` is found by `Index.find` as the event `slug` of that day and no other:
    a whole slug, else the slugs it opens, else the slugs holding it from a word's start."""
    if not _as_typed(text):
        return False
    if text in day_slugs:
        return text == slug
    opened = [s for s in day_slugs if s.startswith(text)]
    if opened:
        return opened == [slug]
    held = [s for s in day_slugs if f"-{text}" in f"-{s}"]
    return held == [slug]


def _prefix_query(index: Index, column: str, wanted: str) -> list[int]:
    return [r[0] for r in index.query(
        f"SELECT file FROM events WHERE {column} >= ? AND {column} < ?",
        wanted, wanted + "\U0010ffff")]


def _batches(values: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# -- making events --

Found = tuple[int, str, str, str]  # (number, date, slug, title) of a link's target


class LinkResolver:
    """Links to the events they name, as they are read: by date and slug; by slug alone for
    a link without date folders; and, when neither matches a file, by the one title of that
    date whose folded slug opens the same way (a file named "garc-a" for a link "garcia")."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def resolve(self, links: set[tuple[str | None, str, str]]) -> dict[tuple[str | None, str, str],
                                                                       Found | None]:
        pairs = sorted({(d, s) for d, s, _ in links if d is not None})
        exact: dict[tuple[str, str], Found] = {}
        for start in range(0, len(pairs), 400):
            batch = json.dumps(pairs[start : start + 400])
            for number, date, slug, title in self.index.query(
                "SELECT e.file, e.date, e.slug, e.title FROM json_each(?) AS j JOIN events AS e "
                "ON e.date = json_extract(j.value, '$[0]') AND e.slug = json_extract(j.value, '$[1]')",
                batch):
                exact[(date, slug)] = (number, date, slug, title)
        by_slug = self._by_slug({s for d, s, _ in links if d is None})
        by_title = self._by_title({(d, s) for d, s in pairs if (d, s) not in exact})
        resolved: dict[tuple[str | None, str, str], Found | None] = {}
        for date, slug, text in links:
            if date is None:
                resolved[(date, slug, text)] = by_slug.get(slug)
            else:
                resolved[(date, slug, text)] = exact.get((date, slug)) or by_title.get((date, slug))
        return resolved

    def _by_slug(self, slugs: set[str]) -> dict[str, Found]:
        found: dict[str, list[Found]] = {}
        for slug in slugs:
            found[slug] = [tuple(r) for r in self.index.query(
                "SELECT file, date, slug, title FROM events WHERE slug = ? LIMIT 2", slug)]
        return {slug: rows[0] for slug, rows in found.items() if len(rows) == 1}

    def _by_title(self, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Found]:
        found: dict[tuple[str, str], Found] = {}
        days: dict[str, list[Any]] = {}
        for date, slug in sorted(pairs):
            if date not in days:
                days[date] = self.index.query(
                    "SELECT file, date, slug, title, title_slug FROM events WHERE date = ?", date)
            matches = [row[:4] for row in days[date] if _same_opening(slug, row[4])]
            if len(matches) == 1:
                found[(date, slug)] = tuple(matches[0])
        return found


def _same_opening(link_slug: str, title_slug: str) -> bool:
    """Whether two slugs agree once cut to the same length (archives cut long slugs)."""
    size = min(len(link_slug), len(title_slug))
    return size > 0 and link_slug[:size].rstrip("-") == title_slug[:size].rstrip("-")


class _EventReader:
    """Reads a batch of events with their sources, entities and resolved links."""

    def __init__(self, index: Index, numbers: list[int]) -> None:
        self.index = index
        self.numbers = numbers
        self.marks = ",".join("?" * len(numbers))

    def read(self) -> dict[int, Event]:
        query = self.index.query
        rows = query(f"SELECT e.file, e.date, e.slug, e.title, e.category, e.story, e.extra, e.links, "
                     f"f.path FROM events AS e JOIN files AS f ON f.id = e.file "
                     f"WHERE e.file IN ({self.marks})", *self.numbers)
        sources: dict[int, list[Source]] = {}
        for event, name, url, domain in query(
            f"SELECT event, name, url, domain FROM sources WHERE event IN ({self.marks}) "
            "ORDER BY event, position", *self.numbers):
            sources.setdefault(event, []).append(Source(name, url, domain))
        entities: dict[int, list[str]] = {}
        for event, name in query(
            f"SELECT event, name FROM event_entities WHERE event IN ({self.marks}) "
            "ORDER BY event, position", *self.numbers):
            entities.setdefault(event, []).append(name)
        links = {row[0]: json.loads(row[7]) if row[7] else [] for row in rows}
        related = self._related(links, entities)
        return {
            number: Event(
                id=f"{date}/{slug}", date=dt.date.fromisoformat(date), title=title, path=path,
                category=category, story=story, entities=tuple(entities.get(number, ())),
                sources=tuple(sources.get(number, ())), related=tuple(related.get(number, ())),
                extra=json.loads(extra) if extra else {},
            )
            for number, date, slug, title, category, story, extra, _, path in rows
        }

    def _related(self, links: dict[int, list[Any]], entities: dict[int, list[str]]
                 ) -> dict[int, list[Related]]:
        target_ids = sorted({link[0] for event_links in links.values() for link in event_links})
        targets: dict[int, tuple[str | None, str, str]] = {}
        for batch in _batches(target_ids):
            marks = ",".join("?" * len(batch))
            for target, date, slug, text in self.index.query(
                f"SELECT id, date, slug, text FROM targets WHERE id IN ({marks})", *batch):
                targets[target] = (date, slug, text)
        resolved = LinkResolver(self.index).resolve(set(targets.values()))
        related: dict[int, list[Related]] = {}
        for number, event_links in links.items():
            names = entities.get(number, [])
            related[number] = [_link(targets[target], resolved[targets[target]],
                                     tuple(names[p] for p in positions if p < len(names)))
                               for target, positions in event_links if target in targets]
        return related


def _link(target: tuple[str | None, str, str], found: Found | None, context: tuple[str, ...]) -> Related:
    date, slug, text = target
    if found is None:
        day = dt.date.fromisoformat(date) if date else None
        return Related(f"{date}/{slug}" if date else slug, day, text, context, found=False)
    _, found_date, found_slug, title = found
    return Related(f"{found_date}/{found_slug}", dt.date.fromisoformat(found_date), title, context,
                   found=True)
