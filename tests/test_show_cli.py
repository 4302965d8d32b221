"""`news show` as a user meets it: dates, ids, data dirs, output formats and exit codes.

Everything runs against the bundled sample_data/ (the default data dir) unless a test
builds its own archive.  CliRunner's streams are not terminals, so output is the piped
form unless a test hands in a `Terminal` that says otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, SEED_ID
from helpers import EVENT_KEYS, event_files, index_slugs, news, one_error_line
from typer.testing import Result

from newscli import __version__
from newscli.output.terminal import Terminal

GOLDEN = Path(__file__).resolve().parent / "golden"
SEED_SLUG = SEED_ID.partition("/")[2]
DAY_FOLDER = SAMPLE / "news" / "2011" / "06" / "6"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# SGR colour codes: 30-37, 90-97 (and their backgrounds), 38;... and 48;...
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")

SOURCE_KEYS = {"name", "url", "domain"}
RELATED_KEYS = {"id", "date", "title", "context", "found"}
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(autouse=True)
def colour_terminal_type(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under TERM=dumb (some CI runners) rich drops colour even when asked for it."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("COLORTERM", raising=False)


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def assert_one_line_error(result: Result, status: int, *words: str) -> None:
    assert result.exit_code == status, (result.stdout, result.stderr)
    line = one_error_line(result)
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in line


def rows(result: Result) -> list[list[str]]:
    return [line.split("\t") for line in result.stdout.splitlines()]


# -- show DATE --


@pytest.mark.parametrize("day", ["2011-06-06", "2011-06-6", "2011-6-6", "2011/06/06"])
def test_show_day_in_every_shape_matches_the_golden_rows(day: str) -> None:
    result = news("show", day)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == golden("show_2011-06-06.tsv")
    assert result.stderr == ""


def test_show_day_lists_the_days_events_in_the_order_of_its_index_page() -> None:
    result = news("show", "2011-06-06")
    ids = [row[0] for row in rows(result)]
    assert ids == [f"2011-06-06/{slug}" for slug in index_slugs(DAY_FOLDER)]
    assert len(ids) == len(event_files(DAY_FOLDER)) == 32


def test_show_day_order_is_the_index_page_not_the_file_names() -> None:
    folder = SAMPLE / "news" / "2017" / "02" / "3"
    ids = [row[0] for row in rows(news("show", "2017-2-3"))]
    assert ids == [f"2017-02-03/{slug}" for slug in index_slugs(folder)]
    assert ids[0] == "2017-02-03/war-in-afghanistan"
    assert ids != sorted(ids)


def test_show_month_lists_every_day_of_it_in_date_order() -> None:
    result = news("show", "2011-06")
    assert result.exit_code == 0
    found = rows(result)
    dates = [row[1] for row in found]
    assert dates == sorted(dates)
    assert set(dates) == {"2011-06-05", "2011-06-06"}
    june = SAMPLE / "news" / "2011" / "06"
    assert len(found) == len(event_files(june))
    # within a day, still the day page's order
    day = [row[0] for row in rows(news("show", "2011-06-06"))]
    assert [row[0] for row in found if row[1] == "2011-06-06"] == day


def test_show_year_lists_all_of_it() -> None:
    found = rows(news("show", "2011"))
    assert len(found) == len(event_files(SAMPLE / "news" / "2011"))
    assert all(row[1].startswith("2011-") for row in found)
    assert [row[1] for row in found] == sorted(row[1] for row in found)


@pytest.mark.parametrize("date", ["2011-13-45", "2019-20", "2011-02-30", "2011-6-31", "0000"])
def test_impossible_date_is_bad_input_on_one_line(date: str) -> None:
    assert_one_line_error(news("show", date), 2, "impossible date", date)


@pytest.mark.parametrize("date", ["2011-13-45", "2019-20"])
def test_impossible_date_with_json_is_still_bad_input(date: str) -> None:
    assert_one_line_error(news("show", date, "--json"), 2, "impossible date")


@pytest.mark.parametrize("date", ["1999-01-01", "2011-06-07", "2011-07", "1999"])
def test_a_date_with_no_events_finds_nothing(date: str) -> None:
    assert_one_line_error(news("show", date), 1, "no events")


def test_nothing_found_with_json_prints_an_empty_list() -> None:
    result = news("show", "1999-01-01", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert result.stderr.startswith("news: ")


# -- show ID --


@pytest.mark.parametrize(
    "given",
    [SEED_ID, SEED_SLUG, "ollanta-humala-is-elected", "2011-06-06/ollanta-humala", f"{SEED_SLUG}.md"],
)
def test_show_id_by_full_id_slug_or_unambiguous_prefix(given: str) -> None:
    result = news("show", given)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == golden("show_seed.txt")


def test_show_id_piped_is_field_value_lines() -> None:
    lines = news("show", SEED_ID).stdout.splitlines()
    fields = [line.partition(": ")[0] for line in lines]
    assert fields[:7] == ["id", "date", "title", "category", "story", "entities", "path"]
    assert fields[7:] == ["source"] * 2 + ["related"] * 10
    assert all(": " in line for line in lines)
    assert f"id: {SEED_ID}" in lines
    assert "source: BBC\tbbc.co.uk\thttp://www.bbc.co.uk/news/world-latin-america-13651468" in lines


def test_ambiguous_prefix_lists_the_candidates() -> None:
    result = news("show", "voters-in")
    assert result.exit_code == 1
    assert result.stdout == ""
    first, label, *candidates = result.stderr.splitlines()
    assert first.startswith("news: ") and "voters-in" in first and "8 events" in first
    assert label == "candidates:"
    ids = [line.strip() for line in candidates]
    assert len(ids) == 8
    assert all(i.partition("/")[2].startswith("voters-in-") for i in ids)
    assert ("2011-06-05/voters-in-peru-go-to-the-polls-for-the-second-round-of-the-peruvian-general-"
            "election-with-ollanta-humala-claiming-victory-over-keiko-fujimor") in ids


def test_unknown_id_suggests_the_nearest_ids() -> None:
    result = news("show", "ollanta-humala-is-elected-presidnt")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "news: no event with id 'ollanta-humala-is-elected-presidnt'"
    assert lines[1] == "did you mean:"
    assert SEED_ID in [line.strip() for line in lines[2:]]


def test_unknown_id_with_nothing_near_still_exits_1() -> None:
    assert_one_line_error(news("show", "zzzzqqqq"), 1, "no event with id")


@pytest.mark.parametrize("given", ["zzzzqqqq", "voters-in"])
def test_unknown_or_ambiguous_id_with_json_prints_null(given: str) -> None:
    result = news("show", given, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) is None
    assert result.stderr.startswith("news: ")


@pytest.mark.parametrize("given", ["", "   "])
def test_empty_argument_is_bad_input(given: str) -> None:
    assert_one_line_error(news("show", given), 2)


def test_missing_argument_is_a_usage_error() -> None:
    result = news("show")
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error() -> None:
    result = news("show", "2011-06-06", "--bogus")
    assert result.exit_code == 2
    assert "--bogus" in result.stderr
    assert result.stdout == ""


# -- the data dir --


@pytest.fixture(scope="module")
def other_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-event archive, told apart from the sample by its single event on 2011-06-06."""
    root = tmp_path_factory.mktemp("other") / "archive"
    day = root / "news" / "2011" / "06" / "6"
    day.mkdir(parents=True)
    (day / "only-here.md").write_text(
        "### [2011-06-6](/news/2011/06/6/index.md)\n\n# Only in the other archive \n\n"
        "### Source:\n\n1. [BBC](https://www.bbc.com/x)\n", encoding="utf-8")
    return root


