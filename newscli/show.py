"""`news show`: the events of a day, month or year, or one event in full."""

from __future__ import annotations

from newscli.dates import in_words, looks_like_date, parse_date_range
from newscli.errors import Ambiguous, NothingFound
from newscli.index import Index
from newscli.results import Empty, EventDetail, EventList


def show(index: Index, what: str) -> EventList | EventDetail:
    """Digits shaped like a date are a date (an impossible one is bad input); else an id."""
    if looks_like_date(what):
        return show_dates(index, what)
    return show_event(index, what)


def show_dates(index: Index, text: str) -> EventList:
    span = parse_date_range(text)
    events = index.events(index.numbers_between(span))
    caption = f"{span.label()}: {len(events)} event{'s' if len(events) != 1 else ''}"
    empty = None if events else Empty(f"no events {in_words(span)} in {index.root}")
    return EventList(events, caption=caption, empty=empty)


def show_event(index: Index, text: str) -> EventDetail:
    try:
        number = index.find(text)
    except Ambiguous as exc:
        return EventDetail(None, Empty(exc.message, exc.suggestions, "candidates"))
    except NothingFound as exc:
        return EventDetail(None, Empty(exc.message, exc.suggestions))
    return EventDetail(index.event(number))
