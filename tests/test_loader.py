"""The loader: one event file into one `Event`, day pages into an order, data dirs into a root.

The reference is the seed (../shared/seed/example_event.md, copied into sample_data), the
frontmatter rules of the issue, and frontmatter-only files written here from the WikiTimes
extract in ../shared/corpus.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SAMPLE, SEED, SEED_ID, WIKITIMES, needs_shared
from helpers import DAY, news
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscli.archive.loader import LoadedFile, load_file, parse_day_page, parse_event
from newscli.archive.location import archive_root
from newscli.index.store import open_index
from newscli.model.event import Event, Problem, Source

SEED_SLUG = SEED_ID.partition("/")[2]
SEED_REL = f"news/2011/06/6/{SEED_SLUG}.md"


def write(root: Path, relpath: str, text: str) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def body(title: str, day: str = "2011-06-6", sources: str = "", related: str = "") -> str:
    """An event file body in the seed's layout."""
    folder = "/news/" + day.replace("-", "/")
    return (f"### [{day}]({folder}/index.md)\n\n# {title} \n\n\n\n\n### Source:\n\n{sources}\n"
            f"### Related:\n\n{related}")


def frontmatter(meta: dict[str, Any], text: str = "") -> str:
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" + text


@dataclass
class Loaded:
    """A whole archive as the index reads it, parsed afresh."""

    root: Path
    events: list[Event]
    problems: list[Problem]
    skipped: int


def load_archive(data_dir: Path) -> Loaded:
    index = open_index(data_dir, use_cache=False)
    try:
        return Loaded(Path(index.root), index.events(index.numbers_between(None)), index.problems(),
                      index.skipped)
    finally:
        index.close()


def only_event(text: str, relpath: str = f"{DAY}/x.md") -> Event:
    loaded = parse_event(text, relpath)
    assert loaded.event is not None, loaded.problems
    return loaded.event


# -- the seed --


@pytest.fixture(scope="module")
def seed() -> LoadedFile:
    return load_file(str(SAMPLE / SEED_REL), SEED_REL)


@needs_shared
def test_the_sample_holds_the_seed_unchanged() -> None:
    assert (SAMPLE / SEED_REL).read_bytes() == SEED.read_bytes()


def test_seed_scalar_fields(seed: LoadedFile) -> None:
    assert seed.problems == ()
    event = seed.event
    assert event is not None
    assert event.id == SEED_ID
    assert event.slug == SEED_SLUG
    assert event.date == dt.date(2011, 6, 6)
    # the heading ends in a space; the title does not
    assert event.title == (
        "Ollanta Humala is elected President of Peru in the Peruvian general election, "
        "defeating opposition leader Keiko Fujimori."
    )
    assert event.path == SEED_REL
    assert event.category is None
    assert event.story is None
    assert event.extra == {}


def test_seed_sources_have_urls_and_domains(seed: LoadedFile) -> None:
    assert seed.event is not None
    yahoo, bbc = seed.event.sources
    assert yahoo.name == "Reuters via Yahoo News"
    assert yahoo.url is not None
    assert yahoo.url.startswith("http://news.yahoo.com/s/nm/20110606/wl_nm/us_peru_election;_ylt=")
    assert yahoo.url.endswith("c2xrA2xlZnQtd2luZ2VyaA--")
    assert yahoo.domain == "news.yahoo.com"
    assert bbc == Source("BBC", "http://www.bbc.co.uk/news/world-latin-america-13651468", "bbc.co.uk")


SEED_RELATED = [  # (date, start of the slug, context)
    ("2011-06-05", "voters-in-peru-go-to-the-polls-for-the-second-round-of-the-peruvian",
     ("Keiko Fujimori", "Ollanta Humala", "Peruvian general election")),
    ("2011-04-10", "peruvians-vote-in-presidential-elections-with-the-most-likely-result",
     ("Keiko Fujimori", "Ollanta Humala", "Peruvian general election")),
    ("2015-02-21", "the-president-of-peru-ollanta-humala-recalls-the-ambassador",
     ("Ollanta Humala", "President")),
    ("2011-12-04", "the-president-of-peru-ollanta-humala-declares-a-state-of-emergency",
     ("Ollanta Humala", "President")),
    ("2006-06-05", "alan-garcia-of-the-apra-is-re-elected", ("Ollanta Humala", "President")),
    ("2017-02-03", "peruavenezuela-relationspperuvian-president", ("President",)),
    ("2017-02-10", "a-judge-in-peru-issues-an-arrest-warrant", ("President",)),
    ("2016-06-09", "election-officials-announce-all-ballots-have-been-processed", ("Keiko Fujimori",)),
    ("2016-06-06", "with-more-than-92-of-the-vote-counted", ("Keiko Fujimori",)),
    ("2016-06-05", "voters-in-peru-go-to-the-polls-for-the-second-round-of-voting", ("Keiko Fujimori",)),
]


