"""`news timeline`, `news stats` and `news on-this-day`: the shape of a story and of the
archive.

A timeline counts the events of an entity (the events `news related NAME` lists) or, when
the text names no entity or `--query` says so, the events `news search` finds for it, per
year, month, ISO week or day, with every empty period between the first and the last.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from newscli.errors import BadInput, NothingFound
from newscli.index.reader import Index
from newscli.model.dates import DateRange, in_words
from newscli.model.event import Event
from newscli.model.results import Empty, EventList, PeriodCount, Stats, Timeline
from newscli.query.entities import match_entity
from newscli.query.filters import NameSort, Period
from newscli.query.names import counted, ordered

TOP = 10  # names in each of the lists of `news stats`


@dataclass(frozen=True)
class TimelineQuery:
    text: str
    by: Period = Period.year
    span: DateRange | None = None
    as_search: bool = False  # --query: read the text as a search, never as a name


# -- periods --


def period_of(day: dt.date, by: Period) -> str:
    """The label of the period holding `day`: 2011, 2011-06, 2011-W23 (ISO) or 2011-06-06."""
    if by is Period.year:
        return f"{day.year:04d}"
    if by is Period.month:
        return f"{day.year:04d}-{day.month:02d}"
    if by is Period.week:
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return day.isoformat()


def periods(start: dt.date, end: dt.date, by: Period) -> Iterator[str]:
    """The labels of every period from the one holding `start` to the one holding `end`."""
    if by is Period.year:
        for year in range(start.year, end.year + 1):
            yield f"{year:04d}"
    elif by is Period.month:
        for month in range(start.year * 12 + start.month - 1, end.year * 12 + end.month):
            yield f"{month // 12:04d}-{month % 12 + 1:02d}"
    else:
        step = 7 if by is Period.week else 1
        day = start - dt.timedelta(days=start.weekday()) if by is Period.week else start
        while day <= end:
            yield period_of(day, by)
            day += dt.timedelta(days=step)


def per_period(dates: list[dt.date], by: Period, span: DateRange | None = None) -> list[PeriodCount]:
    """Events per period, empty periods included, from the first date (or the start of
    `span`) to the last (or its end)."""
    if not dates:
        return []
    start = span.start if span and span.start != dt.date.min else min(dates)
    end = span.end if span and span.end != dt.date.max else max(dates)
    counts = Counter(period_of(day, by) for day in dates)
    return [PeriodCount(label, counts.get(label, 0)) for label in periods(start, end, by)]


# -- news timeline --


def timeline(index: Index, query: TimelineQuery) -> Timeline:
    text = " ".join(query.text.split())
    if not text:
        raise BadInput("give a name or words to search for")
    name, numbers, notes, suggestions = _events_of(index, text, query)
    subject = name or repr(text)
    dates = {n: dt.date.fromisoformat(d) for n, d in index.dates(numbers).items()}
    if query.span is not None:
        dates = {n: d for n, d in dates.items() if d in query.span}
    if not dates:
        if name:
            reason = f"no events about {name}"
        elif query.as_search:
            reason = f"no events match {text!r}"
        else:  # the note that a search was made would only repeat this
            reason, notes = f"no entity is named {text!r} and no events match it", ()
        if numbers and query.span is not None:
            reason += f" {in_words(query.span)}"
        return Timeline(subject, query.by.value, [], empty=Empty(reason, suggestions), notes=notes)
    first, last = _ends(index, dates)
    return Timeline(subject, query.by.value, per_period(list(dates.values()), query.by, query.span),
                    first, last, notes=notes)


def _events_of(index: Index, text: str, query: TimelineQuery
               ) -> tuple[str, set[int], tuple[str, ...], tuple[str, ...]]:
    """The entity counted ("" for a search), its events, notes for stderr and names to
    suggest if there are none: an entity's events (or those whose titles name the text),
    else a search's."""
    from newscli.query.search import parse_query, rank

    suggestions: tuple[str, ...] = ()
    if not query.as_search:
        try:
            match = match_entity(index, text)
        except NothingFound as exc:
            suggestions = exc.suggestions
        else:
            return match.name, set(match.events), (match.note,) if match.note else (), ()
    parsed = parse_query(text)
    if not parsed.words:
        raise BadInput(f"nothing to search for in {text!r}: give words")
    allowed = set(index.numbers_between(query.span)) if query.span else None
    ranked, _ = rank(index, parsed, allowed)
    notes = () if query.as_search else (f"no entity named {text!r}; counting the events a search "
                                        "for it finds",)
    return "", {n for n, _ in ranked}, notes, suggestions


