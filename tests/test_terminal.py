"""`news` on a terminal and in scripts: listings that fit, short ids that paste, the pager,
one piped row shape, --fields, --web and --edit, progress on stderr, and the help.

A terminal is a `Terminal` handed in (width, height, whether each stream is a terminal);
programs news starts (pager, browser, editor) go to a `Launcher` that only records them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, SEED_ID, needs_shared
from helpers import news, write_event
from typer.testing import Result

from newscli.index.reader import Index
from newscli.index.short_ids import SHORT_ID_LENGTH, short_id
from newscli.index.store import open_index
from newscli.model.dates import looks_like_date
from newscli.output import fields, messages, terminal
from newscli.output.terminal import Launcher, Terminal

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\]8;[^\x1b]*\x1b\\")
DAY = "2011-06-06"
SEED_SHORT = "2011-06-06/ollanta-humala"
WIDTHS = [60, 100, 200]
DATE_WORDS = {"today", "yesterday", "tomorrow"}


class Recorder(Launcher):
    """A launcher that starts nothing and remembers what it was asked to start."""

    def __init__(self, browser_works: bool = True, editor_status: int = 0) -> None:
        self.paged: list[tuple[list[str], str, Mapping[str, str]]] = []
        self.browsed: list[str] = []
        self.edited: list[list[str]] = []
        self.browser_works = browser_works
        self.editor_status = editor_status

    def page(self, argv: list[str], text: str, env: Mapping[str, str]) -> None:
        self.paged.append((argv, text, env))

    def browse(self, url: str) -> bool:
        self.browsed.append(url)
        return self.browser_works

    def edit(self, argv: list[str]) -> int:
        self.edited.append(argv)
        return self.editor_status


def screen(width: int = 100, *, height: int | None = None, color: bool = False, stdout_tty: bool = True,
           stderr_tty: bool = False, launcher: Launcher | None = None) -> Terminal:
    return Terminal(io.StringIO(), io.StringIO(), stdout_is_tty=stdout_tty, stderr_is_tty=stderr_tty,
                    width=width, color=color, height=height, paging=height is not None,
                    launcher=launcher or Recorder())


def on(term: Terminal, *args: str, data: Path | None = None) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `news ARGS` written to `term`."""
    result = news(*args, data=data, obj=term)
    assert "Traceback" not in result.output, result.output
    return result.exit_code, term.stdout.getvalue(), term.stderr.getvalue()  # type: ignore[attr-defined]


def plain(text: str) -> list[str]:
    return ANSI.sub("", text).splitlines()


def as_json(*args: str, data: Path | None = None) -> Any:
    result = news(*args, "--json", data=data)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def lines_of(result: Result) -> list[list[str]]:
    return [line.split("\t") for line in result.stdout.splitlines()]


# -- listings: one line per event, a short id and the title, at every width --

LISTINGS = [("show", DAY), ("show", "2011-06"), ("search", "peru", "-n", "0"),
            ("related", "Ollanta Humala", "-n", "0")]


def check_listing(lines: list[str], events: list[dict[str, Any]], width: int) -> list[str]:
    """Each line is `SHORT-ID  TITLE`, no wider than the screen, the title whole or cut with
    "…"; returns the short ids, in order."""
    assert all(len(line) <= width for line in lines), [line for line in lines if len(line) > width]
    rows = lines[1:]  # under the heading
    assert len(rows) == len(events), lines
    shown = []
    for line, event in zip(rows, events, strict=True):
        short, _, title = line.partition("  ")
        title = title.strip()
        assert short.startswith(event["date"] + "/"), line
        assert len(short) <= SHORT_ID_LENGTH or short == event["id"]
        assert event["id"].startswith(short) or "-" + short.partition("/")[2] in event["id"]
        assert title == event["title"] or (title.endswith("…") and event["title"].startswith(title[:-1])), \
            (title, event["title"])
        assert len(title) >= min(len(event["title"]), 20)  # the title is never squeezed out
        assert line.count(event["date"]) == 1  # no date column: the id has it
        shown.append(short)
    return shown


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: " ".join(a))
def test_every_listing_shows_each_title_and_a_short_id_at_every_width(args: tuple[str, ...], width: int
                                                                      ) -> None:
    status, out, _ = on(screen(width), *args)
    assert status == 0
    events = as_json(*args)
    shown = check_listing(plain(out), events, width)
    if width == 100 and args[0] == "show":  # the ids are the same at every width
        for short, event in zip(shown, events, strict=True):
            assert as_json("show", short)["id"] == event["id"]  # it pastes


