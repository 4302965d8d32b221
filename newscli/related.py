"""`news related`: an entity's timeline, or the events related to one event.

A name is matched to the archive's entities (entities.py) and gives their events, oldest
first.  Events related to an event are its own `Related:` links first, then the events
sharing its entities, ranked by the summed rarity (inverse document frequency) of what
they share.
"""

from __future__ import annotations

import datetime as dt
import math

from newscli.entities import EntityMatch, entity_events, match_entity
from newscli.errors import Ambiguous, NothingFound
from newscli.filters import Sort, select
from newscli.index import Index
from newscli.models import Related
from newscli.results import Empty, EventList, RelatedList, RelatedRow
from newscli.search import SearchQuery
from newscli.text import fold, words


def related(index: Index, what: str, query: SearchQuery) -> EventList | RelatedList:
    """An id or whole slug gives related events; anything else is first an entity name."""
    try:
        target = _target(index, what.strip())
    except Ambiguous as exc:
        return EventList([], empty=Empty(exc.message, exc.suggestions, "candidates"))
    except NothingFound as exc:
        return EventList([], empty=Empty(exc.message, exc.suggestions))
    if isinstance(target, int):
        return related_to_event(index, target, query)
    return timeline(index, target, query)


def _target(index: Index, text: str) -> int | EntityMatch:
    """An event number or an entity: an id or whole slug is an event (unless no event has
    it and a name does: real names hold slashes too, "Egyptian Revolution of 2011 /
    Downfall of Hosni Mubarak"); else an entity; else an unambiguous slug prefix; else the
    events whose titles name the text."""
    if "/" in text or index.has_slug(text):
        try:
            return index.find(text)
        except Ambiguous:
            raise
        except NothingFound as no_event:
            try:
                return match_entity(index, text)
            except NothingFound:
                raise no_event from None
    try:
        match: EntityMatch | None = match_entity(index, text)
    except NothingFound as no_entity:
        match, missing = None, no_entity
    if match is not None and match.keys:
        return match
    try:
        return index.find(text)  # no entity has that name: a slug prefix may be meant
    except NothingFound:
        if match is not None:
            return match  # the titles that name it
        raise missing from None


def timeline(index: Index, match: EntityMatch, query: SearchQuery) -> EventList:
    allowed, notes = select(index, query.filters)
    numbers = index.in_archive_order(match.events if allowed is None else match.events & allowed)
    if query.sort is Sort.newest:
        numbers.reverse()
    total = len(numbers)
    shown = numbers[: query.limit] if query.limit else numbers
    events = index.events(shown)
    return EventList(
        events,
        caption=f"{total} event{'s' if total != 1 else ''} about {match.name}",
        highlight=tuple(words(match.name)),
        total=total,
        empty=None if events else Empty(f"no events about {match.name!r} pass the filters"),
        notes=tuple(n for n in (match.note, *notes) if n),
    )


# -- related to one event --


def related_to_event(index: Index, number: int, query: SearchQuery) -> RelatedList:
    """The event's own links first, then events sharing its entities, rarest shared first.

    Filters narrow both to events of the archive (a link to a file the archive lacks
    cannot be checked against them, so it is left out when any filter is given); --sort
    date or -date orders every row by date instead.
    """
    event = index.event(number)
    allowed, notes = select(index, query.filters)
    entities = _entities_of(index, number)
    rows = _link_rows(index, event.related, entities, allowed)
    rows += _entity_rows(index, number, entities, allowed, {row.link.id for row in rows}
                         | {fold(row.link.title) for row in rows if not row.link.found})
    if query.sort in (Sort.date, Sort.newest):
        rows.sort(key=lambda row: (row.link.date is None, row.link.date or 0, row.link.id))
        if query.sort is Sort.newest:
            rows.reverse()
    total = len(rows)
    shown = rows[: query.limit] if query.limit else rows
    return RelatedList(event, shown, total=total, empty=None if shown else Empty(
        _nothing_related(event.id, bool(event.related or event.entities), query)), notes=tuple(notes))


def _nothing_related(event_id: str, has_any: bool, query: SearchQuery) -> str:
    if query.filters.any():
        return f"nothing related to {event_id} passes the filters"
    if has_any:
        return f"nothing related to {event_id}: its links and entities lead to no other event"
    return f"nothing related to {event_id}: it has no links or entities"


def _entities_of(index: Index, number: int) -> dict[str, tuple[str, int]]:
    """The event's entities: key -> (name as it writes it, how many events carry it)."""
    return {key: (name, count) for key, name, count in index.query(
        "SELECT ee.entity, ee.name, en.events FROM event_entities AS ee "
        "JOIN entities AS en ON en.key = ee.entity WHERE ee.event = ? ORDER BY ee.position", number)}


def _rarity(index: Index, count: int) -> float:
    return math.log(1 + len(index) / (1 + count))


def _link_rows(index: Index, links: tuple[Related, ...], entities: dict[str, tuple[str, int]],
               allowed: set[int] | None) -> list[RelatedRow]:
    rows = []
    for link in links:
        target = index.find_id(link.id) if link.found else None
        if allowed is not None and (target is None or target not in allowed):
            continue
        shared = entities.keys() & _entities_of(index, target).keys() if target is not None else set()
        rows.append(RelatedRow(link, "link", sum(_rarity(index, entities[k][1]) for k in shared)))
    return rows


def _entity_rows(index: Index, number: int, entities: dict[str, tuple[str, int]],
                 allowed: set[int] | None, already: set[str]) -> list[RelatedRow]:
    """Events sharing the event's entities; `already` holds the ids (and, for links to files
    the archive lacks, the folded titles) of the rows listed as links."""
    scores: dict[int, float] = {}
    shared: dict[int, list[str]] = {}
    for key, (name, count) in entities.items():
        weight = _rarity(index, count)
        for other in entity_events(index, [key]):
            if other != number and (allowed is None or other in allowed):
                scores[other] = scores.get(other, 0.0) + weight
                shared.setdefault(other, []).append(name)
    brief = index.brief(scores)
    ranked = sorted(scores, key=lambda n: (-scores[n], _newest_first(brief[n].date), brief[n].id))
    rows = []
    for other in ranked:
        event_id, date, title = brief[other]
        if event_id in already or fold(title) in already:
            continue  # listed as a link already (a link whose slug differs from the file's too)
        link = Related(event_id, dt.date.fromisoformat(date), title, tuple(shared[other]), True)
        rows.append(RelatedRow(link, "entities", scores[other]))
    return rows


def _newest_first(date: str) -> tuple[int, ...]:
    return tuple(-int(part) for part in date.split("-"))
