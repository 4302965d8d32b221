"""`news related`: an entity's timeline, or the events related to one event.

A name is matched to the archive's entities (entities.py) and gives their events, oldest
first.  Events related to an event are its own `Related:` links first, then the events
sharing its entities, ranked by the summed rarity (inverse document frequency) of what
they share.
"""

from __future__ import annotations

import datetime as dt
import math

from newscli.errors import Ambiguous, NothingFound
from newscli.index.reader import Index
from newscli.model.event import Event, Related
from newscli.model.results import Empty, EventList, RelatedList, RelatedRow
from newscli.model.words import words
from newscli.query.entities import EntityMatch, entity_events, match_entity
from newscli.query.filters import Sort, select
from newscli.query.search import SearchQuery


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


# How much each reason counts, each reason's score lying between 0 and 1 before this.
# Tuned on ../shared/eval's more-like-this task over four spans of years (P@10 of events
# of the same story): words weigh most, and closeness in time multiplies the rest, as the
# events of one story are near each other in time.
LINK_WEIGHT = 0.5  # the event's own Related: list names it
BACKLINK_WEIGHT = 1.0  # its Related: list names the event
ENTITIES_WEIGHT = 1.0  # the share of the event's entities' rarity it shares
WORDS_WEIGHT = 4.0  # how well it matches the rare words of the event's title
TIME_WEIGHT = 4.0  # the score is multiplied by 1 + this, times its closeness in time
TIME_SCALE_DAYS = 20.0  # closeness is e^(-days apart / this)
SIMILAR_TITLES = 600  # events looked at for their words
COMMON_ENTITY_SHARE = 0.02  # an entity carried by more of the archive brings no candidates
REASONS = ("link", "backlink", "entities", "words", "date")


def related_to_event(index: Index, number: int, query: SearchQuery) -> RelatedList:
    """Every event related to this one, scored on all reasons together: its own links, the
    events linking to it, shared entities weighed by rarity, similar titles, closeness in
    time.  `via` names the strongest reason; `reasons`, all of them.

    Filters narrow the answer to events of the archive (a link to a file the archive lacks
    cannot be checked against them, so it is left out when any filter is given); --sort
    date or -date orders every row by date instead of by score.
    """
    event = index.event(number)
    allowed, notes = select(index, query.filters)
    entities = _entities_of(index, number)
    candidates = _Candidates(number, allowed)
    missing = _links(index, event, candidates)
    candidates.add_all("backlink", dict.fromkeys(index.linking_to(number), 1.0))
    candidates.add_all("entities", _shared_entities(index, number, entities))
    candidates.add_all("words", _similar_titles(index, number, event.title))
    rows = _rows(index, number, event, candidates, entities) + ([] if query.filters.any() else missing)
    rows.sort(key=lambda row: (-row.score, row.link.date is None, _newest(row.link.date), row.link.id))
    if query.sort in (Sort.date, Sort.newest):
        rows.sort(key=lambda row: (row.link.date is None, row.link.date or 0, row.link.id))
        if query.sort is Sort.newest:
            rows.reverse()
    total = len(rows)
    shown = rows[: query.limit] if query.limit else rows
    return RelatedList(event, shown, total=total, empty=None if shown else Empty(
        _nothing_related(event.id, query)), notes=tuple(notes))


def _nothing_related(event_id: str, query: SearchQuery) -> str:
    if query.filters.any():
        return f"nothing related to {event_id} passes the filters"
    return f"nothing related to {event_id}: no link, entity or title word leads to another event"


class _Candidates:
    """Each candidate event's score on each reason, between 0 and 1."""

    def __init__(self, number: int, allowed: set[int] | None) -> None:
        self.number = number
        self.allowed = allowed
        self.reasons: dict[int, dict[str, float]] = {}

    def add_all(self, reason: str, scores: dict[int, float]) -> None:
        for other, score in scores.items():
            if other != self.number and (self.allowed is None or other in self.allowed) and score > 0:
                self.reasons.setdefault(other, {})[reason] = score


