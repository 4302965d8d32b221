"""Every byte the tool prints: tables on a terminal, tab-separated rows when piped, JSON.

The only module that imports rich.  Commands hand it a result (results.py); it picks
the format, writes data to stdout and messages to stderr, and says the exit status.

Archive text is untrusted: whatever a file holds, it goes through `printable` (control
characters escaped) before any text stream, and reaches rich only as a `Text`, never as
markup.  The only escape sequences written are ours: colour, the progress bar, and links
to a source's own web address.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote, urlsplit

from newscli.errors import BadInput, ExitStatus
from newscli.models import Event, Problem, Related, Source
from newscli.results import (
    CacheReport,
    CacheRow,
    CheckReport,
    EventDetail,
    EventList,
    Explored,
    IndexReport,
    NameCount,
    NameList,
    PeriodCount,
    RelatedList,
    RelatedRow,
    Result,
    Stats,
    Timeline,
)
from newscli.terminal import Terminal
from newscli.text import WORD, words

if TYPE_CHECKING:
    from rich.console import Console
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text

# rich is imported only where a terminal is drawn on: piped and JSON output, the common
# case in scripts, starts without it.


class Format(str, Enum):
    table = "table"  # a rich table on a terminal, tab-separated rows when piped
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


# -- archive text, made safe to print --

# C0 controls (tab and newline among them), DEL, C1 controls, and lone surrogates, which
# no UTF-8 stream can take: none of them reaches a terminal or a text stream raw
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def printable(text: str) -> str:
    """`text` as it may be printed: every control character and lone surrogate escaped.

    A title holding ESC ] 52 would otherwise write the user's clipboard, ESC [ 2 J clear the
    screen, a tab or newline break a row.  Tab, newline and carriage return show as `\\t`,
    `\\n`, `\\r`; other controls as `\\xHH` (`\\x1b`, `\\x9b`); a lone surrogate as `\\udXXX`.
    Everything else is left as it is, backslashes included: JSON keeps the exact text.
    """
    if _UNPRINTABLE.search(text) is None:
        return text  # the common case, and no copy
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


# json.dumps escapes C0 controls, but with ensure_ascii=False leaves DEL, the C1 controls
# and lone surrogates raw; as \u escapes they are the same text to a JSON reader
_JSON_RAW = re.compile("[\x7f-\x9f\ud800-\udfff]")


def _json_text(value: Any, indent: int | None = None) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# -- the JSON contract --

# The fields of each kind of row, in the order JSON gives them; --fields picks among them.
EVENT_FIELDS = ("id", "date", "title", "category", "story", "entities", "sources", "related", "path",
                "extra")
SEARCH_FIELDS = (*EVENT_FIELDS, "score")
RELATED_FIELDS = ("id", "date", "title", "via", "found", "context", "score", "reasons")
PROBLEM_FIELDS = ("path", "severity", "problem", "detail")
# what a row piped or in CSV holds unless --fields says otherwise: every event row opens
# with id, date and title, then the command's own fields
ROW_FIELDS = ("id", "date", "title")
SEARCH_ROW_FIELDS = (*ROW_FIELDS, "score")
RELATED_ROW_FIELDS = (*ROW_FIELDS, "via", "found", "context")
# `show ID` piped: one `field: value` line each; a line per source and per related link
DETAIL_FIELDS = ("id", "date", "title", "category", "story", "entities", "path", "sources", "related")


def source_json(source: Source) -> dict[str, Any]:
    return {"name": source.name, "url": source.url, "domain": source.domain}


def related_json(link: Related) -> dict[str, Any]:
    return {
        "id": link.id,
        "date": link.date.isoformat() if link.date else None,
        "title": link.title,
        "context": list(link.context),
        "found": link.found,
    }


def event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "date": event.date.isoformat(),
        "title": event.title,
        "category": event.category,
        "story": event.story,
        "entities": list(event.entities),
        "sources": [source_json(s) for s in event.sources],
        "related": [related_json(r) for r in event.related],
        "path": event.path,
        "extra": event.extra,
    }


def related_row_json(row: RelatedRow) -> dict[str, Any]:
    link = row.link
    return {"id": link.id, "date": link.date.isoformat() if link.date else None, "title": link.title,
            "via": row.via, "found": link.found, "context": list(link.context),
            "score": round(row.score, 4), "reasons": list(row.reasons)}


def problem_json(problem: Problem) -> dict[str, Any]:
    return {"path": problem.path, "severity": problem.severity, "problem": problem.problem,
            "detail": problem.detail}


def _json_items(result: Result) -> list[dict[str, Any]] | dict[str, Any] | None:
    """A list for results that list things, an object (or null) for a single event."""
    if isinstance(result, EventList):
        items = [event_json(e) for e in result.events]
        if result.scores is not None:
            for item, score in zip(items, result.scores, strict=True):
                item["score"] = round(score, 4)
        elif result.scored:
            for item in items:
                item["score"] = None
        return items
    if isinstance(result, EventDetail):
        return event_json(result.event) if result.event else None
    if isinstance(result, RelatedList):
        return [related_row_json(row) for row in result.rows]
    if isinstance(result, IndexReport):
        return index_json(result)
    if isinstance(result, CacheReport):
        return [cache_json(row) for row in result.rows]
    return [problem_json(p) for p in result.problems]  # JSON lists dangling links too


def index_json(report: IndexReport) -> dict[str, Any]:
    return {"files": report.files, "events": report.events, "skipped": report.skipped,
            "added": report.added, "changed": report.changed, "removed": report.removed,
            "parsed": report.parsed, "seconds": round(report.seconds, 3), "database": report.database}


def cache_json(row: CacheRow) -> dict[str, Any]:
    return {"archive": row.archive, "size": row.size, "refreshed": _timestamp(row.refreshed),
            "archive_exists": row.archive_exists, "database": row.database}


def _timestamp(seconds: float | None) -> str | None:
    import datetime as dt

    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(seconds).astimezone().isoformat(timespec="seconds")


# -- fields: what a result's rows hold, and what --fields may pick --


def fields_of(result: Result) -> tuple[str, ...]:
    """Every field the rows of `result` have, in their JSON order."""
    if isinstance(result, EventList):
        return SEARCH_FIELDS if result.scored else EVENT_FIELDS
    if isinstance(result, EventDetail):
        return EVENT_FIELDS
    if isinstance(result, RelatedList):
        return RELATED_FIELDS
    if isinstance(result, CheckReport):
        return PROBLEM_FIELDS
    if isinstance(result, IndexReport):
        return ("field", "value")
    return ("archive", "size", "refreshed", "archive_exists", "database")


def row_fields(result: Result) -> tuple[str, ...]:
    """The fields of a piped or CSV row when --fields is not given."""
    if isinstance(result, EventList):
        return SEARCH_ROW_FIELDS if result.scored else ROW_FIELDS
    if isinstance(result, RelatedList):
        return RELATED_ROW_FIELDS
    if isinstance(result, EventDetail):
        return DETAIL_FIELDS
    return fields_of(result)


def parse_fields(text: str, valid: Sequence[str], what: str) -> tuple[str, ...]:
    """`--fields a,b,c` as field names, in order and once each; BadInput (exit 2) for a
    field `what` (a command, a kind of row) does not have, naming those it has."""
    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    if not names:
        raise BadInput(f"--fields needs field names; {what} has: {', '.join(valid)}")
    unknown = [name for name in names if name not in valid]
    if unknown:
        listed = ", ".join(repr(printable(name)) for name in unknown)
        raise BadInput(f"unknown field{'s' if len(unknown) > 1 else ''} {listed} for {what}; "
                       f"valid fields: {', '.join(valid)}")
    return names


def _what(result: Result) -> str:
    if isinstance(result, RelatedList):
        return "the events related to an event"
    if isinstance(result, CheckReport):
        return "news check"
    return "search results" if isinstance(result, EventList) and result.scored else "events"


def _pick(item: dict[str, Any], fields: Sequence[str] | None) -> dict[str, Any]:
    return item if fields is None else {name: item.get(name) for name in fields}


def _records(result: Result, fields: Sequence[str] | None) -> list[dict[str, Any]] | dict[str, Any] | None:
    items = _json_items(result)
    if fields is None or items is None:
        return items
    if isinstance(items, dict):
        return _pick(items, fields)
    return [_pick(item, fields) for item in items]


def _value_text(value: Any) -> str:
    """A value in a piped row or a CSV cell, the same way everywhere: null is empty, a boolean
    `true` or `false`, a list of names joined with "; ", anything else nested as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, (list, dict)):
        return _json_text(value)
    return str(value)


