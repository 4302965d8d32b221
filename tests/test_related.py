"""`news related`: entity timelines and the events related to one event.

A small archive written here (frontmatter and body-only files, related links to events
it holds and to events it lacks) gives hand-checked answers; the bundled sample gives
the seed event's links.  The CLI runs through typer's CliRunner; a few tests call
`newscli.related` directly.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SAMPLE, SEED_ID
from helpers import EVENT_KEYS, as_json, ids, news, one_error_line, write_event

from newscli.index.store import open_index
from newscli.model.results import EventList, RelatedList
from newscli.query.related import match_entity, related
from newscli.query.search import Filters, SearchQuery, Sort

ROW_KEYS = {"id", "date", "title", "context", "found", "via", "score", "reasons"}
REASONS = {"link", "backlink", "entities", "words", "date"}

# -- the archive --

GARCIA = "2006-06-05/garcia-wins"
LULA = "2006-10-29/lula-reelected"
FIRST_ROUND = "2011-04-10/first-round"
RUNOFF = "2011-06-05/runoff-vote"
ELECTED = "2011-06-06/humala-elected"
EMERGENCY = "2011-12-04/state-of-emergency"
CAVACO = "2011-01-23/cavaco-silva"
MUBARAK = "2011-02-11/mubarak-resigns"
TAHRIR = "2011-02-12/tahrir-celebrates"
PROTESTS = "2012-07-04/cajamarca-protests"
SILVA = "2012-05-01/silva-speaks"
LONELY = "2013-01-01/zorblax-factory"
RECALL = "2015-02-21/ambassador-recalled"
KEIKO = "2016-06-05/keiko-runoff"
COURT = "2017-07-14/court-orders"
MISSING_ROUND = "2006-04-10/humala-leads-first-round"  # linked to, not in the archive
MISSING_WIN = "2016-06-09/kuczynski-wins"  # linked to, not in the archive
# every event whose entities include Ollanta Humala or whose title names him, oldest first
HUMALA = [GARCIA, FIRST_ROUND, RUNOFF, ELECTED, EMERGENCY, RECALL, COURT]
REVOLUTION = "Egyptian Revolution of 2011 / Downfall of Hosni Mubarak"


@pytest.fixture(scope="module")
def peru(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("peru")
    politics = "Politics and elections"
    write_event(root, GARCIA, "Alan García wins the runoff against Ollanta Humala.",
                meta={"category": politics, "entities": ["Alan García", "Ollanta Humala", "Peru"]})
    write_event(root, FIRST_ROUND, "Peruvians vote in the first round of the presidential election.",
                sources=["Reuters"],
                links=[(GARCIA, "Alan García wins the runoff", ["Ollanta Humala"]),
                       (MISSING_ROUND, "Humala leads the first round", ["Ollanta Humala"])])
    write_event(root, RUNOFF, "Voters in Peru go to the polls for the runoff.", sources=["Reuters"],
                links=[(ELECTED, "Ollanta Humala is elected", ["Keiko Fujimori", "Ollanta Humala"])])
    write_event(root, ELECTED, "Ollanta Humala is elected President of Peru, defeating Keiko Fujimori.",
                meta={"category": politics, "entities": ["Ollanta Humala", "Keiko Fujimori", "Peru"],
                      "sources": [{"name": "BBC", "url": "http://www.bbc.co.uk/news/1"}]},
                links=[(RUNOFF, "Voters in Peru go to the polls", ["Keiko Fujimori", "Ollanta Humala"]),
                       (GARCIA, "Alan García wins the runoff", ["Ollanta Humala"]),
                       (MISSING_WIN, "Kuczynski wins the closest contest", ["Keiko Fujimori"])])
    write_event(root, EMERGENCY, "President Ollanta Humala declares a state of emergency in Cajamarca.",
                meta={"category": "Law and crime", "entities": ["Ollanta Humala", "Cajamarca"]})
    write_event(root, PROTESTS, "Protesters clash with police in Cajamarca.",
                meta={"category": "Law and crime", "entities": ["Cajamarca", "Peru"]})
    write_event(root, RECALL, "The President of Peru Ollanta Humala recalls the ambassador to Chile.",
                meta={"entities": ["Peru Ollanta Humala"]})
    write_event(root, KEIKO, "Keiko Fujimori faces Pedro Pablo Kuczynski in the runoff.",
                meta={"category": politics, "entities": ["Keiko Fujimori", "Pedro Pablo Kuczynski"]})
    # no entities at all: found through its title, which names him (and his wife)
    write_event(root, COURT, "A court orders the detention of Ollanta Humala and Nadine Heredia.",
                sources=["Reuters"])
    write_event(root, LULA, "Luiz Inácio Lula da Silva wins a second term.",
                meta={"entities": ["Luiz Inácio Lula da Silva", "Brazil"]})
    write_event(root, CAVACO, "Aníbal Cavaco Silva is re-elected President of Portugal.",
                meta={"entities": ["Silva", "Portugal"]})
    write_event(root, SILVA, "Silva speaks to the press.", meta={"entities": ["Silva"]})
    write_event(root, MUBARAK, "Hosni Mubarak resigns as President of Egypt.",
                meta={"entities": [REVOLUTION, "Hosni Mubarak"]})
    write_event(root, TAHRIR, "Crowds celebrate in Tahrir Square.", meta={"entities": [REVOLUTION]})
    write_event(root, LONELY, "Zorblax Industries opens a factory.",
                meta={"entities": ["Zorblax Industries"]})
    return root


# -- entity timelines --


def test_a_name_gives_its_events_oldest_first(peru: Path) -> None:
    result = news("related", "Ollanta Humala", "--json", data=peru)
    assert ids(result) == HUMALA
    assert result.stderr == ""  # an exact match says nothing


@pytest.mark.parametrize("name", ["ollanta humala", "OLLANTA HUMALA", "Ollánta Humalá",
                                  "  Ollanta   Humala "])
def test_an_exact_name_ignores_case_accents_and_spaces(peru: Path, name: str) -> None:
    result = news("related", name, "--json", data=peru)
    assert ids(result) == HUMALA
    assert result.stderr == ""


def test_an_accented_entity_found_without_accents(peru: Path) -> None:
    result = news("related", "alan garcia", "--json", data=peru)
    assert ids(result) == [GARCIA]
    assert result.stderr == ""


@pytest.mark.parametrize("name", ["Olanta Humala", "Ollanta Humalla", "humala", "Humala", "ollanta"])
def test_a_near_or_partial_name_matches_and_says_so(peru: Path, name: str) -> None:
    result = news("related", name, "--json", data=peru)
    assert ids(result) == HUMALA
    assert result.stderr.startswith('news: matched "Ollanta Humala"')
    assert len(result.stderr.splitlines()) == 1


def test_a_partial_name_takes_the_name_most_events_carry(peru: Path) -> None:
    archive = open_index(peru)
    match = match_entity(archive, "humala")  # "Peru Ollanta Humala" is as close, and rarer
    assert match.name == "Ollanta Humala"
    assert 'matched "Ollanta Humala"' in match.note
    assert set(archive.ids(match.events).values()) == set(HUMALA)


def test_a_timeline_as_json_is_event_objects(peru: Path) -> None:
    for item in as_json(news("related", "Keiko Fujimori", "--json", data=peru)):
        assert set(item) >= EVENT_KEYS
        assert "via" not in item


def test_nothing_close_exits_1(peru: Path) -> None:
    result = news("related", "Xqzvbn Wrrtyp", data=peru)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("news: no entity named 'Xqzvbn Wrrtyp'")


def test_nothing_close_suggests_names(peru: Path) -> None:
    result = news("related", "keiko fujimora party", data=peru)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "news: no entity named 'keiko fujimora party'"
    assert lines[1] == "did you mean:"
    assert "  Keiko Fujimori" in lines[2:]


def test_a_partial_name_does_not_match_a_shorter_generic_name(peru: Path) -> None:
    result = news("related", "Lula da Silva", "--json", data=peru)
    assert ids(result) == [LULA]
    assert 'matched "Luiz Inácio Lula da Silva"' in result.stderr


def test_a_name_only_titles_carry(peru: Path) -> None:
    assert ids(news("related", "Nadine Heredia", "--json", data=peru)) == [COURT]


def test_an_entity_name_with_a_slash(peru: Path) -> None:
    assert ids(news("related", REVOLUTION, "--json", data=peru)) == [MUBARAK, TAHRIR]


def test_the_entity_filter_takes_a_name_with_a_slash(peru: Path) -> None:
    assert ids(news("search", "--entity", REVOLUTION, "--json", data=peru)) == [MUBARAK, TAHRIR]


# -- filters and sorting on a timeline --


def test_a_timeline_with_dates(peru: Path) -> None:
    assert ids(news("related", "Ollanta Humala", "--from", "2011", "--to", "2011", "--json",
                    data=peru)) == [FIRST_ROUND, RUNOFF, ELECTED, EMERGENCY]
    assert ids(news("related", "Ollanta Humala", "--on", "2011-06", "--json", data=peru)) == [RUNOFF, ELECTED]
    assert ids(news("related", "Ollanta Humala", "--to", "2011-06-05", "--json", data=peru)) == [
        GARCIA, FIRST_ROUND, RUNOFF]


def test_a_timeline_with_other_filters(peru: Path) -> None:
    assert ids(news("related", "Ollanta Humala", "--category", "politics", "--json", data=peru)) == [
        GARCIA, ELECTED]
    assert ids(news("related", "Ollanta Humala", "--source", "reuters", "--json", data=peru)) == [
        FIRST_ROUND, RUNOFF, COURT]
    assert ids(news("related", "humala", "--entity", "Keiko Fujimori", "--json", data=peru)) == [
        RUNOFF, ELECTED]


def test_a_timeline_newest_first(peru: Path) -> None:
    assert ids(news("related", "Ollanta Humala", "--sort", "-date", "--json", data=peru)) == HUMALA[::-1]
    assert ids(news("related", "Ollanta Humala", "--sort", "date", "--json", data=peru)) == HUMALA


def test_a_timeline_limit_says_how_many_matched(peru: Path) -> None:
    result = news("related", "Olanta Humala", "--limit", "2", data=peru)
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == HUMALA[:2]
    assert result.stderr.splitlines() == [
        'news: matched "Ollanta Humala"',
        f"news: showing 2 of {len(HUMALA)} matches; use --limit 0 for all",
    ]


def test_a_timeline_filtered_to_nothing_exits_1(peru: Path) -> None:
    result = news("related", "Ollanta Humala", "--on", "2004", data=peru)
    assert result.exit_code == 1
    assert one_error_line(result) == "news: no events about 'Ollanta Humala' pass the filters"


# -- the events related to one event --


def test_an_id_ranks_its_links_entities_and_words_together(peru: Path) -> None:
    rows = as_json(news("related", ELECTED, "--limit", "0", "--json", data=peru))
    by_id = {r["id"]: r for r in rows}
    for row in rows:
        assert set(row) == ROW_KEYS
        assert row["via"] == row["reasons"][0] and set(row["reasons"]) <= REASONS
    assert ELECTED not in by_id
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    # its own links, found or not
    for link in (RUNOFF, GARCIA, MISSING_WIN):
        assert "link" in by_id[link]["reasons"]
    assert by_id[RUNOFF]["title"] == "Voters in Peru go to the polls for the runoff."  # the archive's title
    missing = by_id[MISSING_WIN]
    assert (missing["found"], missing["title"], missing["date"], missing["context"]) == (
        False, "Kuczynski wins the closest contest", "2016-06-09", ["Keiko Fujimori"])  # the link's own
    # everything sharing an entity, with what it shares
    for other in (FIRST_ROUND, EMERGENCY, PROTESTS, KEIKO):
        assert "entities" in by_id[other]["reasons"] and by_id[other]["found"]
    # the runoff links to it, is linked from it, shares two entities, a day before: first
    assert rows[0]["id"] == RUNOFF
    assert {"link", "backlink", "entities", "words", "date"} <= set(rows[0]["reasons"])


def test_shared_entities_are_the_context(peru: Path) -> None:
    rows = {r["id"]: r for r in as_json(news("related", ELECTED, "--json", data=peru))}
    assert set(rows[PROTESTS]["context"]) == {"Peru"}
    assert set(rows[KEIKO]["context"]) == {"Keiko Fujimori"}
    assert rows[PROTESTS]["date"] == "2012-07-04"


def test_a_rarer_shared_entity_ranks_higher(peru: Path) -> None:
    rows = as_json(news("related", EMERGENCY, "--json", data=peru))
    assert not [r for r in rows if {"link", "backlink"} & set(r["reasons"])]  # it has no links
    # Cajamarca is on 2 events, Ollanta Humala on 5
    assert rows[0]["id"] == PROTESTS
    assert rows[0]["context"] == ["Cajamarca"]
    sharing = {r["id"] for r in rows if "entities" in r["reasons"]}
    assert sharing == {PROTESTS, GARCIA, FIRST_ROUND, RUNOFF, ELECTED}


@pytest.mark.parametrize("form", [
    ELECTED, "humala-elected", f"{ELECTED}.md", f"{ELECTED}/", "2011-06-06/humala-el",
])
def test_an_id_slug_or_prefix_gives_the_same_rows(peru: Path, form: str) -> None:
    reference = news("related", ELECTED, "--json", data=peru).stdout
    assert news("related", form, "--json", data=peru).stdout == reference


def test_an_id_with_a_limit_shows_the_best(peru: Path) -> None:
    everything = ids(news("related", ELECTED, "--limit", "0", "--json", data=peru))
    result = news("related", ELECTED, "--limit", "2", "--json", data=peru)
    assert [r["id"] for r in as_json(result)] == everything[:2]
    assert result.stderr == f"news: showing 2 of {len(everything)} matches; use --limit 0 for all\n"


def test_an_unknown_id_exits_1(peru: Path) -> None:
    result = news("related", "2011-06-06/no-such-event", data=peru)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("news: no event with id '2011-06-06/no-such-event'")


def test_an_ambiguous_id_lists_candidates_without_prompting(peru: Path) -> None:
    result = news("related", "2011-06-0/", data=peru)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("news: '2011-06-0/' matches 2 events")
    assert lines[1] == "candidates:"
    assert sorted(line.strip() for line in lines[2:]) == [RUNOFF, ELECTED]


def test_an_event_sharing_nothing_exits_1(peru: Path) -> None:
    result = news("related", LONELY, data=peru)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"news: nothing related to {LONELY}")


def test_a_plain_row(peru: Path) -> None:
    out = news("related", ELECTED, "--limit", "0", data=peru).stdout
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows[0] == [RUNOFF, "2011-06-05", "Voters in Peru go to the polls for the runoff.",
                       "words", "true", "Ollanta Humala; Keiko Fujimori"]  # context: as the event orders them
    assert [row[3:5] for row in rows if row[0] == MISSING_WIN] == [["link", "false"]]


# -- bad input --


@pytest.mark.parametrize("args", [
    ["related"],
    ["related", ""],
    ["related", "   "],
    ["related", "humala", "--from", "2012", "--to", "2011"],
    ["related", "humala", "--on", "2011-02-30"],
    ["related", "humala", "--on", "2011", "--to", "2012"],
    ["related", "humala", "--limit", "-3"],
    ["related", "humala", "--sort", "oldest"],
    ["related", "humala", "--source", ""],
], ids=lambda args: " ".join(args))
def test_bad_input_exits_2_with_one_line(peru: Path, args: list[str]) -> None:
    result = news(*args, data=peru)
    assert result.exit_code == 2, result.stdout
    one_error_line(result)


# -- the core, called directly --


def test_related_directly(peru: Path) -> None:
    archive = open_index(peru)
    timeline = related(archive, "Olanta Humala", SearchQuery(sort=Sort.date, limit=0))
    assert isinstance(timeline, EventList)
    assert [e.id for e in timeline.events] == HUMALA
    assert any('matched "Ollanta Humala"' in note for note in timeline.notes)
    filtered = related(archive, "Ollanta Humala", SearchQuery(filters=Filters(category="law"), limit=0))
    assert isinstance(filtered, EventList)
    assert [e.id for e in filtered.events] == [EMERGENCY]
    linked = related(archive, ELECTED, SearchQuery(limit=0))
    assert isinstance(linked, RelatedList)
    assert linked.event.id == ELECTED
    rows = {r.link.id: r for r in linked.rows}
    assert linked.rows[0].link.id == RUNOFF
    links = (RUNOFF, GARCIA, MISSING_WIN)
    assert {link: (rows[link].link.found, "link" in rows[link].reasons) for link in links} == {
        RUNOFF: (True, True), GARCIA: (True, True), MISSING_WIN: (False, True)}


# -- the bundled sample --


def seed_links() -> list[str]:
    """The ids of the seed file's Related: links, in order, read from the file itself."""
    text = (SAMPLE / "news" / "2011" / "06" / "6" / f"{SEED_ID.split('/')[1]}.md").read_text("utf-8")
    related_part = text.split("### Related:", 1)[1]
    found = re.findall(r"\]\(/news/(\d{4})/(\d{2})/(\d{1,2})/([^)]+)\.md\)", related_part)
    return [f"{y}-{m}-{int(d):02d}/{slug}" for y, m, d, slug in found]


