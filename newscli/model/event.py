"""The archive's vocabulary: an event, its sources and links, a file's problems; and which
source addresses may be followed.  Frozen values; nothing here reads files or prints."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple
from urllib.parse import urlsplit

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


# the problem `news check` counts rather than lists, unless --verbose
DANGLING = "related link to no file in the archive"


@dataclass(frozen=True)
class Problem:
    """Something wrong with one file of the archive (what `news check` reports)."""

    path: str
    severity: Severity
    problem: str
    detail: str = ""


def make_id(date: dt.date, slug: str) -> str:
    return f"{date.isoformat()}/{slug}"


# a URL that is never followed: a control character, a space of any kind, a lone surrogate
_NOT_IN_LINKS = re.compile("[\\s\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# terminals drop longer link targets (VTE's limit); a giant one is not even looked at
LONGEST_LINK = 2083


def web_address(url: str | None) -> str | None:
    """`url` when it is a well-formed http(s) web address (what may be linked or opened), else
    None: a URL with a control character or a space, no host, or another scheme
    (`javascript:`, `file:`) is never followed."""
    if not url or len(url) > LONGEST_LINK or _NOT_IN_LINKS.search(url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url
