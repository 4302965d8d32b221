"""The archive in memory: events in date order and the look-ups every command shares.

Events are held in columns of packed strings and made into `Event` objects only when a
command asks for one, so that a 115,000-event archive loads from the cache as a handful
of byte strings; `store.py` writes and reads those columns.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newscli.dates import DateRange, looks_like_date, parse_date_range
from newscli.errors import Ambiguous, BadInput, NothingFound
from newscli.models import Event, Problem, Related, Source
from newscli.textindex import TextIndex, build_text_index

if TYPE_CHECKING:
    from newscli.loader import ArchiveFiles

# The archive is held in columns (`Strings`, one per field), indexed by event number
# (events in date order).  What only a shown event needs (entities, sources, related links, extra
# frontmatter) stays a JSON string until the event is shown: decoding a million related
# links on every start-up is what made the first version slow.  A detail is
# [entity numbers, sources as [name, url, domain], related links, extra], and a related
# link is [event number, context entity numbers] when the archive holds its target, else
# [[id, date ordinal or null, title], context entity numbers].
Detail = list[Any]

# Problems travel through the cache as plain tuples.
ProblemRow = tuple[str, str, str, str]


@dataclass
class Archive:
    root: str
    ids: Strings
    ordinals: array[int]  # date.toordinal() of each event, ascending
    titles: Strings
    paths: Strings
    categories: Strings  # of str | None
    stories: Strings  # of str | None
    details: Strings
    entity_names: Strings  # entity number -> name as first seen
    problem_rows: list[ProblemRow] = field(default_factory=list)
    skipped: int = 0
    _events: dict[int, Event] = field(default_factory=dict, repr=False)
    _numbers: dict[str, int] | None = field(default=None, repr=False)
    _slugs: list[str] | None = field(default=None, repr=False)
    # the word and entity indexes: built with the archive, or read from the cache on first use
    _text_index: TextIndex | None = field(default=None, repr=False)
    text_index_loader: Callable[[], TextIndex] | None = field(default=None, repr=False)

    @property
    def text_index(self) -> TextIndex:
        if self._text_index is None:
            if self.text_index_loader is None:
                raise RuntimeError("archive has no text index")
            self._text_index = self.text_index_loader()
        return self._text_index

    @text_index.setter
    def text_index(self, value: TextIndex) -> None:
        self._text_index = value

    def __len__(self) -> int:
        return len(self.ids)

    def columns(self) -> tuple[Any, ...]:
        """What the cache stores: a few large byte strings, which load as fast as a copy."""
        return (self.root, self.ids.packed(), self.ordinals.tobytes(), self.titles.packed(),
                self.paths.packed(), self.categories.packed(), self.stories.packed(),
                self.details.packed(), self.entity_names.packed(), self.problem_rows,
                self.skipped)

    @classmethod
    def from_columns(cls, columns: Sequence[Any]) -> Archive:
        (root, ids, ordinals, titles, paths, categories, stories, details, names, problems,
         skipped) = columns
        days = array("i")
        days.frombytes(ordinals)
        return cls(root, Strings(*ids), days, Strings(*titles), Strings(*paths),
                   Strings(*categories), Strings(*stories), Strings(*details), Strings(*names),
                   list(problems), skipped)

    # -- events ----------------------------------------------------------------------------

    def event(self, number: int) -> Event:
        cached = self._events.get(number)
        if cached is None:
            cached = self._events[number] = self._materialise(number)
        return cached

    def events(self, numbers: Iterable[int]) -> list[Event]:
        return [self.event(n) for n in numbers]

    def detail(self, number: int) -> Detail:
        return json.loads(self.details[number])  # type: ignore[no-any-return]

    def entity_numbers(self, number: int) -> list[int]:
        return self.detail(number)[0]  # type: ignore[no-any-return]

    def _materialise(self, n: int) -> Event:
        entities, sources, related, extra = self.detail(n)
        names = self.entity_names.fast()
        return Event(
            id=self.ids[n],
            date=dt.date.fromordinal(self.ordinals[n]),
            title=self.titles[n],
            path=self.paths[n],
            category=self.categories[n],
            story=self.stories[n],
            entities=tuple(names[e] for e in entities),
            sources=tuple(Source(*s) for s in sources),
            related=tuple(self._related(target, [names[e] for e in ctx]) for target, ctx in related),
            extra=extra or {},
        )

    def _related(self, target: int | list[Any], names: list[str]) -> Related:
        context = tuple(names)
        if isinstance(target, int):
            day = dt.date.fromordinal(self.ordinals[target])
            return Related(self.ids[target], day, self.titles[target], context, found=True)
        link_id, ordinal, title = target
        link_day = dt.date.fromordinal(ordinal) if ordinal is not None else None
        return Related(link_id, link_day, title, context, found=False)

    @property
    def problems(self) -> list[Problem]:
        return [Problem(path, severity, problem, detail)  # type: ignore[arg-type]
                for path, severity, problem, detail in self.problem_rows]

    # -- look-ups --------------------------------------------------------------------------

    @property
    def numbers(self) -> dict[str, int]:
        if self._numbers is None:
            self._numbers = {event_id: n for n, event_id in enumerate(self.ids)}
        return self._numbers

    @property
    def slugs(self) -> list[str]:
        """Each event's slug (its id without the date), made once per run."""
        if self._slugs is None:
            self._slugs = [_slug(event_id) for event_id in self.ids]
        return self._slugs

    def numbers_between(self, span: DateRange | None) -> range:
        """The event numbers dated within `span` (events are in date order)."""
        if span is None:
            return range(len(self.ids))
        low = bisect.bisect_left(self.ordinals, span.start.toordinal())
        high = bisect.bisect_right(self.ordinals, span.end.toordinal())
        return range(low, high)

    def find(self, text: str) -> int:
        """An event by full id, whole slug or unambiguous prefix of a slug or id."""
        wanted = text.strip().strip("/")
        if wanted.endswith(".md"):
            wanted = wanted[:-3]
        if not wanted:
            raise BadInput(f"not an event id: {text!r}")
        exact = self.numbers.get(wanted)
        if exact is not None:
            return exact
        slugs = self.slugs
        by_slug = [n for n, slug in enumerate(slugs) if slug == wanted]
        if len(by_slug) == 1:
            return by_slug[0]
        candidates = by_slug or [
            n for n, slug in enumerate(slugs)
            if slug.startswith(wanted) or self.ids[n].startswith(wanted)
        ]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            shown = [self.ids[n] for n in candidates[:10]]
            more = ", the first 10 below" if len(candidates) > 10 else ""
            raise Ambiguous(
                f"{text!r} matches {len(candidates)} events{more}; give more of the id", shown
            )
        raise NothingFound(f"no event with id {text!r}", self.nearest_ids(wanted, slugs))

    def nearest_ids(self, text: str, slugs: list[str], limit: int = 3) -> list[str]:
        """Ids whose slug opens most like `text` (people type the start of a slug), among the
        events of the day `text` names when it names one that has events."""
        from rapidfuzz import fuzz, process

        day, _, wanted = text.rpartition("/")
        numbers: Sequence[int] = range(len(slugs))
        if looks_like_date(day):
            with suppress(BadInput):  # an impossible day: suggest from the whole archive
                numbers = self.numbers_between(parse_date_range(day)) or numbers
        openings = {n: slugs[n][: len(wanted)] for n in numbers}
        found = process.extract(wanted, openings, scorer=fuzz.ratio, limit=limit, score_cutoff=60)
        return [self.ids[n] for _, _, n in found]

    def dangling_links(self) -> Iterator[Problem]:
        """A warning for each related link whose target the archive does not hold."""
        for n, detail in enumerate(self.details):
            if '[[' not in detail:
                continue  # every link resolved: skip the decoding
            for target, _ in json.loads(detail)[2]:
                if not isinstance(target, int):
                    yield Problem(self.paths[n], "warning",
                                  "related link to no file in the archive", target[0])


