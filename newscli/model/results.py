"""What commands return: plain data that output/render.py turns into tables, rows or JSON.

A result that holds nothing carries the one-line reason and any suggestions; the CLI
prints them on stderr and exits 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from newscli.model.event import Event, Problem, Related


@dataclass(frozen=True)
class Empty:
    """Why a request found nothing, and what the user may have meant."""

    reason: str
    suggestions: tuple[str, ...] = ()
    suggestion_label: str = "did you mean"


@dataclass(frozen=True)
class EventList:
    """Events in the order to show them (`show DATE`, `search`, an entity's timeline)."""

    events: Sequence[Event]
    caption: str = ""
    scores: Sequence[float] | None = None  # one per event, when ranked
    scored: bool = False  # a search: JSON objects carry "score" (null when nothing ranked them)
    highlight: tuple[str, ...] = ()  # normalised words to mark in titles
    total: int | None = None  # how many matched before --limit, when more than shown
    empty: Empty | None = None
    notes: tuple[str, ...] = ()  # said on stderr, such as which entity was matched


@dataclass(frozen=True)
class EventDetail:
    """One event in full (`show ID`)."""

    event: Event | None
    empty: Empty | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelatedRow:
    link: Related
    via: str  # the strongest reason: link, backlink, entities, words or date
    score: float
    reasons: tuple[str, ...] = ()  # every reason it is there, strongest first


@dataclass(frozen=True)
class RelatedList:
    """The events related to one event (`related ID`)."""

    event: Event
    rows: Sequence[RelatedRow]
    total: int | None = None
    empty: Empty | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckReport:
    """What `news check` found; `verbose` lists each dangling link instead of counting them."""

    problems: Sequence[Problem]
    files: int
    verbose: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")


@dataclass(frozen=True)
class IndexReport:
    """What `news index` did: the archive's counts, what changed, and where the index is."""

    files: int
    events: int
    skipped: int
    added: int
    changed: int
    removed: int
    parsed: int
    seconds: float
    database: str | None  # None: in memory (--no-cache)
    watched: bool = False  # news watch vouched for it: the archive was not walked
    notes: tuple[str, ...] = ()
    empty: Empty | None = None


@dataclass(frozen=True)
class CacheRow:
    """One archive's index in the cache folder."""

    database: str
    archive: str | None
    size: int  # bytes, with its -wal, -shm and -journal files
    refreshed: float | None  # seconds since the epoch
    archive_exists: bool
    watcher: int | None = None  # the pid of its news watch, if one runs


@dataclass(frozen=True)
class CacheReport:
    """`news cache`: the indexes there are, or those just removed (`removed` true)."""

    rows: Sequence[CacheRow]
    folder: str
    removed: bool = False
    notes: tuple[str, ...] = ()
    empty: Empty | None = None


# -- exploring the archive: timeline, entities/sources/stories, stats --
# Their JSON objects are exactly these fields (render.py), so a field is its JSON key.


@dataclass(frozen=True)
class PeriodCount:
    """How many events one period holds: `period` is 2011, 2011-06, 2011-W23 or 2011-06-06."""

    period: str
    count: int


@dataclass(frozen=True)
class Timeline:
    """`news timeline`: events per period, every period from the first to the last."""

    subject: str  # what was counted: an entity's name, or the search as typed
    by: str  # year, month, week or day
    periods: Sequence[PeriodCount]
    first: Event | None = None
    last: Event | None = None
    empty: Empty | None = None
    notes: tuple[str, ...] = ()

    @property
    def events(self) -> int:
        return sum(p.count for p in self.periods)

    @property
    def busiest(self) -> PeriodCount | None:
        """The period with the most events (the earliest of equals)."""
        return max(self.periods, key=lambda p: p.count, default=None)


@dataclass(frozen=True)
class NameCount:
    """A name (entity, source, story, category) with its number of events, first and last dates."""

    name: str
    count: int
    first: str  # YYYY-MM-DD
    last: str


@dataclass(frozen=True)
class NameList:
    """`news entities|sources|stories`: names in the order asked for."""

    kind: str  # "entities", "sources", "stories": what the names are
    rows: Sequence[NameCount]
    caption: str = ""
    total: int | None = None  # how many names matched before --limit
    empty: Empty | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stats:
    """`news stats`: the archive at a glance."""

    events: int
    days: int  # days with at least one event
    first: str | None  # YYYY-MM-DD, None for an archive without events
    last: str | None
    files: int
    skipped: int
    entities: int  # distinct names of each kind
    sources: int
    stories: int
    per_year: Sequence[PeriodCount]
    top_entities: Sequence[NameCount]
    top_sources: Sequence[NameCount]
    categories: Sequence[NameCount]
    without_category: int
    empty: Empty | None = None
    notes: tuple[str, ...] = ()


Result = EventList | EventDetail | RelatedList | CheckReport | IndexReport | CacheReport
Explored = Timeline | NameList | Stats  # drawn by their own functions of render.py
