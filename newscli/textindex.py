"""The inverted indexes behind `search` and `related`, built once and cached with the archive.

Every posting list lives in one packed array, cut by offsets; words and entities are found
by position (the vocabulary is sorted, so a word is found by bisection and the words a
prefix opens are a contiguous run).  The cache so holds a handful of large byte strings,
which load as fast as a copy, instead of a million small objects.
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from newscli.models import Event
from newscli.text import fold, words

# How much a word counts in each field (BM25F): titles and entities say what an event is about.
FIELD_WEIGHTS = {"title": 3.0, "entities": 3.0, "story": 1.5, "category": 1.0, "sources": 1.0}
K1 = 1.2
B = 0.75


class Postings:
    """Lists of event numbers (and optionally weights), packed end to end."""

    def __init__(self, numbers: bytes, offsets: bytes, weights: bytes = b"") -> None:
        self.numbers = numbers
        self.weights = weights
        self.offsets = array("q")
        self.offsets.frombytes(offsets)

    @classmethod
    def pack(cls, lists: Sequence[array[int]], weights: Sequence[array[float]] = ()) -> Postings:
        offsets = array("q", [0])
        for numbers in lists:
            offsets.append(offsets[-1] + len(numbers))
        return cls(b"".join(a.tobytes() for a in lists), offsets.tobytes(),
                   b"".join(a.tobytes() for a in weights))

    def packed(self) -> tuple[bytes, bytes, bytes]:
        return self.numbers, self.offsets.tobytes(), self.weights

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def size(self, i: int) -> int:
        return self.offsets[i + 1] - self.offsets[i]

    def events(self, i: int) -> array[int]:
        found = array("i")
        found.frombytes(self.numbers[self.offsets[i] * 4 : self.offsets[i + 1] * 4])
        return found

    def event_weights(self, i: int) -> array[float]:
        found = array("f")
        found.frombytes(self.weights[self.offsets[i] * 4 : self.offsets[i + 1] * 4])
        return found


class TextIndex:
    def __init__(self, vocabulary: str | list[str], postings: Postings | tuple[bytes, bytes, bytes],
                 entities: Postings | tuple[bytes, bytes, bytes], sources: dict[str, bytes],
                 count: int) -> None:
        # the sorted words of the archive; the cache keeps them as one "\n"-joined string
        self.vocabulary = vocabulary.split("\n") if isinstance(vocabulary, str) else vocabulary
        self.postings = postings if isinstance(postings, Postings) else Postings(*postings)
        # entity number -> events carrying it
        self.entities = entities if isinstance(entities, Postings) else Postings(*entities)
        # folded source name or domain -> event numbers (array('i') bytes)
        self.source_postings = sources
        self.count = count

    def columns(self) -> tuple[Any, ...]:
        return ("\n".join(self.vocabulary), self.postings.packed(), self.entities.packed(),
                self.source_postings, self.count)

    def _position(self, word: str) -> int | None:
        i = bisect.bisect_left(self.vocabulary, word)
        return i if i < len(self.vocabulary) and self.vocabulary[i] == word else None

    def document_frequency(self, word: str) -> int:
        i = self._position(word)
        return self.postings.size(i) if i is not None else 0

    def idf(self, frequency: int) -> float:
        return math.log(1 + (self.count - frequency + 0.5) / (frequency + 0.5))

    def word_postings(self, word: str) -> tuple[array[int], array[float]]:
        i = self._position(word)
        if i is None:
            return array("i"), array("f")
        return self.postings.events(i), self.postings.event_weights(i)

    def words_starting(self, prefix: str, limit: int) -> list[str]:
        """The `limit` most frequent words that open with `prefix` and are longer than it."""
        start = bisect.bisect_right(self.vocabulary, prefix)
        end = bisect.bisect_left(self.vocabulary, prefix + "\U0010ffff", lo=start)
        longer = range(start, end)
        best = sorted(longer, key=lambda i: (-self.postings.size(i), i))[:limit]
        return [self.vocabulary[i] for i in best]

    def entity_events(self, entity: int) -> array[int]:
        return self.entities.events(entity) if 0 <= entity < len(self.entities) else array("i")

    def entity_count(self, entity: int) -> int:
        return self.entities.size(entity) if 0 <= entity < len(self.entities) else 0


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
    average = (sum(lengths) / len(lengths) if lengths else 0.0) or 1.0  # events with no words

    numbers: dict[str, array[int]] = defaultdict(lambda: array("i"))
    weights: dict[str, array[float]] = defaultdict(lambda: array("f"))
    for n, counts in enumerate(weighted):
        norm = K1 * (1 - B + B * lengths[n] / average)
        for word, tf in counts.items():
            numbers[word].append(n)
            weights[word].append(tf * (K1 + 1) / (tf + norm))
    vocabulary = sorted(numbers)

    by_entity = [array("i") for _ in range(entity_total)]
    sources: dict[str, array[int]] = defaultdict(lambda: array("i"))
    for n, (event, entities) in enumerate(zip(events, entity_numbers, strict=True)):
        for entity in entities:
            by_entity[entity].append(n)
        for key in {fold(s.name) for s in event.sources} | {s.domain for s in event.sources if s.domain}:
            sources[key].append(n)
    return TextIndex(
        vocabulary,
        Postings.pack([numbers[w] for w in vocabulary], [weights[w] for w in vocabulary]),
        Postings.pack(by_entity),
        {key: a.tobytes() for key, a in sources.items()},
        len(events),
    )