def test_seed_related_links(seed: LoadedFile) -> None:
    assert seed.event is not None
    related = seed.event.related
    assert len(related) == 10
    for link, (day, slug_start, context) in zip(related, SEED_RELATED, strict=True):
        assert link.date == dt.date.fromisoformat(day)
        assert link.id.startswith(f"{day}/{slug_start}")
        assert link.context == context
        assert link.title == " ".join(link.title.split())  # whitespace normalised
        assert not link.found  # only the index, which knows the archive, settles that
    assert related[0].id == (
        "2011-06-05/voters-in-peru-go-to-the-polls-for-the-second-round-of-the-peruvian-general-"
        "election-with-ollanta-humala-claiming-victory-over-keiko-fujimor"
    )
    # the link text, leading and doubled spaces gone
    assert related[4].title.startswith("Alan Garca of the APRA is re-elected")
    assert related[5].title.startswith(
        "Peru-Venezuela relationsPeruvian President Pedro Pablo Kuczynski's government"
    )
    assert related[7].title.startswith("Election officials announce all ballots have been processed and")


def test_seed_entities_are_the_context_names_once_each(seed: LoadedFile) -> None:
    assert seed.event is not None
    assert seed.event.entities == ("Keiko Fujimori", "Ollanta Humala", "Peruvian general election",
                                   "President")


# -- frontmatter --

FULL_FRONTMATTER = """\
---
title: "Frontmatter   title
  wins"
date: 2011-06-06
category: Politics and elections
story: 2011 Peruvian general election
entities:
  - Washington, D.C.
  - Ollanta Humala
sources:
  - BBC
  - name: Reuters
    url: https://www.reuters.com/article/peru-idUS1
  - {name: El Comercio, url: "http://elcomercio.pe/a"}
wikitimes_id: 56657
tags: [peru, election]
reviewed: 2020-01-02
---
"""


def test_frontmatter_wins_over_the_body() -> None:
    text = FULL_FRONTMATTER + body(
        "Body title loses",
        sources="1. [Body Source](http://www.example.com/x)\n",
        related="1. [Other  event ](/news/2011/06/5/other.md) _Context: ollanta humala, Keiko Fujimori_\n",
    )
    event = only_event(text)
    assert event.title == "Frontmatter title wins"
    assert event.date == dt.date(2011, 6, 6)
    assert event.category == "Politics and elections"
    assert event.story == "2011 Peruvian general election"
    assert event.sources == (
        Source("BBC", None, None),
        Source("Reuters", "https://www.reuters.com/article/peru-idUS1", "reuters.com"),
        Source("El Comercio", "http://elcomercio.pe/a", "elcomercio.pe"),
    )
    # a frontmatter name keeps its comma; a context name already there (any case) is not repeated
    assert event.entities == ("Washington, D.C.", "Ollanta Humala", "Keiko Fujimori")
    # the related list comes from the body: frontmatter has no such key
    assert [(r.id, r.title, r.context) for r in event.related] == [
        ("2011-06-05/other", "Other event", ("ollanta humala", "Keiko Fujimori"))
    ]


def test_unknown_frontmatter_keys_are_kept() -> None:
    event = only_event(FULL_FRONTMATTER + body("Body title"))
    # plain JSON: a date is kept as its ISO text
    assert event.extra == {"wikitimes_id": 56657, "tags": ["peru", "election"], "reviewed": "2020-01-02"}


def test_body_fields_fill_what_the_frontmatter_leaves_out() -> None:
    text = frontmatter({"category": "Sports"}, body(
        "Body  title\tkept", sources="1. FoxNews.com\n2. [AP](https://WWW.apnews.com/a)\n"
    ))
    event = only_event(text)
    assert event.title == "Body title kept"
    assert event.category == "Sports"
    assert event.story is None
    assert event.sources == (Source("FoxNews.com", None, None),
                             Source("AP", "https://WWW.apnews.com/a", "apnews.com"))


def test_sources_given_as_strings() -> None:
    event = only_event(frontmatter({"title": "T", "date": "2011-06-06", "sources": ["BBC", "Le Monde"]}))
    assert event.sources == (Source("BBC"), Source("Le Monde"))


