"""`news search`: ranked, typo-tolerant full-text search with filters.

The score is FTS5's bm25 with weighted fields (textindex.py): each query word adds its
inverse document frequency times a saturated, length-normalised count of the word in the
event, where a word in the title or the entities counts three times as much as one in the
sources.  Events are ranked first by how many of the query's words they hold, then by
that score, then by date (newest first) and id, so the same query always gives the same
order.  A word the archive hardly knows is also matched against the archive's own
vocabulary with rapidfuzz, and such matches count for less than exact ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newscli.errors import BadInput
from newscli.filters import Filters, Sort, select
from newscli.index import Index
from newscli.results import Empty, EventList
from newscli.text import words
from newscli.textindex import document_frequency, events_with_phrase, vocabulary, word_scores, words_starting

__all__ = ["Filters", "SearchQuery", "Sort", "parse_query", "search"]

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


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: Filters = field(default_factory=Filters)
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


def search(index: Index, query: SearchQuery) -> EventList:
    parsed = parse_query(query.text)
    if not parsed.words and not query.filters.any():
        raise BadInput("empty query: give words to search for, or a filter such as --on 2011-06-06")
    allowed, notes = select(index, query.filters)
    if not parsed.words:
        numbers = index.in_archive_order(allowed) if allowed is not None else index.numbers_between(None)
        return _listing(index, query, numbers, None, (), notes, "selected")
    ranked, highlight = rank(index, parsed, allowed, query.limit if query.sort in (None, Sort.relevance)
                             else 0)
    return _listing(index, query, [n for n, _ in ranked], [s for _, s in ranked], highlight, notes,
                    f"matching {query.text!r}")


def _listing(index: Index, query: SearchQuery, numbers: list[int], scores: list[float] | None,
             highlight: Sequence[str], notes: Sequence[str], what: str) -> EventList:
    order = list(range(len(numbers)))
    if query.sort in (Sort.date, Sort.newest) and scores is not None:
        position = {n: i for i, n in enumerate(index.in_archive_order(numbers))}
        order.sort(key=lambda i: position[numbers[i]])
    if query.sort is Sort.newest:
        order.reverse()  # the archive's order is date, then day page: -date is its exact reverse
    total = len(order)
    if query.limit:
        order = order[: query.limit]
    events = index.events(numbers[i] for i in order)
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


# -- ranking --


def rank(index: Index, parsed: ParsedQuery, allowed: set[int] | None, limit: int = 0
         ) -> tuple[list[tuple[int, float]], list[str]]:
    """(event number, score) best first, and the folded words to highlight.

    An event's coverage counts each query word it holds as 1, or as 1/2 when it holds only
    a longer word the query word opens or a word that looks like it: events holding every
    word exactly come first, and fuzzy matches rank below exact ones.  Only the first
    `limit` (0: all) are put in their final order; the rest follow by coverage and score.
    """
    if parsed.phrases:
        allowed = with_phrases(index, parsed.phrases, allowed)
    scores: dict[int, float] = {}
    coverage: dict[int, float] = {}
    highlight: list[str] = []
    for word in parsed.words:
        gains: dict[int, float] = {}
        exact: set[int] = set()
        for variant, factor in _variants(index, word):
            highlight.append(variant)
            for n, score in word_scores(index, variant).items():
                if allowed is not None and n not in allowed:
                    continue
                gain = score * factor
                if gain > gains.get(n, 0.0):
                    gains[n] = gain
                if factor == 1.0:
                    exact.add(n)
        for n, gain in gains.items():
            scores[n] = scores.get(n, 0.0) + gain
            coverage[n] = coverage.get(n, 0.0) + (1.0 if n in exact else 0.5)
    return _ordered(index, scores, coverage, limit), highlight


def _ordered(index: Index, scores: dict[int, float], coverage: dict[int, float], limit: int
             ) -> list[tuple[int, float]]:
    """By coverage, then score, then newest first, then id.  Dates and ids are read only
    for the events up to the limit and those tied with the last of them."""
    ranked = sorted(scores, key=lambda n: (-coverage[n], -scores[n]))
    end = len(ranked)
    if limit and limit < end:
        last = ranked[limit - 1]
        end = limit
        while end < len(ranked) and (coverage[ranked[end]], scores[ranked[end]]) == (
                coverage[last], scores[last]):
            end += 1
    head = ranked[:end]
    dates, ids = index.dates(head), index.ids(head)
    head.sort(key=lambda n: (-coverage[n], -scores[n], _newest_first(dates[n]), ids[n]))
    return [(n, scores[n]) for n in head + ranked[end:]]


def _newest_first(date: str) -> tuple[int, ...]:
    return tuple(-int(part) for part in date.split("-"))


def _variants(index: Index, word: str) -> list[tuple[str, float]]:
    """The word itself, the longer words it opens, and for a rare or unknown word the
    archive's far more common words that look like it (its likely correct spelling)."""
    frequency = document_frequency(index, word)
    found = [(word, 1.0)] if frequency else []
    if len(word) < 4:
        return found
    found += [(longer, PREFIX_WEIGHT) for longer in words_starting(index, word, PREFIX_LIMIT)]
    if frequency >= FUZZY_BELOW:
        return found
    from rapidfuzz import fuzz, process

    for candidate, similarity, _ in process.extract(
        word, vocabulary(index), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5
    ):
        # an unknown word takes any neighbour; a known one only far more common ones
        if frequency == 0 or document_frequency(index, candidate) >= FUZZY_MORE_COMMON * frequency:
            found.append((candidate, FUZZY_WEIGHT * (similarity / 100) ** 2))
    return found


def with_phrases(index: Index, phrases: Sequence[Sequence[str]], allowed: set[int] | None) -> set[int]:
    """The events (among `allowed`) where each phrase stands, its words together and in order."""
    found = set(allowed) if allowed is not None else None
    for phrase in phrases:
        holding = events_with_phrase(index, phrase)
        found = holding if found is None else found & holding
    return found or set()
