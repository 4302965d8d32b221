"""`news related`: an entity's timeline, or the events related to one event.

Entities are matched exactly first (ignoring case and accents), then with rapidfuzz's
WRatio against every entity name of the archive; a name scoring below
`ENTITY_CUTOFF` is no match.  Among the closest names (within `CLOSE_ENOUGH` of the
best), the one the most events carry wins, so `humala` finds "Ollanta Humala".
Events related to an event are its own `Related:` links first, then the events that
share its entities, ranked by the summed rarity (inverse document frequency) of what
they share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from newscli.errors import Ambiguous, NothingFound
from newscli.index import Archive
from newscli.models import Related
from newscli.results import Empty, EventList, RelatedList, RelatedRow
from newscli.search import Filters, SearchQuery, Sort, parse_query, rank, select
from newscli.text import fold

ENTITY_CUTOFF = 85  # rapidfuzz WRatio, 0-100
CLOSE_ENOUGH = 3  # points below the best score that still count as "the closest names"


@dataclass(frozen=True)
class EntityMatch:
    name: str
    entities: tuple[int, ...]
    events: frozenset[int]
    note: str = ""  # said on stderr when the match was not exact


def related(archive: Archive, what: str, query: SearchQuery) -> EventList | RelatedList:
    """An id or whole slug gives related events; anything else is first an entity name."""
    text = what.strip()
    try:
        if "/" in text or _is_whole_slug(archive, text):
            return related_to_event(archive, archive.find(text), query.limit)
        try:
            match = match_entity(archive, text)
        except NothingFound as no_entity:
            try:
                number = archive.find(text)
            except (NothingFound, Ambiguous):
                raise no_entity from None
            return related_to_event(archive, number, query.limit)
    except Ambiguous as exc:
        return EventList([], empty=Empty(exc.message, exc.suggestions, "candidates"))
    except NothingFound as exc:
        return EventList([], empty=Empty(exc.message, exc.suggestions))
    return timeline(archive, match, query)


def _is_whole_slug(archive: Archive, text: str) -> bool:
    return any(event_id.partition("/")[2] == text for event_id in archive.ids.decoded())


# -- entities --


def match_entity(archive: Archive, name: str) -> EntityMatch:
    """The entity `name` means: exact (folded), else the most carried of the closest names."""
    wanted = fold(" ".join(name.split()))
    if not wanted:
        raise NothingFound("give a name")
    names = archive.entity_names.decoded()
    exact = tuple(n for n, entity in enumerate(names) if fold(entity) == wanted)
    if exact:
        return _match(archive, names[exact[0]], exact, "")
    from rapidfuzz import fuzz, process

    folded = [fold(entity) for entity in names]
    candidates = process.extract(wanted, folded, scorer=fuzz.WRatio, limit=25,
                                 score_cutoff=ENTITY_CUTOFF if len(wanted) >= 4 else 95)
    if not candidates:
        nearest = process.extract(wanted, folded, scorer=fuzz.WRatio, limit=5, score_cutoff=70)
        raise NothingFound(f"no entity named {name!r}", [names[n] for _, _, n in nearest])
    best = candidates[0][1]
    closest = [n for _, score, n in candidates if score >= best - CLOSE_ENOUGH]
    index = archive.text_index
    chosen = max(closest, key=lambda n: (index.entity_count(n), -n))
    same = tuple(n for n, entity in enumerate(folded) if entity == folded[chosen])
    note = f'matched "{names[chosen]}"'
    if len(closest) > 1:
        note += f" (the most frequent of {len(closest)} close names)"
    return _match(archive, names[chosen], same, note)


def _match(archive: Archive, name: str, entities: tuple[int, ...], note: str) -> EntityMatch:
    index = archive.text_index
    events: set[int] = set()
    for entity in entities:
        events.update(index.entity_events(entity))
    # events whose title names the entity, even where extraction did not list it
    phrase = parse_query(f'"{name}"')
    if phrase.words:
        titled, _ = rank(archive, phrase, None)
        events.update(n for n, _ in titled if _title_names(archive.titles[n], phrase.words))
    return EntityMatch(name, entities, frozenset(events), note)


def _title_names(title: str, name_words: tuple[str, ...]) -> bool:
    from newscli.text import words

    title_words = words(title)
    size = len(name_words)
    return any(tuple(title_words[i : i + size]) == name_words
               for i in range(len(title_words) - size + 1))


def timeline(archive: Archive, match: EntityMatch, query: SearchQuery) -> EventList:
    allowed, notes = select(archive, query.filters)
    numbers = sorted(match.events if allowed is None else match.events & allowed)
    if query.sort is Sort.newest:
        numbers.sort(key=lambda n: (-archive.ordinals[n], archive.ids[n]))
    total = len(numbers)
    shown = numbers[: query.limit] if query.limit else numbers
    events = archive.events(shown)
    return EventList(
        events,
        caption=f"{total} event{'s' if total != 1 else ''} about {match.name}",
        highlight=parse_query(match.name).words,
        total=total,
        empty=None if events else Empty(f"no events about {match.name!r} pass the filters"),
        notes=tuple(n for n in (match.note, *notes) if n),
    )


# -- related to one event --


def related_to_event(archive: Archive, number: int, limit: int) -> RelatedList:
    event = archive.event(number)
    index = archive.text_index
    own = archive.entity_numbers(number)

    def rarity(entity: int) -> float:
        return math.log(1 + index.count / (1 + index.entity_count(entity)))

    numbers = archive.numbers
    rows = []
    linked = {number}
    for link in event.related:
        target = numbers.get(link.id) if link.found else None
        if target is not None:
            linked.add(target)
        shared = set(own) & set(archive.entity_numbers(target)) if target is not None else set()
        rows.append(RelatedRow(link, "link", sum(rarity(e) for e in shared)))

    scores: dict[int, float] = {}
    for entity in own:
        weight = rarity(entity)
        for other in index.entity_events(entity):
            if other not in linked:
                scores[other] = scores.get(other, 0.0) + weight
    ranked = sorted(scores.items(), key=lambda item: (-item[1], -archive.ordinals[item[0]],
                                                      archive.ids[item[0]]))
    wanted = (limit - len(rows)) if limit else len(ranked)
    names = archive.entity_names
    for other, score in ranked[: max(wanted, 0)]:
        shared_names = tuple(names[e] for e in archive.entity_numbers(other) if e in own)
        found = archive.event(other)
        rows.append(RelatedRow(Related(found.id, found.date, found.title, shared_names, True),
                               "entities", score))
    total = len(event.related) + len(ranked)
    shown = rows[:limit] if limit else rows
    return RelatedList(
        event, shown, total=total,
        empty=None if shown else Empty(f"nothing related to {event.id}: it has no links or entities"),
    )


__all__ = ["EntityMatch", "Filters", "match_entity", "related", "related_to_event", "timeline"]
