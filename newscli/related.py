"""`news related`: an entity's timeline, or the events related to one event.

A name is matched exactly first (ignoring case and accents).  Else it is compared with
every entity name of the archive by rapidfuzz: as a whole (`ratio` at least
`ENTITY_CUTOFF`, which forgives typos: "Olanta Humala") or as a part of a longer name
(`partial_ratio` at least `PART_CUTOFF`, with each of its words close to a word of that
name: "humala" in "Ollanta Humala").  Among the closest names (within `CLOSE_ENOUGH`
points of the best) the one the most events carry wins, then the one nearest in length.
A name no entity carries but titles do ("Nadine Heredia") gives the events whose titles
name it.  Events related to an event are its own `Related:` links first, then the events
sharing its entities, ranked by the summed rarity (inverse document frequency) of what
they share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from newscli.errors import Ambiguous, NothingFound
from newscli.index import Archive
from newscli.models import Related
from newscli.results import Empty, EventList, RelatedList, RelatedRow
from newscli.search import SearchQuery, Sort, contains_run, events_with_all, select
from newscli.text import fold, words

ENTITY_CUTOFF = 85  # rapidfuzz ratio of the whole name, 0-100
PART_CUTOFF = 90  # rapidfuzz partial_ratio of a part of a longer name
PART_WEIGHT = 0.9  # a part of a name counts a little less than the whole of one
CLOSE_ENOUGH = 3  # points below the best score that still count as "the closest names"


@dataclass(frozen=True)
class EntityMatch:
    name: str
    entities: tuple[int, ...]
    events: frozenset[int]
    note: str = ""  # said on stderr when the match was not exact


def related(archive: Archive, what: str, query: SearchQuery) -> EventList | RelatedList:
    """An id or whole slug gives related events; anything else is first an entity name."""
    try:
        target = _target(archive, what.strip())
    except Ambiguous as exc:
        return EventList([], empty=Empty(exc.message, exc.suggestions, "candidates"))
    except NothingFound as exc:
        return EventList([], empty=Empty(exc.message, exc.suggestions))
    if isinstance(target, int):
        return related_to_event(archive, target, query)
    return timeline(archive, target, query)


def _target(archive: Archive, text: str) -> int | EntityMatch:
    """An event number or an entity: an id or whole slug is an event (unless no event has
    it and a name does: real names hold slashes too, "Egyptian Revolution of 2011 /
    Downfall of Hosni Mubarak"); else an entity; else an unambiguous slug prefix; else the
    events whose titles name the text."""
    if "/" in text or _is_whole_slug(archive, text):
        try:
            return archive.find(text)
        except Ambiguous:
            raise
        except NothingFound as no_event:
            try:
                return match_entity(archive, text)
            except NothingFound:
                raise no_event from None
    try:
        match: EntityMatch | None = match_entity(archive, text)
    except NothingFound as no_entity:
        match, missing = None, no_entity
    if match is not None and match.entities:
        return match
    try:
        return archive.find(text)  # no entity has that name: a slug prefix may be meant
    except NothingFound:
        if match is not None:
            return match  # the titles that name it
        raise missing from None


def _is_whole_slug(archive: Archive, text: str) -> bool:
    return text in archive.slugs


# -- entities --


def match_entity(archive: Archive, name: str) -> EntityMatch:
    """The entity `name` means: exact (folded), else the most carried of the closest names."""
    wanted = fold(" ".join(name.split()))
    if not wanted:
        raise NothingFound("give a name")
    names = archive.entity_names.decoded()
    folded = [fold(entity) for entity in names]
    exact = tuple(n for n, entity in enumerate(folded) if entity == wanted)
    if exact:
        return _match(archive, names[exact[0]], exact, "")
    candidates = _close_names(wanted, folded)
    if not candidates:
        return _titles_naming(archive, name, folded, names)
    best = max(candidates.values())
    closest = [n for n, score in candidates.items() if score >= best - CLOSE_ENOUGH]
    index = archive.text_index
    chosen = max(closest, key=lambda n: (index.entity_count(n), -abs(len(folded[n]) - len(wanted)),
                                         -n))
    if wanted not in folded[chosen] and _titled(archive, tuple(words(name))):
        # a near spelling of another name ("Walesa" for "Wales") loses to titles naming it
        return _titles_naming(archive, name, folded, names)
    same = tuple(n for n, entity in enumerate(folded) if entity == folded[chosen])
    note = f'matched "{names[chosen]}"'
    if len(closest) > 1:
        note += f" (the most frequent of {len(closest)} close names)"
    return _match(archive, names[chosen], same, note)


def _close_names(wanted: str, folded: list[str]) -> dict[int, float]:
    from rapidfuzz import fuzz, process

    candidates = {
        n: score
        for _, score, n in process.extract(wanted, folded, scorer=fuzz.ratio, limit=25,
                                           score_cutoff=ENTITY_CUTOFF)
    }
    if len(wanted) < 4:
        return candidates  # a part as short as "un" is part of everything
    query_words = wanted.split()
    for _, score, n in process.extract(wanted, folded, scorer=fuzz.partial_ratio, limit=300,
                                       score_cutoff=PART_CUTOFF):
        name_words = folded[n].split()
        if len(folded[n]) > len(wanted) and all(
            any(fuzz.ratio(q, w) >= ENTITY_CUTOFF for w in name_words) for q in query_words
        ):
            candidates[n] = max(candidates.get(n, 0.0), PART_WEIGHT * score)
    return candidates


def _titles_naming(archive: Archive, name: str, folded: list[str], names: list[str]) -> EntityMatch:
    """The events whose titles name `name`, for a name no entity carries."""
    name_words = tuple(words(name))
    titled = _titled(archive, name_words)
    if titled:
        note = f'no entity named "{name}"; showing the events whose titles name it'
        return EntityMatch(" ".join(name.split()), (), frozenset(titled), note)
    from rapidfuzz import fuzz, process

    nearest = process.extract(fold(name), folded, scorer=fuzz.ratio, limit=5, score_cutoff=60)
    raise NothingFound(f"no entity named {name!r}", [names[n] for _, _, n in nearest])


def _titled(archive: Archive, name_words: tuple[str, ...]) -> set[int]:
    if not name_words:
        return set()
    return {n for n in events_with_all(archive, name_words, None)
            if contains_run(words(archive.titles[n]), name_words)}


def _match(archive: Archive, name: str, entities: tuple[int, ...], note: str) -> EntityMatch:
    index = archive.text_index
    events: set[int] = set()
    for entity in entities:
        events.update(index.entity_events(entity))
    # events whose title names the entity, even where extraction did not list it
    events.update(_titled(archive, tuple(words(name))))
    return EntityMatch(name, entities, frozenset(events), note)


def timeline(archive: Archive, match: EntityMatch, query: SearchQuery) -> EventList:
    allowed, notes = select(archive, query.filters)
    numbers = sorted(match.events if allowed is None else match.events & allowed)
    if query.sort is Sort.newest:
        numbers.reverse()
    total = len(numbers)
    shown = numbers[: query.limit] if query.limit else numbers
    events = archive.events(shown)
    return EventList(
        events,
        caption=f"{total} event{'s' if total != 1 else ''} about {match.name}",
        highlight=tuple(words(match.name)),
        total=total,
        empty=None if events else Empty(f"no events about {match.name!r} pass the filters"),
        notes=tuple(n for n in (match.note, *notes) if n),
    )


# -- related to one event --


def related_to_event(archive: Archive, number: int, query: SearchQuery) -> RelatedList:
    """The event's own links first, then events sharing its entities, rarest shared first.

    Filters narrow both to events of the archive (a link to a file the archive lacks
    cannot be checked against them, so it is left out when any filter is given); --sort
    date or -date orders every row by date instead.
    """
    event = archive.event(number)
    allowed, notes = select(archive, query.filters)
    rows = _link_rows(archive, number, allowed)
    rows += _entity_rows(archive, number, allowed, {row.link.id for row in rows}
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


def _rarity(archive: Archive, entity: int) -> float:
    index = archive.text_index
    return math.log(1 + index.count / (1 + index.entity_count(entity)))


def _link_rows(archive: Archive, number: int, allowed: set[int] | None) -> list[RelatedRow]:
    own = set(archive.entity_numbers(number))
    rows = []
    for link in archive.event(number).related:
        target = archive.numbers.get(link.id) if link.found else None
        if allowed is not None and (target is None or target not in allowed):
            continue
        shared = own & set(archive.entity_numbers(target)) if target is not None else set()
        rows.append(RelatedRow(link, "link", sum(_rarity(archive, e) for e in shared)))
    return rows


def _entity_rows(
    archive: Archive, number: int, allowed: set[int] | None, already: set[str]
) -> list[RelatedRow]:
    """Events sharing the event's entities; `already` holds the ids (and, for links to files
    the archive lacks, the folded titles) of the rows listed as links."""
    index = archive.text_index
    own = archive.entity_numbers(number)
    scores: dict[int, float] = {}
    for entity in own:
        weight = _rarity(archive, entity)
        for other in index.entity_events(entity):
            if other != number and (allowed is None or other in allowed):
                scores[other] = scores.get(other, 0.0) + weight
    ranked = sorted(scores.items(), key=lambda item: (-item[1], -archive.ordinals[item[0]],
                                                      archive.ids[item[0]]))
    names = archive.entity_names
    rows = []
    for other, score in ranked:
        if archive.ids[other] in already or fold(archive.titles[other]) in already:
            continue  # listed as a link already (a link whose slug differs from the file's)
        shared = tuple(names[e] for e in archive.entity_numbers(other) if e in own)
        found = archive.event(other)
        rows.append(RelatedRow(Related(found.id, found.date, found.title, shared, True),
                               "entities", score))
    return rows
