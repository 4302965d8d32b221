"""`news search`: ranked, typo-tolerant full-text search with filters.

Words are ORed: an event holding any of them is a match, but one holding the rare words
of the query ranks far above one holding only common ones.  Each word adds its FTS5 bm25
score (textindex.py: a word counts three times as much in the title or the entities as in
the category or the sources); that sum is multiplied by the cube of the event's coverage,
the share of the query it holds, each word weighing its rarity (inverse document
frequency) squared, so an event with the one rare word beats one with three common ones.
Words most events hold (stop words, and words in a third of a large archive) add nothing
and never make an event a match on their own.  A word also matches the longer words it opens at 0.6 of its
weight and, when the archive hardly knows it, the common spellings near it at half.
Headlines that are only a heading or a list of story names count for less.  Finally the
matches the best ones link to (in their `Related:` lists) gain a share of their score and
of the words they hold: events of one story link to each other, and often name the story
less than their neighbours do.  Ties go to the newest, then to the id, so the same query always gives the
same order.  `"quoted words"` must stand together and in order; `-word` and `-"quoted
words"` leave out the events holding them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newscli.errors import BadInput
from newscli.index.reader import Index
from newscli.index.textindex import (
    document_frequency,
    events_with_phrase,
    frequencies,
    near_spellings,
    word_scores,
    words_starting,
)
from newscli.model.results import Empty, EventList
from newscli.model.words import words
from newscli.query.filters import Filters, Sort, select

__all__ = ["Filters", "SearchQuery", "Sort", "parse_query", "search"]

# Below this many events a word is worth matching against similar words too ("electon").
FUZZY_BELOW = 20
# "peru" also finds "peruvian": the longer words a query word opens, at this weight
PREFIX_WEIGHT = 0.6
PREFIX_LIMIT = 8
# the likeliest spelling of a word the archive does not know stands for it, at this weight
CORRECTION_WEIGHT = 0.9
# The score is multiplied by coverage (the share of the query's rarity an event holds) to
# this power: an event with all of a query's rare words comes first.
COVERAGE_POWER = 3.0
HEADING_WEIGHT = 0.1  # a bare heading or a list of story names, against an event
# A word's share of the coverage grows with its rarity to this power: the one rare word of
# a query ("COVID-19 pandemic in Oregon") outweighs the common ones together.
RARITY_POWER = 2.0
# The best matches lend this share of their score to the events they link to.
LINK_SHARE = 0.2
LINKING_MATCHES = 30
LINK_COVER = 0.5  # and lend the words they hold at this share, as a Related: title would
# A word in more than this share of an archive (of at least WEAK_FROM events) is weak.
WEAK_SHARE = 1 / 3
WEAK_FROM = 200
_STOP_WORDS = """a about after against all also an and any are as at be been before between
both but by can could did do does during each few for from had has have he her his how i if in into
is it its just more most no nor not now of off on once only or other our out over own same she
should so some such than that the their them then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your says
said say amid least"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: Sort | None = None  # None: the command's own order
    limit: int = 20  # 0: all


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...]  # folded, every word to rank by, phrases' words included
    phrases: tuple[tuple[str, ...], ...]  # runs of words that must appear together, in order
    excluded: tuple[tuple[str, ...], ...] = ()  # words (runs of one) and phrases to leave out


def parse_query(text: str) -> ParsedQuery:
    """`"quoted words"` are a phrase; `-word` and `-"quoted words"` leave events out."""
    loose: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[tuple[str, ...]] = []
    for match in _QUERY_PART.finditer(text):
        minus, quoted, bare = match.groups()
        if bare is not None:
            if bare.startswith("-") and len(bare) > 1 and words(bare[1:]):
                excluded.append(tuple(words(bare[1:])))
            else:
                loose += words(bare)
            continue
        run = tuple(words(quoted))
        if run:
            (excluded if minus else phrases).append(run)
    all_words = [*loose, *(w for phrase in phrases for w in phrase)]
    return ParsedQuery(tuple(dict.fromkeys(all_words)), tuple(phrases), tuple(excluded))


def search(index: Index, query: SearchQuery) -> EventList:
    parsed = parse_query(query.text)
    if not parsed.words and not query.filters.any():
        raise BadInput("empty query: give words to search for, or a filter such as --on 2011-06-06")
    allowed, notes = select(index, query.filters)
    if parsed.excluded:
        allowed = _without(index, parsed.excluded, allowed)
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


def _without(index: Index, excluded: Sequence[Sequence[str]], allowed: set[int] | None) -> set[int]:
    left = set(allowed) if allowed is not None else set(index.numbers_between(None))
    for run in excluded:
        left -= events_with_phrase(index, run)
    return left


# -- ranking --


@dataclass
class _Word:
    """One word of the query: its rarity, and what each event it matches gains from it."""

    text: str
    rarity: float  # inverse document frequency; 0 for a weak word
    gains: dict[int, float]  # event -> bm25 score, from the word or the best of its variants
    exact: set[int]  # events holding the word itself (not only a variant of it)


def rank(index: Index, parsed: ParsedQuery, allowed: set[int] | None, limit: int = 0
         ) -> tuple[list[tuple[int, float]], list[str]]:
    """(event number, score) best first, and the folded words to highlight.  Only the first
    `limit` (0: all) are put in their final order of ties; the rest follow by score."""
    if parsed.phrases:
        allowed = with_phrases(index, parsed.phrases, allowed)
    total = max(len(index), 1)
    weak = _weak_words(index, parsed.words, total)
    highlight: list[str] = []
    query_words = []
    for word in parsed.words:
        variants = _variants(index, word)
        highlight += [v for v, _, _ in variants]
        query_words.append(_gains(index, word, variants, allowed, 0.0 if word in weak else total))
    strong = [w for w in query_words if w.rarity > 0] or (query_words if parsed.phrases else [])
    matches = _Matches(strong, index.headings())
    if matches.base:
        matches.lend_to_linked(index, allowed)
    return _ordered(index, matches.scores(), limit), highlight


