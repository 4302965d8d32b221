"""`news entities`, `news sources`, `news stories`: the archive's names, each with how many
events carry it and when it first and last appears.

Entities and sources come summarised by the index (the `entities` and `source_names`
tables; the sources of a span are counted), stories and categories are counted with one
query each, and spellings that differ only in case ("ABC
News", "ABC NEWS") are one name, written as most of its events write it.  A pattern picks
the names that hold it, case and accents aside; when none does, the names whose words are
spelt like its words (rapidfuzz), and stderr says so.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newscli.index.reader import Index
from newscli.model.dates import DateRange, in_words
from newscli.model.results import Empty, NameCount, NameList
from newscli.model.words import fold, words
from newscli.query.filters import NameSort

KINDS = ("entities", "sources", "stories", "categories")
SINGULAR = {"entities": "entity", "sources": "source", "stories": "story", "categories": "category"}
WORD_CUTOFF = 80  # rapidfuzz ratio between a word of the pattern and a word of a name, 0-100
SHORTEST_FUZZY = 4  # a shorter word of the pattern must be held as it is
SUGGESTION_CUTOFF = 60  # rapidfuzz ratio of a name offered when nothing matches
PART_WEIGHT = 0.9  # a part of a longer name spelt like the pattern counts a little less
SUGGESTIONS = 5
# the range that holds every date: no span
_ALL = ("", "9999-99-99")


@dataclass(frozen=True)
class NamesQuery:
    kind: str = "entities"  # one of KINDS
    pattern: str | None = None  # None: every name
    sort: NameSort = NameSort.by_count
    limit: int = 20  # 0: all
    span: DateRange | None = None  # count only the events of these dates


def names(index: Index, query: NamesQuery) -> NameList:
    """The names of one kind, with their counts, in the order asked for."""
    rows = counted(index, query.kind, query.span)
    what = SINGULAR[query.kind]
    where = f" {in_words(query.span)}" if query.span else ""
    notes: list[str] = []
    if query.pattern is not None:
        picked, fuzzy = matching(query.pattern, [row.name for row in rows])
        if not picked:
            return NameList(query.kind, [], total=0, empty=Empty(
                f"no {what} matches {query.pattern!r}{where}", tuple(nearest(query.pattern, rows))))
        if fuzzy:
            notes.append(f"no {what} holds {query.pattern!r}; showing the {query.kind} spelt like it")
        rows = [rows[i] for i in picked]
    total = len(rows)
    shown = ordered(rows, query.sort, query.limit)
    matched = f" matching {query.pattern!r}" if query.pattern is not None else ""
    caption = f"{total} {plural(query.kind, total)}{matched}{where}"
    empty = None if shown else Empty(f"no {query.kind}{where}")
    return NameList(query.kind, shown, caption, total, empty, tuple(notes))


def plural(kind: str, count: int) -> str:
    return kind if count != 1 else SINGULAR[kind]


def ordered(rows: Sequence[NameCount], sort: NameSort, limit: int = 0) -> list[NameCount]:
    """In the order `sort` names, ties by count (most first) then by name; the first `limit`
    of them (0: all)."""
    def by_count_key(row: NameCount) -> tuple[int, str, str]:
        return -row.count, row.name.casefold(), row.name

    if sort is NameSort.by_count and limit:
        return heapq.nsmallest(limit, rows, key=by_count_key)
    by_count = sorted(rows, key=by_count_key)
    return _reordered(by_count, sort)[: limit or None]


def _reordered(by_count: list[NameCount], sort: NameSort) -> list[NameCount]:
    if sort is NameSort.by_name:
        return sorted(by_count, key=lambda r: fold(r.name))
    if sort is NameSort.by_first:
        return sorted(by_count, key=lambda r: r.first)
    if sort is NameSort.by_last:
        return sorted(by_count, key=lambda r: r.last, reverse=True)
    return by_count


# -- counting --


def counted(index: Index, kind: str, span: DateRange | None = None) -> list[NameCount]:
    """Every name of `kind` with its events (of `span`), first and last dates; in no order."""
    low, high = (span.start.isoformat(), span.end.isoformat()) if span else _ALL
    if kind == "entities":
        if span is None:
            rows = index.query("SELECT name, events, first, last FROM entities")
        else:
            rows = index.query(
                "SELECT en.name, count(*), min(ee.date), max(ee.date) FROM event_entities AS ee "
                "JOIN entities AS en ON en.key = ee.entity WHERE ee.date BETWEEN ? AND ? "
                "GROUP BY ee.entity", low, high)
        return [NameCount(*row) for row in rows]
    if kind == "sources" and span is None:
        rows = index.query("SELECT name, events, first, last FROM source_names")
        return one_per_spelling(rows, lambda spellings: _source_events(index, spellings, span))
    if kind == "sources":
        # the events in date order, then each one's sources (faster than the sources by
        # name, then each one's event)
        rows = index.query(
            "SELECT s.name, count(DISTINCT s.event), min(e.date), max(e.date) FROM sources AS s "
            "JOIN events AS e ON e.file = s.event WHERE e.date BETWEEN ? AND ? AND s.name != '' "
            "GROUP BY s.name", low, high)
        return one_per_spelling(rows, lambda spellings: _source_events(index, spellings, span))
    column = {"stories": "story", "categories": "category"}[kind]
    # with no span, the index on the column alone answers (events_story, events_category)
    dated = " AND date BETWEEN ? AND ?" if span else ""
    rows = index.query(
        f"SELECT {column}, count(*), min(date), max(date) FROM events "
        f"WHERE {column} IS NOT NULL AND {column} != ''{dated} GROUP BY {column}",
        *((low, high) if span else ()))
    return one_per_spelling(rows)  # an event has one story and one category: counts add up


Row = tuple[str, int, str, str]


def one_per_spelling(rows: Sequence[Row], recount: Callable[[list[str]], dict[str, int]] | None = None
                     ) -> list[NameCount]:
    """One row per name, case aside, written as the most events write it.  `recount` gives
    the exact number of events of names written several ways, where one event may hold
    more than one of the ways; without it their counts add up."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row[0].casefold(), []).append(row)
    several = [row[0] for group in groups.values() if len(group) > 1 for row in group]
    exact = recount(several) if recount and several else {}
    found = []
    for key, group in groups.items():
        if len(group) == 1:
            found.append(NameCount(*group[0]))
            continue
        name = min(group, key=lambda r: (-r[1], r[0]))[0]
        count = exact.get(key, sum(r[1] for r in group))
        found.append(NameCount(name, count, min(r[2] for r in group), max(r[3] for r in group)))
    return found