def _same_start(one: str, other: str) -> bool:
    size = min(len(one), len(other))
    return one[:size].replace("garc-a", "garcia") == other[:size].replace("garc-a", "garcia") or (
        one[:size - 6] == other[:size - 6])


def test_sample_seed_links_are_all_there_with_more() -> None:
    links = seed_links()
    assert len(links) == 10
    rows = as_json(news("related", SEED_ID, "--limit", "0", "--json"))
    linked = [r for r in rows if "link" in r["reasons"]]
    # a link names its target by date and slug; a found one takes the file's own id, which
    # the archive may have cut or spelt differently ("garc-a" for "garcia")
    assert sorted(r["date"] for r in linked) == sorted(link.split("/")[0] for link in links)
    for row in linked:
        assert any(row["id"] == link or (row["found"] and _same_start(row["id"], link)) for link in links)
    found = [r["found"] for r in linked]
    assert any(found) and not all(found)
    others = [r for r in rows if "link" not in r["reasons"]]
    assert others, "no event found through anything but its links"
    assert all(r["found"] for r in others)
    assert SEED_ID not in {r["id"] for r in rows}
    for row in rows:
        assert set(row) == ROW_KEYS


def test_sample_seed_by_slug_is_the_same() -> None:
    by_id = news("related", SEED_ID, "--json")
    by_slug = news("related", SEED_ID.split("/")[1], "--json")
    assert by_id.exit_code == by_slug.exit_code == 0
    assert by_id.stdout == by_slug.stdout


