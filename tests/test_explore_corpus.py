"""Exploring the real archive: all of 2011 written by ../shared/corpus/build_corpus.py.

Every count `timeline`, `entities`, `sources`, `stories`, `stats` and `on-this-day` give is
checked against the files on disk, read here with PyYAML and regexes of this file's own,
not with anything of news' code: the frontmatter's `story`, `category`, `entities` and
`sources` (else the body's `### Source:` list), the names of the `_Context:_` of the
`Related:` links, the titles, and the YYYY/MM/D folders for the dates.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import needs_shared
from helpers import ids, index_slugs, news

pytestmark = needs_shared


@dataclass(frozen=True)
class OnDisk:
    date: dt.date
    slug: str
    title: str
    story: str | None
    category: str | None
    entities: tuple[str, ...]
    sources: tuple[str, ...]


def _space(text: object) -> str:
    return " ".join(str(text).split())


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_ITEM = re.compile(r"\s*\d+\.\s+(.*)")
_LINKED = re.compile(r"\[(.*)\]\((.*)\)\s*")
_CONTEXT = re.compile(r"_Context:(.*?)_\s*$")


def read_event(path: Path) -> OnDisk:
    """One event file as this test reads it."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, Any] = {}
    if text.startswith("---\n"):
        front, _, text = text[4:].partition("\n---\n")
        meta = yaml.safe_load(front) or {}
    year, month, day = path.parts[-4:-1]
    section = ""
    title = ""
    body_sources: list[str] = []
    context: list[str] = []
    for line in text.splitlines():
        if line.startswith("# ") and not title:
            title = line[2:]
        elif line.startswith("### "):
            section = line[4:].strip().rstrip(":").lower()
        elif (item := _ITEM.fullmatch(line)) is not None:
            if section == "source":
                linked = _LINKED.fullmatch(item.group(1))
                body_sources.append(linked.group(1) if linked else item.group(1))
            elif section == "related" and (found := _CONTEXT.search(item.group(1))):
                context += found.group(1).split(",")
    sources = [s["name"] if isinstance(s, dict) else s for s in meta.get("sources") or []] or body_sources
    names = [*(meta.get("entities") or []), *context]
    return OnDisk(
        date=dt.date(int(year), int(month), int(day)),
        slug=path.stem,
        title=_space(meta.get("title") or title),
        story=_space(meta["story"]) if meta.get("story") else None,
        category=_space(meta["category"]) if meta.get("category") else None,
        entities=tuple(dict.fromkeys(n for n in map(_space, names) if n)),
        sources=tuple(n for n in map(_space, sources) if n),
    )


@pytest.fixture(scope="module")
def on_disk(year_2011: Path) -> list[OnDisk]:
    return [read_event(p) for p in sorted((year_2011 / "news").rglob("*.md")) if p.name != "index.md"]


def summary(pairs: Iterable[tuple[str, OnDisk]]) -> dict[str, tuple[int, str, str]]:
    """Name (case aside) -> (events, first date, last date), each event counted once."""
    events: dict[str, set[tuple[dt.date, str]]] = defaultdict(set)
    for name, event in pairs:
        events[name.casefold()].add((event.date, event.slug))
    return {key: (len(found), min(found)[0].isoformat(), max(found)[0].isoformat())
            for key, found in events.items()}


