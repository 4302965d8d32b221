"""Names as people type them, matched to the archive's entities and headlines.

A name stands for every entity whose name holds it whole ("Gavin Newsom" in "California
Governor Gavin Newsom", "Angela Merkel" in "German Chancellor Angela Merkel"), and for
every headline that names it, whatever its entities say.  Case and accents never matter.

- One word that a longer name usually comes with ("Merkel", "humala") stands for that name
  (the one most headlines name: "Angela Merkel", "Ollanta Humala"; not his brother
  Antauro) when at least half the headlines with the word name it; else for itself
  ("Japan").
- A word the archive hardly knows is read as the common word spelt nearly like it, as
  `search` does ("Olanta Humala", "Gavik Newsom").
- Failing all that, the entity whose whole name is closest to what was typed (rapidfuzz
  `ratio` at least `ENTITY_CUTOFF`) answers.

Which name was used goes to stderr whenever it is not exactly what was typed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from newscli.errors import NothingFound
from newscli.index.reader import Index
from newscli.index.textindex import document_frequency, events_with_phrase, near_words
from newscli.model.words import fold, words

ENTITY_CUTOFF = 85  # rapidfuzz ratio of a whole name, 0-100
# a word stands for a longer name when at least this share of the headlines with the word
# name it
SURNAME_SHARE = 0.5
SURNAME_CANDIDATES = 12  # the longer names (most carried first) looked at for one word


@dataclass(frozen=True)
class EntityMatch:
    name: str
    keys: tuple[str, ...]  # entities.key of each entity the name stands for
    events: frozenset[int]
    note: str = ""  # said on stderr when the name used is not the one typed


@dataclass(frozen=True)
class _Entity:
    key: str
    name: str
    folded: str
    events: int


def match_entity(index: Index, name: str) -> EntityMatch:
    """The events `name` stands for: its entities, their longer forms, the headlines naming it."""
    typed = tuple(words(name))
    shown = " ".join(name.split())
    if not typed:
        raise NothingFound("give a name")
    match = _match_run(index, typed, shown, False)
    if match is None:  # only then: the near spellings of each word cost a name 80 ms
        corrected = _corrected(index, typed)
        match = _match_run(index, corrected, shown, True) if corrected != typed else None
    if match is not None:
        return match
    closest = _closest_entity(index, fold(shown))
    if closest is not None:
        match = _match_run(index, tuple(words(closest.name)), closest.name, True)
        if match is not None:
            return match
    raise NothingFound(f"no entity named {shown!r}", _suggestions(index, fold(shown)))


def _match_run(index: Index, run: tuple[str, ...], typed: str, corrected: bool) -> EntityMatch | None:
    """The match for these (folded) words, or None when no entity or headline holds them."""
    entities = holding(index, run)
    shown = typed if not corrected else _spelt(index, run, entities)
    if len(run) == 1:
        longer = _usual_longer_name(index, run[0], entities)
        if longer is not None:
            run, shown, corrected = tuple(words(longer)), longer, True
            entities = holding(index, run)
    titled = events_with_phrase(index, run, ("title",))
    if not entities and not titled:
        return None
    events = entity_events(index, [e.key for e in entities]) | titled
    exact = [e for e in entities if tuple(words(e.name)) == run]
    if exact:
        shown = max(exact, key=lambda e: (e.events, e.key)).name
    if not entities:
        note = f'no entity named "{shown}"; showing the events whose titles name it'
        return EntityMatch(shown, (), frozenset(events), note)
    if not exact and not corrected:
        shown = max(entities, key=lambda e: (e.events, -len(e.folded), e.key)).name
    note = "" if exact and run == tuple(words(typed)) else f'matched "{shown}"'
    return EntityMatch(shown, tuple(e.key for e in entities), frozenset(events), note)


def _spelt(index: Index, run: tuple[str, ...], entities: list[_Entity]) -> str:
    """The words as an entity's name writes them ("William Barr" out of "Attorney General
    William Barr"), else as a headline does, else as they were folded."""
    names = [e.name for e in sorted(entities, key=lambda e: (-e.events, e.key))]
    titled = sorted(events_with_phrase(index, run, ("title",)))[:1]
    names += [brief.title for brief in index.brief(titled).values()]
    for name in names:
        tokens = name.split()
        for start in range(len(tokens)):
            for end in range(start + 1, min(len(tokens), start + len(run) + 2) + 1):
                if tuple(words(" ".join(tokens[start:end]))) == run:
                    return " ".join(tokens[start:end]).strip(".,;:!?\"'()")
    return " ".join(run)