LIST_SEPARATOR = "; "


# -- entry point --


def render(result: Result | Explored, fmt: Format, term: Terminal, *,
           fields: Sequence[str] | None = None, short_ids: Mapping[str, str] | None = None
           ) -> ExitStatus:
    """Print `result`; return the exit status it calls for.

    `fields` picks and orders the fields of JSON objects, CSV columns and piped rows (on a
    terminal it prints the piped rows); `short_ids` maps an event id to the short form a
    terminal shows (`Index.short_ids`), else the whole id is shown.
    """
    if isinstance(result, (Timeline, NameList, Stats)):
        if fields is not None:
            fields = parse_fields(",".join(fields), explored_fields(result), f"news {result_name(result)}")
        for note in result.notes:
            note_line(term, note)
        _write_explored(term, result, fmt, fields)
        return _finish(term, result)
    if fields is not None:
        fields = parse_fields(",".join(fields), fields_of(result), _what(result))
    for note in result.notes:
        note_line(term, note)
    if fmt is Format.json:
        _write_json(term, _records(result, fields))
    elif fmt is Format.jsonl:
        _write_jsonl(term, _records(result, fields))
    elif fmt is Format.csv:
        _write_csv(term, result, fields)
    elif term.stdout_is_tty and fields is None:
        _write_rich(term, result, short_ids or {})
    else:
        _write_plain(term, result, fields)
    return _finish(term, result)


def ids_shown(result: Result | Explored) -> list[str]:
    """The ids of the events a terminal shows for `result`, to be given short forms."""
    if isinstance(result, EventList):
        return [event.id for event in result.events]
    if isinstance(result, EventDetail):
        event = result.event
        return [event.id, *(r.id for r in event.related if r.found)] if event else []
    if isinstance(result, RelatedList):
        return [result.event.id, *(row.link.id for row in result.rows if row.link.found)]
    return []


