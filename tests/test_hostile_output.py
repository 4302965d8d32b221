"""Archive text is untrusted: it never drives the terminal, never acts as markup, never costs
more to show than a screen holds.

An archive of events whose titles, names, links and file names hold escape sequences
(OSC 52 writes the clipboard, ESC [ 2 J clears the screen), C1 controls, DEL, tabs and
newlines, and rich markup.  Every way of printing them must show those characters escaped
(`\\x1b`, `\\t`, ...), except JSON, which keeps the exact text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from conftest import SEED_ID
from helpers import DAY, news, run, write_event

from newscli.model.event import Event, Source
from newscli.model.results import EventDetail
from newscli.output.render import render
from newscli.output.terminal import Format, Terminal

OSC52 = "\x1b]52;c;aGVsbG8=\x07"  # writes "hello" to the user's clipboard
CLEAR = "\x1b[2J"  # clears the screen
C1_CSI = "\x9b31m"  # the one-character CSI of C1: red, on terminals that honour it
TITLE = f"Evil {OSC52} clip {CLEAR} cls {C1_CSI} c1 \x7f del"
TITLE_SHOWN = r"Evil \x1b]52;c;aGVsbG8=\x07 clip \x1b[2J cls \x9b31m c1 \x7f del"
EVIL = "2011-06-06/evil"
ODD_NAME = "tab\tand\nnewline\x1b[2J"  # a file name: tab, newline and ESC reach the id and path
ODD_SHOWN = r"tab\tand\nnewline\x1b[2J"
MARKUP_NAME = "[link=https:evil.example]click [bold red]loud"  # no "/" in a file name
GOOD_URL = "https://example.org/ok"
EVIL_URL = "http://example.com/\x1b]8;;http://evil.example/\x1b\\"  # would open a link of its own
EVIL_URL_SHOWN = "http://example.com/\\x1b]8;;http://evil.example/\\x1b\\"

# what may be left of any output once our own sequences are taken out: no control but newline
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# and in piped rows, tabs as separators
RAW_IN_ROWS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SGR = re.compile(r"\x1b\[[0-9;]*m")
OSC8 = re.compile(r"\x1b\]8;[^;\x1b\x07]*;([\x21-\x7e]*)\x1b\\")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    write_event(root, EVIL, TITLE, meta={
        "entities": [f"Ollanta{CLEAR} Humala", "[bold red]Markup[/bold red]"],
        "story": f"A story {OSC52}",
        "category": "Cat\x9begory",
        "sources": [
            {"name": "Good", "url": GOOD_URL},
            {"name": "Esc\x1b[5m", "url": EVIL_URL},
            {"name": "Ftp", "url": "ftp://example.com/x"},
            {"name": "Port", "url": "http://example.com:xx/"},
        ],
    }, links=[("2011-06-05/gone\x1b[2J", f"Link {OSC52} text", [f"Ctx{CLEAR}"])])
    (root / DAY / f"{ODD_NAME}.md").write_text(f"# The odd one {CLEAR}\n", encoding="utf-8")
    (root / DAY / f"{MARKUP_NAME}.md").write_text("# [bold red]Markup title\n", encoding="utf-8")
    (root / DAY / f"empty{OSC52}.md").write_text("", encoding="utf-8")  # for `news check`
    return root


def tty(width: int = 120) -> tuple[Terminal, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    return Terminal(out, err, stdout_is_tty=True, stderr_is_tty=True, width=width, color=True), out, err


def on_terminal(root: Path, *args: str, width: int = 120) -> tuple[str, str]:
    """(stdout, stderr) of `news ARGS` on a colour terminal."""
    terminal, out, err = tty(width)
    result = news("-d", str(root), *args, obj=terminal)
    assert result.exit_code in (0, 1), result.output
    return out.getvalue(), err.getvalue()


def without_our_sequences(text: str) -> str:
    return OSC8.sub("", SGR.sub("", text))


# -- piped: rows, `field: value` lines, check lines, CSV --


def test_piped_rows_show_control_characters_escaped(hostile: Path) -> None:
    status, out, _ = run("-d", str(hostile), "show", "2011-06-06")
    assert status == 0
    assert not RAW_IN_ROWS.search(out)
    rows = [line.split("\t") for line in out.splitlines()]
    assert all(len(row) == 3 for row in rows), rows  # a tab or newline inside a field splits no row
    assert [EVIL, "2011-06-06", TITLE_SHOWN] in rows
    assert [f"2011-06-06/{ODD_SHOWN}", "2011-06-06", r"The odd one \x1b[2J"] in rows


def test_coloured_piped_rows_show_control_characters_escaped(hostile: Path) -> None:
    status, out, _ = run("-d", str(hostile), "--color", "always", "show", "2011-06-06")
    assert status == 0
    plain = SGR.sub("", out)
    assert not RAW_IN_ROWS.search(plain)
    assert all(len(line.split("\t")) == 3 for line in plain.splitlines())
    assert TITLE_SHOWN in plain


def test_show_id_piped_lines_show_control_characters_escaped(hostile: Path) -> None:
    status, out, _ = run("-d", str(hostile), "show", EVIL)
    assert status == 0
    assert not RAW_IN_ROWS.search(out)
    lines = out.splitlines()
    assert f"title: {TITLE_SHOWN}" in lines
    assert r"story: A story \x1b]52;c;aGVsbG8=\x07" in lines
    assert r"category: Cat\x9begory" in lines
    assert r"entities: Ollanta\x1b[2J Humala; [bold red]Markup[/bold red]; Ctx\x1b[2J" in lines
    # each source is name, domain and URL, tab-separated: the URL's own escape shows, escaped
    assert r"source: Esc\x1b[5m" + f"\texample.com\t{EVIL_URL_SHOWN}" in lines
    related = [line for line in lines if line.startswith("related: ")]
    assert related == ["related: " + r"2011-06-05/gone\x1b[2J" + "\t2011-06-05\t"
                       + r"Link \x1b]52;c;aGVsbG8=\x07 text" + "\tfalse\t" + r"Ctx\x1b[2J"]


def test_show_id_of_an_odd_file_name_piped(hostile: Path) -> None:
    status, out, _ = run("-d", str(hostile), "show", f"2011-06-06/{ODD_NAME}")
    assert status == 0
    assert out.splitlines()[0] == f"id: 2011-06-06/{ODD_SHOWN}"
    assert f"path: {DAY}/{ODD_SHOWN}.md" in out.splitlines()
    assert not RAW_IN_ROWS.search(out)


def test_check_lines_show_control_characters_escaped(hostile: Path) -> None:
    status, out, err = run("-d", str(hostile), "check")
    assert status == 1
    assert f"{DAY}/empty" + r"\x1b]52;c;aGVsbG8=\x07" + ".md: error: empty file" in out.splitlines()
    assert not RAW_IN_ROWS.search(out + err)


def test_csv_shows_control_characters_escaped(hostile: Path) -> None:
    status, out, _ = run("-d", str(hostile), "show", "2011-06-06", "--format", "csv", "--fields",
                         "id,title,story,entities,path")
    assert status == 0
    assert not RAW_IN_ROWS.search(out)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3  # a newline inside a field starts no row
    by_id = {row["id"]: row for row in rows}
    assert by_id[EVIL]["title"] == TITLE_SHOWN
    assert by_id[EVIL]["story"] == r"A story \x1b]52;c;aGVsbG8=\x07"
    assert by_id[f"2011-06-06/{ODD_SHOWN}"]["path"] == f"{DAY}/{ODD_SHOWN}.md"


@pytest.mark.parametrize("args", [("--json",), ("--jsonl",)])
def test_json_keeps_the_exact_text_with_no_raw_c1_or_del(hostile: Path, args: tuple[str, ...]) -> None:
    status, out, _ = run("-d", str(hostile), "show", EVIL, *args)
    assert status == 0
    assert not RAW_CONTROL.search(out)  # C0 as JSON escapes them; DEL and C1 as \u007f, \u009b
    assert r"\u009b31m" in out and r"\u007f" in out
    event = json.loads(out)
    assert event["title"] == TITLE
    assert event["category"] == "Cat\x9begory"
    status, out, _ = run("-d", str(hostile), "show", f"2011-06-06/{ODD_NAME}", *args)
    assert json.loads(out)["id"] == f"2011-06-06/{ODD_NAME}"


# -- messages on stderr --


def test_suggested_ids_are_escaped(hostile: Path) -> None:
    write_event(hostile, f"2011-06-07/tab{OSC52}one", "One")
    write_event(hostile, "2011-06-07/tab-two", "Two")
    status, out, err = run("-d", str(hostile), "show", "tab")
    assert (status, out) == (1, "")
    assert not RAW_IN_ROWS.search(err)
    assert "  2011-06-07/tab" + r"\x1b]52;c;aGVsbG8=\x07" + "one" in err.splitlines()
    _, terminal_err = on_terminal(hostile, "show", "tab")
    assert not RAW_CONTROL.search(without_our_sequences(terminal_err))


def test_a_matched_entity_named_in_a_note_is_escaped(hostile: Path) -> None:
    status, out, err = run("-d", str(hostile), "related", "humala")
    assert status == 0, err
    assert EVIL in out
    assert r'news: matched "Ollanta\x1b[2J Humala"' in err.splitlines()
    assert not RAW_IN_ROWS.search(out + err)
    _, terminal_err = on_terminal(hostile, "related", "humala")
    assert r"Ollanta\x1b[2J Humala" in terminal_err
    assert not RAW_CONTROL.search(without_our_sequences(terminal_err))


def test_a_suggested_entity_name_is_escaped(hostile: Path) -> None:
    status, out, err = run("-d", str(hostile), "related", "Olanta Humala")
    assert (status, out) == (1, "")
    assert r"  Ollanta\x1b[2J Humala" in err.splitlines()
    assert not RAW_IN_ROWS.search(err)


def test_an_argument_quoted_in_an_error_is_escaped(hostile: Path) -> None:
    status, _, err = run("-d", str(hostile), "related", f"zz{OSC52}qq")
    assert status == 1
    assert not RAW_IN_ROWS.search(err)
    status, _, err = run("-d", f"{hostile}/missing{CLEAR}", "show", "2011")
    assert status == 2
    assert err == f"news: data directory not found: {hostile}/missing" + r"\x1b[2J" + "\n"


# -- on a terminal: escaped, no markup, our links only --

TERMINAL_COMMANDS = [("show", "2011-06-06"), ("show", EVIL), ("related", EVIL), ("search", "clip"),
                     ("check",), ("show", f"2011-06-06/{ODD_NAME}")]


@pytest.mark.parametrize("args", TERMINAL_COMMANDS)
def test_on_a_terminal_only_our_own_sequences_are_written(hostile: Path, args: tuple[str, ...]) -> None:
    out, err = on_terminal(hostile, *args)
    assert out
    assert not RAW_CONTROL.search(without_our_sequences(out + err))
    assert set(OSC8.findall(out)) <= {"", GOOD_URL}  # "" closes a link


def test_a_terminal_table_shows_the_escapes_and_the_markup_as_text(hostile: Path) -> None:
    out, _ = on_terminal(hostile, "show", "2011-06-06", width=400)
    plain = without_our_sequences(out)
    assert TITLE_SHOWN in plain
    assert f"2011-06-06/{ODD_SHOWN}" in plain
    assert f"2011-06-06/{MARKUP_NAME}" in plain  # one word: no shorter id; not a link
    assert "\x1b]8;" not in out
    out, _ = on_terminal(hostile, "show", f"2011-06-06/{MARKUP_NAME}", width=400)
    assert f"2011-06-06/{MARKUP_NAME}" in without_our_sequences(out)  # not a link, not bold red
    assert "\x1b]8;" not in out


def test_a_terminal_detail_shows_the_markup_as_text(hostile: Path) -> None:
    out, _ = on_terminal(hostile, "show", EVIL, width=400)
    plain = without_our_sequences(out)
    assert "[bold red]Markup[/bold red]" in plain
    assert r"Esc\x1b[5m" in plain
    assert EVIL_URL_SHOWN in plain


def test_a_source_name_links_to_its_url_on_a_terminal() -> None:
    terminal, out, _ = tty()
    assert news("show", SEED_ID, obj=terminal).exit_code == 0
    link = "http://www.bbc.co.uk/news/world-latin-america-13651468"
    assert re.search(r"\x1b\]8;[^;]*;" + re.escape(link) + r"\x1b\\BBC\s*\x1b\]8;;\x1b\\", out.getvalue())


def test_only_a_well_formed_web_address_becomes_a_link(hostile: Path) -> None:
    out, _ = on_terminal(hostile, "show", EVIL)
    linked = re.findall(r"\x1b\]8;[^;]*;([^\x1b]+)\x1b\\([^\x1b]*)\x1b\]8;;", out)
    assert [(url, name.strip()) for url, name in linked] == [(GOOD_URL, "Good")]


def test_piped_output_has_no_links() -> None:
    _, out, _ = run("show", SEED_ID)
    assert "\x1b" not in out


# -- lone surrogates --


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("is_tty", [False, True])
def test_a_lone_surrogate_never_breaks_output(fmt: Format, is_tty: bool) -> None:
    title = "caf\udce9 \ud800"
    event = Event(id="2011-06-06/caf\udce9", date=dt.date(2011, 6, 6), title=title,
                  path=f"{DAY}/caf\udce9.md", sources=(Source("S\udce9", "http://x.org/\udce9"),))
    out, err = io.StringIO(), io.StringIO()
    terminal = Terminal(out, err, stdout_is_tty=is_tty, stderr_is_tty=is_tty, width=100, color=is_tty)
    render(EventDetail(event), fmt, terminal)
    out.getvalue().encode("utf-8")  # what a UTF-8 stdout would take
    if fmt in (Format.json, Format.jsonl):
        assert json.loads(out.getvalue())["title"] == title
    else:
        assert r"caf\udce9 \ud800" in out.getvalue()


# -- huge cells --


def test_a_huge_title_is_cut_to_a_screen_on_a_terminal(tmp_path: Path) -> None:
    title = "word " * 60_000  # 300 kB on one line
    write_event(tmp_path, "2011-06-06/huge", title, meta={"entities": ["name"] * 1, "story": title})
    for args in (("show", "2011-06-06"), ("show", "2011-06-06/huge")):
        out, _ = on_terminal(tmp_path, *args, width=100)
        lines = out.splitlines()
        assert len(lines) < 2 * 60, len(lines)  # a cell no taller than a screen, not 12,000 lines
        assert "…" in out
    _, out, _ = run("-d", str(tmp_path), "show", "2011-06-06/huge")
    assert f"title: {title.strip()}" in out.splitlines()  # piped: the whole of it
