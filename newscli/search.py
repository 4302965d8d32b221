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
from newscli.textindex import event_fields

# Below this many events a word is worth matching against similar words too ("electon").
FUZZY_BELOW = 20
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
    sort: Sort = Sort.relevance
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
    if query.sort is Sort.date or (scores is None and query.sort is Sort.relevance):
        order.sort(key=lambda i: (archive.ordinals[numbers[i]], archive.ids[numbers[i]]))
    elif query.sort is Sort.newest:
        order.sort(key=lambda i: (-archive.ordinals[numbers[i]], archive.ids[numbers[i]]))
    total = len(order)
    if query.limit:
        order = order[: query.limit]
    events = archive.events(numbers[i] for i in order)
    empty = None if events else Empty(f"no events {what}")
    return EventList(
        events,
        caption=f"{total} event{'s' if total != 1 else ''} {what}",
        scores=[scores[i] for i in order] if scores is not None else None,
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
    """(event number, score) best first, and the folded words to highlight."""
    index = archive.text_index
    scores: dict[int, float] = {}
    covered: dict[int, int] = {}
    highlight: list[str] = []
    for word in parsed.words:
        matched_here: dict[int, float] = {}
        for variant, factor in _variants(archive, word):
            highlight.append(variant)
            numbers, weights = index.word_postings(variant)
            idf = index.idf(len(numbers))
            for n, weight in zip(numbers, weights, strict=True):
                if allowed is not None and n not in allowed:
                    continue
                gain = idf * weight * factor
                if gain > matched_here.get(n, 0.0):
                    matched_here[n] = gain
        for n, gain in matched_here.items():
            scores[n] = scores.get(n, 0.0) + gain
            covered[n] = covered.get(n, 0) + 1
    if parsed.phrases:
        scores = {n: s for n, s in scores.items() if _has_phrases(archive, n, parsed.phrases)}
    ranked = sorted(
        scores.items(),
        key=lambda item: (-covered[item[0]], -item[1], -archive.ordinals[item[0]],
                          archive.ids[item[0]]),
    )
    return ranked, highlight


def _variants(archive: Archive, word: str) -> list[tuple[str, float]]:
    """The word itself, and for a rare or unknown word the archive's words that look like it."""
    from rapidfuzz import fuzz, process

    index = archive.text_index
    found = [(word, 1.0)] if index.document_frequency(word) else []
    if len(word) < 4:
        return found
    found += [(longer, PREFIX_WEIGHT) for longer in index.words_starting(word, PREFIX_LIMIT)]
    if index.document_frequency(word) >= FUZZY_BELOW:
        return found
    for candidate, similarity, _ in process.extract(
        word, index.vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5
    ):
        if candidate != word and index.document_frequency(candidate) > index.document_frequency(word):
            found.append((candidate, FUZZY_WEIGHT * (similarity / 100) ** 2))
    return found


def _has_phrases(archive: Archive, number: int, phrases: Sequence[Sequence[str]]) -> bool:
    fields = [words(text) for text in event_fields(archive.event(number)).values()]
    return all(any(_contains_run(field, phrase) for field in fields) for phrase in phrases)


def _contains_run(field: Sequence[str], run: Sequence[str]) -> bool:
    size = len(run)
    return any(list(field[i : i + size]) == list(run) for i in range(len(field) - size + 1))