def _source_events(index: Index, spellings: list[str], span: DateRange | None) -> dict[str, int]:
    """For sources written several ways: how many events hold any of the ways (case aside)."""
    import json

    ways = json.dumps([[name, name.casefold()] for name in spellings])
    dated = (" JOIN events AS e ON e.file = s.event WHERE e.date BETWEEN ? AND ?" if span else "")
    return dict(index.query(
        "WITH way (name, key) AS (SELECT value ->> 0, value ->> 1 FROM json_each(?)) "
        f"SELECT way.key, count(DISTINCT s.event) FROM way JOIN sources AS s ON s.name = way.name{dated} "
        "GROUP BY way.key", ways, *((span.start.isoformat(), span.end.isoformat()) if span else ())))


# -- patterns --


def matching(pattern: str, names: Sequence[str]) -> tuple[list[int], bool]:
    """The positions of the names `pattern` picks, and whether it picked them only by spelling.

    A name is picked when it holds the pattern, or each of its words, case and accents
    aside; when no name is, a name each of whose words is held by it or spelt like one of
    its words (rapidfuzz `ratio` at least WORD_CUTOFF, for words of SHORTEST_FUZZY letters
    or more).
    """
    wanted = fold(" ".join(pattern.split()))
    parts = words(pattern) or [wanted]
    folded = [fold(name) for name in names]
    held = [i for i, name in enumerate(folded) if wanted in name or all(p in name for p in parts)]
    if held:
        return held, False
    from rapidfuzz import fuzz, process

    name_words = [set(words(name)) for name in folded]
    vocabulary = sorted(set().union(*name_words)) if name_words else []
    close: list[set[str]] = []
    for part in parts:
        near = set()
        if len(part) >= SHORTEST_FUZZY:
            near = {w for w, _, _ in process.extract(part, vocabulary, scorer=fuzz.ratio,
                                                     score_cutoff=WORD_CUTOFF, limit=None)}
        close.append(near)
    spelt = [i for i, name in enumerate(folded)
             if all(part in name or near & name_words[i] for part, near in zip(parts, close, strict=True))]
    return spelt, True


def nearest(pattern: str, rows: Sequence[NameCount]) -> list[str]:
    """The names most like `pattern`, for a pattern that picks none: spelt like it as a
    whole, or holding a part spelt like it (only names longer than the pattern: a short
    name is part of many patterns); the most carried first among equally close ones."""
    from rapidfuzz import fuzz, process

    wanted = fold(" ".join(pattern.split()))
    folded = [fold(row.name) for row in rows]
    scores: dict[int, float] = {}
    for _, score, n in process.extract(wanted, folded, scorer=fuzz.ratio, limit=SUGGESTIONS * 4,
                                       score_cutoff=SUGGESTION_CUTOFF):
        scores[n] = score
    longer = [name if len(name) > len(wanted) else "" for name in folded]
    for _, score, n in process.extract(wanted, longer, scorer=fuzz.partial_ratio, limit=SUGGESTIONS * 4,
                                       score_cutoff=SUGGESTION_CUTOFF / PART_WEIGHT):
        scores[n] = max(scores.get(n, 0.0), score * PART_WEIGHT)
    best = sorted(scores, key=lambda n: (-round(scores[n]), -rows[n].count, rows[n].name))
    return list(dict.fromkeys(rows[n].name for n in best))[:SUGGESTIONS]