ONLY = "2011-06-06/only-here\t2011-06-06\tOnly in the other archive\n"


def test_default_data_dir_is_the_bundled_sample() -> None:
    assert news("show", "2011-06-06").stdout == golden("show_2011-06-06.tsv")


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("flag", ["-d", "--data-dir"])
def test_data_dir_option_before_or_after_the_subcommand(other_archive: Path, where: str, flag: str) -> None:
    args = [flag, str(other_archive), "show", "2011-06-06"] if where == "before" else [
        "show", "2011-06-06", flag, str(other_archive)]
    result = news(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ONLY


def test_news_data_dir_environment_variable(other_archive: Path) -> None:
    result = news("show", "2011-06-06", env={"NEWS_DATA_DIR": str(other_archive)})
    assert result.stdout == ONLY


def test_data_dir_option_beats_the_environment_variable(other_archive: Path) -> None:
    result = news("-d", str(SAMPLE), "show", "2011-06-06", env={"NEWS_DATA_DIR": str(other_archive)})
    assert result.stdout == golden("show_2011-06-06.tsv")


@pytest.mark.parametrize("shape", ["holds news", "news itself", "flat folder"])
def test_data_dir_shapes(other_archive: Path, tmp_path: Path, shape: str) -> None:
    if shape == "flat folder":
        data_dir = tmp_path / "events"
        data_dir.mkdir()
        shutil.copy(other_archive / "news/2011/06/6/only-here.md", data_dir)
        expected_path = "only-here.md"
    else:
        data_dir = other_archive if shape == "holds news" else other_archive / "news"
        expected_path = "news/2011/06/6/only-here.md"
    listed = news("-d", str(data_dir), "show", "2011-06-06")
    assert listed.stdout == ONLY
    shown = json.loads(news("-d", str(data_dir), "show", "only-here", "--json").stdout)
    assert shown["id"] == "2011-06-06/only-here"
    assert shown["path"] == expected_path


def test_data_dir_below_news_keeps_the_day_page_order() -> None:
    result = news("-d", str(DAY_FOLDER), "show", "2011-06-06")
    assert result.stdout == golden("show_2011-06-06.tsv")


@pytest.mark.parametrize("where", ["before", "after", "env"])
def test_missing_data_dir_is_bad_input(tmp_path: Path, where: str) -> None:
    missing = str(tmp_path / "no-such-folder")
    if where == "env":
        result = news("show", "2011-06-06", env={"NEWS_DATA_DIR": missing})
    elif where == "before":
        result = news("-d", missing, "show", "2011-06-06")
    else:
        result = news("show", "2011-06-06", "-d", missing)
    assert_one_line_error(result, 2, "not found", missing)


def test_data_dir_that_is_a_file_is_bad_input(tmp_path: Path) -> None:
    file = tmp_path / "events.md"
    file.write_text("# not a folder\n", encoding="utf-8")
    assert_one_line_error(news("-d", str(file), "show", "2011"), 2, "not a directory")


# -- output formats --


def test_piped_rows_are_tab_separated_without_ansi() -> None:
    result = news("show", "2011-06")
    assert "\x1b" not in result.stdout
    for row in rows(result):
        assert len(row) == 3
        event_id, date, title = row
        assert ISO_DAY.match(date)
        assert title and title == title.strip()
        assert event_id.startswith(date + "/")


@pytest.mark.parametrize("args", [("--format", "table"), ("-f", "table"), ("--color", "never"),
                                  ("--color", "auto")])
def test_table_format_and_colour_choices_piped_give_the_plain_rows(args: tuple[str, str]) -> None:
    result = news("show", "2011-06-06", *args)
    assert result.stdout == golden("show_2011-06-06.tsv")


def test_csv_format() -> None:
    result = news("show", "2011-06-06", "--format", "csv")
    assert result.exit_code == 0
    header, *records = list(csv.reader(io.StringIO(result.stdout)))
    assert header == ["id", "date", "title"]  # the piped columns, with a header
    expected = rows(news("show", "2011-06-06"))
    assert records == expected  # a title with commas stays one field
    assert any("," in r[2] for r in records)
    more = list(csv.reader(io.StringIO(news("show", "2011-06-06", "-f", "csv", "--fields",
                                            "id,entities,path").stdout)))
    assert more[0] == ["id", "entities", "path"]
    assert all(r[2].startswith("news/2011/06/6/") for r in more[1:])


def test_csv_format_for_one_event() -> None:
    records = list(csv.reader(io.StringIO(news("show", SEED_ID, "-f", "csv").stdout)))
    assert records[0] == ["field", "value"]
    assert ["id", SEED_ID] in records
    assert ["date", "2011-06-06"] in records


@pytest.mark.parametrize("args", [("--json",), ("--format", "json"), ("--json", "--format", "json")])
def test_json_list_for_a_date(args: tuple[str, ...]) -> None:
    result = news("show", "2011-06-06", *args)
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert isinstance(items, list)
    assert [item["id"] for item in items] == [row[0] for row in rows(news("show", "2011-06-06"))]


def test_jsonl_one_object_per_line() -> None:
    result = news("show", "2011-06-06", "--jsonl")
    lines = result.stdout.splitlines()
    assert len(lines) == 32
    assert [json.loads(line) for line in lines] == json.loads(news("show", "2011-06-06", "--json").stdout)
    same = news("show", "2011-06-06", "--format", "jsonl")
    assert same.stdout == result.stdout


def test_json_object_for_one_event() -> None:
    result = news("show", SEED_SLUG, "--json")
    item = json.loads(result.stdout)
    assert isinstance(item, dict)
    assert item["id"] == SEED_ID
    single = news("show", SEED_SLUG, "--jsonl").stdout
    assert single.count("\n") == 1
    assert json.loads(single) == item


@pytest.mark.parametrize(
    "args",
    [("--json", "--jsonl"), ("--json", "--format", "csv"), ("--jsonl", "-f", "json"),
     ("--format", "table", "--json")],
)
def test_two_formats_that_disagree_are_bad_input(args: tuple[str, ...]) -> None:
    assert_one_line_error(news("show", "2011-06-06", *args), 2, "conflicting output formats")


def test_unknown_format_is_bad_input() -> None:
    result = news("show", "2011-06-06", "--format", "xml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "xml" in result.stderr


@pytest.mark.parametrize("what", ["2011-06-06", SEED_ID])
def test_color_always_gives_ansi_even_piped(what: str) -> None:
    plain = news("show", what).stdout
    coloured = news("--color", "always", "show", what).stdout
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured) == plain  # the same rows, tabs and all


def test_version() -> None:
    result = news("--version")
    assert result.exit_code == 0
    assert result.stdout == f"news {__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", __version__)