def listed(year_2011: Path, *args: str) -> dict[str, tuple[int, str, str]]:
    result = news("-d", str(year_2011), *args, "--limit", "0", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    found = {row["name"].casefold(): (row["count"], row["first"], row["last"]) for row in rows}
    assert len(found) == len(rows)  # one row per name, case aside
    return found


def test_the_corpus_is_read_whole(on_disk: list[OnDisk]) -> None:
    assert len(on_disk) > 7000
    assert sum(1 for e in on_disk if e.story) > 1000
    assert sum(1 for e in on_disk if e.sources) > 7000


def test_stories_match_the_frontmatter(year_2011: Path, on_disk: list[OnDisk]) -> None:
    expected = summary((e.story, e) for e in on_disk if e.story)
    assert listed(year_2011, "stories") == expected
    assert len(expected) > 200


def test_sources_match_the_files(year_2011: Path, on_disk: list[OnDisk]) -> None:
    expected = summary((name, e) for e in on_disk for name in e.sources)
    assert listed(year_2011, "sources") == expected
    assert expected["bbc"][0] > 1000


def test_entities_match_the_files(year_2011: Path, on_disk: list[OnDisk]) -> None:
    expected = summary((name, e) for e in on_disk for name in e.entities)
    assert listed(year_2011, "entities") == expected
    assert len(expected) > 1000


def test_entities_of_a_month(year_2011: Path, on_disk: list[OnDisk]) -> None:
    june = [e for e in on_disk if (e.date.year, e.date.month) == (2011, 6)]
    expected = summary((name, e) for e in june for name in e.entities)
    assert listed(year_2011, "entities", "--from", "2011-06", "--to", "2011-06") == expected


def test_a_pattern_lists_every_name_holding_it(year_2011: Path, on_disk: list[OnDisk]) -> None:
    expected = {key: value for key, value in summary((n, e) for e in on_disk for n in e.entities).items()
                if "libya" in _fold(key)}
    assert listed(year_2011, "entities", "LIBYA") == expected
    assert len(expected) > 5


def test_the_default_order_and_limit(year_2011: Path, on_disk: list[OnDisk]) -> None:
    counts = Counter(name for e in on_disk for name in {n.casefold() for n in e.sources})
    result = news("-d", str(year_2011), "sources", "--limit", "5")
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [(name.casefold(), int(count)) for name, count, _, _ in rows] == counts.most_common(5)
    assert f"showing 5 of {len(counts)} matches" in result.stderr


@pytest.mark.parametrize(("name", "key"), [("Libya", "libya"), ("Ollanta Humala", "ollanta humala")])
def test_timeline_of_an_entity_per_month(year_2011: Path, on_disk: list[OnDisk], name: str,
                                         key: str) -> None:
    """The events listing the name, or whose title holds it as words of their own."""
    in_title = re.compile(rf"(?<!\w){re.escape(key)}(?!\w)")
    about = [e for e in on_disk
             if key in {n.casefold() for n in e.entities} or in_title.search(_fold(e.title))]
    months = Counter(f"{e.date:%Y-%m}" for e in about)
    first, last = min(months), max(months)
    expected = [{"period": p, "count": months.get(p, 0)}
                for p in (f"2011-{m:02d}" for m in range(1, 13)) if first <= p <= last]
    result = news("-d", str(year_2011), "timeline", name, "--by", "month", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected


def test_timeline_of_a_search_counts_what_search_finds(year_2011: Path) -> None:
    found = json.loads(news("-d", str(year_2011), "search", '"state of emergency"', "--limit", "0",
                            "--json").stdout)
    weeks = Counter("{}-W{:02d}".format(*dt.date.fromisoformat(e["date"]).isocalendar()[:2]) for e in found)
    result = news("-d", str(year_2011), "timeline", "--query", '"state of emergency"', "--by", "week",
                  "--json")
    assert result.exit_code == 0
    timeline = json.loads(result.stdout)
    assert {p["period"]: p["count"] for p in timeline if p["count"]} == weeks
    assert sum(p["count"] for p in timeline) == len(found) > 10


def test_stats_match_the_files(year_2011: Path, on_disk: list[OnDisk]) -> None:
    result = news("-d", str(year_2011), "stats", "--json", "--limit", "5")
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)
    dates = [e.date for e in on_disk]
    assert stats["events"] == len(on_disk)
    assert stats["days"] == len(set(dates)) == 365
    assert (stats["first"], stats["last"]) == ("2011-01-01", "2011-12-31")
    assert stats["per_year"] == [{"period": "2011", "count": len(on_disk)}]
    assert stats["skipped"] == 0
    categories = summary((e.category, e) for e in on_disk if e.category)
    assert {c["name"].casefold(): (c["count"], c["first"], c["last"]) for c in stats["categories"]
            } == categories
    assert stats["without_category"] == sum(1 for e in on_disk if not e.category)
    entities = Counter(n.casefold() for e in on_disk for n in e.entities)
    assert [(row["name"].casefold(), row["count"]) for row in stats["top_entities"]] == \
        entities.most_common(5)
    sources = Counter(name for e in on_disk for name in {n.casefold() for n in e.sources})
    assert [row["count"] for row in stats["top_sources"]] == [c for _, c in sources.most_common(5)]
    assert (stats["entities"], stats["sources"], stats["stories"]) == (
        len(entities), len(sources), len({e.story.casefold() for e in on_disk if e.story}))


def test_on_this_day_is_the_day_in_its_page_order(year_2011: Path) -> None:
    folder = year_2011 / "news" / "2011" / "06" / "6"
    found = ids(news("-d", str(year_2011), "on-this-day", "06-06", "--limit", "0", "--json"))
    assert found == [f"2011-06-06/{slug}" for slug in index_slugs(folder)]
    assert len(found) == sum(1 for p in folder.glob("*.md") if p.name != "index.md")
