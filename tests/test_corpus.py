"""The real archive: all of 2011 written by ../shared/corpus/build_corpus.py, loaded whole.

Half its files carry frontmatter, half are body only; every one must give an event.  The
corpus is parsed once, into the session's cache, which the `news` runs below then read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from conftest import needs_shared
from helpers import DANGLING, event_files, index_slugs, news

from newscli.index.reader import Index
from newscli.index.store import open_index
from newscli.model.event import Event

pytestmark = needs_shared


@pytest.fixture(scope="module")
def archive(year_2011: Path, tmp_path_factory: pytest.TempPathFactory) -> Index:
    # module scope runs before conftest's per-test environment: name the session cache here
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NEWS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        return open_index(year_2011)


def day_folders(root: Path) -> list[Path]:
    return sorted(p.parent for p in (root / "news").glob("*/*/*/index.md"))


def folder_date(folder: Path) -> dt.date:
    year, month, day = folder.parts[-3:]
    return dt.date(int(year), int(month), int(day))


@pytest.fixture(scope="module")
def events(archive: Index) -> list[Event]:
    """Every event, in the archive's order (by date, then as each day page lists them)."""
    return archive.events(archive.numbers_between(None))


def test_every_event_file_loads(year_2011: Path, archive: Index, events: list[Event]) -> None:
    on_disk = sorted(p.relative_to(year_2011).as_posix() for p in (year_2011 / "news").rglob("*.md")
                     if p.name != "index.md")
    assert len(on_disk) > 7000
    assert archive.skipped == 0
    assert sorted(e.path for e in events) == on_disk
    assert Path(archive.root) == year_2011


def test_both_kinds_of_file_are_in_the_corpus(year_2011: Path, events: list[Event]) -> None:
    with_frontmatter = {e.path for e in events
                        if (year_2011 / e.path).read_text(encoding="utf-8").startswith("---\n")}
    assert 0.3 < len(with_frontmatter) / len(events) < 0.7
    # the category is in frontmatter only
    assert {e.path for e in events if e.category} == with_frontmatter


def test_no_problems_but_dangling_links(archive: Index) -> None:
    assert archive.problems() == []
    for problem in archive.dangling_links():
        assert (problem.severity, problem.problem) == ("warning", DANGLING)


def test_event_counts_per_day_equal_the_files_on_disk(year_2011: Path, events: list[Event]) -> None:
    folders = day_folders(year_2011)
    assert len(folders) == 365
    on_disk = {folder_date(f): len(event_files(f)) for f in folders}
    assert Counter(e.date for e in events) == on_disk


def test_every_day_is_in_its_index_page_order(year_2011: Path, events: list[Event]) -> None:
    by_day: dict[dt.date, list[str]] = {}
    for event in events:
        by_day.setdefault(event.date, []).append(event.id)
    assert list(by_day) == sorted(by_day)
    for folder in day_folders(year_2011):
        day = folder_date(folder)
        assert by_day[day] == [f"{day.isoformat()}/{s}" for s in index_slugs(folder)]


def test_related_links_resolve_within_the_year(archive: Index) -> None:
    event = archive.event(archive.find("2011-06-06/ollanta-humala-is-elected"))
    assert event.title.startswith("Ollanta Humala is elected President of Peru")
    assert len(event.related) == 10
    assert all(link.found for link in event.related)  # the script links within the year it wrote
    assert "Ollanta Humala" in event.entities


def test_show_day_lists_it_in_index_order(year_2011: Path, archive: Index) -> None:
    result = news("-d", str(year_2011), "show", "2011-06-06")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    ids = [line.split("\t")[0] for line in result.stdout.splitlines()]  # rows open with the id
    folder = year_2011 / "news" / "2011" / "06" / "6"
    assert ids == [f"2011-06-06/{slug}" for slug in index_slugs(folder)]
    assert len(ids) == len(event_files(folder))


def test_show_year_counts_every_event(year_2011: Path, archive: Index) -> None:
    result = news("show", "2011", "--jsonl", "-d", str(year_2011))
    assert result.exit_code == 0
    assert result.stdout.count("\n") == len(archive)
