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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from newscli.errors import ExitStatus
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
    return {**related_json(row.link), "via": row.via, "score": round(row.score, 4)}


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


# -- entry point --


def render(result: Result | Explored, fmt: Format, term: Terminal) -> ExitStatus:
    """Print `result`; return the exit status it calls for."""
    for note in result.notes:
        note_line(term, note)
    if isinstance(result, (Timeline, NameList, Stats)):
        _write_explored(term, result, fmt)
    elif fmt is Format.json:
        _write_json(term, _json_items(result))
    elif fmt is Format.jsonl:
        _write_jsonl(term, _json_items(result))
    elif fmt is Format.csv:
        _write_csv(term, result)
    elif term.stdout_is_tty:
        _write_rich(term, result)
    else:
        _write_plain(term, result)
    return _finish(term, result)


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

    return Console(file=term.stderr, force_terminal=term.color and term.stderr_is_tty,
                   no_color=not term.color, highlight=False, soft_wrap=True)


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
    if not (term.color and term.stderr_is_tty):
        term.stderr.write("".join(f"{line}\n" for line in (f"news: {message}", *lines)))
        return
    from rich.text import Text

    console = _stderr_console(term)
    limit = _cell_limit(term.width)
    console.print(Text.assemble(("news: ", style), _cut(message, limit)))
    for line in lines:
        console.print(Text(_cut(line, limit)))


