"""Exploring an archive: `timeline`, `entities`, `sources`, `stories`, `stats`, `on-this-day`,
and dates as people say them (`today`, `yesterday`, `FROM..TO`).

A small archive written here (frontmatter and body-only files, names spelt several ways)
gives answers worked out by hand; the CLI runs through typer's CliRunner, and a terminal
is a `Terminal` object said to be one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import EVENT_KEYS, as_json, ids, news, one_error_line, write_event

from newscli.model import dates
from newscli.model.results import NameCount
from newscli.output.terminal import Terminal
from newscli.query.explore import period_of, periods
from newscli.query.filters import Period
from newscli.query.names import matching, nearest

GARCIA = "2006-06-05/garcia-wins"
FIRST_ROUND = "2011-04-10/first-round"
RUNOFF = "2011-06-05/runoff-vote"
ELECTED = "2011-06-06/humala-elected"
LIBYA = "2011-06-06/libya-rebels"
EMERGENCY = "2011-12-04/state-of-emergency"
TODAY_SHOW = "2012-06-06/today-show-host"
RECALL = "2015-02-21/ambassador-recalled"
EVERY = [GARCIA, FIRST_ROUND, RUNOFF, ELECTED, LIBYA, EMERGENCY, TODAY_SHOW, RECALL]
# the events listing Ollanta Humala (the frontmatter, or a _Context:_ of a link), by year
HUMALA_PER_YEAR = [("2006", 1), ("2007", 0), ("2008", 0), ("2009", 0), ("2010", 0), ("2011", 3),
                   ("2012", 0), ("2013", 0), ("2014", 0), ("2015", 1)]
NAME_KEYS = ["name", "count", "first", "last"]


@pytest.fixture(scope="module")
def peru(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("explore")
    politics = "Politics and elections"
    write_event(root, GARCIA, "Alan García wins the runoff against Ollanta Humala.",
                meta={"category": politics, "story": "Peruvian elections",
                      "entities": ["Alan García", "Ollanta Humala", "Peru"], "sources": [{"name": "BBC"}]})
    write_event(root, FIRST_ROUND, "Peruvians vote in the first round of the presidential election.",
                sources=["Reuters"])
    # body only: its entities are the _Context:_ of its link, its source a list item
    write_event(root, RUNOFF, "Voters in Peru go to the polls for the runoff.", sources=["reuters"],
                links=[(ELECTED, "Ollanta Humala is elected", ["Ollanta Humala", "Keiko Fujimori"])])
    write_event(root, ELECTED, "Ollanta Humala is elected President of Peru, defeating Keiko Fujimori.",
                meta={"category": politics, "story": "Peruvian elections",
                      "entities": ["Ollanta Humala", "Keiko Fujimori", "Peru"],
                      "sources": [{"name": "BBC"}, {"name": "Reuters"}]})
    write_event(root, LIBYA, "Rebels retake the town of Yafran in the west of Libya.",
                meta={"category": "Armed conflicts and attacks", "story": "Libyan civil war",
                      "entities": ["Libya"], "sources": [{"name": "Al Jazeera"}]})
    write_event(root, EMERGENCY, "President Ollanta Humala declares a state of emergency in Cajamarca.",
                meta={"category": "Law and crime", "entities": ["Ollanta Humala", "Cajamarca"]})
    write_event(root, TODAY_SHOW, "Today show host interviews the President of Peru.",
                meta={"entities": ["Peru"], "sources": [{"name": "NBC"}]})
    # the story in lower case is the same story; "BBC" and "bbc" in one event count it once
    write_event(root, RECALL, "The President of Peru Ollanta Humala recalls the ambassador to Chile.",
                meta={"story": "peruvian elections", "entities": ["Ollanta Humala", "Chile"],
                      "sources": [{"name": "BBC"}, {"name": "bbc"}]})
    # the day page puts Libya first
    (root / "news/2011/06/6/index.md").write_text(
        "### [2011-06-6](/news/2011/06/6/index.md)\n\n"
        "1. [Rebels retake the town](/news/2011/06/6/libya-rebels.md)\n"
        "2. [Ollanta Humala is elected](/news/2011/06/6/humala-elected.md)\n", encoding="utf-8")
    return root


@pytest.fixture
def on_2011_06_06(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """The clock says 6 June 2011 (a Monday)."""
    day = dt.date(2011, 6, 6)
    monkeypatch.setattr(dates, "today", lambda: day)
    return day


def ok(peru: Path, *args: str) -> Any:
    result = news(*args, "--json", data=peru)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def piped(peru: Path, *args: str) -> list[list[str]]:
    result = news(*args, data=peru)
    assert result.exit_code == 0, result.stderr
    return [line.split("\t") for line in result.stdout.splitlines()]


SGR = re.compile(r"\x1b\[[0-9;]*m")


def on_terminal(root: Path, *args: str, width: int = 100) -> tuple[int, str, str]:
    """(exit status, stdout without our styles, stderr) of `news ARGS` on a terminal."""
    out, err = io.StringIO(), io.StringIO()
    terminal = Terminal(out, err, stdout_is_tty=True, stderr_is_tty=False, width=width, color=True)
    result = news("-d", str(root), *args, obj=terminal)
    return result.exit_code, SGR.sub("", out.getvalue()), err.getvalue()


# -- periods --


@pytest.mark.parametrize(("day", "by", "label"), [
    (dt.date(2011, 6, 6), Period.year, "2011"),
    (dt.date(2011, 6, 6), Period.month, "2011-06"),
    (dt.date(2011, 6, 6), Period.week, "2011-W23"),
    (dt.date(2011, 6, 5), Period.week, "2011-W22"),  # a Sunday ends its ISO week
    (dt.date(2011, 1, 1), Period.week, "2010-W52"),  # ISO weeks belong to the year of their Thursday
    (dt.date(2008, 12, 29), Period.week, "2009-W01"),
    (dt.date(2011, 6, 6), Period.day, "2011-06-06"),
])
def test_period_labels(day: dt.date, by: Period, label: str) -> None:
    assert period_of(day, by) == label


def test_periods_run_from_the_first_to_the_last_without_gaps() -> None:
    assert list(periods(dt.date(2010, 11, 30), dt.date(2011, 2, 1), Period.month)) == [
        "2010-11", "2010-12", "2011-01", "2011-02"]
    assert list(periods(dt.date(2010, 12, 31), dt.date(2011, 1, 10), Period.week)) == [
        "2010-W52", "2011-W01", "2011-W02"]
    assert list(periods(dt.date(2012, 2, 28), dt.date(2012, 3, 1), Period.day)) == [
        "2012-02-28", "2012-02-29", "2012-03-01"]
    assert list(periods(dt.date(2011, 5, 1), dt.date(2011, 5, 1), Period.year)) == ["2011"]


# -- news timeline --


def test_timeline_of_a_name_per_year_with_the_empty_years(peru: Path) -> None:
    result = news("timeline", "Ollanta Humala", "--json", data=peru)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"period": p, "count": c} for p, c in HUMALA_PER_YEAR]
    assert result.stderr == ""


def test_timeline_counts_the_events_related_lists(peru: Path) -> None:
    timeline = ok(peru, "timeline", "humala")
    related = ids(news("related", "humala", "-n", "0", "--json", data=peru))
    assert sum(p["count"] for p in timeline) == len(related) == 5


def test_timeline_piped_is_period_tab_count(peru: Path) -> None:
    result = news("timeline", "humala", data=peru)
    assert result.exit_code == 0
    assert result.stdout == "".join(f"{p}\t{c}\n" for p, c in HUMALA_PER_YEAR)
    assert 'matched "Ollanta Humala"' in result.stderr  # a part of a name: says which


def test_timeline_by_month_across_from_and_to(peru: Path) -> None:
    rows = piped(peru, "timeline", "Ollanta Humala", "--by", "month", "--from", "2011-06", "--to", "2011-12")
    assert rows == [["2011-06", "2"], ["2011-07", "0"], ["2011-08", "0"], ["2011-09", "0"],
                    ["2011-10", "0"], ["2011-11", "0"], ["2011-12", "1"]]


def test_timeline_from_and_to_show_empty_periods_at_both_ends(peru: Path) -> None:
    rows = piped(peru, "timeline", "Ollanta Humala", "--by", "day", "--from", "2011-06-04",
                 "--to", "2011-06-07")
    assert rows == [["2011-06-04", "0"], ["2011-06-05", "1"], ["2011-06-06", "1"], ["2011-06-07", "0"]]


def test_timeline_by_iso_week(peru: Path) -> None:
    rows = piped(peru, "timeline", "Ollanta Humala", "--by", "week", "--from", "2011-06", "--to", "2011-06")
    assert rows[:2] == [["2011-W22", "1"], ["2011-W23", "1"]]  # Sunday 5 June, Monday 6 June
    assert [r[0] for r in rows] == ["2011-W22", "2011-W23", "2011-W24", "2011-W25", "2011-W26"]


def test_timeline_from_alone_runs_to_the_last_event(peru: Path) -> None:
    rows = piped(peru, "timeline", "Ollanta Humala", "--from", "2010")
    assert rows == [[p, str(c)] for p, c in HUMALA_PER_YEAR if p >= "2010"]


def test_timeline_of_words_no_entity_has_is_a_search(peru: Path) -> None:
    result = news("timeline", "polls runoff", "--json", data=peru)
    assert result.exit_code == 0, result.stderr
    search = as_json(news("search", "polls runoff", "--limit", "0", "--json", data=peru))
    counts: dict[str, int] = {}
    for event in search:
        counts[event["date"][:4]] = counts.get(event["date"][:4], 0) + 1
    timeline = json.loads(result.stdout)
    assert {p["period"]: p["count"] for p in timeline if p["count"]} == counts
    assert "no entity named" in result.stderr


def test_timeline_query_forces_a_search(peru: Path) -> None:
    # Cajamarca is an entity; as a search it also finds no more than the event naming it
    entity = ok(peru, "timeline", "cajamarca")
    search = news("timeline", "--query", "cajamarca", "--json", data=peru)
    assert search.exit_code == 0
    assert json.loads(search.stdout) == entity == [{"period": "2011", "count": 1}]
    assert search.stderr == ""  # no note: the reading was asked for
    # "peru" is an entity (3 events); as a search it finds every event with the word
    assert sum(p["count"] for p in ok(peru, "timeline", "--query", "peru")) > sum(
        p["count"] for p in ok(peru, "timeline", "peru"))


def test_timeline_on_a_terminal_draws_bars_and_the_first_last_and_busiest(peru: Path) -> None:
    status, out, _ = on_terminal(peru, "timeline", "Ollanta Humala")
    assert status == 0
    lines = out.splitlines()
    assert "Ollanta Humala" in lines[0] and "5 events" in lines[0]
    bars = {line.split()[0]: line for line in lines[1:11]}
    assert list(bars) == [p for p, _ in HUMALA_PER_YEAR]
    assert bars["2011"].count("█") > bars["2006"].count("█") > 0
    assert "█" not in bars["2008"] and bars["2008"].rstrip().endswith("0")
    assert bars["2011"].rstrip().endswith("3")
    text = " ".join(out.split())
    assert "first 2006-06-05 Alan García wins" in text
    assert "last 2015-02-21 The President of Peru Ollanta Humala recalls" in text
    assert "busiest 2011 3 events" in text


@pytest.mark.parametrize("fmt", ["--jsonl", "--format=csv"])
def test_timeline_jsonl_and_csv(peru: Path, fmt: str) -> None:
    result = news("timeline", "Ollanta Humala", fmt, data=peru)
    assert result.exit_code == 0
    if fmt == "--jsonl":
        assert [json.loads(line) for line in result.stdout.splitlines()] == [
            {"period": p, "count": c} for p, c in HUMALA_PER_YEAR]
    else:
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows == [["period", "count"], *([p, str(c)] for p, c in HUMALA_PER_YEAR)]


def test_timeline_of_nothing_exits_1_with_a_reason(peru: Path) -> None:
    result = news("timeline", "zorblaxian", data=peru)
    assert result.exit_code == 1
    assert one_error_line(result) == "news: no entity is named 'zorblaxian' and no events match it"
    result = news("timeline", "--query", "zorblaxian", "--json", data=peru)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert result.stderr == "news: no events match 'zorblaxian'\n"


def test_timeline_of_nothing_suggests_names_spelt_alike(peru: Path) -> None:
    result = news("timeline", "Cajamarqz xq", data=peru)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == ["did you mean:", "  Cajamarca"]


def test_timeline_of_a_name_outside_from_and_to_exits_1(peru: Path) -> None:
    result = news("timeline", "Ollanta Humala", "--from", "2016", "--json", data=peru)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert "no events about Ollanta Humala from 2016-01-01" in result.stderr


@pytest.mark.parametrize("args", [
    ["timeline", "humala", "--by", "fortnight"],
    ["timeline", "humala", "--by"],
    ["timeline", "   "],
    ["timeline", "humala", "--from", "2011-13"],
    ["timeline", "humala", "--from", "2011-01..2011-02"],
    ["timeline", "humala", "--from", "2012", "--to", "2011"],
])
def test_timeline_bad_input_exits_2(peru: Path, args: list[str]) -> None:
    result = news(*args, data=peru)
    assert result.exit_code == 2, result.output
    one_error_line(result)


# -- news entities, sources, stories --


def test_entities_most_frequent_first(peru: Path) -> None:
    rows = ok(peru, "entities")
    assert rows[:2] == [
        {"name": "Ollanta Humala", "count": 5, "first": "2006-06-05", "last": "2015-02-21"},
        {"name": "Peru", "count": 3, "first": "2006-06-05", "last": "2012-06-06"},
    ]
    assert list(rows[0]) == NAME_KEYS
    counts = [r["count"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    assert {r["name"] for r in rows} == {"Ollanta Humala", "Peru", "Keiko Fujimori", "Alan García",
                                         "Libya", "Cajamarca", "Chile"}


def test_entities_piped_rows(peru: Path) -> None:
    rows = piped(peru, "entities", "-n", "2")
    assert rows == [["Ollanta Humala", "5", "2006-06-05", "2015-02-21"],
                    ["Peru", "3", "2006-06-05", "2012-06-06"]]


@pytest.mark.parametrize("pattern", ["garcia", "GARCÍA", "alan", "García", "ALAN GAR"])
def test_a_pattern_forgives_case_and_accents(peru: Path, pattern: str) -> None:
    assert [r["name"] for r in ok(peru, "entities", pattern)] == ["Alan García"]


def test_a_pattern_is_a_part_of_a_name(peru: Path) -> None:
    assert [r["name"] for r in ok(peru, "entities", "u")] == [
        "Ollanta Humala", "Peru", "Keiko Fujimori"]


def test_a_pattern_with_a_typo_finds_the_name_and_says_so(peru: Path) -> None:
    result = news("entities", "fujimoro", "--json", data=peru)
    assert result.exit_code == 0
    assert [r["name"] for r in json.loads(result.stdout)] == ["Keiko Fujimori"]
    assert "no entity holds 'fujimoro'" in result.stderr
    assert [r["name"] for r in ok(peru, "entities", "keiko fujimor")] == ["Keiko Fujimori"]
    assert [r["name"] for r in ok(peru, "entities", "olanta")] == ["Ollanta Humala"]


def test_an_unknown_pattern_exits_1_with_suggestions(peru: Path) -> None:
    result = news("entities", "kajamarqa", data=peru)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "news: no entity matches 'kajamarqa'"
    assert lines[1] == "did you mean:"
    assert lines[2] == "  Cajamarca"


def test_an_unknown_pattern_json_is_an_empty_list(peru: Path) -> None:
    result = news("sources", "zzzz", "--json", data=peru)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert "no source matches 'zzzz'" in result.stderr


def test_sources_count_each_event_once_whatever_the_case(peru: Path) -> None:
    rows = {r["name"]: r for r in ok(peru, "sources")}
    assert rows == {
        "BBC": {"name": "BBC", "count": 3, "first": "2006-06-05", "last": "2015-02-21"},
        "Reuters": {"name": "Reuters", "count": 3, "first": "2011-04-10", "last": "2011-06-06"},
        "Al Jazeera": {"name": "Al Jazeera", "count": 1, "first": "2011-06-06", "last": "2011-06-06"},
        "NBC": {"name": "NBC", "count": 1, "first": "2012-06-06", "last": "2012-06-06"},
    }


def test_stories_merge_spellings_and_keep_the_most_used(peru: Path) -> None:
    assert ok(peru, "stories") == [
        {"name": "Peruvian elections", "count": 3, "first": "2006-06-05", "last": "2015-02-21"},
        {"name": "Libyan civil war", "count": 1, "first": "2011-06-06", "last": "2011-06-06"},
    ]
    assert [r["name"] for r in ok(peru, "stories", "LIBYAN")] == ["Libyan civil war"]


@pytest.mark.parametrize(("sort", "names"), [
    ("count", ["BBC", "Reuters", "Al Jazeera", "NBC"]),
    ("name", ["Al Jazeera", "BBC", "NBC", "Reuters"]),
    ("first", ["BBC", "Reuters", "Al Jazeera", "NBC"]),
    ("last", ["BBC", "NBC", "Reuters", "Al Jazeera"]),
])
def test_sort_orders(peru: Path, sort: str, names: list[str]) -> None:
    assert [r["name"] for r in ok(peru, "sources", "--sort", sort)] == names


def test_limit_shows_the_first_rows_and_says_how_many_there_are(peru: Path) -> None:
    result = news("entities", "--limit", "3", data=peru)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 3
    assert "showing 3 of 7 matches; use --limit 0 for all" in result.stderr
    assert len(ok(peru, "entities", "-n", "0")) == 7


def test_names_from_and_to_count_only_those_events(peru: Path) -> None:
    rows = ok(peru, "entities", "--from", "2011", "--to", "2011")
    assert rows[0] == {"name": "Ollanta Humala", "count": 3, "first": "2011-06-05", "last": "2011-12-04"}
    assert "Chile" not in {r["name"] for r in rows}
    assert ok(peru, "sources", "bbc", "--from", "2015") == [
        {"name": "BBC", "count": 1, "first": "2015-02-21", "last": "2015-02-21"}]
    result = news("stories", "--from", "2013", "--to", "2014", data=peru)
    assert result.exit_code == 1
    assert "no stories from 2013-01-01 to 2014-12-31" in one_error_line(result)


@pytest.mark.parametrize("kind", ["entities", "sources", "stories"])
@pytest.mark.parametrize("fmt", ["--json", "--jsonl", "--format=csv", "--format=table"])
def test_every_kind_of_name_in_every_format(peru: Path, kind: str, fmt: str) -> None:
    rows = ok(peru, kind, "-n", "0")
    result = news(kind, "-n", "0", fmt, data=peru)
    assert result.exit_code == 0
    values = [[str(row[key]) for key in NAME_KEYS] for row in rows]
    if fmt == "--json":
        assert json.loads(result.stdout) == rows
    elif fmt == "--jsonl":
        assert [json.loads(line) for line in result.stdout.splitlines()] == rows
    elif fmt == "--format=csv":
        assert list(csv.reader(io.StringIO(result.stdout))) == [NAME_KEYS, *values]
    else:
        assert [line.split("\t") for line in result.stdout.splitlines()] == values


@pytest.mark.parametrize("fmt", ["--jsonl", "--format=csv", "--format=table"])
def test_names_in_every_format(peru: Path, fmt: str) -> None:
    result = news("stories", fmt, data=peru)
    assert result.exit_code == 0
    if fmt == "--jsonl":
        assert [list(json.loads(line)) for line in result.stdout.splitlines()] == [NAME_KEYS] * 2
    elif fmt == "--format=csv":
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows == [NAME_KEYS, ["Peruvian elections", "3", "2006-06-05", "2015-02-21"],
                        ["Libyan civil war", "1", "2011-06-06", "2011-06-06"]]
    else:  # a table when piped: rows
        assert result.stdout.splitlines()[0] == "Peruvian elections\t3\t2006-06-05\t2015-02-21"


def test_names_on_a_terminal_are_a_table(peru: Path) -> None:
    status, out, _ = on_terminal(peru, "sources")
    assert status == 0
    assert "Name" in out and "Events" in out and "First" in out and "Last" in out
    row = next(line for line in out.splitlines() if "Reuters" in line)
    assert "3" in row and "2011-04-10" in row and "2011-06-06" in row
    assert "4 sources" in out


@pytest.mark.parametrize("args", [["entities", ""], ["sources", "  "], ["stories", "--sort", "size"],
                                  ["entities", "--limit", "-1"], ["entities", "--to", "june"]])
def test_names_bad_input_exits_2(peru: Path, args: list[str]) -> None:
    result = news(*args, data=peru)
    assert result.exit_code == 2, result.output
    one_error_line(result)


def test_nearest_names_are_spelt_like_the_pattern_not_short_parts_of_it() -> None:
    rows = [NameCount(name, count, "2011-01-01", "2011-01-02") for name, count in
            [("Mar", 50), ("Cajamarca", 1), ("Ollanta Humala", 5), ("Humana", 9)]]
    assert nearest("kajamarqa", rows) == ["Cajamarca"]
    assert nearest("humalla xx", rows)[0] == "Ollanta Humala"
    assert nearest("zzzzzz", rows) == []


def test_matching_directly() -> None:
    names = ["Ollanta Humala", "Alan García", "Hama", "Obama"]
    assert matching("humala", names) == ([0], False)
    assert matching("humla", names) == ([0], True)
    assert matching("osama", names) == ([3], True)  # only when no name holds the pattern
    assert matching("obama", names) == ([3], False)
    assert matching("zzz", names) == ([], True)


# -- news stats --


def test_stats_json(peru: Path) -> None:
    stats = ok(peru, "stats")
    assert {k: stats[k] for k in ("events", "days", "first", "last", "skipped", "without_category")} == {
        "events": 8, "days": 7, "first": "2006-06-05", "last": "2015-02-21", "skipped": 0,
        "without_category": 4}
    assert stats["per_year"] == [{"period": str(y), "count": c} for y, c in
                                 zip(range(2006, 2016), [1, 0, 0, 0, 0, 5, 1, 0, 0, 1], strict=True)]
    assert stats["top_entities"][0] == {"name": "Ollanta Humala", "count": 5, "first": "2006-06-05",
                                        "last": "2015-02-21"}
    assert [s["name"] for s in stats["top_sources"]] == ["BBC", "Reuters", "Al Jazeera", "NBC"]
    assert stats["categories"] == [
        {"name": "Politics and elections", "count": 2, "first": "2006-06-05", "last": "2011-06-06"},
        {"name": "Armed conflicts and attacks", "count": 1, "first": "2011-06-06", "last": "2011-06-06"},
        {"name": "Law and crime", "count": 1, "first": "2011-12-04", "last": "2011-12-04"},
    ]
    assert (stats["entities"], stats["sources"], stats["stories"]) == (7, 4, 2)


def test_stats_piped_is_key_tab_value(peru: Path) -> None:
    lines = piped(peru, "stats", "--limit", "1")
    assert all(len(line) == 2 for line in lines)
    values = dict(lines)
    assert values["events"] == "8"
    assert values["first"] == "2006-06-05"
    assert values["per_year.2011"] == "5" and values["per_year.2008"] == "0"
    assert values["top_entities.Ollanta Humala"] == "5"
    assert [k for k in values if k.startswith("top_sources.")] == ["top_sources.BBC"]
    assert values["categories.Law and crime"] == "1"


def test_stats_from_and_to(peru: Path) -> None:
    stats = ok(peru, "stats", "--from", "2011-06", "--to", "2011-06")
    assert (stats["events"], stats["days"], stats["first"], stats["last"]) == (3, 2, "2011-06-05",
                                                                                "2011-06-06")
    assert stats["per_year"] == [{"period": "2011", "count": 3}]
    assert stats["top_sources"][0] == {"name": "Reuters", "count": 2, "first": "2011-06-05",
                                       "last": "2011-06-06"}


@pytest.mark.parametrize("fmt", ["--jsonl", "--format=csv"])
def test_stats_jsonl_and_csv(peru: Path, fmt: str) -> None:
    result = news("stats", fmt, data=peru)
    assert result.exit_code == 0
    if fmt == "--jsonl":
        (line,) = result.stdout.splitlines()
        assert json.loads(line)["events"] == 8
    else:
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows[0] == ["key", "value"]
        assert ["events", "8"] in rows and ["top_entities.Peru", "3"] in rows


def test_stats_on_a_terminal(peru: Path) -> None:
    status, out, _ = on_terminal(peru, "stats")
    assert status == 0
    assert "Events per year" in out and "Top entities" in out and "Top sources" in out
    year = next(line for line in out.splitlines() if line.startswith("2011 "))
    assert "█" in year and year.rstrip().endswith("5")
    assert "Ollanta Humala" in out and "Law and crime" in out


def test_stats_counts_skipped_files(tmp_path: Path) -> None:
    write_event(tmp_path, "2011-06-06/fine", "A fine event.", meta={"entities": ["Fine"]})
    (tmp_path / "news/2011/06/6/empty.md").write_text("", encoding="utf-8")
    result = news("stats", "--json", data=tmp_path)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["skipped"] == 1
    assert "1 file skipped; run news check" in result.stderr


def test_stats_of_an_archive_without_events_exits_1(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    result = news("stats", "--json", data=tmp_path)
    assert result.exit_code == 1
    stats = json.loads(result.stdout)
    assert (stats["events"], stats["first"], stats["per_year"]) == (0, None, [])
    assert "no events" in result.stderr


# -- news on-this-day --


def test_on_this_day_newest_first_each_day_in_its_page_order(peru: Path) -> None:
    assert ids(news("on-this-day", "06-06", "--json", data=peru)) == [TODAY_SHOW, LIBYA, ELECTED]


@pytest.mark.parametrize("day", ["6-6", "06/06", "2020-06-06", "today"])
def test_on_this_day_shapes_of_a_day(peru: Path, day: str, on_2011_06_06: dt.date) -> None:
    assert ids(news("on-this-day", day, "--json", data=peru)) == [TODAY_SHOW, LIBYA, ELECTED]


def test_on_this_day_is_today_by_default(peru: Path, on_2011_06_06: dt.date) -> None:
    result = news("on-this-day", data=peru)
    assert result.exit_code == 0
    assert [event_id in result.stdout for event_id in (TODAY_SHOW, LIBYA, ELECTED)] == [True] * 3
    assert len(result.stdout.splitlines()) == 3
    assert ids(news("on-this-day", "yesterday", "--json", data=peru)) == [RUNOFF, GARCIA]


def test_on_this_day_limit_and_from(peru: Path) -> None:
    result = news("on-this-day", "06-06", "--limit", "1", data=peru)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1
    assert "showing 1 of 3 matches" in result.stderr
    assert len(ids(news("on-this-day", "06-06", "-n", "0", "--json", data=peru))) == 3
    assert ids(news("on-this-day", "06-06", "--to", "2011", "--json", data=peru)) == [LIBYA, ELECTED]


def test_on_this_day_csv_and_terminal(peru: Path) -> None:
    result = news("on-this-day", "06-06", "--format", "csv", data=peru)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == [TODAY_SHOW, LIBYA, ELECTED]
    status, out, _ = on_terminal(peru, "on-this-day", "06-06", width=200)
    assert status == 0
    assert "06-06: 3 events in 2 years, newest first" in out


def test_on_this_day_jsonl_gives_event_objects(peru: Path) -> None:
    result = news("on-this-day", "06-06", "--jsonl", data=peru)
    assert result.exit_code == 0
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["id"] for e in events] == [TODAY_SHOW, LIBYA, ELECTED]
    assert set(events[0]) == EVENT_KEYS


def test_on_this_day_with_no_events_exits_1(peru: Path) -> None:
    result = news("on-this-day", "02-29", data=peru)
    assert result.exit_code == 1
    assert "no events on 02-29 in any year" in one_error_line(result)


@pytest.mark.parametrize("day", ["02-30", "13-01", "00-10", "banana", "2011-06", "06", "6-6-6"])
def test_on_this_day_bad_day_exits_2(peru: Path, day: str) -> None:
    result = news("on-this-day", day, data=peru)
    assert result.exit_code == 2
    assert "month and day" in one_error_line(result)


# -- dates as people say them --


def test_show_today_and_yesterday(peru: Path, on_2011_06_06: dt.date) -> None:
    assert ids(news("show", "today", "--json", data=peru)) == [LIBYA, ELECTED]
    assert ids(news("show", "Yesterday", "--json", data=peru)) == [RUNOFF]


def test_a_slug_opening_with_today_is_reached_by_a_longer_prefix(peru: Path,
                                                                  on_2011_06_06: dt.date) -> None:
    result = news("show", "today-show", "--json", data=peru)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == TODAY_SHOW


def test_show_a_range_of_days(peru: Path) -> None:
    assert ids(news("show", "2011-06-01..2011-06-15", "--json", data=peru)) == [RUNOFF, LIBYA, ELECTED]
    assert ids(news("show", "2011..2012", "--json", data=peru)) == [
        FIRST_ROUND, RUNOFF, LIBYA, ELECTED, EMERGENCY, TODAY_SHOW]
    result = news("show", "2011-06-05..2011-06-05", data=peru)
    assert result.exit_code == 0
    assert RUNOFF in result.stdout and len(result.stdout.splitlines()) == 1


def test_show_a_range_without_events_exits_1(peru: Path) -> None:
    result = news("show", "2013-01-01..2013-03-31", data=peru)
    assert result.exit_code == 1
    assert one_error_line(result) == f"news: no events from 2013-01-01 to 2013-03-31 in {peru}"


@pytest.mark.parametrize(("text", "message"), [
    ("2011-06-15..2011-06-01", "ends before it starts"),
    ("2011-06-01..", "needs both ends"),
    ("2011-06-01..2011-06-31", "impossible date"),
])
def test_show_a_bad_range_exits_2(peru: Path, text: str, message: str) -> None:
    result = news("show", text, data=peru)
    assert result.exit_code == 2
    assert message in one_error_line(result)


def test_from_to_and_on_take_today_and_yesterday(peru: Path, on_2011_06_06: dt.date) -> None:
    assert ids(news("search", "--on", "today", "--sort", "date", "--json", data=peru)) == [LIBYA, ELECTED]
    assert ids(news("search", "--from", "yesterday", "--to", "today", "--sort", "date", "--json",
                    data=peru)) == [RUNOFF, LIBYA, ELECTED]
    assert ids(news("search", "--on", "2011-06-05..2011-06-06", "--sort", "date", "--json",
                    data=peru)) == [RUNOFF, LIBYA, ELECTED]
    assert piped(peru, "timeline", "humala", "--by", "day", "--from", "yesterday", "--to", "today") == [
        ["2011-06-05", "1"], ["2011-06-06", "1"]]


def test_today_is_the_local_date() -> None:
    assert dates.today() == dt.date.today()


@pytest.mark.parametrize("command", [["timeline", "humala"], ["sources"], ["stats"]])
def test_piped_rows_in_colour_keep_their_tabs(peru: Path, command: list[str]) -> None:
    plain = news(*command, data=peru)
    coloured = news("--color", "always", *command, data=peru)
    assert coloured.exit_code == plain.exit_code == 0
    assert "\x1b[" in coloured.stdout
    assert SGR.sub("", coloured.stdout) == plain.stdout


# -- archive text never drives the terminal --


def test_names_and_titles_are_escaped(tmp_path: Path) -> None:
    hostile = "Evil\x1b]52;c;SGVsbG8=\x07Corp"
    write_event(tmp_path, "2011-06-06/evil", f"{hostile} does things.",
                meta={"entities": [hostile], "story": hostile, "sources": [{"name": hostile}]})
    for command in (["entities"], ["sources"], ["stories"], ["stats"], ["timeline", "evil"]):
        result = news(*command, data=tmp_path)
        assert result.exit_code == 0, (command, result.output)
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        if command[0] != "timeline":
            assert "Evil\\x1b]52;c;SGVsbG8=\\x07Corp" in result.stdout
        status, out, _ = on_terminal(tmp_path, *command)
        assert status == 0
        assert "\x1b]52" not in out and "\x07" not in out
    assert ok(tmp_path, "entities")[0]["name"] == hostile  # JSON keeps the exact text