def test_sample_keiko_timeline() -> None:
    result = news("related", "keiko", "--json")
    assert result.stderr.startswith('news: matched "Keiko Fujimori"')
    found = as_json(result)
    assert SEED_ID in {e["id"] for e in found}
    dates = [e["date"] for e in found]
    assert dates == sorted(dates)
    for event in found:
        assert "Keiko Fujimori" in event["title"] or "Keiko Fujimori" in event["entities"]


def test_sample_partial_name_gives_the_whole_name() -> None:
    assert ids(news("related", "humala", "--json")) == ids(news("related", "Ollanta Humala", "--json"))


def test_a_slug_prefix_that_names_no_entity_gives_the_events_related(tmp_path: Path) -> None:
    write_event(tmp_path, "2011-06-06/humala-is-elected", "Humala is elected in Peru.",
                meta={"entities": ["Ollanta Humala", "Peru"]})
    write_event(tmp_path, "2011-06-05/peru-votes", "Peru votes.", meta={"entities": ["Peru"]})
    result = news("related", "humala-is-el", "--json", data=tmp_path)
    rows = as_json(result)
    assert [row["id"] for row in rows] == ["2011-06-05/peru-votes"]
    assert "entities" in rows[0]["reasons"]


def test_a_near_spelling_of_another_name_loses_to_titles_naming_it(tmp_path: Path) -> None:
    write_event(tmp_path, "2009-07-17/walesa-letter", "Lech Wałęsa signs a letter to Obama.")
    for n in range(3):
        write_event(tmp_path, f"2010-01-0{n + 1}/wales-{n}", f"Rain in Wales, day {n}.",
                    meta={"entities": ["Wales"]})
    result = news("related", "Walesa", "--json", data=tmp_path)
    assert ids(result) == ["2009-07-17/walesa-letter"]
    assert 'no entity named "Walesa"' in result.stderr
    assert ids(news("related", "Wales", "--json", data=tmp_path)) == [
        f"2010-01-0{n + 1}/wales-{n}" for n in range(3)]
