"""`news search`: ranked, typo-tolerant full-text search with filters.

The score is BM25F (textindex.py): each query word adds its inverse document frequency
times a saturated, length-normalised count of the word in the event, where a word in the
title or the entities counts three times as much as one in the sources.  Events are
ranked first by how many of the query's words they hold, then by that score, then by
date (newest first) and id, so the same query always gives the same order.  A word the
archive hardly knows is also matched against the archive's own vocabulary with
rapidfuzz, and such matches count for less than exact ones.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from newscli.dates import DateRange
from newscli.errors import BadInput
from newscli.index import Archive
from newscli.results import Empty, EventList
from newscli.text import fold, words

# Below this many events a word is worth matching against similar words too ("electon"),
# when those are at least FUZZY_MORE_COMMON times as common (a likely correct spelling).
FUZZY_BELOW = 20
FUZZY_MORE_COMMON = 3
FUZZY_CUTOFF = 80  # rapidfuzz ratio, 0-100
FUZZY_WEIGHT = 0.5  # a fuzzy match counts at most half an exact one
# "peru" also finds "peruvian": the longer words a query word opens, at this weight
PREFIX_WEIGHT = 0.6
PREFIX_LIMIT = 8
_PHRASE = re.compile(r'"([^"]*)"?')


class Sort(str, Enum):
    relevance = "relevance"
    date = "date"  # oldest first
    newest = "-date"


@dataclass(frozen=True)
class Filters:
    span: DateRange | None = None
    category: str | None = None
    source: str | None = None
    entity: str | None = None

    def any(self) -> bool:
        return any((self.span, self.category, self.source, self.entity))


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: Filters = Filters()
    sort: Sort | None = None  # None: the command's own order
    limit: int = 20  # 0: all


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...]  # folded, every word of the query, phrases included
    phrases: tuple[tuple[str, ...], ...]  # runs of words that must appear together, in order


def parse_query(text: str) -> ParsedQuery:
    phrases = tuple(tuple(words(m.group(1))) for m in _PHRASE.finditer(text))
    loose = _PHRASE.sub(" ", text)
    all_words = [*words(loose), *(w for phrase in phrases for w in phrase)]
    return ParsedQuery(tuple(dict.fromkeys(all_words)), tuple(p for p in phrases if p))


def search(archive: Archive, query: SearchQuery) -> EventList:
    parsed = parse_query(query.text)
    if not parsed.words and not query.filters.any():
        raise BadInput("empty query: give words to search for, or a filter such as --on 2011-06-06")
    allowed, notes = select(archive, query.filters)
    if not parsed.words:
        numbers = sorted(allowed) if allowed is not None else list(range(len(archive)))
        return _listing(archive, query, numbers, None, (), notes, "selected")
    ranked, highlight = rank(archive, parsed, allowed)
    return _listing(archive, query, [n for n, _ in ranked], [s for _, s in ranked], highlight,
                    notes, f"matching {query.text!r}")


def _listing(archive: Archive, query: SearchQuery, numbers: list[int], scores: list[float] | None,
             highlight: Sequence[str], notes: Sequence[str], what: str) -> EventList:
    order = list(range(len(numbers)))
    # event numbers follow the date, then the day page's order: -date is the exact reverse
    if query.sort is Sort.date or (scores is None and query.sort in (Sort.relevance, None)):
        order.sort(key=lambda i: numbers[i])
    elif query.sort is Sort.newest:
        order.sort(key=lambda i: -numbers[i])
    total = len(order)
    if query.limit:
        order = order[: query.limit]
    events = archive.events(numbers[i] for i in order)
    empty = None if events else Empty(f"no events {what}")
    return EventList(
        events,
        caption=f"{total} event{'s' if total != 1 else ''} {what}",
        scores=[scores[i] for i in order] if scores is not None else None,
        scored=True,
        highlight=tuple(highlight),
        total=total,
        empty=empty,
        notes=tuple(notes),
    )


# -- filters --


def select(archive: Archive, filters: Filters) -> tuple[set[int] | None, list[str]]:
    """The event numbers the filters allow (None: all), and notes on how names were matched."""
    allowed: set[int] | None = None
    notes: list[str] = []

    def narrow(numbers: Iterable[int]) -> None:
        nonlocal allowed
        found = set(numbers)
        allowed = found if allowed is None else allowed & found

    if filters.span is not None:
        narrow(archive.numbers_between(filters.span))
    if filters.category:
        wanted = fold(filters.category)
        narrow(n for n, c in enumerate(archive.categories) if c and wanted in fold(c))
    if filters.source:
        wanted = fold(filters.source)
        index = archive.text_index
        numbers: set[int] = set()
        for key, packed in index.source_postings.items():
            if wanted in key:
                numbers.update(_unpack(packed))
        narrow(numbers)
    if filters.entity:
        from newscli.related import match_entity

        match = match_entity(archive, filters.entity)
        if match.note:
            notes.append(match.note)
        narrow(match.events)
    return allowed, notes


def _unpack(packed: bytes) -> array[int]:
    numbers = array("i")
    numbers.frombytes(packed)
    return numbers


# -- ranking --


def rank(
    archive: Archive, parsed: ParsedQuery, allowed: set[int] | None
) -> tuple[list[tuple[int, float]], list[str]]:
    """(event number, score) best first, and the folded words to highlight.

    An event's coverage counts each query word it holds as 1, or as 1/2 when it holds only
    a longer word the query word opens or a word that looks like it: events holding every
    word exactly come first, and fuzzy matches rank below exact ones.
    """
    index = archive.text_index
    if parsed.phrases:
        allowed = with_phrases(archive, parsed.phrases, allowed)
    scores: dict[int, float] = {}
    coverage: dict[int, float] = {}
    highlight: list[str] = []
    for word in parsed.words:
        gains: dict[int, float] = {}
        exact: set[int] = set()
        for variant, factor in _variants(archive, word):
            highlight.append(variant)
            numbers, weights = index.word_postings(variant)
            idf = index.idf(len(numbers))
            for n, weight in zip(numbers, weights, strict=True):
                if allowed is not None and n not in allowed:
                    continue
                gain = idf * weight * factor
                if gain > gains.get(n, 0.0):
                    gains[n] = gain
                if factor == 1.0:
                    exact.add(n)
        for n, gain in gains.items():
            scores[n] = scores.get(n, 0.0) + gain
            coverage[n] = coverage.get(n, 0.0) + (1.0 if n in exact else 0.5)
    ranked = sorted(
        scores.items(),
        key=lambda item: (-coverage[item[0]], -item[1], -archive.ordinals[item[0]],
                          archive.ids[item[0]]),
    )
    return ranked, highlight


def _variants(archive: Archive, word: str) -> list[tuple[str, float]]:
    """The word itself, the longer words it opens, and for a rare or unknown word the
    archive's far more common words that look like it (its likely correct spelling)."""
    from rapidfuzz import fuzz, process

    index = archive.text_index
    frequency = index.document_frequency(word)
    found = [(word, 1.0)] if frequency else []
    if len(word) < 4:
        return found
    found += [(longer, PREFIX_WEIGHT) for longer in index.words_starting(word, PREFIX_LIMIT)]
    if frequency >= FUZZY_BELOW:
        return found
    for candidate, similarity, _ in process.extract(
        word, index.vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5
    ):
        # an unknown word takes any neighbour; a known one only far more common ones
        if frequency == 0 or index.document_frequency(candidate) >= FUZZY_MORE_COMMON * frequency:
            found.append((candidate, FUZZY_WEIGHT * (similarity / 100) ** 2))
    return found