def holding(index: Index, run: Sequence[str]) -> list[_Entity]:
    """The entities whose name holds these words together and in order."""
    if not run:
        return []
    tests = " AND ".join("instr(folded, ?) > 0" for _ in run)
    rows = index.query(f"SELECT key, name, folded, events FROM entities WHERE {tests}", *run)
    wanted = tuple(run)
    size = len(wanted)
    found = []
    for row in rows:
        entity = _Entity(*row)
        name_words = tuple(words(entity.name))
        if any(name_words[i : i + size] == wanted for i in range(len(name_words) - size + 1)):
            found.append(entity)
    return found


def _usual_longer_name(index: Index, word: str, entities: list[_Entity]) -> str | None:
    """The longer name ending in this word ("Angela Merkel" for "Merkel", cut out of "German
    Chancellor Angela Merkel") that most headlines name, if at least half the headlines with
    the word name it."""
    runs: dict[tuple[str, ...], str] = {}
    for entity in sorted(entities, key=lambda e: (-e.events, e.key))[:SURNAME_CANDIDATES]:
        tokens = entity.name.split()
        for end, token in enumerate(tokens):
            if words(token)[-1:] != [word]:
                continue
            for start in range(end):
                shown = " ".join(tokens[start : end + 1])
                runs.setdefault(tuple(words(shown)), shown)
    if not runs:
        return None
    counts = {run: len(events_with_phrase(index, run, ("title",))) for run in runs}
    best = max(runs, key=lambda run: (counts[run], -len(run), runs[run]))
    alone = len(events_with_phrase(index, (word,), ("title",)))
    return runs[best] if counts[best] >= SURNAME_SHARE * alone and counts[best] > 0 else None


def _corrected(index: Index, run: tuple[str, ...]) -> tuple[str, ...]:
    """The words with each one the archive hardly knows read as a likely spelling: of the
    near spellings of each, the ones that together name the most headlines and entities."""
    choices = []
    for word in run:
        frequency = document_frequency(index, word)
        near = [w for w, _, _ in near_words(index, word, frequency)[:3]] if len(word) >= 4 else []
        choices.append(([word] if frequency else []) + near or [word])
    best, best_hits = tuple(c[0] for c in choices), -1
    for candidate in itertools.islice(itertools.product(*choices), 27):
        hits = len(events_with_phrase(index, candidate, ("title",))) + sum(
            e.events for e in holding(index, candidate))
        if hits > best_hits:
            best, best_hits = candidate, hits
    return best


def _entities(index: Index) -> list[_Entity]:
    return [_Entity(*row) for row in index.query("SELECT key, name, folded, events FROM entities "
                                                 "ORDER BY key")]


def _closest_entity(index: Index, wanted: str) -> _Entity | None:
    from rapidfuzz import fuzz, process

    entities = _entities(index)
    found = process.extract(wanted, [e.folded for e in entities], scorer=fuzz.ratio, limit=10,
                            score_cutoff=ENTITY_CUTOFF)
    if not found:
        return None
    best = max(score for _, score, _ in found)
    close = [entities[n] for _, score, n in found if score >= best - 3]
    return max(close, key=lambda e: (e.events, -abs(len(e.folded) - len(wanted)), e.key))


def _suggestions(index: Index, wanted: str) -> list[str]:
    from rapidfuzz import fuzz, process

    entities = _entities(index)
    nearest = process.extract(wanted, [e.folded for e in entities], scorer=fuzz.ratio, limit=5,
                              score_cutoff=60)
    return [entities[n].name for _, _, n in nearest]


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
