"""Words in the index: the `search` full-text table (SQLite FTS5) and its `vocabulary`.

The table holds each event's words already case- and accent-folded (`text.words`), so a
query folds its words the same way and FTS5 only splits on spaces.  Scores are FTS5's
bm25 with the fields weighted: a word counts three times as much in the title and the
entities as in the category or the sources.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from newscli.index.schema import NAME_BREAK

if TYPE_CHECKING:
    from newscli.index.reader import Index

# How much a word counts in each field, in the order of the table's columns (title,
# entities, story, category, sources).
FIELD_WEIGHTS = (3.0, 3.0, 1.5, 1.0, 1.0)
_BM25 = "bm25(search, " + ", ".join(map(str, FIELD_WEIGHTS)) + ")"


def quoted(words: Iterable[str]) -> str:
    """FTS5 phrase syntax for folded words (which hold only letters, digits, _ and ')."""
    return '"' + " ".join(words).replace('"', '""') + '"'


def word_scores(index: Index, word: str) -> dict[int, float]:
    """Event number -> the word's bm25 score in that event (higher is better)."""
    return {number: -score for number, score in index.query(
        f"SELECT rowid, {_BM25} FROM search WHERE search MATCH ?", quoted([word]))}


def document_frequency(index: Index, word: str) -> int:
    return int(index.value("SELECT events FROM vocabulary WHERE term = ?", word) or 0)


def frequencies(index: Index, words: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(words), 500):
        batch = list(words[start : start + 500])
        marks = ",".join("?" * len(batch))
        found.update(index.query(f"SELECT term, events FROM vocabulary WHERE term IN ({marks})",
                                 *batch))
    return found


def words_starting(index: Index, prefix: str, limit: int) -> list[str]:
    """The `limit` most frequent words that open with `prefix` and are longer than it."""
    return [row[0] for row in index.query(
        "SELECT term FROM vocabulary WHERE term > ? AND term < ? ORDER BY events DESC, term LIMIT ?",
        prefix, prefix + "\U0010ffff", limit)]


def vocabulary(index: Index, word: str = "", events: int = 0) -> list[str]:
    """The archive's words that may be a spelling of `word` (for matching a misspelt word to
    its likely one): as long as FUZZY_CUTOFF allows, in at least `events` events.

    Read whole, the vocabulary was 32 ms of a warm `search humala` on the whole archive, for
    a few words that pass: a ratio of at least FUZZY_CUTOFF needs a length within
    2L/3..3L/2 of the word's (at a cutoff of 80), and a known word only looks at far commoner ones."""
    # ratio = 2·min/(L1+L2)·100 at best: bounds for FUZZY_CUTOFF, rounded outwards
    slack = FUZZY_CUTOFF / (200 - FUZZY_CUTOFF)
    shortest, longest = (int(len(word) * slack), math.ceil(len(word) / slack)) if word else (0, 1 << 30)
    return [row[0] for row in index.query(
        "SELECT term FROM vocabulary WHERE length(term) BETWEEN ? AND ? AND events >= ? AND term != ?",
        shortest, longest, events, NAME_BREAK)]


def events_with_phrase(index: Index, words: Sequence[str], fields: Sequence[str] = ()) -> set[int]:
    """The events where `words` stand together and in order, in one field (of `fields`)."""
    if not words:
        return set()
    phrase = quoted(words)
    if fields:
        phrase = "{" + " ".join(fields) + "} : " + phrase
    return {row[0] for row in index.query("SELECT rowid FROM search WHERE search MATCH ?", phrase)}


FUZZY_CUTOFF = 80  # rapidfuzz ratio, 0-100
FUZZY_WEIGHT = 0.5  # a near spelling counts at most half the word itself
CLOSE_ENOUGH = 5  # rapidfuzz points: spellings this close to the closest are as likely


def near_words(index: Index, word: str, frequency: int) -> list[tuple[str, float, int]]:
    """(word, rapidfuzz ratio, events) of the words spelt nearly like `word` and far more
    common (any, for a word the archive does not know), closest first."""
    from rapidfuzz import fuzz, process

    commoner = 3 * frequency if frequency else 1
    near = [(candidate, similarity) for candidate, similarity, _ in process.extract(
        word, vocabulary(index, word, commoner), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=8)]
    counts = frequencies(index, [c for c, _ in near])
    return [(c, s, counts.get(c, 0)) for c, s in near if counts.get(c, 0) >= commoner]


def near_spellings(index: Index, word: str, frequency: int) -> list[tuple[str, float]]:
    """The likeliest spellings of `word`, each with the weight a match on it counts for: the
    closest, and among those as close (within CLOSE_ENOUGH points), the commonest: "sria"
    gives "syria" before "sri", "willia" gives "william", not "will"."""
    likely = near_words(index, word, frequency)
    if not likely:
        return []
    best = max(s for _, s, _ in likely)
    close = sorted((row for row in likely if row[1] >= best - CLOSE_ENOUGH),
                   key=lambda row: (-row[2], row[0]))
    return [(c, FUZZY_WEIGHT * (s / 100) ** 2) for c, s, _ in close[:3]]


def similar(index: Index, query_words: Sequence[str], limit: int) -> dict[int, float]:
    """The events best matching any of these words, by bm25 (higher is better)."""
    if not query_words:
        return {}
    match = " OR ".join(quoted([w]) for w in query_words)
    return {number: -score for number, score in index.query(
        f"SELECT rowid, {_BM25} FROM search WHERE search MATCH ? ORDER BY {_BM25} LIMIT ?", match, limit)}