# -- on a terminal --


def tty(color: bool = True, width: int = 100) -> tuple[Terminal, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    return Terminal(out, err, stdout_is_tty=True, stderr_is_tty=False, width=width, color=color), out, err


def test_piped_from_a_terminal_says_nothing_on_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()
    terminal = Terminal(out, err, stdout_is_tty=False, stderr_is_tty=True, width=100, color=False)
    result = news("show", "2011-06-06", obj=terminal)
    assert result.exit_code == 0
    assert out.getvalue() == golden("show_2011-06-06.tsv")
    assert err.getvalue() == ""


def test_terminal_gets_one_line_per_event_with_colour() -> None:
    terminal, out, _ = tty()
    result = news("show", "2011-06-06", obj=terminal)
    assert result.exit_code == 0
    text = out.getvalue()
    lines = ANSI.sub("", text).splitlines()
    assert "\t" not in "".join(lines)
    assert lines[0] == "2011-06-06: 32 events"  # the day once, as a heading
    assert len(lines) == 1 + 32
    assert lines[1].startswith("2011-06-06/2011-libyan  ")  # a short id, then the title
    assert "2011 Libyan civil war: Rebels retake the" in lines[1]
    assert COLOUR.search(text)
    assert all(len(line) <= 100 for line in lines)


def test_terminal_for_nothing_found_prints_nothing() -> None:
    terminal, out, err = tty()
    result = news("show", "1999-01-01", obj=terminal)
    assert result.exit_code == 1
    assert out.getvalue() == ""
    assert "no events" in err.getvalue()


def test_terminal_gets_the_event_in_full() -> None:
    terminal, out, _ = tty()
    assert news("show", SEED_SLUG, obj=terminal).exit_code == 0
    plain = ANSI.sub("", out.getvalue())
    assert plain.startswith("Ollanta Humala is elected President of Peru")
    for word in ("Sources", "Related", "bbc.co.uk", "news.yahoo.com", "Reuters via Yahoo News",
                 "Keiko Fujimori, Ollanta Humala, Peruvian general election, President", "✗"):
        assert word in plain
    assert plain.count("✗") == 1 + 1  # one link not in the sample, and the caption's key


def test_terminal_with_colour_off_has_no_colour_codes() -> None:
    terminal, out, _ = tty(color=False)
    news("show", "2011-06-06", obj=terminal)
    assert "2011-06-06/2011-libyan" in out.getvalue()
    assert not COLOUR.search(out.getvalue())


def test_color_never_on_a_terminal_has_no_colour_codes() -> None:
    terminal, out, _ = tty(color=True)
    news("--color", "never", "show", SEED_SLUG, obj=terminal)
    assert "Sources" in out.getvalue()
    assert not COLOUR.search(out.getvalue())


class _FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("no_color", "coloured"), [("1", False), ("", True)])
def test_no_color_is_honoured_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, no_color: str, coloured: bool
) -> None:
    out = _FakeTTY()
    monkeypatch.setenv("NO_COLOR", no_color)
    with pytest.MonkeyPatch.context() as streams:
        streams.setattr(sys, "stdout", out)
        streams.setattr(sys, "stderr", _FakeTTY())
        terminal = Terminal.detect()  # what `news` does when it starts
    assert terminal.stdout_is_tty
    assert news("show", "2011-06-06", "--no-pager", obj=terminal).exit_code == 0
    assert "/2011-libyan" in out.getvalue()
    assert bool(COLOUR.search(out.getvalue())) is coloured