def _weak_words(index: Index, query_words: Sequence[str], total: int) -> set[str]:
    """Stop words, and in a large archive the words a third of its events hold."""
    weak = {w for w in query_words if w in STOP_WORDS}
    if total >= WEAK_FROM:
        weak |= {w for w, count in frequencies(index, list(query_words)).items()
                 if count > WEAK_SHARE * total}
    return weak


def _gains(index: Index, word: str, variants: list[Variant], allowed: set[int] | None,
           total: int | float) -> _Word:
    gains: dict[int, float] = {}
    exact: set[int] = set()
    frequency = 0
    for variant, factor, stands in variants:
        scores = word_scores(index, variant)
        frequency = max(frequency, len(scores)) if stands or not frequency else frequency
        for n, score in scores.items():
            if allowed is not None and n not in allowed:
                continue
            gain = score * factor
            if gain > gains.get(n, 0.0):
                gains[n] = gain
            if stands:
                exact.add(n)
    rarity = math.log(1 + (total - frequency + 0.5) / (frequency + 0.5)) if total else 0.0
    return _Word(word, rarity, gains, exact)


class _Matches:
    """What each matching event holds of the query, and its score."""

    def __init__(self, query_words: list[_Word], headings: set[int]) -> None:
        rarity = sum((w.rarity or 1.0) ** RARITY_POWER for w in query_words)
        self.shares = {w.text: (w.rarity or 1.0) ** RARITY_POWER / rarity for w in query_words}
        self.base: dict[int, float] = {}  # summed gains
        self.held: dict[int, dict[str, float]] = {}  # word -> 1, or 1/2 for a variant of it
        for word in query_words:
            for n, gain in word.gains.items():
                self.base[n] = self.base.get(n, 0.0) + gain
                self.held.setdefault(n, {})[word.text] = 1.0 if n in word.exact else 0.5
        self.weight = {n: HEADING_WEIGHT for n in headings & self.base.keys()}
        self.lent: dict[int, float] = {}

    def coverage(self, n: int) -> float:
        return float(sum(self.shares[w] * m for w, m in self.held[n].items()))

    def scores(self) -> dict[int, float]:
        """Summed gains times coverage to COVERAGE_POWER (less for a heading), plus what the
        best matches linking to it lent it."""
        return {n: base * self.coverage(n) ** COVERAGE_POWER * self.weight.get(n, 1.0)
                + self.lent.get(n, 0.0) for n, base in self.base.items()}

    def lend_to_linked(self, index: Index, allowed: set[int] | None) -> None:
        """The best matches lend the matches they link to a share of their score, and of the
        words they hold, as an event's `Related:` titles would (an event holding no word of
        the query is never made a match)."""
        scores = self.scores()
        best = sorted(scores, key=lambda n: -scores[n])[:LINKING_MATCHES]
        lent_words: dict[int, dict[str, float]] = {}
        for source, targets in index.linked(best).items():
            for target in targets:
                if target in self.base and (allowed is None or target in allowed):
                    self.lent[target] = self.lent.get(target, 0.0) + LINK_SHARE * scores[source]
                    words = lent_words.setdefault(target, {})
                    for word, m in self.held[source].items():
                        words[word] = max(words.get(word, 0.0), LINK_COVER * m)
        for target, words in lent_words.items():
            held = self.held[target]
            for word, m in words.items():
                held[word] = max(held.get(word, 0.0), m)


def _ordered(index: Index, scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """By score, then newest first, then id.  Dates and ids are read only for the events up
    to the limit and those tied with the last of them."""
    ranked = sorted(scores, key=lambda n: -scores[n])
    end = len(ranked)
    if limit and limit < end:
        last = scores[ranked[limit - 1]]
        end = limit
        while end < len(ranked) and scores[ranked[end]] == last:
            end += 1
    head = ranked[:end]
    dates, ids = index.dates(head), index.ids(head)
    head.sort(key=lambda n: (-scores[n], _newest_first(dates[n]), ids[n]))
    return [(n, scores[n]) for n in head + ranked[end:]]


def _newest_first(date: str) -> tuple[int, ...]:
    return tuple(-int(part) for part in date.split("-"))


# (a word to look up, the share of its weight a match counts for, whether it stands for the
# query's word itself: counts in full towards an event's coverage)
Variant = tuple[str, float, bool]


def _variants(index: Index, word: str) -> list[Variant]:
    """The word itself, the longer words it opens, and for a rare or unknown word the common
    spellings near it (the likeliest of them weighing most).  A word the archive does not
    know at all is a misspelling: its likeliest spelling stands for it."""
    frequency = document_frequency(index, word)
    found: list[Variant] = [(word, 1.0, True)] if frequency else []
    if len(word) < 4:
        return found
    found += [(longer, PREFIX_WEIGHT, False) for longer in words_starting(index, word, PREFIX_LIMIT)]
    if frequency >= FUZZY_BELOW:
        return found
    near = [(spelling, weight, False) for spelling, weight in near_spellings(index, word, frequency)]
    if near and not frequency:
        near[0] = (near[0][0], CORRECTION_WEIGHT, True)
    return found + near


def with_phrases(index: Index, phrases: Sequence[Sequence[str]], allowed: set[int] | None) -> set[int]:
    """The events (among `allowed`) where each phrase stands, its words together and in order."""
    found = set(allowed) if allowed is not None else None
    for phrase in phrases:
        holding = events_with_phrase(index, phrase)
        found = holding if found is None else found & holding
    return found or set()
