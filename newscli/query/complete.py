"""What a shell completes: entity names, event ids and slugs, and dates, from the index.

Completion runs at every Tab, so it never lists the archive nor refreshes the index: it
reads the database as it stands (`database.peek`), and an archive no command has read yet
completes nothing.  Every query is a prefix query on one of the database's indexes, and
at most `LIMIT` values are given.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from newscli.errors import BadInput
from newscli.index.database import peek
from newscli.index.short_ids import short_id
from newscli.model import dates
from newscli.model.words import fold

LIMIT = 50
# What a shell may complete: a date (`--from`), a date or an event (`show`), an entity
# name (`--entity`), an entity name or an event (`related`)
Kind = Literal["date", "date-or-event", "name", "name-or-event"]

# the opening of a date as the index writes it: 2, 2011, 2011-0, 2011-06, 2011-06-0
_DATE_OPENING = re.compile(r"[0-9]{0,4}|[0-9]{4}-[0-9]{0,2}|[0-9]{4}-[0-9]{2}-[0-9]{0,2}")
_UNSAYABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_LAST = "\U0010ffff"  # after every other character: `x <= text < prefix + _LAST` opens with it


def candidates(kind: Kind, data_dir: Path, typed: str) -> list[str]:
    """The values of `kind` that complete `typed`, from the index of the archive in
    `data_dir`; none when it has no index yet."""
    question: Callable[[sqlite3.Connection], list[str]] = {
        "date": lambda c: _dates(c, typed),
        "date-or-event": lambda c: _dates_or_events(c, typed),
        "name": lambda c: _names(c, typed),
        "name-or-event": lambda c: _names_or_events(c, typed),
    }[kind]
    found = peek(data_dir, question) or []
    # a value that is not one line of text for the shell (control characters) is left out
    return [value for value in dict.fromkeys(found) if not _UNSAYABLE.search(value)][:LIMIT]


def _dates_or_events(connection: sqlite3.Connection, typed: str) -> list[str]:
    if "/" in typed:
        return _ids(connection, typed)
    found = _dates(connection, typed)
    if typed and not _DATE_OPENING.fullmatch(typed):
        found += _slugs(connection, typed)
    return found


def _names_or_events(connection: sqlite3.Connection, typed: str) -> list[str]:
    # a name may hold a slash too
    return (_ids(connection, typed) if "/" in typed else []) + _names(connection, typed)


def _dates(connection: sqlite3.Connection, typed: str) -> list[str]:
    """Years, months and days of the index that open with `typed`: years while it is at most
    a year, then months, then days; a whole year or month brings its months or days too.
    Then the words for dates (`today`, `yesterday`) that open with it, if dates.py has them."""
    words = [word for word in getattr(dates, "RELATIVE_DAYS", {}) if word.startswith(typed)]
    if not _DATE_OPENING.fullmatch(typed):
        return words
    size = 4 if len(typed) <= 4 else 7 if len(typed) <= 7 else 10
    periods = _periods(connection, typed, size)
    if typed in periods and size < 10:
        periods += _periods(connection, f"{typed}-", size + 3)
    return periods + words


def _periods(connection: sqlite3.Connection, opening: str, size: int) -> list[str]:
    """The distinct first `size` characters of the dates of the index that open with
    `opening`, in order: one index seek each, skipping the rest of each period."""
    found: list[str] = []
    low = opening
    while len(found) < LIMIT:
        row = connection.execute("SELECT date FROM events WHERE date >= ? ORDER BY date LIMIT 1",
                                 (low,)).fetchone()
        if row is None or not row[0].startswith(opening):
            break
        found.append(row[0][:size])
        low = f"{row[0][:size]}~"  # '~' sorts after digits and '-': the next period on
    return found


def _ids(connection: sqlite3.Connection, typed: str) -> list[str]:
    """`DAY/opening`: the ids of the day's events whose slug opens so, each as its short id
    (what a terminal shows) when that opens with `typed`, else as its whole id.  The day is
    kept as it was typed (`2011-6-6/...`)."""
    day, _, opening = typed.partition("/")
    try:
        span = dates.parse_date_range(day)
    except BadInput:
        return []
    if not span.is_day:
        return []
    date = span.start.isoformat()
    slugs = [row[0] for row in connection.execute(
        "SELECT slug FROM events WHERE date = ? ORDER BY slug", (date,))]
    found = []
    for slug in (s for s in slugs if s.startswith(opening)):
        short = short_id(f"{date}/{slug}", slugs).partition("/")[2]
        chosen = short if slug.startswith(short) and short.startswith(opening) else slug
        found.append(f"{day}/{chosen}")
        if len(found) == LIMIT:
            break
    return found


def _slugs(connection: sqlite3.Connection, typed: str) -> list[str]:
    return [row[0] for row in connection.execute(
        "SELECT DISTINCT slug FROM events WHERE slug >= ? AND slug < ? ORDER BY slug LIMIT ?",
        (typed, typed + _LAST, LIMIT))]


def _names(connection: sqlite3.Connection, typed: str) -> list[str]:
    """Entity names whose folded form opens with `typed` folded (case and accents aside),
    those the most events carry first."""
    wanted = fold(re.sub(r"\s+", " ", typed.lstrip()))
    return [row[0] for row in connection.execute(
        "SELECT name FROM entities WHERE folded >= ? AND folded < ? ORDER BY events DESC, folded "
        "LIMIT ?", (wanted, wanted + _LAST, 2 * LIMIT))]