class Strings(Sequence[Any]):
    """A column of strings (or None) in one UTF-8 byte string, cut by offsets when read.

    Unpacking 100,000 strings per column on every start-up was most of a warm run; a
    command reads only the rows it shows (or, for a look-up, decodes one column once).
    """

    _NONE = b"\xff"  # never valid UTF-8 on its own, so it cannot be a real value

    def __init__(self, blob: bytes, offsets: bytes) -> None:
        self.blob = blob
        self.offsets = array("q")
        self.offsets.frombytes(offsets)
        self._all: list[Any] | None = None

    @classmethod
    def of(cls, texts: Iterable[str | None]) -> Strings:
        encoded = [cls._NONE if text is None else text.encode("utf-8", "surrogatepass")
                   for text in texts]
        offsets = array("q", [0])
        for chunk in encoded:
            offsets.append(offsets[-1] + len(chunk))
        return cls(b"".join(encoded), offsets.tobytes())

    def packed(self) -> tuple[bytes, bytes]:
        return self.blob, self.offsets.tobytes()

    def __getitem__(self, number: Any) -> Any:
        if self._all is not None:
            return self._all[number]
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(len(self)))]
        if number < 0:
            number += len(self)
        chunk = self.blob[self.offsets[number] : self.offsets[number + 1]]
        return None if chunk == self._NONE else chunk.decode("utf-8", "surrogatepass")

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __iter__(self) -> Iterator[Any]:
        return iter(self.decoded())

    def fast(self) -> Sequence[Any]:
        """The decoded list when there is one (quicker to index), else the column itself."""
        return self._all if self._all is not None else self

    def decoded(self) -> list[Any]:
        """Every value, decoded once and kept (for look-ups that scan the whole column)."""
        if self._all is None:
            self._all = [self[n] for n in range(len(self))]
        return self._all


