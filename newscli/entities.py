"""Names as people type them, matched to the archive's entities.

A name is matched exactly first (ignoring case and accents).  Else it is compared with
every entity name of the archive by rapidfuzz: as a whole (`ratio` at least
`ENTITY_CUTOFF`, which forgives typos: "Olanta Humala") or as a part of a longer name
(`partial_ratio` at least `PART_CUTOFF`, with each of its words close to a word of that
name: "humala" in "Ollanta Humala").  Among the closest names (within `CLOSE_ENOUGH`
points of the best) the one the most events carry wins, then the one nearest in length.
A name no entity carries but titles do ("Nadine Heredia") gives the events whose titles
name it.
"""

from __future__ import annotations

from dataclasses import dataclass

from newscli.errors import NothingFound
from newscli.index import Index
from newscli.text import fold, words
from newscli.textindex import events_with_phrase

ENTITY_CUTOFF = 85  # rapidfuzz ratio of the whole name, 0-100
PART_CUTOFF = 90  # rapidfuzz partial_ratio of a part of a longer name
PART_WEIGHT = 0.9  # a part of a name counts a little less than the whole of one
CLOSE_ENOUGH = 3  # points below the best score that still count as "the closest names"


@dataclass(frozen=True)
class EntityMatch:
    name: str
    keys: tuple[str, ...]  # entities.key of each entity the name stands for
    events: frozenset[int]
    note: str = ""  # said on stderr when the match was not exact


@dataclass(frozen=True)
class _Entity:
    key: str
    name: str
    folded: str
    events: int


def match_entity(index: Index, name: str) -> EntityMatch:
    """The entity `name` means: exact (folded), else the most carried of the closest names."""
    wanted = fold(" ".join(name.split()))
    if not wanted:
        raise NothingFound("give a name")
    exact = [_Entity(*row) for row in index.query(
        "SELECT key, name, folded, events FROM entities WHERE folded = ? ORDER BY events DESC, key",
        wanted)]
    if exact:
        return _match(index, exact[0].name, [e.key for e in exact], "")
    entities = [_Entity(*row) for row in index.query("SELECT key, name, folded, events FROM entities "
                                                     "ORDER BY key")]
    candidates = _close_names(wanted, [e.folded for e in entities])
    if not candidates:
        return _titles_naming(index, name, entities)
    best = max(candidates.values())
    closest = [n for n, score in candidates.items() if score >= best - CLOSE_ENOUGH]
    chosen = entities[max(closest, key=lambda n: (entities[n].events,
                                                  -abs(len(entities[n].folded) - len(wanted)), -n))]
    if wanted not in chosen.folded and titled(index, tuple(words(name))):
        # a near spelling of another name ("Walesa" for "Wales") loses to titles naming it
        return _titles_naming(index, name, entities)
    same = [e.key for e in entities if e.folded == chosen.folded]
    note = f'matched "{chosen.name}"'
    if len(closest) > 1:
        note += f" (the most frequent of {len(closest)} close names)"
    return _match(index, chosen.name, same, note)


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


def _titles_naming(index: Index, name: str, entities: list[_Entity]) -> EntityMatch:
    """The events whose titles name `name`, for a name no entity carries."""
    found = titled(index, tuple(words(name)))
    if found:
        note = f'no entity named "{name}"; showing the events whose titles name it'
        return EntityMatch(" ".join(name.split()), (), frozenset(found), note)
    from rapidfuzz import fuzz, process

    nearest = process.extract(fold(name), [e.folded for e in entities], scorer=fuzz.ratio, limit=5,
                              score_cutoff=60)
    raise NothingFound(f"no entity named {name!r}", [entities[n].name for _, _, n in nearest])


def titled(index: Index, name_words: tuple[str, ...]) -> set[int]:
    """The events whose titles hold `name_words` together and in order."""
    return events_with_phrase(index, name_words, ("title",))


def entity_events(index: Index, keys: list[str]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(keys), 500):
        batch = keys[start : start + 500]
        marks = ",".join("?" * len(batch))
        found.update(r[0] for r in index.query(
            f"SELECT event FROM event_entities WHERE entity IN ({marks})", *batch))
    return found


def _match(index: Index, name: str, keys: list[str], note: str) -> EntityMatch:
    events = entity_events(index, keys)
    # events whose title names the entity, even where extraction did not list it
    events.update(titled(index, tuple(words(name))))
    return EntityMatch(name, tuple(keys), frozenset(events), note)