def test_sources_given_as_dicts_without_url() -> None:
    event = only_event(frontmatter({"title": "T", "date": "2011-06-06",
                                    "sources": [{"name": "FoxNews.com"}]}))
    assert event.sources == (Source("FoxNews.com", None, None),)


def test_context_names_are_split_on_commas_and_frontmatter_names_are_not() -> None:
    text = frontmatter({"title": "T", "entities": ["Springerville, Arizona"]}, body(
        "T", related="1. [A](/news/2011/06/5/a.md) _Context: Eagar,  Arizona , Luna_\n"
    ))
    event = only_event(text)
    assert event.entities == ("Springerville, Arizona", "Eagar", "Arizona", "Luna")
    assert event.related[0].context == ("Eagar", "Arizona", "Luna")


def test_a_file_with_only_frontmatter_is_an_event() -> None:
    event = only_event(frontmatter({"title": "Only frontmatter", "date": dt.date(2015, 9, 1)}),
                       "news/2015/09/1/only.md")
    assert (event.id, event.title, event.sources, event.related) == (
        "2015-09-01/only", "Only frontmatter", (), ())


# -- frontmatter-only files from the WikiTimes extract --


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].rstrip("-")


def _wikitimes_file(item: dict[str, Any], n: int) -> tuple[str, str]:
    """(relpath, text) of a frontmatter-only event file for one WikiTimes event."""
    day = dt.date.fromisoformat(item["date"])
    meta: dict[str, Any] = {
        "title": item["description"],
        # half as YAML dates, half as quoted text: both are dates
        "date": day if n % 2 else item["date"],
        "category": item["category"]["name"],
    }
    if item.get("belongsToStory"):
        meta["story"] = item["belongsToStory"]["name"]
    meta["entities"] = [e["name"] for e in item["entity"]]
    meta["sources"] = [{"name": s["sourceName"], "url": s["url"]} for s in item["source"]]
    meta["wikitimes_id"] = item["id"]
    relpath = f"news/{day.year}/{day.month:02d}/{day.day}/{_slugify(item['description'])}-{item['id']}.md"
    return relpath, frontmatter(meta)


@pytest.fixture(scope="module")
def wikitimes(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], Path]:
    if not WIKITIMES.exists():
        pytest.skip("../shared/corpus is absent (a user's clone): the WikiTimes tests need it")
    items = json.loads(WIKITIMES.read_text(encoding="utf-8"))
    root = tmp_path_factory.mktemp("wikitimes")
    for n, item in enumerate(items):
        write(root, *_wikitimes_file(item, n))
    return items, root


@needs_shared
def test_wikitimes_first_event_as_frontmatter_only(wikitimes: tuple[list[dict[str, Any]], Path]) -> None:
    items, root = wikitimes
    relpath, _ = _wikitimes_file(items[0], 0)
    loaded = load_file(str(root / relpath), relpath)
    assert loaded.problems == ()
    event = loaded.event
    assert event is not None
    assert event.date == dt.date(2015, 9, 1)
    assert event.id == "2015-09-01/" + Path(relpath).stem
    assert event.title == (
        "The United Nations confirms the Islamic State of Iraq and the Levant has completely destroyed "
        "the Temple of Bel in Palmyra, Syria, after earlier reports that the structure was mostly intact."
    )
    assert event.category == "War_Conflict"
    assert event.story == "Destruction of cultural heritage by ISIL"
    assert event.entities == ("United Nations", "Syria", "Islamic State of Iraq and the Levant", "Palmyra",
                              "Temple of Bel")
    assert event.sources == (
        Source("BBC", "http://www.bbc.com/news/world-middle-east-34111092", "bbc.com"),
        Source("Al Jazeera English Online",
               "http://www.aljazeera.com/news/2015/08/confirms-destruction-famed-palmyra-temple-"
               "150831230110476.html", "aljazeera.com"),
    )
    assert event.related == ()
    assert event.extra == {"wikitimes_id": "56657"}


@needs_shared
def test_every_wikitimes_event_loads_with_its_fields(wikitimes: tuple[list[dict[str, Any]], Path]) -> None:
    items, root = wikitimes
    files = load_archive(root)
    assert files.problems == [] and files.skipped == 0
    by_id = {event.extra["wikitimes_id"]: event for event in files.events}
    assert len(by_id) == len(items) == 428
    for item in items:
        event = by_id[item["id"]]
        assert event.date.isoformat() == item["date"]
        assert event.title == " ".join(item["description"].split())
        assert event.category == item["category"]["name"]
        assert event.story == (item["belongsToStory"]["name"] if item.get("belongsToStory") else None)
        # names kept whole, spaces normalised, each once
        assert [s.casefold() for s in event.entities] == list(
            dict.fromkeys(" ".join(e["name"].split()).casefold() for e in item["entity"]))
        assert [(s.name, s.url) for s in event.sources] == [
            (s["sourceName"], s["url"]) for s in item["source"]]
        for source in event.sources:
            assert source.domain and not source.domain.startswith("www.")
            assert source.url and source.domain in source.url


