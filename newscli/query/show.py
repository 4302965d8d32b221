"""`news show`: the events of a day, month or year, or one event in full."""

from __future__ import annotations

from newscli.errors import Ambiguous, NothingFound
from newscli.index.reader import Index
from newscli.model.dates import in_words, looks_like_date, parse_date_range
from newscli.model.results import Empty, EventDetail, EventList


def show(index: Index, what: str, limit: int = 0, newest_first: bool = False) -> EventList | EventDetail:
    """Digits shaped like a date are a date (an impossible one is bad input); else an id."""
    if looks_like_date(what):
        return show_dates(index, what, limit, newest_first)
    return show_event(index, what)


def show_dates(index: Index, text: str, limit: int = 0, newest_first: bool = False) -> EventList:
    """The events of a day, month or year in the archive's order (or its reverse); the first
    `limit` of them (0: all)."""
    span = parse_date_range(text)
    numbers = index.numbers_between(span)
    if newest_first:
        numbers.reverse()
    total = len(numbers)
    events = index.events(numbers[:limit] if limit else numbers)
    caption = f"{span.label()}: {total} event{'s' if total != 1 else ''}"
    empty = None if events else Empty(f"no events {in_words(span)} in {index.root}")
    return EventList(events, caption=caption, total=total, empty=empty)


def show_event(index: Index, text: str) -> EventDetail:
    try:
        number = index.find(text)
    except Ambiguous as exc:
        return EventDetail(None, Empty(exc.message, exc.suggestions, "candidates"))
    except NothingFound as exc:
        return EventDetail(None, Empty(exc.message, exc.suggestions))
    return EventDetail(index.event(number))