def _links(index: Index, event: Event, candidates: _Candidates) -> list[RelatedRow]:
    """The event's own links: found ones become candidates; those to files the archive lacks
    are rows of their own (they can be shown, not scored on anything else)."""
    missing = []
    found: dict[int, float] = {}
    for link in event.related:
        target = index.find_id(link.id) if link.found else None
        if target is None:
            missing.append(RelatedRow(link, "link", LINK_WEIGHT, ("link",)))
        else:
            found[target] = 1.0
    candidates.add_all("link", found)
    return missing


def _entities_of(index: Index, number: int) -> dict[str, tuple[str, int]]:
    """The event's entities: key -> (name as it writes it, how many events carry it)."""
    return {key: (name, count) for key, name, count in index.query(
        "SELECT ee.entity, ee.name, en.events FROM event_entities AS ee "
        "JOIN entities AS en ON en.key = ee.entity WHERE ee.event = ? ORDER BY ee.position", number)}


def _rarity(index: Index, count: int) -> float:
    return math.log(1 + len(index) / (1 + count))


def _shared_entities(index: Index, number: int, entities: dict[str, tuple[str, int]]) -> dict[int, float]:
    """Events sharing the event's entities: the share of its entities' rarity they hold.  An
    entity a large part of the archive carries ("President") brings no candidate of its own."""
    total = sum(_rarity(index, count) for _, count in entities.values()) or 1.0
    common = COMMON_ENTITY_SHARE * len(index)
    scores: dict[int, float] = {}
    for key, (_, count) in entities.items():
        if count > common and count > 50:
            continue
        weight = _rarity(index, count) / total
        for other in entity_events(index, [key]):
            scores[other] = scores.get(other, 0.0) + weight
    return scores


def _similar_titles(index: Index, number: int, title: str) -> dict[int, float]:
    """Events whose words match the words of the title (but stop words and numbers), by
    bm25, the best at 1."""
    from newscli.index.textindex import similar
    from newscli.query.search import STOP_WORDS

    wanted = [w for w in dict.fromkeys(words(title)) if w not in STOP_WORDS and not w.isdigit()]
    scores = similar(index, wanted, SIMILAR_TITLES + 1)
    scores.pop(number, None)
    best = max(scores.values(), default=0.0) or 1.0
    return {other: score / best for other, score in scores.items()}


def _rows(index: Index, number: int, event: Event, candidates: _Candidates,
          entities: dict[str, tuple[str, int]]) -> list[RelatedRow]:
    others = list(candidates.reasons)
    brief = index.brief(others)
    days = {n: dt.date.fromisoformat(brief[n].date) for n in others}
    shared = _shared_names(index, others, entities)
    rows = []
    for other in others:
        reasons = candidates.reasons[other]
        gap = abs((days[other] - event.date).days)
        weighted = {reason: _WEIGHTS[reason] * score for reason, score in reasons.items()}
        closeness = math.exp(-gap / TIME_SCALE_DAYS)
        total = sum(weighted.values()) * (1 + TIME_WEIGHT * closeness)
        # why it is there: the reasons it matched on, strongest first; "date" too when it is
        # close enough in time to count for half as much again
        named = tuple(sorted(weighted, key=lambda r: (-weighted[r], REASONS.index(r))))
        if TIME_WEIGHT * closeness >= 0.5:
            named += ("date",)
        link = Related(brief[other].id, days[other], brief[other].title, shared.get(other, ()), True)
        rows.append(RelatedRow(link, named[0], total, named))
    return rows


_WEIGHTS = {"link": LINK_WEIGHT, "backlink": BACKLINK_WEIGHT, "entities": ENTITIES_WEIGHT,
            "words": WORDS_WEIGHT}


def _shared_names(index: Index, others: list[int], entities: dict[str, tuple[str, int]]
                  ) -> dict[int, tuple[str, ...]]:
    """The names of the event's entities each other event carries too, in the event's order."""
    order = {key: n for n, key in enumerate(entities)}
    found: dict[int, list[str]] = {}
    for start in range(0, len(others), 500):
        batch = others[start : start + 500]
        marks = ",".join("?" * len(batch))
        for other, key in index.query(
                f"SELECT event, entity FROM event_entities WHERE event IN ({marks})", *batch):
            if key in order:
                found.setdefault(other, []).append(key)
    return {other: tuple(entities[k][0] for k in sorted(keys, key=order.__getitem__))
            for other, keys in found.items()}


def _newest(day: dt.date | None) -> int:
    return -(day.toordinal() if day else 0)