# -- day pages --


def _day_archive(root: Path) -> Path:
    for name in ("b", "a", "c", "d"):
        write(root, f"{DAY}/{name}.md", body(f"Event {name.upper()}"))
    write(root, f"{DAY}/index.md", "### [2011-06-6](/news/2011/06/6/index.md)\n\n"
          "1. [Event C](/news/2011/06/6/c.md)\n"
          "2. [Event A](news/2011/06/6/a.md)\n"  # any prefix: the slug orders
          "3. [Event B](https://example.org/wiki/news/2011/06/6/b.md)\n")
    for name in ("z", "y"):
        write(root, f"news/2011/06/5/{name}.md", body(f"Event {name.upper()}", day="2011-06-5"))
    return root


def test_parse_day_page_gives_slugs_in_order() -> None:
    text = ("### [2011-06-6](/news/2011/06/6/index.md)\n\n1. [One, two](/news/2011/06/6/one.md)\n"
            "2. [Two [with] brackets](/news/2011/06/6/two.md#top)\n\nNot a list [x](/y.md)\n")
    assert parse_day_page(text) == ["one", "two"]


def shown_ids(data_dir: Path, day: str) -> list[str]:
    result = news("-d", str(data_dir), "show", day)
    assert result.exit_code == 0, result.stderr
    return [line.split("\t")[0] for line in result.stdout.splitlines()]  # rows open with the id


def test_events_follow_the_day_page_then_file_names(tmp_path: Path) -> None:
    files = load_archive(_day_archive(tmp_path))
    assert files.skipped == 0 and files.problems == []
    assert len(files.events) == 6  # index.md is not an event
    assert shown_ids(tmp_path, "2011-06") == [
        "2011-06-05/y", "2011-06-05/z",  # no day page: by file name
        "2011-06-06/c", "2011-06-06/a", "2011-06-06/b",  # the day page's order
        "2011-06-06/d",  # not on the day page: after those that are
    ]


def test_day_page_order_holds_when_the_data_dir_is_the_day_folder(tmp_path: Path) -> None:
    _day_archive(tmp_path)
    ids = shown_ids(tmp_path / DAY, "2011-06-06")
    assert ids == ["2011-06-06/c", "2011-06-06/a", "2011-06-06/b", "2011-06-06/d"]


# -- where the date comes from --


def test_date_from_frontmatter_first() -> None:
    loaded = parse_event(frontmatter({"title": "T", "date": "2011-06-07"}, body("T")), f"{DAY}/t.md")
    assert loaded.event is not None
    assert loaded.event.date == dt.date(2011, 6, 7)
    assert loaded.event.id == "2011-06-07/t"
    assert any(p.problem == "dates disagree" for p in loaded.problems)


def test_date_from_heading_before_path() -> None:
    loaded = parse_event(body("T", day="2011-06-5"), f"{DAY}/t.md")
    assert loaded.event is not None and loaded.event.date == dt.date(2011, 6, 5)


def test_date_from_heading_when_the_path_has_none() -> None:
    loaded = parse_event(body("T", day="2011-6-5"), "t.md")
    assert loaded.problems == ()
    assert loaded.event is not None and loaded.event.id == "2011-06-05/t"


def test_date_from_path_last() -> None:
    loaded = parse_event("# Just a title\n", "news/2011/12/4/t.md")
    assert loaded.problems == ()
    assert loaded.event is not None and loaded.event.date == dt.date(2011, 12, 4)


def test_agreeing_dates_are_no_problem() -> None:
    loaded = parse_event(frontmatter({"date": dt.date(2011, 6, 6)}, body("T")), f"{DAY}/t.md")
    assert loaded.problems == ()


def test_no_date_anywhere_is_no_event() -> None:
    loaded = parse_event("# A title\n", "loose/t.md")
    assert loaded.event is None
    assert [p.problem for p in loaded.problems] == ["no date"]


def test_no_title_is_no_event() -> None:
    loaded = parse_event("### [2011-06-6](/news/2011/06/6/index.md)\n", f"{DAY}/t.md")
    assert loaded.event is None
    assert [p.problem for p in loaded.problems] == ["no title"]