@pytest.mark.parametrize("width", WIDTHS)
def test_a_listing_is_headed_by_what_it_lists(width: int) -> None:
    lines = plain(on(screen(width), "show", DAY)[1])
    assert lines[0] == "2011-06-06: 32 events"  # the day once, in the heading
    assert "\t" not in "".join(lines)
    assert "Score" not in lines[0] and "│" not in "".join(lines)


def test_a_long_title_is_cut_with_an_ellipsis_to_fit() -> None:
    lines = plain(on(screen(60), "show", DAY)[1])
    bahrain = next(line for line in lines if "Bahraini" in line)
    assert bahrain.endswith("…") and len(bahrain) == 60


def test_search_scores_are_not_on_the_terminal_but_piped() -> None:
    lines = plain(on(screen(100), "search", "peru runoff")[1])
    scores = [f"{item['score']:.2f}" for item in as_json("search", "peru runoff")]
    assert not any(score in line for score in scores for line in lines)
    piped = lines_of(news("search", "peru runoff"))
    assert all(re.fullmatch(r"\d+\.\d\d", row[3]) for row in piped)


def test_colour_for_the_date_and_the_id() -> None:
    _, out, _ = on(screen(100, color=True), "show", DAY)
    row = out.splitlines()[1]
    assert row.startswith("\x1b[36m2011-06-06\x1b[0m\x1b[32m/2011-libyan")


def test_below_60_columns_a_listing_is_stacked() -> None:
    lines = plain(on(screen(50), "show", DAY)[1])
    events = as_json("show", DAY)
    assert lines[0] == "2011-06-06: 32 events"
    heads = [i for i, line in enumerate(lines) if line.startswith(DAY + "/")]
    assert len(heads) == len(events)
    for i, event in zip(heads, events, strict=True):
        following = lines[i + 1 : [*heads, len(lines)][heads.index(i) + 1]]
        assert 1 <= len(following) <= 3
        assert all(line.startswith("  ") and len(line) <= 50 for line in following)
        title = " ".join(line.strip() for line in following)
        assert title == event["title"] or title.endswith("…")
        assert event["id"].startswith(lines[i]) or as_json("show", lines[i])["id"] == event["id"]


@pytest.mark.parametrize("width", WIDTHS)
def test_related_to_an_event_shows_short_ids_titles_and_a_mark_for_missing_files(width: int) -> None:
    status, out, _ = on(screen(width), "related", SEED_SHORT, "-n", "0")
    assert status == 0
    heading, *lines, key = plain(out)
    rows = as_json("related", SEED_SHORT, "-n", "0")
    assert heading.startswith(f"Related to {SEED_SHORT}: Ollanta Humala")
    assert all(len(line) <= width for line in lines)
    assert len(lines) == len(rows)
    for line, row in zip(lines, rows, strict=True):
        shown, _, rest = line.partition("  ")
        if row["found"]:
            assert as_json("show", shown)["id"] == row["id"]
        else:
            assert shown == row["date"] + " ✗"  # no id to give: the archive lacks the file
        assert rest.strip().startswith(row["title"][:15])
    assert key == "✗ = not in this archive"


def test_related_to_an_event_stacked() -> None:
    status, out, _ = on(screen(50), "related", SEED_SHORT, "-n", "0")
    lines = plain(out)
    assert status == 0 and all(len(line) <= 50 for line in lines)
    assert lines[1].startswith("2011-06-05/voters-in-peru  words · Keiko")
    assert lines[2].startswith("  Voters in Peru go to the polls")


