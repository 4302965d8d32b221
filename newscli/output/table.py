"""The terminal sink: what a person reads on a screen (listings, one event in full, the
report of `check`, `index` and `cache`, charts), through the pager when it is longer than
the screen.  Links (OSC 8) are made only to a source's own well-formed web address."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TextIO
from urllib.parse import quote

from newscli.model.event import Event, Problem, web_address
from newscli.model.results import (
    CacheReport,
    EventDetail,
    EventList,
    IndexReport,
    NameList,
    RelatedList,
    Result,
    Stats,
    Timeline,
)
from newscli.output.charts import draw_explored
from newscli.output.escape import cell_limit, cut
from newscli.output.fields import Shown, index_json, shown_problems, timestamp
from newscli.output.listing import STACKED_BELOW, event_row, heading, link_row, listing, related_lines
from newscli.output.style import Paint, cell, fields_grid, screen_console
from newscli.output.terminal import Terminal

if TYPE_CHECKING:
    from rich.console import Console
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text


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


class TableSink:
    """What a terminal shows; `short_ids` maps an event id to the short form shown."""

    def __init__(self, term: Terminal, short_ids: Mapping[str, str]) -> None:
        self.term = term
        self.short_ids = short_ids

    def write(self, result: Shown, fields: Sequence[str] | None) -> None:
        """Draw `result` for the screen, then show it there: through the pager when it is
        longer than the screen (terminal.py decides)."""
        if isinstance(result, (Timeline, NameList, Stats)):
            screen = draw_explored(self.term, result)
        else:
            screen = _draw(self.term, result, self.short_ids)
        self.term.write_screen(screen)


def _draw(term: Terminal, result: Result, short_ids: Mapping[str, str]) -> str:
    screen = io.StringIO()
    console = screen_console(term, screen)
    paint = Paint(term.color)
    limit = cell_limit(term.width)
    if isinstance(result, EventList):
        if result.events:
            rows = [event_row(event, short_ids, result.highlight, limit) for event in result.events]
            print_lines(screen, [*heading(result.caption, term.width, paint),
                                  *listing(rows, term.width, paint)])
    elif isinstance(result, EventDetail):
        if result.event:
            _print_detail(console, screen, result.event, term.width, paint, short_ids)
    elif isinstance(result, RelatedList):
        if result.rows:
            print_lines(screen, related_lines(result, term.width, paint, short_ids))
    elif isinstance(result, IndexReport):
        console.print(fields_grid(index_json(result), limit))
    elif isinstance(result, CacheReport):
        if result.rows:
            console.print(_cache_table(result, limit))
    else:
        for problem in shown_problems(result):
            console.print(_problem_text(problem, limit))
    return screen.getvalue()


def print_lines(screen: TextIO, lines: Iterable[str]) -> None:
    screen.write("".join(f"{line}\n" for line in lines))


def _print_detail(console: Console, screen: TextIO, event: Event, width: int, paint: Paint,
                  short_ids: Mapping[str, str]) -> None:
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    limit = cell_limit(width)
    console.print(cell(event.title, limit, style="bold"))
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column(overflow="fold")
    fields.add_row("id", _id_cell(short_ids.get(event.id, event.id), event, limit))
    for name, value in (("date", event.date.isoformat()), ("category", event.category),
                        ("story", event.story), ("entities", ", ".join(event.entities)),
                        ("path", event.path)):
        fields.add_row(name, cell(value or "-", limit))
    console.print(fields)
    if event.sources and width < STACKED_BELOW:  # each source's name and domain, its URL below
        console.print(Text("Sources", style="bold"))
        for s in event.sources:
            console.print(Text.assemble(cell(s.name, limit, style=_link(s.url)), "  ",
                                        cell(s.domain or "", limit, style="cyan")), overflow="fold")
            if s.url:
                console.print(Padding(cell(s.url, limit, style="dim"), (0, 0, 0, 2)), overflow="fold")
    elif event.sources:
        sources = Table(title="Sources", title_justify="left", expand=True, header_style="bold")
        sources.add_column("Name", no_wrap=True)
        sources.add_column("Domain", style="cyan", no_wrap=True)
        sources.add_column("URL", overflow="fold", ratio=1)
        for s in event.sources:
            sources.add_row(cell(s.name, limit, style=_link(s.url)), cell(s.domain or "-", limit),
                            cell(s.url or "-", limit))
        console.print(sources)
    if event.related:
        rows = [link_row(r, short_ids, limit) for r in event.related]
        lines = ["", paint("Related", "bold"), *listing(rows, width, paint)]
        if any(not r.found for r in event.related):
            lines.append(paint("✗ = not in this archive", "dim"))
        console.file.flush()
        print_lines(screen, lines)


def _id_cell(shown: str, event: Event, limit: int) -> Text:
    from rich.text import Text

    date, slash, rest = cut(shown, limit).partition("/")
    if slash and date == event.date.isoformat():
        return Text.assemble((date, "cyan"), (slash + rest, "green"))
    return Text(cut(shown, limit), style="green")


def _cache_table(report: CacheReport, limit: int) -> Table:
    from rich.table import Table

    caption = f"in {report.folder}" + (" (removed)" if report.removed else "")
    table = Table(caption=cell(caption, limit, style="table.caption"), caption_justify="left",
                  expand=True, header_style="bold")
    table.add_column("Archive", ratio=1)
    table.add_column("Size", justify="right", no_wrap=True)
    table.add_column("Refreshed", style="cyan", no_wrap=True)
    table.add_column("Exists", no_wrap=True)
    table.add_column("Watcher", no_wrap=True)
    for row in report.rows:
        table.add_row(cell(row.archive or "?", limit), _size(row.size), timestamp(row.refreshed) or "-",
                      "yes" if row.archive_exists else cell("no", limit, style="red"),
                      f"pid {row.watcher}" if row.watcher else "-")
    return table


def _size(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    raise AssertionError("unreachable")  # pragma: no cover


def _problem_text(problem: Problem, limit: int) -> Text:
    from rich.text import Text

    style = "red" if problem.severity == "error" else "yellow"
    text = Text.assemble((cut(problem.path, limit), "bold"), ": ", (problem.severity, style), ": ",
                         cut(problem.problem, limit))
    if problem.detail:
        text.append(f" ({cut(problem.detail, limit)})", style="dim")
    return text