# -- the JSON contract --


@pytest.fixture
def seed_json() -> dict[str, Any]:
    result = news("show", SEED_ID, "--json")
    assert result.exit_code == 0
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_json_event_keys_and_types(seed_json: dict[str, Any]) -> None:
    assert set(seed_json) == EVENT_KEYS
    assert ISO_DAY.match(seed_json["date"]) and seed_json["date"] == "2011-06-06"
    assert seed_json["category"] is None and seed_json["story"] is None
    assert seed_json["extra"] == {}
    assert seed_json["path"] == f"news/2011/06/6/{SEED_SLUG}.md"
    assert seed_json["entities"] == ["Keiko Fujimori", "Ollanta Humala", "Peruvian general election",
                                     "President"]


def test_json_sources(seed_json: dict[str, Any]) -> None:
    assert all(set(s) == SOURCE_KEYS for s in seed_json["sources"])
    assert [(s["name"], s["domain"]) for s in seed_json["sources"]] == [
        ("Reuters via Yahoo News", "news.yahoo.com"), ("BBC", "bbc.co.uk")]
    assert seed_json["sources"][1]["url"] == "http://www.bbc.co.uk/news/world-latin-america-13651468"


def test_json_related_links(seed_json: dict[str, Any]) -> None:
    related = seed_json["related"]
    assert len(related) == 10
    assert all(set(r) == RELATED_KEYS for r in related)
    assert all(ISO_DAY.match(r["date"]) for r in related)
    assert [r["found"] for r in related] == [True, True, True, True, True, False, True, True, True, True]
    assert related[0]["context"] == ["Keiko Fujimori", "Ollanta Humala", "Peruvian general election"]
    # an unresolved link keeps its link text; a found one has its target's id and title
    assert related[5]["title"].startswith("Peru-Venezuela relationsPeruvian President")
    assert related[5]["id"].startswith("2017-02-03/peruavenezuela-relationspperuvian")
    # the link says "alan-garcia-...", the file "alan-garc-a-...": the title of that day whose
    # folded slug opens the same way is its target
    assert related[4]["title"].startswith("Alan García of the APRA")
    assert related[4]["id"].startswith("2006-06-05/alan-garc-a-of-the-apra")
    for link in related:
        if link["found"]:
            target = json.loads(news("show", link["id"], "--json").stdout)
            assert [target[k] for k in ("id", "date", "title")] == [link[k] for k in ("id", "date", "title")]


