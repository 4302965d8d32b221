"""The archive's vocabulary: frozen dataclasses and nothing that reads files or prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Source:
    name: str
    url: str | None = None
    domain: str | None = None


class Related(NamedTuple):
    """A `Related:` link of an event file.

    `found` and the title of a found link are settled by the index, which alone knows
    what else the archive holds; the loader leaves `found` False.  A named tuple rather
    than a dataclass: an archive has a million of them, and this is three times quicker
    to make.
    """

    id: str
    date: dt.date | None
    title: str
    context: tuple[str, ...] = ()
    found: bool = False


@dataclass(frozen=True)
class Event:
    id: str  # "YYYY-MM-DD/<slug>": unique, sorts by date, independent of the archive's location
    date: dt.date
    title: str
    path: str  # posix path relative to the archive root
    category: str | None = None
    story: str | None = None
    entities: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    related: tuple[Related, ...] = ()
    # frontmatter keys the model has no field for, kept as they were read
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def slug(self) -> str:
        return self.id.partition("/")[2]


@dataclass(frozen=True)
class Problem:
    """Something wrong with one file of the archive (what `news check` reports)."""

    path: str
    severity: Severity
    problem: str
    detail: str = ""


def make_id(date: dt.date, slug: str) -> str:
    return f"{date.isoformat()}/{slug}"