def _slug(event_id: str) -> str:
    return event_id.partition("/")[2]


# -- building from loaded files --


def build_archive(files: ArchiveFiles) -> Archive:
    """Order the loaded events, drop duplicate ids, resolve related links, number entities."""
    events = sorted(
        files.events,
        key=lambda e: (e.date, files.day_order.get(e.id, 1 << 30), e.path),
    )
    problems: list[ProblemRow] = [(p.path, p.severity, p.problem, p.detail) for p in files.problems]
    unique: list[Event] = []
    first_path: dict[str, str] = {}
    for event in events:
        if event.id in first_path:
            problems.append((event.path, "error", "duplicate id",
                             f"{event.id} is also {first_path[event.id]}"))
            continue
        first_path[event.id] = event.path
        unique.append(event)
    skipped = files.skipped + len(events) - len(unique)

    numbers = {event.id: n for n, event in enumerate(unique)}
    by_slug: dict[str, list[int]] = {}
    for n, event in enumerate(unique):
        by_slug.setdefault(event.slug, []).append(n)
    entities = _EntityTable()
    details = Strings.of(_detail(event, numbers, by_slug, entities) for event in unique)
    entity_numbers = [[entities.number(name) for name in event.entities] for event in unique]
    archive = Archive(
        str(files.root),
        Strings.of(e.id for e in unique),
        array("i", [e.date.toordinal() for e in unique]),
        Strings.of(e.title for e in unique),
        Strings.of(e.path for e in unique),
        Strings.of(e.category for e in unique),
        Strings.of(e.story for e in unique),
        details,
        Strings.of(entities.names),
        problems,
        skipped,
    )
    archive.text_index = build_text_index(unique, entity_numbers, len(entities.names))
    return archive


class _EntityTable:
    """Entity names numbered once, matched without regard to case."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._numbers: dict[str, int] = {}

    def number(self, name: str) -> int:
        key = name.casefold()
        found = self._numbers.get(key)
        if found is None:
            found = self._numbers[key] = len(self.names)
            self.names.append(name)
        return found


def _detail(
    event: Event, numbers: dict[str, int], by_slug: dict[str, list[int]], entities: _EntityTable
) -> str:
    detail: Detail = [
        [entities.number(name) for name in event.entities],
        [[s.name, s.url, s.domain] for s in event.sources],
        [
            [_resolve(link, numbers, by_slug), [entities.number(c) for c in link.context]]
            for link in event.related
        ],
        event.extra or None,
    ]
    return json.dumps(detail, ensure_ascii=False, separators=(",", ":"), default=str)


def _resolve(
    link: Related, numbers: dict[str, int], by_slug: dict[str, list[int]]
) -> int | list[Any]:
    """A link resolves by its date and slug, whatever folder prefix it was written with."""
    found = numbers.get(link.id)
    if found is None and link.date is None:
        same_slug = by_slug.get(link.id, [])
        found = same_slug[0] if len(same_slug) == 1 else None
    if found is not None:
        return found
    return [link.id, link.date.toordinal() if link.date else None, link.title]