def test_json_keys_are_the_same_for_every_event_of_a_year() -> None:
    items = json.loads(news("show", "2017", "--json").stdout)
    assert items
    for item in items:
        assert set(item) == EVENT_KEYS
        assert ISO_DAY.match(item["date"]) and item["date"].startswith("2017-")
        assert all(set(s) == SOURCE_KEYS for s in item["sources"])
        assert all(set(r) == RELATED_KEYS for r in item["related"])
        assert isinstance(item["entities"], list) and isinstance(item["extra"], dict)


def test_json_frontmatter_fields_come_through() -> None:
    items = json.loads(news("show", "2011-04-10", "--json").stdout)
    with_story = [item for item in items if item["story"]]
    assert with_story, "the sample has frontmatter events with a story on 2011-04-10"
    assert all(item["category"] for item in with_story)


def test_json_of_a_frontmatter_event_with_links_in_every_form(tmp_path: Path) -> None:
    day = tmp_path / "news" / "2011" / "06"
    (day / "5").mkdir(parents=True)
    (day / "6").mkdir()
    (day / "5" / "target.md").write_text(
        "### [2011-06-5](/news/2011/06/5/index.md)\n\n# The  target \n", encoding="utf-8")
    targets = ["/news/2011/06/5/target.md", "news/2011/06/5/target.md",
               "https://example.org/wiki/news/2011/06/5/target.md", "../5/target.md",
               "/news/2011/06/5/missing.md"]
    related = "".join(f"{n}. [Link  text {n} ]({target}) _Context: Lima, Peru_\n"
                      for n, target in enumerate(targets, 1))
    (day / "6" / "linking.md").write_text(
        "---\ntitle: From   frontmatter\nstory: A story\ncategory: Politics\n"
        "entities: [\"Lima, Peru\", Keiko Fujimori]\n"
        "sources: [BBC, {name: El Comercio, url: \"https://www.elcomercio.pe/a\"}]\n"
        "wikitimes_id: 56657\nreviewed: 2020-01-02\ntags: [peru]\n---\n"
        "### [2011-06-6](/news/2011/06/6/index.md)\n\n# Body title\n\n### Related:\n\n" + related,
        encoding="utf-8")
    result = news("-d", str(tmp_path), "show", "linking", "--json")
    assert result.exit_code == 0, result.stderr
    item = json.loads(result.stdout)
    assert set(item) == EVENT_KEYS
    assert (item["id"], item["title"], item["story"], item["category"]) == (
        "2011-06-06/linking", "From frontmatter", "A story", "Politics")
    assert item["entities"] == ["Lima, Peru", "Keiko Fujimori", "Lima", "Peru"]
    assert item["sources"] == [
        {"name": "BBC", "url": None, "domain": None},
        {"name": "El Comercio", "url": "https://www.elcomercio.pe/a", "domain": "elcomercio.pe"},
    ]
    assert item["extra"] == {"wikitimes_id": 56657, "reviewed": "2020-01-02", "tags": ["peru"]}
    links = item["related"]
    assert [link["found"] for link in links] == [True] * 4 + [False]
    for link in links[:4]:  # whatever the prefix, the same event, with its own title
        assert link == {"id": "2011-06-05/target", "date": "2011-06-05", "title": "The target",
                        "context": ["Lima", "Peru"], "found": True}
    assert links[4] == {"id": "2011-06-05/missing", "date": "2011-06-05", "title": "Link text 5",
                        "context": ["Lima", "Peru"], "found": False}


def test_json_keeps_utf8_unescaped() -> None:
    result = news("show", "2006-06-05", "--json")
    assert "Alan García of the APRA" in result.stdout  # not "Garc\\u00eda"
    assert "\\u00ed" not in result.stdout
    titles = [item["title"] for item in json.loads(result.stdout)]  # as `jq -r '.[].title'`
    assert ("Alan García of the APRA is re-elected President of Peru after winning a runoff with "
            "the Union for Peru's Ollanta Humala on Sunday.") in titles


def test_utf8_in_piped_rows_too() -> None:
    assert "Sócrates dies in hospital in São Paulo" in news("show", "2011-12-04").stdout


def test_bare_news_prints_the_help() -> None:
    result = news()
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: news")
    assert "show" in result.stdout and "search" in result.stdout


@pytest.mark.parametrize("args", [("-d", "", "show", "2011"), ("show", "2011", "-d", " "),
                                  ("show", "/"), ("show", "2011-06-06", "--json", "--format", "csv")])
def test_more_bad_input_is_one_line(args: tuple[str, ...]) -> None:
    result = news(*args)
    assert result.exit_code == 2
    one_error_line(result)