# -- related links --


def test_related_link_forms() -> None:
    related = "".join(f"{n}. [Link {n}]({target})\n" for n, target in enumerate([
        "/news/2011/06/5/a.md", "news/2011/06/5/a.md", "https://example.org/x/news/2011/06/5/a.md",
        "/news/2011/06/5/a.md#frag", "../5/a.md",
    ], 1))
    event = only_event(body("T", related=related))
    assert [r.id for r in event.related] == ["2011-06-05/a"] * 4 + ["a"]
    assert [r.date for r in event.related] == [dt.date(2011, 6, 5)] * 4 + [None]
    assert all(r.context == () for r in event.related)


# -- data dirs: where the root is --


@pytest.mark.parametrize("given", ["root", "news", "flat"])
def test_root_and_relpaths_for_each_data_dir_shape(tmp_path: Path, given: str) -> None:
    _day_archive(tmp_path / "archive")
    flat = tmp_path / "flat"
    flat.mkdir()
    shutil.copy(tmp_path / "archive" / DAY / "a.md", flat / "a.md")
    data_dir = {"root": tmp_path / "archive", "news": tmp_path / "archive" / "news", "flat": flat}[given]
    root, folder = archive_root(data_dir)
    files = load_archive(data_dir)
    paths = {event.id: event.path for event in files.events}
    if given == "flat":
        assert (root, folder) == (flat, flat)
        assert paths == {"2011-06-06/a": "a.md"}  # the date from its heading
    else:
        assert (root, folder) == (tmp_path / "archive", tmp_path / "archive" / "news")
        assert files.root == tmp_path / "archive"
        assert paths["2011-06-06/a"] == "news/2011/06/6/a.md"
        assert paths["2011-06-05/z"] == "news/2011/06/5/z.md"
        assert len(paths) == 6


def test_sample_paths_are_relative_to_the_folder_holding_news() -> None:
    files = load_archive(SAMPLE)
    assert files.root == SAMPLE
    assert files.events and all(e.path.startswith("news/") for e in files.events)
    for event in files.events:
        assert (SAMPLE / event.path).is_file()


# -- nothing raises --

_FRAGMENTS = [
    "---", "--- ", "title: x", "title: [a, b]", "title: ", "date: 2011-02-30", "date: 2011-06-06",
    "date: [1, 2]", "date: 99999-01-01", "entities: {a: 1}", "entities: [a, [b], null, 3]",
    "sources: [1, {name: 2}, {url: 'not a url'}, {name: x, url: 'http://[::1'}]", "sources: x",
    "story: !!binary aGk=", "&a [*a, *a]", "? complex", "- list", "\t", "\ufeff",
    "### [2011-06-6](/news/2011/06/6/index.md)", "### [2011-13-45](/x)", "# Title", "#", "# ",
    "### Source:", "### Sources", "### Related:", "1. [a](b) _Context: x, , y_", "1. [", "1. [](",
    "2. [t](/news/2011/13/45/y.md)", "- [x](http://a(b)c) tail", "1. [x](http://www.)", "* bare name",
    "1. [[nested]](/news/2011/06/5/n.md) _Context:_",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=20)), max_size=25).map("\n".join),
))
def test_parse_event_never_raises(text: str) -> None:
    loaded = parse_event(text, f"{DAY}/x.md")
    assert isinstance(loaded, LoadedFile)
    assert loaded.path == f"{DAY}/x.md"
    if loaded.event is None:
        assert any(p.severity == "error" for p in loaded.problems)
    else:
        event = loaded.event
        assert event.id == f"{event.date.isoformat()}/x"
        assert event.title and event.title == " ".join(event.title.split())
        assert len({e.casefold() for e in event.entities}) == len(event.entities)


def test_a_source_link_with_a_bad_target_is_reported() -> None:
    text = ("### [2011-06-6](/news/2011/06/6/index.md)\n\n# A title\n\n### Source:\n\n"
            "1. [Reuters](not a url)\n2. [BBC](http://www.bbc.co.uk/news/1)\n")
    loaded = parse_event(text, "news/2011/06/6/x.md")
    assert loaded.event is not None
    assert [(s.name, s.url) for s in loaded.event.sources] == [
        ("Reuters", None), ("BBC", "http://www.bbc.co.uk/news/1")]
    assert [(p.severity, p.problem, p.detail) for p in loaded.problems] == [
        ("error", "source URL is not a URL", "not a url")]