def web_address(url: str | None) -> str | None:
    """`url` when it is a well-formed http(s) web address (what may be linked or opened), else
    None: a URL with a control character or a space, no host, or another scheme
    (`javascript:`, `file:`) is never followed."""
    if not url or len(url) > _LONGEST_LINK or _NOT_IN_LINKS.search(url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def _finish(term: Terminal, result: Result | Explored) -> ExitStatus:
    if isinstance(result, CheckReport):
        _check_summary(term, result)
        return ExitStatus.NOTHING_FOUND if result.errors else ExitStatus.OK
    total = getattr(result, "total", None)
    shown = _count(result)
    if total is not None and total > shown:
        note_line(term, f"showing {shown} of {total} matches; use --limit 0 for all")
    if result.empty is not None:
        error_line(term, result.empty.reason, result.empty.suggestions,
                   result.empty.suggestion_label)
        return ExitStatus.NOTHING_FOUND
    return ExitStatus.OK


def _count(result: Result | Explored) -> int:
    if isinstance(result, EventList):
        return len(result.events)
    if isinstance(result, (RelatedList, NameList)):
        return len(result.rows)
    return 1


# -- messages on stderr --


def _stderr_console(term: Terminal) -> Console:
    from rich.console import Console

    return Console(file=term.stderr, force_terminal=term.stderr_is_tty, no_color=not term.stderr_color,
                   width=term.width, highlight=False, soft_wrap=True)


def error_line(
    term: Terminal, message: str, suggestions: Sequence[str] = (), label: str = "did you mean"
) -> None:
    """`news: message`, then one indented line per suggestion."""
    lines = [f"{label}:", *(f"  {s}" for s in suggestions)] if suggestions else []
    _say(term, "bold red", message, lines)


def note_line(term: Terminal, message: str) -> None:
    _say(term, "dim", message)


def _say(term: Terminal, style: str, message: str, lines: Sequence[str] = ()) -> None:
    # messages quote archive text (a suggested id, a matched name) and arguments
    message, lines = printable(message), [printable(line) for line in lines]
    with suppress(OSError):  # stderr itself closed or full: nowhere is left to say it
        _say_printable(term, style, message, lines)


def _say_printable(term: Terminal, style: str, message: str, lines: Sequence[str]) -> None:
    if not (term.stderr_color and term.stderr_is_tty):
        term.stderr.write("".join(f"{line}\n" for line in (f"news: {message}", *lines)))
        return
    from rich.text import Text

    console = _stderr_console(term)
    limit = _cell_limit(term.width)
    console.print(Text.assemble(("news: ", style), _cut(message, limit)))
    for line in lines:
        console.print(Text(_cut(line, limit)))


# the bar is drawn only for work that lasts longer than this (seconds): a small archive,
# or a few changed files, say nothing at all
PROGRESS_AFTER = 0.5


@contextmanager
def indexing_progress(term: Terminal) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr while files are parsed, when stderr is a terminal, whatever
    stdout is (a file, a pipe) and with or without colour.

    The bar starts with a report of progress once the work has lasted `PROGRESS_AFTER`
    seconds, so a run that reads the cache, or has little to parse, draws nothing at all;
    it is cleared when the work ends.
    """
    if not term.stderr_is_tty:
        yield None
        return
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    started = time.monotonic()
    bar: Progress | None = None

    def advance(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if time.monotonic() - started < PROGRESS_AFTER:
                return
            bar = Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
                           console=_stderr_console(term), transient=True)
            bar.start()
            bar.add_task("indexing", total=total)
        bar.update(bar.task_ids[0], completed=done, total=total)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.stop()


# -- machine formats --


def _write_json(term: Terminal, items: Any) -> None:
    text = _json_text(items, indent=2) + "\n"
    # in pieces: a reader that goes away during one huge write() is not always reported
    for start in range(0, len(text), 1 << 16):
        term.stdout.write(text[start : start + (1 << 16)])


def _write_jsonl(term: Terminal, items: Any) -> None:
    if items is None:
        return
    for item in items if isinstance(items, list) else [items]:
        term.stdout.write(_json_text(item) + "\n")


def _write_csv(term: Terminal, result: Result, fields: Sequence[str] | None) -> None:
    header, rows = _rows(result, fields)
    writer = csv.writer(term.stdout, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_field(field) for field in row] for row in rows)


# -- rows: the piped form and CSV --

# one field of a row: a text, or several (a source's name, domain and URL) shown tab-separated
Field = str | tuple[str, ...]


def _field(field: Field) -> str:
    """A field as printed: its text escaped, so that a tab or a newline in it is never a separator."""
    if isinstance(field, str):
        return printable(field)
    return "\t".join(printable(part) for part in field)


def _rows(result: Result, fields: Sequence[str] | None) -> tuple[list[str], Iterable[Sequence[Field]]]:
    """The header and the rows of the piped form and CSV."""
    if isinstance(result, EventDetail):
        event = result.event
        return ["field", "value"], (_detail_rows(event, fields or DETAIL_FIELDS) if event else [])
    if isinstance(result, IndexReport):
        return ["field", "value"], ([key, _text(value)] for key, value in index_json(result).items())
    if isinstance(result, CacheReport):
        return (list(fields_of(result)),
                ([_text(value) for value in cache_json(row).values()] for row in result.rows))
    names = list(fields or row_fields(result))
    items = ([problem_json(p) for p in _shown_problems(result)] if isinstance(result, CheckReport)
             else _json_items(result))
    assert isinstance(items, list)
    return names, ([_value_text(item.get(name)) for name in names] for item in items)


def _date(link: Related) -> str:
    return link.date.isoformat() if link.date else ""


def _detail_rows(event: Event, fields: Sequence[str]) -> list[list[Field]]:
    """`show ID` as (field, value) rows: a row per source (name, domain, URL) and per related
    link (id, date, title, found, context), and one for each other field."""
    item = event_json(event)
    rows: list[list[Field]] = []
    for name in fields:
        if name == "sources":
            rows += [["source", (s.name, s.domain or "", s.url or "")] for s in event.sources]
        elif name == "related":
            rows += [["related", (r.id, _date(r), r.title, _value_text(r.found),
                                  LIST_SEPARATOR.join(r.context))] for r in event.related]
        else:
            rows.append([name, _value_text(item[name])])
    return rows


def _write_plain(term: Terminal, result: Result, fields: Sequence[str] | None) -> None:
    _, rows = _rows(result, fields)
    if isinstance(result, EventDetail):
        lines: Iterable[str] = (f"{_field(name)}: {_field(value)}" for name, value in rows)
    elif isinstance(result, CheckReport) and fields is None:
        lines = (_problem_line(p) for p in _shown_problems(result))
    else:
        lines = ("\t".join(_field(f) for f in row) for row in rows)
    if term.color:  # --color always on a pipe: the same rows, tabs kept, with ANSI styles
        terms = result.highlight if isinstance(result, EventList) else ()
        lines = ("\t".join(_coloured(field, terms) for field in line.split("\t")) for line in lines)
    for line in lines:
        term.stdout.write(line + "\n")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FIELD_NAME = re.compile(r"([a-z]+: )(.*)", re.S)


@cache
def _style(name: str) -> Style:
    from rich.style import Style

    specs = {"date": "cyan", "dim": "dim", "word": "bold yellow", "error": "red",
             "warning": "yellow", "slug": "green", "bold": "bold", "missing": "red"}
    return Style.parse(specs[name])


def _coloured(field: str, terms: Sequence[str]) -> str:
    """One field of a piped row with ANSI styles, as the terminal would colour it."""
    if _ISO_DATE.fullmatch(field):
        return _style("date").render(field)
    if _ISO_DATE.match(field) and "/" in field and " " not in field:  # an id
        return _style("dim").render(field)
    named = _FIELD_NAME.fullmatch(field)
    if named:  # `show ID`'s "field: value" lines
        return _style("dim").render(named.group(1)) + _coloured(named.group(2), terms)
    for severity in ("error", "warning"):
        field = field.replace(f": {severity}: ", f": {_style(severity).render(severity)}: ", 1)
    if not terms:
        return field
    wanted = set(terms)
    return WORD.sub(lambda m: _style("word").render(m.group(0))
                    if (words(m.group(0)) or [""])[0] in wanted else m.group(0), field)


# -- on a terminal --


def _console(term: Terminal, file: TextIO) -> Console:
    from rich.console import Console

    return Console(file=file, force_terminal=True, no_color=not term.color,
                   width=term.width, highlight=False)


# rich measures and wraps every character of a cell: on a 50 MB title it never finishes.
# A cell can show no more than a screen of lines of the terminal's width, so each is cut to
# that before rich sees it, and a giant field costs what a normal one does.  (Piped and JSON
# output keep the full text.)
_SCREEN_LINES = 50


def _cell_limit(width: int) -> int:
    return max(width, 20) * _SCREEN_LINES


def _cut(text: str, limit: int) -> str:
    """`text` escaped and cut to `limit` characters, an ellipsis marking the cut."""
    shown = printable(text[:limit])  # cut first: escaping a giant field would cost its size
    if len(text) > limit or len(shown) > limit:
        return shown[: limit - 1] + "…"
    return shown


def _cell(text: str, limit: int, style: str | Style = "") -> Text:
    """Archive text for rich: escaped, cut to what a screen shows, and never read as markup."""
    from rich.text import Text

    return Text(_cut(text, limit), style=style)


# a URL no link is made of: a control character, a space of any kind, a lone surrogate
_NOT_IN_LINKS = re.compile("[\\s\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# terminals drop longer link targets (VTE's limit); a giant one is not even looked at
_LONGEST_LINK = 2083
# what a link of ours may hold as it is: printable ASCII but the space (what OSC 8 allows);
# anything else is %-encoded
_URL_SAFE = "".join(chr(code) for code in range(0x21, 0x7F))


def _link(url: str | None) -> Style | str:
    """A hyperlink (OSC 8) to `url` when it is a well-formed http(s) web address, else none."""
    address = web_address(url)
    if address is None:
        return ""
    from rich.style import Style

    return Style(link=quote(address, safe=_URL_SAFE))


def _write_rich(term: Terminal, result: Result, short_ids: Mapping[str, str]) -> None:
    """Draw `result` for the screen, then show it there: through the pager when it is
    longer than the screen (terminal.py decides)."""
    import io

    screen = io.StringIO()
    console = _console(term, screen)
    paint = _Paint(term.color)
    limit = _cell_limit(term.width)
    if isinstance(result, EventList):
        if result.events:
            rows = [_event_row(event, short_ids, result.highlight, limit) for event in result.events]
            _print_lines(screen, [*_heading(result.caption, term.width, paint),
                                  *_listing(rows, term.width, paint)])
    elif isinstance(result, EventDetail):
        if result.event:
            _print_detail(console, screen, result.event, term.width, paint, short_ids)
    elif isinstance(result, RelatedList):
        if result.rows:
            _print_lines(screen, _related_lines(result, term.width, paint, short_ids))
    elif isinstance(result, IndexReport):
        console.print(_fields_grid(index_json(result), limit))
    elif isinstance(result, CacheReport):
        if result.rows:
            console.print(_cache_table(result, limit))
    else:
        for problem in _shown_problems(result):
            console.print(_problem_text(problem, limit))
    term.write_screen(screen.getvalue())


def _print_lines(screen: TextIO, lines: Iterable[str]) -> None:
    screen.write("".join(f"{line}\n" for line in lines))


# -- listings: one line per event, like gh's --

# below this many columns a listing is stacked: the id on a line, the title under it
STACKED_BELOW = 60
_GAP = "  "
_TITLE_AT_LEAST = 20  # columns a title keeps, at least, before any cell after it
_CELL_AT_LEAST = 12  # a cell after the title with fewer columns than this is left out
_STACKED_TITLE_LINES = 3


class _Paint:
    """ANSI styles, or none when colour is off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        if not text:
            return text
        # colour off (NO_COLOR, --color never) keeps bold and dim, as rich does
        return (_style(style) if self.color else _style(style).without_color).render(text)

    def words(self, text: str, terms: Sequence[str]) -> str:
        if not (self.color and terms):
            return text
        wanted = set(terms)
        return WORD.sub(lambda m: self(m.group(0), "word")
                        if (words(m.group(0)) or [""])[0] in wanted else m.group(0), text)


@dataclass(frozen=True)
class _Row:
    """One event of a listing, as a terminal shows it (every text escaped already)."""

    id: str  # the short id, or "" for a link to a file the archive lacks
    date: str
    title: str
    highlight: tuple[str, ...] = ()
    after: tuple[tuple[str, str], ...] = ()  # (text, style) cells after the title


def _event_row(event: Event, short_ids: Mapping[str, str], highlight: Sequence[str], limit: int) -> _Row:
    return _Row(_cut(short_ids.get(event.id, event.id), limit), event.date.isoformat(),
                _cut(event.title, limit), tuple(highlight))


def _link_row(link: Related, short_ids: Mapping[str, str], limit: int,
              after: tuple[tuple[str, str], ...] = ()) -> _Row:
    shown = _cut(short_ids.get(link.id, link.id), limit) if link.found else ""
    context = _cut(", ".join(link.context), limit)
    return _Row(shown, _date(link), _cut(link.title, limit), (), (*after, (context, "dim")))


def _id_text(row: _Row, paint: _Paint) -> str:
    if not row.id:  # not in the archive: its date and a mark, as there is no id to give
        return f"{paint(row.date or '?', 'date')} {paint('✗', 'missing')}"
    date, slash, rest = row.id.partition("/")
    if slash and date == row.date:
        return paint(date, "date") + paint(slash + rest, "slug")
    return paint(row.id, "slug")


def _id_width(row: _Row) -> int:
    return cell_len(row.id) if row.id else len(row.date or "?") + 2


def _heading(caption: str, width: int, paint: _Paint) -> list[str]:
    return [paint(fit(_cut(caption, _cell_limit(width)), width), "bold")] if caption else []


def _listing(rows: Sequence[_Row], width: int, paint: _Paint) -> list[str]:
    """An event per line: its id, then its title cut to fit with "…", then any cells after
    it (dropped, last first, when the title would keep fewer than 20 columns); stacked
    below 60 columns."""
    if width < STACKED_BELOW:
        return _stacked(rows, width, paint)
    id_width = max(_id_width(row) for row in rows)
    # the title keeps two thirds of what the id leaves; the cells after it share the rest
    room = width - id_width - len(_GAP) - max(_TITLE_AT_LEAST, (width - id_width) * 2 // 3)
    after_widths: list[int] = []
    for i in range(max((len(row.after) for row in rows), default=0)):
        natural = max((cell_len(row.after[i][0]) for row in rows if i < len(row.after)), default=0)
        cell_width = min(natural, room - len(_GAP))
        if cell_width < min(natural, _CELL_AT_LEAST):
            break  # this one, and those after it, are left out
        after_widths.append(cell_width)
        room -= cell_width + len(_GAP)
    title_width = max(width - id_width - len(_GAP) - sum(w + len(_GAP) for w in after_widths), 1)
    lines = []
    for row in rows:
        title = fit(row.title, title_width)
        parts = [_id_text(row, paint) + " " * (id_width - _id_width(row)),
                 paint.words(title, row.highlight) + " " * (title_width - cell_len(title))]
        for (text, style), cell_width in zip(row.after, after_widths, strict=False):
            shown = fit(text, cell_width)
            parts.append(paint(shown, style) + " " * (cell_width - cell_len(shown)))
        lines.append(_GAP.join(parts).rstrip())
    return lines


def _stacked(rows: Sequence[_Row], width: int, paint: _Paint) -> list[str]:
    """For a narrow screen: the id on a line (and the cells after the title, if they fit),
    the title under it, wrapped and indented, in at most three lines."""
    lines = []
    for row in rows:
        head = _id_text(row, paint)
        room = width - _id_width(row) - len(_GAP)
        extra = " · ".join(text for text, _ in row.after if text)
        if extra and room >= 10:
            head += _GAP + paint(fit(extra, room), "dim")
        lines.append(head)
        lines += ["  " + paint.words(line, row.highlight)
                  for line in _wrap(row.title, max(width - 2, 10), _STACKED_TITLE_LINES)]
    return lines


def fit(text: str, width: int) -> str:
    """`text` cut to `width` terminal columns, "…" marking the cut (wide characters count 2)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    from rich.cells import set_cell_size

    return set_cell_size(text, width - 1).rstrip() + "…"


def _wrap(text: str, width: int, most: int) -> list[str]:
    """`text` in lines of at most `width` columns, broken at spaces; "…" ends the last of
    `most` lines when more was left."""
    lines: list[str] = []
    rest = text.strip()
    while rest and len(lines) < most:
        if cell_len(rest) <= width:
            lines.append(rest)
            rest = ""
            break
        from rich.cells import set_cell_size

        head = set_cell_size(rest, width)
        cut = head.rfind(" ")
        if cut <= 0:
            cut = len(head)
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].strip()
    if rest and lines:
        lines[-1] = fit(lines[-1] + " " + rest, width)
    return lines


def cell_len(text: str) -> int:
    from rich.cells import cell_len as measure

    return measure(text)


def _related_lines(result: RelatedList, width: int, paint: _Paint, short_ids: Mapping[str, str]) -> list[str]:
    event = result.event
    limit = _cell_limit(width)
    heading = f"Related to {short_ids.get(event.id, event.id)}: {event.title}"
    rows = [_link_row(row.link, short_ids, limit, ((row.via, "dim"),)) for row in result.rows]
    lines = [*_heading(heading, width, paint), *_listing(rows, width, paint)]
    if any(not row.link.found for row in result.rows):
        lines.append(paint("✗ = not in this archive", "dim"))
    return lines


def _print_detail(console: Console, screen: TextIO, event: Event, width: int, paint: _Paint,
                  short_ids: Mapping[str, str]) -> None:
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    limit = _cell_limit(width)
    console.print(_cell(event.title, limit, style="bold"))
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column(overflow="fold")
    fields.add_row("id", _id_cell(short_ids.get(event.id, event.id), event, limit))
    for name, value in (("date", event.date.isoformat()), ("category", event.category),
                        ("story", event.story), ("entities", ", ".join(event.entities)),
                        ("path", event.path)):
        fields.add_row(name, _cell(value or "-", limit))
    console.print(fields)
    if event.sources and width < STACKED_BELOW:  # each source's name and domain, its URL below
        console.print(Text("Sources", style="bold"))
        for s in event.sources:
            console.print(Text.assemble(_cell(s.name, limit, style=_link(s.url)), "  ",
                                        _cell(s.domain or "", limit, style="cyan")), overflow="fold")
            if s.url:
                console.print(Padding(_cell(s.url, limit, style="dim"), (0, 0, 0, 2)), overflow="fold")
    elif event.sources:
        sources = Table(title="Sources", title_justify="left", expand=True, header_style="bold")
        sources.add_column("Name", no_wrap=True)
        sources.add_column("Domain", style="cyan", no_wrap=True)
        sources.add_column("URL", overflow="fold", ratio=1)
        for s in event.sources:
            sources.add_row(_cell(s.name, limit, style=_link(s.url)), _cell(s.domain or "-", limit),
                            _cell(s.url or "-", limit))
        console.print(sources)
    if event.related:
        rows = [_link_row(r, short_ids, limit) for r in event.related]
        lines = ["", paint("Related", "bold"), *_listing(rows, width, paint)]
        if any(not r.found for r in event.related):
            lines.append(paint("✗ = not in this archive", "dim"))
        console.file.flush()
        _print_lines(screen, lines)


def _id_cell(shown: str, event: Event, limit: int) -> Text:
    from rich.text import Text

    date, slash, rest = _cut(shown, limit).partition("/")
    if slash and date == event.date.isoformat():
        return Text.assemble((date, "cyan"), (slash + rest, "green"))
    return Text(_cut(shown, limit), style="green")


def _fields_grid(fields: dict[str, Any], limit: int) -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for name, value in fields.items():
        grid.add_row(name, _cell(_text(value), limit))
    return grid


def _cache_table(report: CacheReport, limit: int) -> Table:
    from rich.table import Table

    caption = f"in {report.folder}" + (" (removed)" if report.removed else "")
    table = Table(caption=_cell(caption, limit, style="table.caption"), caption_justify="left",
                  expand=True, header_style="bold")
    table.add_column("Archive", ratio=1)
    table.add_column("Size", justify="right", no_wrap=True)
    table.add_column("Refreshed", style="cyan", no_wrap=True)
    table.add_column("Exists", no_wrap=True)
    for row in report.rows:
        table.add_row(_cell(row.archive or "?", limit), _size(row.size), _timestamp(row.refreshed) or "-",
                      "yes" if row.archive_exists else _cell("no", limit, style="red"))
    return table


def _size(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    raise AssertionError("unreachable")  # pragma: no cover


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- news check --

DANGLING = "related link to no file in the archive"


def _shown_problems(report: CheckReport) -> list[Problem]:
    """Dangling links are counted, not listed, unless --verbose (JSON lists them always)."""
    return [p for p in report.problems if report.verbose or p.problem != DANGLING]


def _problem_line(problem: Problem) -> str:
    """`path: severity: problem (detail)`, on one line whatever the path or detail holds."""
    detail = f" ({printable(problem.detail)})" if problem.detail else ""
    return f"{printable(problem.path)}: {problem.severity}: {printable(problem.problem)}{detail}"


def _problem_text(problem: Problem, limit: int) -> Text:
    from rich.text import Text

    style = "red" if problem.severity == "error" else "yellow"
    text = Text.assemble((_cut(problem.path, limit), "bold"), ": ", (problem.severity, style), ": ",
                         _cut(problem.problem, limit))
    if problem.detail:
        text.append(f" ({_cut(problem.detail, limit)})", style="dim")
    return text


def _check_summary(term: Terminal, report: CheckReport) -> None:
    errors = report.errors
    warnings = len(report.problems) - errors
    dangling = sum(1 for p in report.problems if p.problem == DANGLING)
    parts = [f"{report.files} files checked", f"{errors} error{'s' if errors != 1 else ''}",
             f"{warnings} warning{'s' if warnings != 1 else ''}"]
    if dangling and not report.verbose:
        parts.append(f"{dangling} dangling related link{'s' if dangling != 1 else ''} not listed "
                     "(--verbose lists them)")
    note_line(term, ", ".join(parts))



# -- exploring: timeline, entities/sources/stories, stats --
# Each JSON object is the result's fields; a piped row or CSV row is the same values in the
# same order, so a field is its JSON key.


def period_json(row: PeriodCount) -> dict[str, Any]:
    return {"period": row.period, "count": row.count}


def name_json(row: NameCount) -> dict[str, Any]:
    return {"name": row.name, "count": row.count, "first": row.first, "last": row.last}


def stats_json(stats: Stats) -> dict[str, Any]:
    return {
        "events": stats.events, "days": stats.days, "first": stats.first, "last": stats.last,
        "files": stats.files, "skipped": stats.skipped, "entities": stats.entities,
        "sources": stats.sources, "stories": stats.stories,
        "per_year": [period_json(p) for p in stats.per_year],
        "top_entities": [name_json(n) for n in stats.top_entities],
        "top_sources": [name_json(n) for n in stats.top_sources],
        "categories": [name_json(n) for n in stats.categories],
        "without_category": stats.without_category,
    }


def explored_json(result: Explored) -> list[dict[str, Any]] | dict[str, Any]:
    if isinstance(result, Timeline):
        return [period_json(p) for p in result.periods]
    if isinstance(result, NameList):
        return [name_json(n) for n in result.rows]
    return stats_json(result)


TIMELINE_FIELDS = ("period", "count")
NAME_FIELDS = ("name", "count", "first", "last")
STATS_FIELDS = ("events", "days", "first", "last", "files", "skipped", "entities", "sources", "stories",
                "per_year", "top_entities", "top_sources", "categories", "without_category")


def explored_fields(result: Explored) -> tuple[str, ...]:
    """The fields --fields may pick: the keys of the JSON objects."""
    if isinstance(result, Timeline):
        return TIMELINE_FIELDS
    return NAME_FIELDS if isinstance(result, NameList) else STATS_FIELDS


def result_name(result: Explored) -> str:
    if isinstance(result, Timeline):
        return "timeline"
    return result.kind if isinstance(result, NameList) else "stats"


def explored_rows(result: Explored, fields: Sequence[str] | None = None
                  ) -> tuple[list[str], list[list[str]]]:
    """The header and rows: `period, count`; `name, count, first, last` (or the `fields`
    picked); `key, value` for stats, a list's items keyed `per_year.2011`,
    `top_entities.NAME`, `categories.NAME`."""
    keys = list(fields or explored_fields(result))
    if not isinstance(result, Stats):
        items = explored_json(result)
        assert isinstance(items, list)
        return keys, [[_text(item[key]) for key in keys] for item in items]
    rows = []
    for key, value in stats_json(result).items():
        if key not in keys:
            continue
        if not isinstance(value, list):
            rows.append([key, _text(value)])
            continue
        for item in value:
            label = item["period"] if "period" in item else item["name"]
            rows.append([f"{key}.{label}", str(item["count"])])
    return ["key", "value"], rows


def _write_explored(term: Terminal, result: Explored, fmt: Format, fields: Sequence[str] | None) -> None:
    items = explored_json(result)
    if fields is not None:
        items = ({k: items[k] for k in fields} if isinstance(items, dict)
                 else [{k: item[k] for k in fields} for item in items])
    if fmt is Format.json:
        _write_json(term, items)
    elif fmt is Format.jsonl:
        _write_jsonl(term, items)
    elif fmt is Format.csv:
        header, rows = explored_rows(result, fields)
        writer = csv.writer(term.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([printable(field) for field in row] for row in rows)
    elif term.stdout_is_tty and fields is None:
        _explored_rich(term, result)
    else:
        for row in explored_rows(result, fields)[1]:
            cells = [printable(field) for field in row]
            if term.color:  # as on a terminal: dates and periods in the date colour
                cells = [_style("date").render(cell) if i == 0 and isinstance(result, Timeline)
                         else _coloured(cell, ()) for i, cell in enumerate(cells)]
            term.stdout.write("\t".join(cells) + "\n")


def _explored_rich(term: Terminal, result: Explored) -> None:
    """Draw `result` for the screen, then show it there (through the pager when it is
    longer than the screen)."""
    import io

    screen = io.StringIO()
    console = _console(term, screen)
    limit = _cell_limit(term.width)
    if isinstance(result, Timeline):
        if result.periods:
            _print_timeline(console, result, term.width, limit)
    elif isinstance(result, NameList):
        if result.rows:
            console.print(_names_table(result.rows, limit, _cell(result.caption, limit,
                                                                  style="table.caption")))
    else:
        _print_stats(console, result, term.width, limit)
    term.write_screen(screen.getvalue())


# the eighths of a block, for bars drawn to an eighth of a character
_EIGHTHS = " ▏▎▍▌▋▊▉"


def _bar(count: int, most: int, width: int) -> str:
    """A bar of `width` characters at most for `most`; any count above 0 shows."""
    if count <= 0 or most <= 0:
        return ""
    eighths = max(1, round(count / most * width * 8))
    return "█" * (eighths // 8) + _EIGHTHS[eighths % 8].strip()


def bar_chart(rows: Sequence[PeriodCount], width: int) -> Table:
    """One line per period: its label, a bar as long as its share of the largest, the count."""
    from rich.table import Table

    most = max((r.count for r in rows), default=0)
    label_width = max((len(r.period) for r in rows), default=4)
    bar_width = max(width - label_width - len(str(most)) - 4, 10)
    chart = Table.grid(padding=(0, 1))
    chart.add_column(style="cyan", no_wrap=True)
    chart.add_column(style="green", no_wrap=True)
    chart.add_column(justify="right", no_wrap=True)
    for row in rows:
        chart.add_row(row.period, _bar(row.count, most, bar_width), str(row.count),
                      style="dim" if row.count == 0 else "")
    return chart


def _print_timeline(console: Console, result: Timeline, width: int, limit: int) -> None:
    from rich.table import Table
    from rich.text import Text

    count = result.events
    console.print(Text.assemble(_cell(result.subject, limit, style="bold"),
                                f": {count} event{'s' if count != 1 else ''}, per {result.by}"))
    console.print(bar_chart(result.periods, width))
    summary = Table.grid(padding=(0, 2), expand=True)
    summary.add_column(style="dim", no_wrap=True, min_width=7)
    summary.add_column(style="cyan", no_wrap=True, min_width=10)
    summary.add_column(no_wrap=True, overflow="ellipsis", ratio=1)  # one line each: `show` has the rest
    for label, event in (("first", result.first), ("last", result.last)):
        if event is not None:
            summary.add_row(label, event.date.isoformat(), _cell(event.title, limit))
    busiest = result.busiest
    if busiest is not None:
        summary.add_row("busiest", busiest.period,
                        f"{busiest.count} event{'s' if busiest.count != 1 else ''}")
    console.print(summary)


def _names_table(rows: Sequence[NameCount], limit: int, caption: Text | None = None,
                 title: str | None = None) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", caption=caption, caption_justify="left",
                  expand=True, header_style="bold")
    table.add_column("Name", ratio=1)
    table.add_column("Events", justify="right", no_wrap=True)
    table.add_column("First", style="cyan", no_wrap=True)
    table.add_column("Last", style="cyan", no_wrap=True)
    for row in rows:
        table.add_row(_cell(row.name, limit), str(row.count), row.first, row.last)
    return table


def _print_stats(console: Console, stats: Stats, width: int, limit: int) -> None:
    fields = {key: value for key, value in stats_json(stats).items() if not isinstance(value, list)}
    console.print(_fields_grid(fields, limit))
    if stats.per_year:
        console.print()
        console.print("Events per year", style="bold")
        console.print(bar_chart(stats.per_year, width))
    for title, rows in (("Top entities", stats.top_entities), ("Top sources", stats.top_sources),
                        ("Categories", stats.categories)):
        if rows:
            console.print()
            console.print(_names_table(rows, limit, title=title))
