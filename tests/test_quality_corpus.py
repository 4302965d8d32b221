"""Search and related on real data: five years of the public archive, built once per module.

Only what holds in any subset is checked (this event is found, that name is matched, these
rows come first), never whole-archive rankings.  The events and names were chosen by
reading the built files.  The archive is indexed once by the fixture; every test then
reads the cache.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helpers
import pytest
from conftest import SEED_ID, build_corpus, needs_shared
from typer.testing import Result

from newscli.index.store import open_index

pytestmark = needs_shared

YEARS = ("2006", "2011", "2015", "2017", "2025")

# Ollanta Humala's career, as the archive tells it (id prefixes)
HUMALA_EVENTS = {
    "2006 first round": "2006-04-10/preliminary-results-from-the-general-election-in-peru-shows-ollanta",
    "2006 runoff": "2006-06-05/alan-garc-a-of-the-apra-is-re-elected-president-of-peru",
    "2011 first round": "2011-04-10/peruvians-vote-in-presidential-elections",
    "2011 runoff vote": "2011-06-05/voters-in-peru-go-to-the-polls-for-the-second-round",
    "2011 result": SEED_ID,
    "state of emergency": "2011-12-04/the-president-of-peru-ollanta-humala-declares-a-state-of-emergency",
    "ambassador recalled": "2015-02-21/the-president-of-peru-ollanta-humala-recalls-the-ambassador",
    "2017 court": "2017-07-14/a-court-of-lima-orders-18-months-of-pre-trial-imprisonment",
    "2025 court": "2025-04-15/a-court-in-lima-peru-sentences-former-president-ollanta-humala",
}
KEIKO_2025 = "2025-01-13/a-judge-in-peru-dismisses-charges-of-money-laundering"
PERU_EMERGENCY = "2011-12-05/peru-declares-a-state-of-emergency-in-four-provinces"
CHAVEZ_UN = "2006-09-20/venezuelan-president-hugo-ch-vez-addressing-the-united-nations"
BACHELET_ELECTED = "2006-01-15/michelle-bachelet-is-elected-the-first-female-president-of-chile"
BACHELET_MARRIAGE = "2017-08-28/chilean-president-michelle-bachelet-sends-a-bill-to-congress"
MUBARAK_RESIGNS = "2011-02-11/hosni-mubarak-resigns-as-president-of-egypt"
LULA_SECOND_TERM = "2006-10-29/president-of-brazil-luiz-in-cio-lula-da-silva-wins-a-second-term"


@dataclass(frozen=True)
class Corpus:
    root: Path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = build_corpus(tmp_path_factory.mktemp("quality") / "archive", "--years", *YEARS)
    with pytest.MonkeyPatch.context() as patch:
        # the cache conftest's isolated_env gives every test: indexed here once, read after
        patch.setenv("NEWS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        open_index(root).close()
    return Corpus(root)


def news(corpus: Corpus, *args: str) -> Result:
    """`news --data-dir CORPUS ARGS`, from the index the fixture built."""
    return helpers.news(*args, data=corpus.root)


def rows(corpus: Corpus, *args: str) -> list[dict[str, Any]]:
    return helpers.as_json(news(corpus, *args, "--limit", "0", "--json"))


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def mentions(event: dict[str, Any], word: str) -> bool:
    """Whether the event's title, story or entities hold `word` (folded) as a word."""
    texts = [event["title"], event.get("story") or "", *event.get("entities", [])]
    return any(word in words(text) for text in texts)


def holds_phrase(event: dict[str, Any], phrase: str) -> bool:
    """Whether one field of the event (each entity and source apart) holds the phrase."""
    wanted = " ".join(words(phrase))
    texts = [event["title"], event.get("story") or "", event.get("category") or "",
             *event["entities"], *(s["name"] for s in event["sources"])]
    return any(f" {wanted} " in f" {' '.join(words(text))} " for text in texts)


