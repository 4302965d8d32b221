"""`news search`: ranking, matching, filters, sorting, limits and errors on small archives.

Each archive is written here, a few event files in news/YYYY/MM/D/ folders, some with
YAML frontmatter and some body-only (their sources come from the `### Source:` list and
their entities from the `_Context:_` of their `Related:` links), so every expected order
can be worked out by hand.  The CLI runs through typer's CliRunner; a few tests call
`newscli.search.search` directly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import EVENT_KEYS, as_json, ids, news, one_error_line, write_event

from newscli.errors import BadInput
from newscli.index.store import open_index
from newscli.model.dates import between, parse_date_range
from newscli.model.words import looks_like_heading
from newscli.query.search import Filters, SearchQuery, Sort, parse_query, search

# -- the archive most tests share --

ELECTED = "2011-06-06/humala-elected"
ICLOUD = "2011-06-06/apple-icloud"
RUNOFF = "2011-06-05/runoff-vote"
EMERGENCY = "2011-12-04/state-of-emergency"
OFFICIALS = "2011-12-05/emergency-state-officials"
GARCIA = "2006-06-05/garcia-wins"
PEREZ = "2015-02-21/perez-named"
PEREZ_RESIGNS = "2017-02-10/perez-resigns"
KEIKO = "2016-06-05/keiko-kuczynski"
DETAINED = "2017-07-14/humala-detained"
QUAKE = "2011-03-11/earthquake-japan"
TYPO = "2010-01-01/lima-newspaper"
PRESS = "2011-07-01/press-review"
JOSE = "2004-05-05/aznar-visits"
WALESA = "2011-10-09/walesa-votes"
TWINS = ("2013-03-01/zanzibar-ferry-c", "2012-03-01/zanzibar-ferry-a", "2012-03-01/zanzibar-ferry-b")
RAIN = tuple(f"2014-01-{d:02d}/rain-{d}" for d in range(1, 26))
POLITICS = {ELECTED, GARCIA, KEIKO}
REUTERS = {RUNOFF, OFFICIALS, PEREZ_RESIGNS, DETAINED}
HUMALA = {ELECTED, RUNOFF, EMERGENCY, GARCIA, DETAINED, PRESS}
FUJIMORI = {ELECTED, RUNOFF, KEIKO, PRESS}


@pytest.fixture(scope="module")
def peru(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("peru")
    politics = "Politics and elections"
    write_event(root, ELECTED, "Ollanta Humala is elected President of Peru, defeating Keiko Fujimori.",
                meta={"category": politics, "story": "2011 Peruvian general election",
                      "entities": ["Ollanta Humala", "Keiko Fujimori"],
                      "sources": [{"name": "BBC",
                                   "url": "http://www.bbc.co.uk/news/world-latin-america-13651468"}]})
    write_event(root, ICLOUD, "Apple launches its iCloud service.",
                meta={"category": "Science and technology", "entities": ["Apple"]})
    write_event(root, RUNOFF,
                "Voters in Peru go to the polls for the runoff between Ollanta Humala and Keiko Fujimori.",
                sources=["Reuters"],
                links=[(ELECTED, "Ollanta Humala is elected", ["Keiko Fujimori", "Ollanta Humala"])])
    write_event(root, EMERGENCY,
                "President Ollanta Humala declares a state of emergency in the Cajamarca region.",
                meta={"category": "Law and crime", "entities": ["Ollanta Humala", "Cajamarca"],
                      "sources": [{"name": "Al Jazeera"}]})
    write_event(root, OFFICIALS, "Emergency state officials meet in Lima to discuss the miners' protests.",
                sources=["Reuters"])
    write_event(root, GARCIA, "Alan García of the APRA wins the runoff against Ollanta Humala.",
                meta={"category": politics, "entities": ["Alan García", "Ollanta Humala"],
                      "sources": [{"name": "El Comercio", "url": "https://elcomercio.pe/politica/1"}]})
    write_event(root, PEREZ, "Carlos Pérez is named ambassador to Chile.",
                meta={"category": "International relations", "entities": ["Carlos Pérez"],
                      "sources": [{"name": "Andina"}]})
    write_event(root, PEREZ_RESIGNS, "Ambassador Carlos Pérez resigns after a spying scandal.",
                sources=["Reuters"], links=[(PEREZ, "Carlos Pérez is named ambassador", ["Carlos Pérez"])])
    write_event(root, KEIKO, "Keiko Fujimori faces Pedro Pablo Kuczynski in the presidential runoff.",
                meta={"category": politics, "entities": ["Keiko Fujimori", "Pedro Pablo Kuczynski"]})
    write_event(root, DETAINED, "A court orders the detention of Humala.", sources=["Reuters"])
    write_event(root, QUAKE, "An earthquake and tsunami strike the coast of Japan.",
                meta={"category": "Disasters and accidents", "entities": ["Japan"],
                      "sources": [{"name": "NHK", "url": "https://www3.nhk.or.jp/news/1"}]})
    # the archive itself misspells a name once: that exact word must beat the fuzzy ones
    write_event(root, TYPO, "A Lima newspaper reports a scandal.", meta={"story": "Fujimoro family"})
    # both words, but only in the sources of a long event: a low score that still ranks first
    write_event(root, PRESS, "A long press review of the week in South American politics, economics, "
                "sport and culture, with many opinions from columnists across the whole region.",
                sources=["Humala Watch", "Fujimori Daily"])
    write_event(root, JOSE, "Jose Maria Aznar visits Lima.", meta={"entities": ["Jose Maria Aznar"]})
    write_event(root, WALESA, "Lech Wałęsa votes in Gdańsk.", meta={"entities": ["Lech Wałęsa"]})
    for twin in TWINS:
        write_event(root, twin, "A ferry sinks off Zanzibar.")
    for n, rain in enumerate(RAIN, 1):
        write_event(root, rain, f"Heavy rain falls on the town of Xn{n}.")
    return root


# -- ranking --


def test_events_holding_all_the_words_come_first(peru: Path) -> None:
    found = as_json(news("search", "humala fujimori", "--limit", "0", "--json", data=peru))
    order = [item["id"] for item in found]
    both = HUMALA & FUJIMORI
    assert set(order[: len(both)]) == both
    assert set(order[len(both):]) == (HUMALA | FUJIMORI) - both
    # the press review holds both words, if only in its sources: above a one-word event
    assert order.index(PRESS) < order.index(DETAINED)


def test_title_and_entities_weigh_more_than_sources(peru: Path) -> None:
    order = ids(news("search", "humala", "--limit", "0", "--json", data=peru))
    assert set(order) == HUMALA
    assert order[-1] == PRESS  # only its sources say Humala


def test_ties_break_newest_first_then_by_id(peru: Path) -> None:
    found = as_json(news("search", "zanzibar", "--json", data=peru))
    assert [item["id"] for item in found] == list(TWINS)
    assert len({item["score"] for item in found}) == 1


def test_same_query_same_order(peru: Path) -> None:
    first = news("search", "humala fujimori peru", "--limit", "0", data=peru)
    again = news("search", "humala fujimori peru", "--limit", "0", data=peru)
    assert first.exit_code == again.exit_code == 0
    assert first.stdout == again.stdout
    assert first.stdout.strip()


@pytest.mark.parametrize("query", ["Perez", "perez", "PEREZ", "Pérez", "PÉREZ"])
def test_accents_and_case_never_matter(peru: Path, query: str) -> None:
    reference = as_json(news("search", "Pérez", "--json", data=peru))
    found = as_json(news("search", query, "--json", data=peru))
    assert [(e["id"], e["score"]) for e in found] == [(e["id"], e["score"]) for e in reference]
    assert {e["id"] for e in found} == {PEREZ, PEREZ_RESIGNS}


def test_an_accented_query_finds_unaccented_text(peru: Path) -> None:
    assert ids(news("search", "José María", "--json", data=peru)) == [JOSE]
    assert ids(news("search", "garcia", "--json", data=peru)) == [GARCIA]


def test_letters_with_strokes_fold_too(peru: Path) -> None:
    plain = as_json(news("search", "Walesa", "--json", data=peru))
    accented = as_json(news("search", "Wałęsa", "--json", data=peru))
    assert [(e["id"], e["score"]) for e in plain] == [(e["id"], e["score"]) for e in accented]


# -- phrases --


def test_quoted_words_must_appear_together_in_order(peru: Path) -> None:
    assert ids(news("search", '"state of emergency"', "--json", data=peru)) == [EMERGENCY]
    assert ids(news("search", '"emergency state"', "--json", data=peru)) == [OFFICIALS]
    # unquoted, both events hold both words
    assert set(ids(news("search", "state emergency", "--json", data=peru))) == {EMERGENCY, OFFICIALS}


def test_a_phrase_is_required_and_loose_words_are_not(peru: Path) -> None:
    assert ids(news("search", '"state of emergency" lima', "--json", data=peru)) == [EMERGENCY]


def test_a_phrase_ignores_accents(peru: Path) -> None:
    assert ids(news("search", '"alan garcia"', "--json", data=peru)) == [GARCIA]


def test_a_phrase_nowhere_in_order_finds_nothing(peru: Path) -> None:
    result = news("search", '"emergency of state"', data=peru)
    assert result.exit_code == 1
    assert one_error_line(result).startswith("news: no events matching")


def test_a_phrase_does_not_span_two_entities(peru: Path) -> None:
    result = news("search", '"humala keiko"', data=peru)
    assert result.exit_code == 1, result.stdout


def test_parse_query_keeps_phrases_apart() -> None:
    parsed = parse_query('"State of Emergency" Lima "Alan García')
    assert set(parsed.words) == {"state", "of", "emergency", "lima", "alan", "garcia"}
    assert parsed.phrases == (("state", "of", "emergency"), ("alan", "garcia"))


# -- typos --


@pytest.mark.parametrize(("typo", "wanted"), [("Humalla", HUMALA), ("Fujimory", FUJIMORI),
                                              ("Kuczinski", {KEIKO})])
def test_a_misspelt_word_still_finds_events(peru: Path, typo: str, wanted: set[str]) -> None:
    assert set(ids(news("search", typo, "--limit", "0", "--json", data=peru))) >= wanted


def test_electon_finds_the_election(peru: Path) -> None:
    assert ELECTED in ids(news("search", "electon", "--limit", "0", "--json", data=peru))


def test_an_exact_word_ranks_above_fuzzy_ones(peru: Path) -> None:
    order = ids(news("search", "fujimoro", "--limit", "0", "--json", data=peru))
    assert order[0] == TYPO  # the archive's own "Fujimoro"
    assert set(order[1:]) >= FUJIMORI - {PRESS}


def test_a_fuzzy_match_counts_less_than_the_word_itself(peru: Path) -> None:
    exact = {e["id"]: e["score"] for e in as_json(news("search", "fujimori", "--json", data=peru))}
    fuzzy = {e["id"]: e["score"] for e in as_json(news("search", "fujimory", "--json", data=peru))}
    for event_id in FUJIMORI:
        assert fuzzy[event_id] < exact[event_id]


def test_a_fuzzy_neighbour_does_not_count_as_holding_the_word(tmp_path: Path) -> None:
    write_event(tmp_path, "2011-06-06/both", "Fujimori meets Humala in Lima.")
    write_event(tmp_path, "2011-06-05/humala-only", "Humala speaks to reporters.")
    write_event(tmp_path, "2011-06-04/humana-hospital", "Fujimori visits the Humana hospital.")
    write_event(tmp_path, "2011-06-03/humana-results", "Humana insurance results.")
    write_event(tmp_path, "2011-06-02/humana-office", "Humana opens an office.")
    for n in range(5):
        write_event(tmp_path, f"2011-05-0{n + 1}/rain-{n}", f"Rain falls on town number {n}.")
    order = ids(news("search", "humala fujimori", "--limit", "0", "--json", data=tmp_path))
    assert order[:2] == ["2011-06-06/both", "2011-06-05/humala-only"]


# -- filters --


def test_on_a_day_alone_lists_that_day_by_id(peru: Path) -> None:
    assert ids(news("search", "--on", "2011-06-06", "--json", data=peru)) == [ICLOUD, ELECTED]


def test_on_a_month_alone(peru: Path) -> None:
    assert ids(news("search", "--on", "2011-06", "--json", data=peru)) == [RUNOFF, ICLOUD, ELECTED]


def test_from_and_to_are_inclusive(peru: Path) -> None:
    both_ends = ids(news("search", "--from", "2011-06-05", "--to", "2011-06-06", "--json", data=peru))
    assert both_ends == [RUNOFF, ICLOUD, ELECTED]
    assert ids(news("search", "--to", "2006", "--json", data=peru)) == [JOSE, GARCIA]
    later = as_json(news("search", "--from", "2017-02", "--json", data=peru))
    assert [e["id"] for e in later] == [PEREZ_RESIGNS, DETAINED]


def test_from_a_month_with_a_query(peru: Path) -> None:
    found = as_json(news("search", "humala", "--from", "2011-07", "--to", "2011", "--json", data=peru))
    assert {e["id"] for e in found} == {EMERGENCY, PRESS}
    assert all("2011-07-01" <= e["date"] <= "2011-12-31" for e in found)


@pytest.mark.parametrize("text", ["politics", "POLITICS", "Politics and elections", "elect"])
def test_category_alone(peru: Path, text: str) -> None:
    assert set(ids(news("search", "--category", text, "--json", data=peru))) == POLITICS


@pytest.mark.parametrize(("text", "wanted"), [
    ("reuters", REUTERS), ("BBC", {ELECTED}), ("bbc.co.uk", {ELECTED}), ("el comercio", {GARCIA}),
    ("elcomercio.pe", {GARCIA}), ("al jazeera", {EMERGENCY}),
])
def test_source_alone_by_name_or_domain(peru: Path, text: str, wanted: set[str]) -> None:
    assert set(ids(news("search", "--source", text, "--json", data=peru))) == wanted


def test_entity_alone(peru: Path) -> None:
    result = news("search", "--entity", "Keiko Fujimori", "--json", data=peru)
    # RUNOFF is body-only: its entities are the context names of its links
    assert set(ids(result)) == {ELECTED, RUNOFF, KEIKO}
    assert result.stderr == ""


def test_entity_filter_says_which_name_it_matched(peru: Path) -> None:
    result = news("search", "--entity", "Olanta Humala", "--json", data=peru)
    assert {ELECTED, RUNOFF, EMERGENCY, GARCIA} <= set(ids(result))
    assert 'matched "Ollanta Humala"' in result.stderr


def test_filters_combined(peru: Path) -> None:
    assert ids(news("search", "humala", "--from", "2011", "--to", "2011", "--category", "politics",
                    "--json", data=peru)) == [ELECTED]
    assert ids(news("search", "--entity", "Ollanta Humala", "--source", "reuters", "--json",
                    data=peru)) == [RUNOFF]
    assert ids(news("search", "humala", "--on", "2011-12", "--json", data=peru)) == [EMERGENCY]
    assert ids(news("search", "--category", "politics", "--to", "2011-06", "--source", "bbc", "--json",
                    data=peru)) == [ELECTED]


def test_filters_that_exclude_everything_exit_1(peru: Path) -> None:
    result = news("search", "humala", "--on", "2004", data=peru)
    assert result.exit_code == 1
    assert one_error_line(result) == "news: no events matching 'humala'"
    alone = news("search", "--category", "sports", data=peru)
    assert alone.exit_code == 1
    assert one_error_line(alone) == "news: no events selected"


# -- sorting and limits --


def test_sort_by_date_both_ways(peru: Path) -> None:
    oldest = as_json(news("search", "humala", "--sort", "date", "--json", data=peru))
    newest = as_json(news("search", "humala", "--sort", "-date", "--json", data=peru))
    assert [e["date"] for e in oldest] == sorted(e["date"] for e in oldest)
    assert [e["date"] for e in newest] == sorted((e["date"] for e in newest), reverse=True)
    assert {e["id"] for e in oldest} == {e["id"] for e in newest} == HUMALA
    assert oldest[0]["id"] == GARCIA
    assert newest[0]["id"] == DETAINED


def test_sort_by_relevance_is_the_default(peru: Path) -> None:
    default = news("search", "humala", data=peru)
    relevance = news("search", "humala", "--sort", "relevance", data=peru)
    assert default.stdout == relevance.stdout
    scores = [float(line.split("\t")[3]) for line in default.stdout.splitlines()]
    assert scores == sorted(scores, reverse=True)


def test_default_limit_is_20_with_a_note(peru: Path) -> None:
    result = news("search", "rain", data=peru)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 20
    assert result.stderr == "news: showing 20 of 25 matches; use --limit 0 for all\n"


def test_limit_0_shows_all_without_a_note(peru: Path) -> None:
    result = news("search", "rain", "--limit", "0", data=peru)
    assert len(result.stdout.splitlines()) == 25
    assert result.stderr == ""


@pytest.mark.parametrize("flag", ["--limit", "-n"])
def test_limit_n(peru: Path, flag: str) -> None:
    result = news("search", "rain", flag, "3", "--sort", "-date", data=peru)
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == list(RAIN[::-1][:3])
    assert result.stderr == "news: showing 3 of 25 matches; use --limit 0 for all\n"


def test_limit_applies_to_a_filter_alone(peru: Path) -> None:
    result = news("search", "--on", "2014-01", "--limit", "5", data=peru)
    assert len(result.stdout.splitlines()) == 5
    assert result.stderr == "news: showing 5 of 25 matches; use --limit 0 for all\n"


def test_no_note_when_everything_fits(peru: Path) -> None:
    result = news("search", "rain", "--limit", "25", data=peru)
    assert len(result.stdout.splitlines()) == 25
    assert result.stderr == ""


# -- output --


def test_json_events_each_have_a_score(peru: Path) -> None:
    found = as_json(news("search", "humala fujimori", "--json", data=peru))
    assert found
    for item in found:
        assert set(item) == EVENT_KEYS | {"score"}
        assert isinstance(item["score"], float) and item["score"] > 0
    elected = next(item for item in found if item["id"] == ELECTED)
    assert elected["category"] == "Politics and elections"
    assert elected["sources"] == [{"name": "BBC", "domain": "bbc.co.uk",
                                   "url": "http://www.bbc.co.uk/news/world-latin-america-13651468"}]


def test_jsonl_gives_the_same_objects(peru: Path) -> None:
    whole = as_json(news("search", "humala", "--json", data=peru))
    lines = news("search", "humala", "--jsonl", data=peru).stdout.splitlines()
    assert [json.loads(line) for line in lines] == whole


def test_a_filter_alone_gives_event_objects(peru: Path) -> None:
    for item in as_json(news("search", "--category", "politics", "--json", data=peru)):
        assert set(item) >= EVENT_KEYS


def test_plain_rows_are_id_date_title_score(peru: Path) -> None:
    rows = [line.split("\t") for line in news("search", "zanzibar", data=peru).stdout.splitlines()]
    assert [row[:3] for row in rows] == [[t, t.split("/")[0], "A ferry sinks off Zanzibar."] for t in TWINS]
    assert all(re.fullmatch(r"\d+\.\d\d", row[3]) for row in rows)


# -- bad input: exit 2 and one line on stderr --


@pytest.mark.parametrize("args", [
    ["search"],
    ["search", ""],
    ["search", "   "],
    ["search", "humala", "--from", "2012", "--to", "2011"],
    ["search", "humala", "--from", "2011-06-07", "--to", "2011-06-06"],
    ["search", "humala", "--on", "2011-02-30"],
    ["search", "humala", "--on", "2011-13"],
    ["search", "--on", "2011-00-10"],
    ["search", "humala", "--from", "banana"],
    ["search", "humala", "--on", "2011", "--from", "2010"],
    ["search", "humala", "--limit", "-1"],
    ["search", "humala", "--sort", "newest"],
    ["search", "humala", "--entity", ""],
    ["search", "humala", "--category", " "],
    ["search", "humala", "--json", "--jsonl"],
], ids=lambda args: " ".join(args) or "nothing")
def test_bad_input_exits_2_with_one_line(peru: Path, args: list[str]) -> None:
    result = news(*args, data=peru)
    assert result.exit_code == 2, result.stdout
    one_error_line(result)


def test_empty_query_message(peru: Path) -> None:
    assert one_error_line(news("search", data=peru)).startswith("news: empty query")


def test_from_after_to_message(peru: Path) -> None:
    line = one_error_line(news("search", "x", "--from", "2012", "--to", "2011", data=peru))
    assert "2012" in line and "2011" in line


def test_impossible_date_message(peru: Path) -> None:
    assert "2011-02-30" in one_error_line(news("search", "x", "--on", "2011-02-30", data=peru))


def test_a_leap_day_is_a_date(peru: Path) -> None:
    result = news("search", "--on", "2012-02-29", data=peru)
    assert result.exit_code == 1  # a valid request that finds nothing
    assert one_error_line(result) == "news: no events selected"


def test_an_empty_query_fails_before_reading_the_archive(tmp_path: Path) -> None:
    result = news("search", data=tmp_path / "missing")
    assert result.exit_code == 2
    assert one_error_line(result).startswith("news: empty query")


def test_an_unknown_entity_filter_exits_1(peru: Path) -> None:
    result = news("search", "humala", "--entity", "Xqzvbn Wrrtyp", data=peru)
    assert result.exit_code == 1
    assert result.stderr.startswith("news: no entity named 'Xqzvbn Wrrtyp'")


def test_a_query_matching_nothing_exits_1(peru: Path) -> None:
    result = news("search", "xqzvbnwr", data=peru)
    assert result.exit_code == 1
    assert one_error_line(result) == "news: no events matching 'xqzvbnwr'"


# -- the core, called directly --


def test_search_directly(peru: Path) -> None:
    archive = open_index(peru)
    found = search(archive, SearchQuery("humala fujimori", limit=0))
    assert [e.id for e in found.events][:3] == ids(news("search", "humala fujimori", "--json", data=peru))[:3]
    assert found.scores is not None and len(found.scores) == len(found.events) == found.total
    again = search(open_index(peru), SearchQuery("humala fujimori", limit=0))
    assert [e.id for e in again.events] == [e.id for e in found.events]
    assert list(again.scores or []) == list(found.scores)


def test_search_directly_with_filters(peru: Path) -> None:
    archive = open_index(peru)
    span = between(parse_date_range("2011"), parse_date_range("2011"))
    found = search(archive, SearchQuery("humala", Filters(span=span, category="politics")))
    assert [e.id for e in found.events] == [ELECTED]
    listing = search(archive, SearchQuery("", Filters(source="reuters"), Sort.newest, 2))
    assert [e.id for e in listing.events] == [DETAINED, PEREZ_RESIGNS]
    assert listing.total == len(REUTERS)


def test_search_directly_refuses_an_empty_query(peru: Path) -> None:
    with pytest.raises(BadInput, match="empty query"):
        search(open_index(peru), SearchQuery("  "))


@pytest.mark.parametrize(("title", "heading"), [
    ("War in Afghanistan", True),
    ("Iran-United States relations, Bahrain-Iran relations", True),
    ("Protests in Washington, D.C.", True),  # the full stop closes an abbreviation
    ("Apple Inc.", True),
    ("Ollanta Humala is elected President of Peru.", False),
    ("The U.S. Senate passes the bill.", False),
    ("Fire at a restaurant in Old Taco.", False),  # "Co." inside a word is no abbreviation
    ("Peru", True),
    ("", False),
])
def test_which_headlines_are_only_headings(title: str, heading: bool) -> None:
    # a heading counts a tenth of an event in search: the sentence end is what tells them apart
    assert looks_like_heading(title) is heading
