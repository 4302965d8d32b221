"""The inverted indexes behind `search` and `related`, built once and cached with the archive.

Postings are stored as packed arrays (bytes), one pair per word, so that the cache
loads them as a few hundred thousand byte strings instead of millions of numbers.
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newscli.models import Event
from newscli.text import fold, words

# How much a word counts in each field (BM25F): titles and entities say what an event is about.
FIELD_WEIGHTS = {"title": 3.0, "entities": 3.0, "story": 1.5, "category": 1.0, "sources": 1.0}
K1 = 1.2
B = 0.75


@dataclass
class TextIndex:
    # word -> (event numbers as array('i') bytes, BM25 term weights as array('f') bytes)
    postings: dict[str, tuple[bytes, bytes]]
    # entity number -> event numbers carrying it (array('i') bytes)
    entity_postings: list[bytes]
    # folded source name or domain -> event numbers (array('i') bytes)
    source_postings: dict[str, bytes]
    count: int
    _vocabulary: list[str] | None = field(default=None, repr=False)
    _sorted: list[str] | None = field(default=None, repr=False)

    def columns(self) -> tuple[Any, ...]:
        return (self.postings, self.entity_postings, self.source_postings, self.count)

    @property
    def vocabulary(self) -> list[str]:
        if self._vocabulary is None:
            self._vocabulary = list(self.postings)
        return self._vocabulary

    @property
    def sorted_vocabulary(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.postings)
        return self._sorted

    def words_starting(self, prefix: str, limit: int) -> list[str]:
        """The `limit` most frequent words that open with `prefix` and are longer than it."""
        ordered = self.sorted_vocabulary
        start = bisect.bisect_right(ordered, prefix)
        longer = []
        for word in ordered[start:]:
            if not word.startswith(prefix):
                break
            longer.append(word)
        longer.sort(key=lambda w: (-self.document_frequency(w), w))
        return longer[:limit]

    def document_frequency(self, word: str) -> int:
        found = self.postings.get(word)
        return len(found[0]) // 4 if found else 0

    def idf(self, frequency: int) -> float:
        return math.log(1 + (self.count - frequency + 0.5) / (frequency + 0.5))

    def word_postings(self, word: str) -> tuple[array[int], array[float]]:
        numbers, weights = array("i"), array("f")
        found = self.postings.get(word)
        if found:
            numbers.frombytes(found[0])
            weights.frombytes(found[1])
        return numbers, weights

    def entity_events(self, entity: int) -> array[int]:
        numbers = array("i")
        if 0 <= entity < len(self.entity_postings):
            numbers.frombytes(self.entity_postings[entity])
        return numbers

    def entity_count(self, entity: int) -> int:
        return len(self.entity_postings[entity]) // 4 if 0 <= entity < len(self.entity_postings) else 0


def event_fields(event: Event) -> dict[str, str]:
    """The text of each searchable field of an event."""
    return {
        "title": event.title,
        "entities": " ; ".join(event.entities),
        "story": event.story or "",
        "category": event.category or "",
        "sources": " ; ".join(s.name for s in event.sources),
    }


def build_text_index(events: Sequence[Event], entity_numbers: Sequence[Sequence[int]],
                     entity_total: int) -> TextIndex:
    """BM25F weights for every word of every event, and the entity and source postings."""
    weighted: list[dict[str, float]] = []
    lengths: list[float] = []
    for event in events:
        counts: dict[str, float] = {}
        for name, text in event_fields(event).items():
            weight = FIELD_WEIGHTS[name]
            for word in words(text):
                counts[word] = counts.get(word, 0.0) + weight
        weighted.append(counts)
        lengths.append(sum(counts.values()))
    average = (sum(lengths) / len(lengths)) if lengths else 1.0

    numbers: dict[str, array[int]] = defaultdict(lambda: array("i"))
    weights: dict[str, array[float]] = defaultdict(lambda: array("f"))
    for n, counts in enumerate(weighted):
        norm = K1 * (1 - B + B * lengths[n] / average)
        for word, tf in counts.items():
            numbers[word].append(n)
            weights[word].append(tf * (K1 + 1) / (tf + norm))
    postings = {word: (numbers[word].tobytes(), weights[word].tobytes()) for word in numbers}

    by_entity = [array("i") for _ in range(entity_total)]
    sources: dict[str, array[int]] = defaultdict(lambda: array("i"))
    for n, (event, entities) in enumerate(zip(events, entity_numbers, strict=True)):
        for entity in entities:
            by_entity[entity].append(n)
        for key in {fold(s.name) for s in event.sources} | {s.domain for s in event.sources if s.domain}:
            sources[key].append(n)
    return TextIndex(
        postings,
        [a.tobytes() for a in by_entity],
        {key: a.tobytes() for key, a in sources.items()},
        len(events),
    )