def events_with_all(archive: Archive, words_: Sequence[str], allowed: set[int] | None) -> set[int]:
    """The events holding every one of `words_` exactly (rarest word first, so it stays cheap)."""
    index = archive.text_index
    ordered = sorted(set(words_), key=index.document_frequency)
    found: set[int] | None = None if allowed is None else set(allowed)
    for word in ordered:
        numbers = index.word_postings(word)[0]
        found = set(numbers) if found is None else found.intersection(numbers)
        if not found:
            return set()
    return found or set()


def with_phrases(
    archive: Archive, phrases: Sequence[Sequence[str]], allowed: set[int] | None
) -> set[int]:
    """The events (among `allowed`) where each phrase stands, its words together and in order."""
    candidates = events_with_all(archive, [w for phrase in phrases for w in phrase], allowed)
    return {n for n in candidates if all(holds_run(archive, n, phrase) for phrase in phrases)}


def holds_run(archive: Archive, number: int, run: Sequence[str]) -> bool:
    """Whether `run` stands in the title, story or category, or within one entity or source."""
    if contains_run(words(archive.titles[number]), run):
        return True  # the title alone settles most, without decoding the event
    event = archive.event(number)
    texts = [event.story or "", event.category or "", *event.entities,
             *(s.name for s in event.sources)]
    return any(contains_run(words(text), run) for text in texts)


def contains_run(field: Sequence[str], run: Sequence[str]) -> bool:
    size = len(run)
    target = list(run)
    return any(list(field[i : i + size]) == target for i in range(len(field) - size + 1))