@contextmanager
def indexing_progress(term: Terminal) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr while files are parsed, when stderr is a terminal.

    The bar starts with the first report of progress, so a run that reads the cache (or
    a small archive) draws nothing at all.
    """
    if not term.stderr_is_tty:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar: Progress | None = None

    def advance(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
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


def _write_csv(term: Terminal, result: Result) -> None:
    header, rows = _rows(result, for_csv=True)
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


def _rows(result: Result, for_csv: bool = False) -> tuple[list[str], Iterable[Sequence[Field]]]:
    if isinstance(result, EventList):
        header = ["date", "title", "id"]
        if for_csv:
            header = ["date", "title", "id", "category", "story", "entities", "path"]
        if result.scores is not None:
            header = ["score", *header]
        return header, (_event_row(e, result, i, for_csv) for i, e in enumerate(result.events))
    if isinstance(result, RelatedList):
        return (["date", "title", "context", "via", "found", "score", "id"],
                ([_date(r.link), r.link.title, ", ".join(r.link.context), r.via,
                  "yes" if r.link.found else "no", f"{r.score:.2f}", r.link.id]
                 for r in result.rows))
    if isinstance(result, CheckReport):
        return (["path", "severity", "problem", "detail"],
                ([p.path, p.severity, p.problem, p.detail] for p in _shown_problems(result)))
    if isinstance(result, IndexReport):
        return ["field", "value"], ([key, _text(value)] for key, value in index_json(result).items())
    if isinstance(result, CacheReport):
        return (["archive", "size", "refreshed", "archive_exists", "database"],
                ([_text(value) for value in cache_json(row).values()] for row in result.rows))
    event = result.event
    return (["field", "value"], _detail_rows(event) if event else [])


def _event_row(event: Event, result: EventList, i: int, for_csv: bool) -> list[str]:
    row = [event.date.isoformat(), event.title, event.id]
    if for_csv:
        row += [event.category or "", event.story or "", "; ".join(event.entities), event.path]
    if result.scores is not None:
        row = [f"{result.scores[i]:.2f}", *row]
    return row


def _date(link: Related) -> str:
    return link.date.isoformat() if link.date else ""


def _detail_rows(event: Event) -> list[list[Field]]:
    rows: list[list[Field]] = [
        ["id", event.id],
        ["date", event.date.isoformat()],
        ["title", event.title],
        ["category", event.category or ""],
        ["story", event.story or ""],
        ["entities", ", ".join(event.entities)],
        ["path", event.path],
    ]
    rows += [["source", (s.name, s.domain or "", s.url or "")] for s in event.sources]
    rows += [
        ["related", (_date(r), r.title, ", ".join(r.context), "found" if r.found else "not in archive",
                     r.id)]
        for r in event.related
    ]
    return rows


def _write_plain(term: Terminal, result: Result) -> None:
    _, rows = _rows(result)
    if isinstance(result, EventDetail):
        lines: Iterable[str] = (f"{_field(name)}: {_field(value)}" for name, value in rows)
    elif isinstance(result, CheckReport):
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
             "warning": "yellow"}
    return Style.parse(specs[name])


def _coloured(field: str, terms: Sequence[str]) -> str:
    """One field of a piped row with ANSI styles, as the terminal table would colour it."""
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


# -- rich, on a terminal --


def _console(term: Terminal) -> Console:
    from rich.console import Console

    return Console(file=term.stdout, force_terminal=True, no_color=not term.color,
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
    """A hyperlink (OSC 8) to `url` when it is a well-formed http(s) web address, else none.

    A source's name links to its own URL; a URL with a control character or a space, no
    host, or another scheme (`javascript:`, `file:`) gives plain text.
    """
    if not url or len(url) > _LONGEST_LINK or _NOT_IN_LINKS.search(url):
        return ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  raises ValueError for a port that is not a number
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    from rich.style import Style

    return Style(link=quote(url, safe=_URL_SAFE))


def highlight_words(text: str, terms: Sequence[str]) -> Text:
    """`text` with every word whose folded form is one of `terms` in bold yellow."""
    from rich.text import Text

    styled = Text(text)
    if terms:
        wanted = set(terms)
        for match in WORD.finditer(text):
            found = words(match.group(0))
            if found and found[0] in wanted:
                styled.stylize("bold yellow", match.start(), match.end())
    return styled


def _write_rich(term: Terminal, result: Result) -> None:
    console = _console(term)
    limit = _cell_limit(term.width)
    if isinstance(result, EventList):
        if result.events:
            console.print(_event_table(result, limit))
    elif isinstance(result, EventDetail):
        if result.event:
            _print_detail(console, result.event, limit)
    elif isinstance(result, RelatedList):
        if result.rows:
            console.print(_related_table(result, limit))
    elif isinstance(result, IndexReport):
        console.print(_fields_grid(index_json(result), limit))
    elif isinstance(result, CacheReport):
        if result.rows:
            console.print(_cache_table(result, limit))
    else:
        for problem in _shown_problems(result):
            console.print(_problem_text(problem, limit))


def _event_table(result: EventList, limit: int) -> Table:
    from rich.table import Table

    # a Text caption loses rich's own style for one: given back here
    caption = _cell(result.caption, limit, style="table.caption") if result.caption else None
    table = Table(caption=caption, caption_justify="left", expand=True, header_style="bold")
    if result.scores is not None:
        table.add_column("Score", justify="right", style="dim", no_wrap=True)
    table.add_column("Date", style="cyan", no_wrap=True)
    table.add_column("Title", ratio=1)
    table.add_column("ID", style="dim", no_wrap=True, overflow="ellipsis", max_width=36)
    for i, event in enumerate(result.events):
        cells: list[Any] = [_cell(event.date.isoformat(), limit),
                            highlight_words(_cut(event.title, limit), result.highlight),
                            _cell(event.id, limit)]
        if result.scores is not None:
            cells.insert(0, _cell(f"{result.scores[i]:.2f}", limit))
        table.add_row(*cells)
    return table


def _print_detail(console: Console, event: Event, limit: int) -> None:
    from rich.table import Table

    console.print(_cell(event.title, limit, style="bold"))
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column()
    for name, value in (("date", event.date.isoformat()), ("category", event.category),
                        ("story", event.story), ("entities", ", ".join(event.entities)),
                        ("id", event.id), ("path", event.path)):
        fields.add_row(name, _cell(value or "-", limit))
    console.print(fields)
    if event.sources:
        sources = Table(title="Sources", title_justify="left", expand=True, header_style="bold")
        sources.add_column("Name", no_wrap=True)
        sources.add_column("Domain", style="cyan", no_wrap=True)
        sources.add_column("URL", overflow="fold", ratio=1)
        for s in event.sources:
            sources.add_row(_cell(s.name, limit, style=_link(s.url)), _cell(s.domain or "-", limit),
                            _cell(s.url or "-", limit))
        console.print(sources)
    if event.related:
        related = Table(title="Related", title_justify="left", expand=True, header_style="bold",
                        caption="✗ = not in this archive", caption_justify="left")
        related.add_column("", no_wrap=True)
        related.add_column("Date", style="cyan", no_wrap=True)
        related.add_column("Title", ratio=3)
        related.add_column("Context", ratio=1, style="green")
        for r in event.related:
            related.add_row(_not_found_mark(r), _cell(_date(r), limit), _cell(r.title, limit),
                            _cell(", ".join(r.context), limit))
        console.print(related)


def _not_found_mark(link: Related) -> Text:
    from rich.text import Text

    return Text("") if link.found else Text("✗", style="red")


def _related_table(result: RelatedList, limit: int) -> Table:
    from rich.table import Table

    table = Table(title=_cell(f"Related to: {result.event.title}", limit), title_justify="left",
                  expand=True, header_style="bold", caption="✗ = not in this archive",
                  caption_justify="left")
    table.add_column("", no_wrap=True)
    table.add_column("Date", style="cyan", no_wrap=True)
    table.add_column("Title", ratio=3)
    table.add_column("Context", ratio=1, style="green")
    table.add_column("Via", style="dim", no_wrap=True)
    table.add_column("ID", style="dim", no_wrap=True, overflow="ellipsis", max_width=24)
    for row in result.rows:
        link = row.link
        table.add_row(_not_found_mark(link), _cell(_date(link), limit), _cell(link.title, limit),
                      _cell(", ".join(link.context), limit), _cell(row.via, limit),
                      _cell(link.id, limit))
    return table


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
        parts.append(f"{dangling} dangling related links not listed (--verbose lists them)")
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


def explored_rows(result: Explored) -> tuple[list[str], list[list[str]]]:
    """The header and rows: `period, count`; `name, count, first, last`; `key, value` for
    stats, a list's items keyed `per_year.2011`, `top_entities.NAME`, `categories.NAME`."""
    if isinstance(result, Timeline):
        return ["period", "count"], [[p.period, str(p.count)] for p in result.periods]
    if isinstance(result, NameList):
        return (["name", "count", "first", "last"],
                [[n.name, str(n.count), n.first, n.last] for n in result.rows])
    rows = []
    for key, value in stats_json(result).items():
        if not isinstance(value, list):
            rows.append([key, _text(value)])
            continue
        for item in value:
            label = item["period"] if "period" in item else item["name"]
            rows.append([f"{key}.{label}", str(item["count"])])
    return ["key", "value"], rows


def _write_explored(term: Terminal, result: Explored, fmt: Format) -> None:
    if fmt is Format.json:
        _write_json(term, explored_json(result))
    elif fmt is Format.jsonl:
        _write_jsonl(term, explored_json(result))
    elif fmt is Format.csv:
        header, rows = explored_rows(result)
        writer = csv.writer(term.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([printable(field) for field in row] for row in rows)
    elif term.stdout_is_tty:
        _explored_rich(term, result)
    else:
        for row in explored_rows(result)[1]:
            fields = [printable(field) for field in row]
            if term.color:  # as on a terminal: dates and periods in the date colour
                fields = [_style("date").render(field) if i == 0 and isinstance(result, Timeline)
                          else _coloured(field, ()) for i, field in enumerate(fields)]
            term.stdout.write("\t".join(fields) + "\n")


def _explored_rich(term: Terminal, result: Explored) -> None:
    console = _console(term)
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