def starting(found: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    return [event for event in found if event["id"].startswith(prefix)]


# -- an entity's timeline --


def test_humala_timeline_holds_his_career(corpus: Corpus) -> None:
    result = news(corpus, "related", "Ollanta Humala", "--limit", "0", "--json")
    assert result.stderr == ""  # an exact name
    found = json.loads(result.stdout)
    for what, prefix in HUMALA_EVENTS.items():
        assert starting(found, prefix), f"{what} missing"
    for event in found:
        assert mentions(event, "humala"), event["title"]
    dates = [event["date"] for event in found]
    assert dates == sorted(dates)


@pytest.mark.parametrize("name", ["Olanta Humala", "humala"])
def test_a_misspelt_or_partial_name_gives_the_same_timeline(corpus: Corpus, name: str) -> None:
    reference = [event["id"] for event in rows(corpus, "related", "Ollanta Humala")]
    result = news(corpus, "related", name, "--limit", "0", "--json")
    assert result.exit_code == 0
    assert [event["id"] for event in json.loads(result.stdout)] == reference
    assert 'matched "Ollanta Humala"' in result.stderr.splitlines()[0]


def test_a_timeline_newest_first(corpus: Corpus) -> None:
    oldest = rows(corpus, "related", "Michelle Bachelet")
    newest = rows(corpus, "related", "Michelle Bachelet", "--sort", "-date")
    assert oldest[0]["id"].startswith(BACHELET_ELECTED)
    assert starting(oldest, BACHELET_MARRIAGE)
    assert [e["date"] for e in oldest] == sorted(e["date"] for e in oldest)
    assert [e["date"] for e in newest] == sorted((e["date"] for e in newest), reverse=True)
    assert {e["id"] for e in oldest} == {e["id"] for e in newest}


def test_an_accented_entity_asked_without_accents(corpus: Corpus) -> None:
    result = news(corpus, "related", "hugo chavez", "--limit", "0", "--json")
    assert result.stderr == ""  # "Hugo Chávez" folds to the same name: an exact match
    found = json.loads(result.stdout)
    assert starting(found, CHAVEZ_UN)
    assert all(mentions(event, "chavez") for event in found)


def test_a_timeline_with_a_date_filter(corpus: Corpus) -> None:
    found = rows(corpus, "related", "Ollanta Humala", "--from", "2011-06", "--to", "2011")
    assert {e["date"][:7] for e in found} <= {f"2011-{m:02d}" for m in range(6, 13)}
    assert starting(found, SEED_ID) and starting(found, HUMALA_EVENTS["state of emergency"])
    assert not starting(found, HUMALA_EVENTS["2011 first round"])


def test_nothing_close_exits_1(corpus: Corpus) -> None:
    result = news(corpus, "related", "Xqzvbn Wrrtyp")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("news: no entity named 'Xqzvbn Wrrtyp'")


def test_a_name_only_titles_carry(corpus: Corpus) -> None:
    found = rows(corpus, "related", "Nadine Heredia")
    assert starting(found, HUMALA_EVENTS["2017 court"]) and starting(found, HUMALA_EVENTS["2025 court"])


def test_a_partial_name_matches_the_whole_name(corpus: Corpus) -> None:
    result = news(corpus, "related", "Lula da Silva", "--limit", "0", "--json")
    assert 'matched "Luiz Inácio Lula da Silva"' in result.stderr
    assert json.loads(result.stdout)[0]["id"].startswith(LULA_SECOND_TERM)


# -- the events related to one event --


def test_an_id_lists_its_links_among_events_of_its_story(corpus: Corpus) -> None:
    path = corpus.root / "news" / "2011" / "06" / "6" / f"{SEED_ID.split('/')[1]}.md"
    targets = re.findall(r"\]\(/news/(\d{4})/(\d{2})/(\d{1,2})/([^)]+)\.md\)",
                         path.read_text(encoding="utf-8").split("### Related:", 1)[1])
    assert len(targets) == 10
    found = rows(corpus, "related", SEED_ID)
    by_id = {r["id"]: r for r in found}
    on_disk = {f"{y}-{m}-{int(d):02d}/{slug}": (corpus.root / "news" / y / m / d / f"{slug}.md").exists()
               for y, m, d, slug in targets}
    for link, exists in on_disk.items():  # every link is there, found when its file is
        assert "link" in by_id[link]["reasons"] and by_id[link]["found"] == exists
    assert SEED_ID not in by_id
    for row in found:
        assert set(row) == {"id", "date", "title", "context", "found", "via", "score", "reasons"}
    # the best are about Humala and Peru's 2011 election: the runoff the day before comes first
    assert found[0]["id"].startswith("2011-06-05/voters-in-peru")
    assert all(mentions(r, "humala") or mentions(r, "peru") for r in found[:5])


# -- search --


def test_events_naming_both_words_come_first(corpus: Corpus) -> None:
    found = rows(corpus, "search", "humala fujimori")
    both = [mentions(e, "humala") and mentions(e, "fujimori") for e in found]
    assert both[0]
    first_without = both.index(False)
    assert not any(both[first_without:]), "an event naming both ranks below one that does not"
    assert starting(found[:first_without], SEED_ID)


def test_a_misspelt_surname_finds_keiko_fujimori(corpus: Corpus) -> None:
    found = rows(corpus, "search", "keiko fujimoro")
    assert "Keiko Fujimori" in found[0]["title"]
    assert starting(found, SEED_ID) and starting(found, KEIKO_2025)


def test_a_misspelt_place_name(corpus: Corpus) -> None:
    found = rows(corpus, "search", "cajamarka")
    assert found[0]["id"].startswith(HUMALA_EVENTS["state of emergency"])


def test_a_misspelt_person(corpus: Corpus) -> None:
    found = rows(corpus, "search", "bachellet")
    assert all("Michelle Bachelet" in e["title"] for e in found[:3])
    assert starting(found, BACHELET_ELECTED)


def test_an_unaccented_query_finds_accented_titles(corpus: Corpus) -> None:
    found = rows(corpus, "search", "Chavez", "--from", "2006", "--to", "2006")
    assert len(found) > 10
    assert all(mentions(e, "chavez") for e in found)
    assert sum("Chávez" in e["title"] for e in found[:10]) >= 8
    assert starting(found, CHAVEZ_UN)


def test_a_phrase_query(corpus: Corpus) -> None:
    found = rows(corpus, "search", '"state of emergency"', "--from", "2011", "--to", "2011")
    assert starting(found, HUMALA_EVENTS["state of emergency"]) and starting(found, PERU_EMERGENCY)
    for event in found:
        assert event["date"].startswith("2011-")
        assert holds_phrase(event, "state of emergency"), event["title"]


def test_a_category_filter(corpus: Corpus) -> None:
    found = rows(corpus, "search", "earthquake", "--category", "disasters", "--on", "2011-03")
    assert len(found) >= 5
    for event in found:
        assert "disasters" in event["category"].lower()
        assert event["date"].startswith("2011-03-")
    assert any(e["date"] == "2011-03-11" for e in found)


def test_a_source_filter(corpus: Corpus) -> None:
    found = rows(corpus, "search", "humala", "--source", "bbc")
    assert starting(found, SEED_ID)
    for event in found:
        assert any("bbc" in fold(s["name"]) or "bbc" in (s["domain"] or "") for s in event["sources"])


def test_an_entity_filter_with_words(corpus: Corpus) -> None:
    timeline = {e["id"] for e in rows(corpus, "related", "Ollanta Humala")}
    found = rows(corpus, "search", "court", "--entity", "Ollanta Humala")
    assert starting(found, HUMALA_EVENTS["2017 court"]) and starting(found, HUMALA_EVENTS["2025 court"])
    assert {e["id"] for e in found} <= timeline


def test_an_entity_filter_with_a_slash_in_the_name(corpus: Corpus) -> None:
    found = rows(corpus, "search", "--entity", "Egyptian Revolution of 2011 / Downfall of Hosni Mubarak")
    assert starting(found, MUBARAK_RESIGNS)
    assert all(e["date"].startswith("2011-") for e in found)


def test_a_day_alone_lists_every_event_of_the_day(corpus: Corpus) -> None:
    folder = corpus.root / "news" / "2011" / "06" / "6"
    files = {p.stem for p in folder.glob("*.md") if p.name != "index.md"}
    found = rows(corpus, "search", "--on", "2011-06-06")
    assert {e["id"].split("/")[1] for e in found} == files
    assert {e["date"] for e in found} == {"2011-06-06"}


def test_a_date_range_with_words(corpus: Corpus) -> None:
    found = rows(corpus, "search", "humala", "--from", "2011-06", "--to", "2011-12")
    assert all("2011-06-01" <= e["date"] <= "2011-12-31" for e in found)
    assert starting(found, SEED_ID) and starting(found, HUMALA_EVENTS["state of emergency"])


def test_search_is_deterministic(corpus: Corpus) -> None:
    first = news(corpus, "search", "peru election", "--limit", "50")
    assert first.exit_code == 0
    assert news(corpus, "search", "peru election", "--limit", "50").stdout == first.stdout