def test_the_detail_view_shows_the_short_id_and_the_whole_path() -> None:
    status, out, _ = on(screen(60), "show", SEED_ID)
    assert status == 0
    text = "\n".join(plain(out))
    assert re.search(r"^id\s+2011-06-06/ollanta-humala\s*$", text, re.M)
    path = as_json("show", SEED_ID)["path"]
    assert path in "".join(line.split(maxsplit=1)[-1].strip() if line.startswith("path") else
                           line.strip() for line in text.splitlines())  # folded, not cut
    related = text.split("\nRelated\n")[1].splitlines()
    assert related[0].startswith("2011-06-05/voters-in-peru")


# -- short ids --


def short_ids_of(index: Index) -> dict[str, str]:
    ids = [row[0] for row in index.query("SELECT date || '/' || slug FROM events")]
    return index.short_ids(ids)


def check_round_trip(index: Index, shorts: dict[str, str]) -> None:
    for event_id, short in shorts.items():
        assert short.startswith(event_id.partition("/")[0] + "/")
        assert len(short) <= SHORT_ID_LENGTH or short == event_id, short
        assert not looks_like_date(short) and ".." not in short and short.lower() not in DATE_WORDS
        number = index.find(short)
        assert index.ids([number])[number] == event_id, (short, event_id)


def test_every_short_id_of_the_sample_finds_its_event() -> None:
    index = open_index(SAMPLE)
    try:
        shorts = short_ids_of(index)
        assert len(shorts) == len(index) > 150
        check_round_trip(index, shorts)
        assert shorts[SEED_ID] == SEED_SHORT
    finally:
        index.close()


