"""The filters `search`, `related` and the exploring commands share: dates, category, source
and entity, each narrowing the set of events a command may answer with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from newscli.model.dates import DateRange
from newscli.model.words import fold

if TYPE_CHECKING:
    from newscli.index.reader import Index


class Sort(str, Enum):
    relevance = "relevance"
    date = "date"  # oldest first
    newest = "-date"


class Period(str, Enum):
    """What `news timeline --by` counts in."""

    year = "year"
    month = "month"
    week = "week"  # ISO weeks, Monday to Sunday: 2011-W23
    day = "day"


class NameSort(str, Enum):
    """The order of `news entities|sources|stories`: what comes first is what the word says."""

    by_count = "count"  # the most events first
    by_name = "name"  # alphabetically (case and accents aside)
    by_first = "first"  # the first to appear first
    by_last = "last"  # the last seen first


@dataclass(frozen=True)
class Filters:
    span: DateRange | None = None
    category: str | None = None
    source: str | None = None
    entity: str | None = None

    def any(self) -> bool:
        return any((self.span, self.category, self.source, self.entity))


def select(index: Index, filters: Filters) -> tuple[set[int] | None, list[str]]:
    """The event numbers the filters allow (None: all), and notes on how names were matched."""
    allowed: set[int] | None = None
    notes: list[str] = []

    def narrow(numbers: Iterable[int]) -> None:
        nonlocal allowed
        found = set(numbers)
        allowed = found if allowed is None else allowed & found

    if filters.span is not None:
        narrow(index.numbers_between(filters.span))
    if filters.category:
        narrow(_by_category(index, fold(filters.category)))
    if filters.source:
        narrow(_by_source(index, fold(filters.source)))
    if filters.entity:
        from newscli.query.entities import match_entity

        match = match_entity(index, filters.entity)
        if match.note:
            notes.append(match.note)
        narrow(match.events)
    return allowed, notes


def _by_category(index: Index, wanted: str) -> list[int]:
    categories = [c for (c,) in index.query("SELECT DISTINCT category FROM events WHERE category IS NOT NULL")
                  if wanted in fold(c)]
    return _events_where(index, "SELECT file FROM events WHERE category IN ({marks})", categories)


def _by_source(index: Index, wanted: str) -> list[int]:
    """Events with a source whose name or domain holds `wanted` (case and accents aside)."""
    names = [name for (name,) in index.query("SELECT DISTINCT name FROM sources") if wanted in fold(name)]
    domains = [domain for (domain,) in index.query("SELECT DISTINCT domain FROM sources WHERE domain IS "
                                                   "NOT NULL") if wanted in domain]
    return (_events_where(index, "SELECT event FROM sources WHERE name IN ({marks})", names)
            + _events_where(index, "SELECT event FROM sources WHERE domain IN ({marks})", domains))


def _events_where(index: Index, sql: str, values: list[str]) -> list[int]:
    found: list[int] = []
    for start in range(0, len(values), 500):
        batch = values[start : start + 500]
        found += [r[0] for r in index.query(sql.format(marks=",".join("?" * len(batch))), *batch)]
    return found