def _ends(index: Index, dates: dict[int, dt.date]) -> tuple[Event, Event]:
    """The first and the last event, in the archive's order."""
    low, high = min(dates.values()), max(dates.values())
    first = index.in_archive_order(n for n, d in dates.items() if d == low)[0]
    last = index.in_archive_order(n for n, d in dates.items() if d == high)[-1]
    found = index.events([first, last])
    return found[0], found[1]


# -- news stats --


def stats(index: Index, span: DateRange | None = None, top: int = TOP) -> Stats:
    """The archive at a glance (its events of `span`): counts, dates, events per year, the
    `top` most frequent entities and sources (0: all), and every category."""
    low, high = (span.start.isoformat(), span.end.isoformat()) if span else ("", "9999-99-99")
    # one pass over the dates: a day is in one year, so the days of the years add up
    rows = index.query("SELECT substr(date, 1, 4), count(*), count(DISTINCT date), min(date), max(date) "
                       "FROM events WHERE date BETWEEN ? AND ? GROUP BY 1 ORDER BY 1", low, high)
    years = {year: count for year, count, *_ in rows}
    events, days = sum(years.values()), sum(row[2] for row in rows)
    first, last = (rows[0][3], rows[-1][4]) if rows else (None, None)
    per_year = [PeriodCount(y, years.get(y, 0)) for y in periods(dt.date.fromisoformat(rows[0][3]),
                                                                  dt.date.fromisoformat(rows[-1][4]),
                                                                  Period.year)] if rows else []
    entities, sources = counted(index, "entities", span), counted(index, "sources", span)
    categories = ordered(counted(index, "categories", span), NameSort.by_count)
    in_span = " AND date BETWEEN ? AND ?" if span else ""
    stories = {story.casefold() for (story,) in index.query(
        f"SELECT DISTINCT story FROM events WHERE story IS NOT NULL AND story != ''{in_span}",
        *((low, high) if span else ()))}
    where = f" {in_words(span)}" if span else ""
    empty = None if events else Empty(f"no events{where} in {index.root}")
    return Stats(
        events=events, days=days, first=first, last=last, files=index.files, skipped=index.skipped,
        entities=len(entities), sources=len(sources), stories=len(stories),
        per_year=per_year,
        top_entities=ordered(entities, NameSort.by_count, top),
        top_sources=ordered(sources, NameSort.by_count, top),
        categories=categories,
        without_category=events - sum(c.count for c in categories),
        empty=empty,
    )


# -- news on-this-day --


def on_this_day(index: Index, month: int, day: int, limit: int = 20, span: DateRange | None = None
                ) -> EventList:
    """The events of one day of the year in every year, newest first (a day in its page's
    order)."""
    key = f"{month:02d}-{day:02d}"
    low, high = (span.start.isoformat(), span.end.isoformat()) if span else ("", "9999-99-99")
    numbers = [row[0] for row in index.query(
        "SELECT file FROM events WHERE substr(date, 6) = ? AND date BETWEEN ? AND ?", key, low, high)]
    in_order = index.in_archive_order(numbers)
    dates = index.dates(in_order)
    in_order.sort(key=dates.__getitem__, reverse=True)  # stable: a day keeps its page's order
    total = len(in_order)
    years = len({dates[n][:4] for n in in_order})
    events = index.events(in_order[:limit] if limit else in_order)
    where = f" {in_words(span)}" if span else ""
    caption = (f"{key}: {total} event{'s' if total != 1 else ''} in {years} year{'s' if years != 1 else ''}"
               f"{where}, newest first")
    empty = None if events else Empty(f"no events on {key} in any year{where}")
    return EventList(events, caption=caption, total=total, empty=empty)