@needs_shared
def test_every_short_id_of_a_year_finds_its_event(year_2011: Path,
                                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    index = open_index(year_2011)
    try:
        shorts = short_ids_of(index)
        assert len(shorts) > 7000
        check_round_trip(index, shorts)
        assert sum(len(s) > SHORT_ID_LENGTH for s in shorts.values()) <= 2  # whole slugs others open
        busiest = index.value("SELECT date FROM events GROUP BY date ORDER BY count(*) DESC LIMIT 1")
    finally:
        index.close()
    status, out, _ = on(screen(100), "show", busiest, data=year_2011)
    assert status == 0
    events = as_json("show", busiest, data=year_2011)
    shown = check_listing(plain(out), events, 100)
    for short, event in list(zip(shown, events, strict=True))[:: max(1, len(events) // 15)]:
        related = news("related", short, "-n", "1", data=year_2011)
        assert related.exit_code == 0 or "nothing related to " + event["id"] in related.stderr
        assert as_json("show", short, data=year_2011)["id"] == event["id"]


def test_a_short_id_is_the_fewest_opening_words_that_tell_the_day_apart() -> None:
    day = sorted(["war-in-afghanistan", "war-in-iraq-ends", "peace-talks-begin-in-oslo", "a-b"])
    assert short_id("2011-06-06/war-in-afghanistan", day) == "2011-06-06/war-in-afghanistan"
    assert short_id("2011-06-06/war-in-iraq-ends", day) == "2011-06-06/war-in-iraq"
    assert short_id("2011-06-06/peace-talks-begin-in-oslo", day) == "2011-06-06/peace-talks"
    assert short_id("2011-06-06/a-b", day) == "2011-06-06/a-b"
    assert short_id("2011-06-06/not-in-the-day", day) == "2011-06-06/not-in-the-day"


def test_a_slug_that_is_the_opening_of_another_keeps_its_whole_self() -> None:
    day = sorted(["covid-19-pandemic", "covid-19-pandemic-in-italy"])
    assert short_id("2020-03-12/covid-19-pandemic", day) == "2020-03-12/covid-19-pandemic"
    assert short_id("2020-03-12/covid-19-pandemic-in-italy", day) == "2020-03-12/in-italy"


def test_when_a_day_shares_a_long_opening_the_short_id_takes_words_from_further_on(tmp_path: Path
                                                                                    ) -> None:
    story = "2011-libyan-civil-war-nato-aircraft-strike"
    targets = [f"{DAY}/{story}-tripoli-again", f"{DAY}/{story}-brega-and-misrata",
               f"{DAY}/{story}-zawiya"]
    for target in targets:
        write_event(tmp_path, target, target.partition("/")[2].replace("-", " "))
    index = open_index(tmp_path)
    try:
        shorts = index.short_ids(targets)
        check_round_trip(index, shorts)
    finally:
        index.close()
    assert shorts == {targets[0]: f"{DAY}/tripoli-again", targets[1]: f"{DAY}/brega-and",
                      targets[2]: f"{DAY}/zawiya"}
    assert news("show", f"{DAY}/tripoli", "--json", data=tmp_path).exit_code == 0
    # words no slug of the day holds from a word's start find nothing
    assert news("show", f"{DAY}/ripoli", data=tmp_path).exit_code == 1


# -- the pager --


def pager_terminal(**kwargs: Any) -> tuple[Terminal, Recorder]:
    recorder = Recorder()
    return screen(100, height=10, launcher=recorder, **kwargs), recorder


@pytest.fixture
def programs_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pager named is taken to be installed (none is started)."""
    monkeypatch.setattr(terminal.shutil, "which", lambda name: f"/usr/bin/{name}")


@pytest.mark.usefixtures("programs_exist")
@pytest.mark.parametrize(("env", "expected"), [
    ({"NEWS_PAGER": "most -s", "PAGER": "more"}, ["most", "-s"]),
    ({"PAGER": "more"}, ["more"]),
    ({}, ["less", "-FRX"]),
])
def test_output_longer_than_the_screen_goes_to_the_pager_the_environment_names(
        monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: list[str]) -> None:
    for name in ("NEWS_PAGER", "PAGER", "LESS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    term, recorder = pager_terminal()
    status, out, _ = on(term, "show", DAY)
    assert status == 0
    assert out == ""
    [(argv, text, pager_env)] = recorder.paged
    assert argv == expected
    assert plain(text)[0] == "2011-06-06: 32 events" and len(plain(text)) == 33
    assert pager_env["LESS"] == "FRX"


@pytest.mark.usefixtures("programs_exist")
@pytest.mark.parametrize("value", ["", "cat"])
def test_an_empty_pager_or_cat_means_none(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("NEWS_PAGER", value)
    monkeypatch.setenv("PAGER", "less")
    term, recorder = pager_terminal()
    status, out, _ = on(term, "show", DAY)
    assert (status, recorder.paged) == (0, [])
    assert len(plain(out)) == 33


@pytest.mark.usefixtures("programs_exist")
@pytest.mark.parametrize("args", [("show", DAY, "--no-pager"), ("--no-pager", "show", DAY),
                                  ("show", "2011-06-06", "-n", "3"), ("show", SEED_ID, "--json")])
def test_no_pager_when_asked_or_when_it_fits_or_for_json(args: tuple[str, ...]) -> None:
    term, recorder = pager_terminal()
    status, out, _ = on(term, *args)
    assert status == 0 and out
    assert recorder.paged == []


@pytest.mark.usefixtures("programs_exist")
def test_never_a_pager_when_piped() -> None:
    term, recorder = pager_terminal(stdout_tty=False)
    status, out, _ = on(term, "show", DAY)
    assert status == 0
    assert recorder.paged == []
    assert out.count("\n") == 32


def test_a_pager_that_is_not_installed_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_PAGER", "no-such-pager-anywhere")
    term, recorder = pager_terminal()
    status, out, _ = on(term, "show", DAY)
    assert status == 0 and recorder.paged == []
    assert len(plain(out)) == 33


def test_a_real_terminal_pages_and_a_redirected_one_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    class TTY(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(terminal.sys, "stdout", TTY())
    monkeypatch.setattr(terminal.sys, "stderr", io.StringIO())
    detected = Terminal.detect()
    assert detected.paging and detected.height
    assert not detected.without_pager().paging
    monkeypatch.setattr(terminal.sys, "stdout", io.StringIO())
    assert not Terminal.detect().paging


# -- show: --limit and --sort --


def test_show_lists_everything_unless_given_a_limit() -> None:
    every = lines_of(news("show", DAY))
    assert len(every) == 32
    result = news("show", DAY, "-n", "2")
    assert lines_of(result) == every[:2]
    assert result.stderr == "news: showing 2 of 32 matches; use --limit 0 for all\n"
    assert lines_of(news("show", DAY, "--limit", "0")) == every


def test_show_sorts_by_date_or_its_reverse() -> None:
    month = lines_of(news("show", "2011-06"))
    assert lines_of(news("show", "2011-06", "--sort", "-date")) == month[::-1]
    assert lines_of(news("show", "2011-06", "--sort", "date")) == month
    assert lines_of(news("show", "2011-06", "--sort", "-date", "-n", "1")) == [month[-1]]
    result = news("show", "2011-06", "--sort", "relevance")
    assert result.exit_code == 2 and "relevance" in result.stderr


# -- one piped row shape --


def test_every_event_row_opens_with_id_date_and_title() -> None:
    for args, extra in [(("show", DAY), 0), (("search", "peru"), 1), (("related", "humala"), 0),
                        (("related", SEED_SHORT), 3)]:
        rows = lines_of(news(*args))
        items = as_json(*args)
        assert rows and len(rows) == len(items)
        for row, item in zip(rows, items, strict=True):
            assert row[:3] == [item["id"], item["date"], item["title"]]
            assert len(row) == 3 + extra


def test_search_rows_end_with_the_score() -> None:
    rows = lines_of(news("search", "peru runoff"))
    items = as_json("search", "peru runoff")
    assert [row[3] for row in rows] == [f"{item['score']:.2f}" for item in items]
    filtered = lines_of(news("search", "--on", DAY))  # nothing ranked them: no score
    assert filtered and all(row[3] == "" for row in filtered)


def test_related_rows_are_via_found_and_context_after_the_title() -> None:
    rows = lines_of(news("related", SEED_SHORT, "-n", "0"))
    items = as_json("related", SEED_SHORT, "-n", "0")
    assert [row[3:] for row in rows] == [
        [item["via"], "true" if item["found"] else "false", "; ".join(item["context"])] for item in items]
    assert {row[4] for row in rows} == {"true", "false"}


def test_booleans_are_true_or_false_everywhere() -> None:
    detail = news("show", SEED_ID).stdout.splitlines()
    related = [line.split("\t") for line in detail if line.startswith("related: ")]
    assert [row[3] for row in related] == ["true"] * 5 + ["false"] + ["true"] * 4
    assert related[0][:3] == ["related: 2011-06-05/voters-in-peru-go-to-the-polls-for-the-second-round-of-"
                              "the-peruvian-general-election-with-ollanta-humala-claiming-victory-over-"
                              "keiko-fujimor", "2011-06-05", "Voters in Peru go to the polls for the second "
                              "round of the Peruvian general election with Ollanta Humala claiming victory "
                              "over Keiko Fujimori."]
    records = list(csv.DictReader(io.StringIO(news("related", SEED_SHORT, "-f", "csv", "-n", "0").stdout)))
    assert {r["found"] for r in records} == {"true", "false"}
    assert list(records[0]) == ["id", "date", "title", "via", "found", "context"]
    assert {item["found"] for item in as_json("related", SEED_SHORT, "-n", "0")} == {True, False}


def test_lists_are_joined_the_same_way_in_rows_and_csv() -> None:
    piped = lines_of(news("show", SEED_ID, "--fields", "id,entities", "-f", "table"))
    assert piped == [["id: " + SEED_ID], ["entities: Keiko Fujimori; Ollanta Humala; Peruvian general "
                                          "election; President"]]
    rows = lines_of(news("show", DAY, "--fields", "entities"))
    records = list(csv.reader(io.StringIO(news("show", DAY, "--fields", "entities", "-f", "csv").stdout)))
    assert records[0] == ["entities"]
    assert [r[0] for r in records[1:]] == [row[0] for row in rows]
    assert any("; " in row[0] for row in rows)


# -- --fields --


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_fields_pick_and_order_for_every_format(fmt: str) -> None:
    result = news("search", "peru runoff", "--fields", "score,title,id", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    items = as_json("search", "peru runoff")
    expected = [[f"{i['score']:.2f}", i["title"], i["id"]] for i in items]
    if fmt == "json":
        got = json.loads(result.stdout)
        assert [list(g) for g in got] == [["score", "title", "id"]] * len(items)
        assert got == [{"score": i["score"], "title": i["title"], "id": i["id"]} for i in items]
    elif fmt == "jsonl":
        got = [json.loads(line) for line in result.stdout.splitlines()]
        assert got == [{"score": i["score"], "title": i["title"], "id": i["id"]} for i in items]
    elif fmt == "csv":
        header, *records = list(csv.reader(io.StringIO(result.stdout)))
        assert header == ["score", "title", "id"]
        assert records == expected
    else:
        assert lines_of(result) == expected


def test_fields_on_a_terminal_print_the_rows() -> None:
    status, out, _ = on(screen(100), "show", DAY, "--fields", "id,title")
    assert status == 0
    assert out.splitlines()[0] == "2011-06-06/2011-libyan-civil-war-rebels-retake-the-town-of-yafran-in-" \
        "the-west-of-the-country\t2011 Libyan civil war: Rebels retake the town of Yafran in the west of " \
        "the country."


def test_fields_for_one_event_and_for_related_rows() -> None:
    assert as_json("show", SEED_ID, "--fields", "title,date") == {
        "title": "Ollanta Humala is elected President of Peru in the Peruvian general election, "
                 "defeating opposition leader Keiko Fujimori.", "date": DAY}
    lines = news("show", SEED_ID, "--fields", "date,sources").stdout.splitlines()
    assert lines[0] == f"date: {DAY}" and [line[:8] for line in lines[1:]] == ["source: "] * 2
    rows = lines_of(news("related", SEED_SHORT, "--fields", "found,via", "-n", "0"))
    assert ["false", "link"] in rows and all(len(row) == 2 for row in rows)
    extra = as_json("show", DAY, "--fields", "id,extra")
    assert all(list(item) == ["id", "extra"] for item in extra)


@pytest.mark.parametrize(("args", "valid"), [
    (("show", DAY), fields.EVENT_FIELDS),
    (("search", "peru"), fields.SEARCH_FIELDS),
    (("check",), fields.PROBLEM_FIELDS),
    (("related", SEED_SHORT), tuple(dict.fromkeys(fields.EVENT_FIELDS + fields.RELATED_FIELDS))),
])
def test_an_unknown_field_is_bad_input_naming_the_valid_ones(args: tuple[str, ...], valid: tuple[str, ...]
                                                              ) -> None:
    for fmt in ("json", "csv", "table"):
        result = news(*args, "--fields", "id,bogus", "--format", fmt)
        assert result.exit_code == 2
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert "'bogus'" in line and ", ".join(valid) in line


def test_a_field_of_the_other_kind_of_related_answer_is_bad_input() -> None:
    result = news("related", SEED_SHORT, "--fields", "category")  # an event's related rows
    assert result.exit_code == 2 and "via, found, context" in result.stderr
    result = news("related", "humala", "--fields", "via")  # a timeline's events
    assert result.exit_code == 2 and "category" in result.stderr
    assert news("related", "humala", "--fields", "id,score,bogus").exit_code == 2


def test_an_unknown_field_fails_before_the_archive_is_read(tmp_path: Path) -> None:
    result = news("-d", str(tmp_path / "missing"), "show", DAY, "--fields", "bogus")
    assert result.exit_code == 2 and "bogus" in result.stderr and "not found" not in result.stderr
    assert news("show", DAY, "--fields", " , ").exit_code == 2


# -- --web and --edit --


def test_web_opens_the_first_source_with_a_web_address() -> None:
    recorder = Recorder()
    status, out, err = on(screen(launcher=recorder), "show", SEED_SHORT, "--web")
    assert status == 0 and out == ""
    assert recorder.browsed == [as_json("show", SEED_ID)["sources"][0]["url"]]
    assert err.startswith("news: opening http://news.yahoo.com/")


def test_web_skips_a_source_that_is_no_web_address(tmp_path: Path) -> None:
    write_event(tmp_path, f"{DAY}/odd", "Odd", meta={"sources": [
        {"name": "Script", "url": "javascript:alert(1)"}, {"name": "File", "url": "file:///etc/passwd"},
        {"name": "Good", "url": "https://example.org/a"}]})
    recorder = Recorder()
    assert on(screen(launcher=recorder), "show", "odd", "--web", data=tmp_path)[0] == 0
    assert recorder.browsed == ["https://example.org/a"]


def test_web_for_an_event_with_no_web_address_exits_1(tmp_path: Path) -> None:
    write_event(tmp_path, f"{DAY}/bare", "Bare", sources=["BBC"])
    recorder = Recorder()
    status, out, err = on(screen(launcher=recorder), "show", "bare", "--web", data=tmp_path)
    assert (status, out, recorder.browsed) == (1, "", [])
    assert err == f"news: {DAY}/bare has no source with a web address\n"


def test_web_when_no_browser_starts_exits_1() -> None:
    status, _, err = on(screen(launcher=Recorder(browser_works=False)), "show", SEED_SHORT, "--web")
    assert status == 1 and "BROWSER" in err


def test_web_uses_pythons_webbrowser(monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    assert Launcher().browse("https://example.org/") is True
    assert opened == ["https://example.org/"]


@pytest.mark.parametrize(("env", "command"), [
    ({"VISUAL": "code -w", "EDITOR": "vi"}, ["code", "-w"]), ({"EDITOR": "nano"}, ["nano"]),
])
def test_edit_runs_visual_else_editor_on_the_events_file(monkeypatch: pytest.MonkeyPatch,
                                                          env: dict[str, str], command: list[str]) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    recorder = Recorder()
    status, out, _ = on(screen(launcher=recorder), "show", SEED_SHORT, "--edit")
    assert (status, out) == (0, "")
    [argv] = recorder.edited
    assert argv[:-1] == command
    assert Path(argv[-1]) == SAMPLE / as_json("show", SEED_ID)["path"]
    assert Path(argv[-1]).is_file()


def test_edit_with_no_editor_set_is_bad_input_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", " ")
    recorder = Recorder()
    status, out, err = on(screen(launcher=recorder), "show", SEED_SHORT, "--edit")
    assert (status, out, recorder.edited) == (2, "", [])
    assert err == "news: set VISUAL or EDITOR to the editor to use\n"


def test_an_editor_that_fails_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISUAL", "vi")
    status, _, err = on(screen(launcher=Recorder(editor_status=3)), "show", SEED_SHORT, "--edit")
    assert status == 1 and "status 3" in err


@pytest.mark.parametrize("args", [("show", DAY, "--web"), ("show", DAY, "--edit"),
                                  ("show", SEED_SHORT, "--web", "--edit")])
def test_web_and_edit_take_one_event(args: tuple[str, ...]) -> None:
    recorder = Recorder()
    status, _, err = on(screen(launcher=recorder), *args)
    assert status == 2 and len(err.splitlines()) == 1
    assert recorder.browsed == recorder.edited == []


def test_web_for_an_unknown_id_says_why_and_exits_1() -> None:
    recorder = Recorder()
    status, out, err = on(screen(launcher=recorder), "show", "zzzzqqqq", "--web")
    assert (status, out, recorder.browsed) == (1, "", [])
    assert err.startswith("news: no event with id 'zzzzqqqq'")


# -- progress on stderr --


@pytest.fixture
def big_archive(tmp_path: Path) -> Path:
    day = tmp_path / "news" / "2011" / "06" / "6"
    day.mkdir(parents=True)
    for n in range(450):  # progress is reported for every 400 files parsed
        (day / f"event-{n:04}.md").write_text(f"# Event number {n}\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("color", [True, False], ids=["colour", "NO_COLOR"])
def test_progress_is_drawn_on_a_terminal_stderr_whatever_stdout_is(
        monkeypatch: pytest.MonkeyPatch, big_archive: Path, color: bool) -> None:
    monkeypatch.setattr(messages, "PROGRESS_AFTER", 0.0)
    term = screen(100, stdout_tty=False, stderr_tty=True)
    term.err_color = color
    status, out, err = on(term, "--no-cache", "show", DAY, "-n", "1", data=big_archive)
    assert status == 0
    assert out.startswith(f"{DAY}/event-0000\t")  # stdout is the rows, untouched
    assert "indexing" in err and "/450" in err
    assert ("\x1b[3" in err) is color  # colour only where it is wanted
    assert "\x1b[?25l" in err  # a live bar: the cursor hidden while it draws


def test_no_progress_when_stderr_is_not_a_terminal(big_archive: Path) -> None:
    term = screen(100, stdout_tty=True, stderr_tty=False)
    status, _, err = on(term, "--no-cache", "show", DAY, "-n", "1", data=big_archive)
    assert status == 0
    assert err == "news: showing 1 of 450 matches; use --limit 0 for all\n"  # and no blank line


def test_no_progress_for_work_that_takes_a_moment(monkeypatch: pytest.MonkeyPatch, big_archive: Path
                                                  ) -> None:
    monkeypatch.setattr(messages, "PROGRESS_AFTER", 3600.0)
    term = screen(100, stdout_tty=False, stderr_tty=True)
    status, _, err = on(term, "--no-cache", "show", DAY, data=big_archive)
    assert (status, err) == (0, "")


# -- help --


def help_text(*command: str, width: int = 80) -> str:
    result = news(*command, "--help", env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    return result.stdout


@pytest.mark.parametrize("command", ["show", "search", "related", "check", "index", "cache"])
def test_help_metavars_are_words(command: str) -> None:
    text = help_text(command)
    assert "<str>" not in text and "<int" not in text and "INTEGER" not in text
    assert re.search(r"Examples:\n( +news .*\n)+", text)


@pytest.mark.parametrize("command", ["show", "search", "related", "check"])
@pytest.mark.parametrize("width", [60, 80])
def test_help_examples_are_never_wrapped(command: str, width: int) -> None:
    text = help_text(command, width=width)
    examples = text.split("Examples:\n")[1].split("\n\n")[0].splitlines()
    assert examples and all(line.strip().startswith("news ") for line in examples)


def test_each_command_documents_its_own_sort() -> None:
    search = " ".join(help_text("search", width=200).split())
    assert "[default: relevance]" in search and "timeline" not in search
    related = " ".join(help_text("related", width=200).split())
    assert "default: date for a name's timeline" in related and "relevance" not in related
    show = " ".join(help_text("show", width=200).split())
    assert "--sort <date|-date>" in show and "--limit N" in show
    assert "--data-dir PATH" in show and "--from DATE" in search and "[QUERY]" in search


def test_related_example_ids_are_short_ids() -> None:
    text = help_text("related")
    assert "news related 2011-06-06/ollanta-humala" in text
    assert as_json("related", "2011-06-06/ollanta-humala", "-n", "1")


def test_dates_render_as_iso_in_every_row() -> None:
    for row in lines_of(news("show", "2011")):
        dt.date.fromisoformat(row[1])
