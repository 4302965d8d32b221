"""Drawing the exploring commands' results on a terminal: bar charts of events per period
(to an eighth of a character), the summary of a timeline, tables of names, `stats`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newscli.model.results import Explored, NameCount, NameList, PeriodCount, Stats, Timeline
from newscli.output.escape import cell_limit
from newscli.output.fields import stats_json
from newscli.output.style import cell, fields_grid, screen_console
from newscli.output.terminal import Terminal

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text


def draw_explored(term: Terminal, result: Explored) -> str:
    """`result` drawn for the screen."""
    screen = io.StringIO()
    console = screen_console(term, screen)
    limit = cell_limit(term.width)
    if isinstance(result, Timeline):
        if result.periods:
            _print_timeline(console, result, term.width, limit)
    elif isinstance(result, NameList):
        if result.rows:
            console.print(names_table(result.rows, limit, cell(result.caption, limit,
                                                                 style="table.caption")))
    else:
        _print_stats(console, result, term.width, limit)
    return screen.getvalue()


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
    console.print(Text.assemble(cell(result.subject, limit, style="bold"),
                                f": {count} event{'s' if count != 1 else ''}, per {result.by}"))
    console.print(bar_chart(result.periods, width))
    summary = Table.grid(padding=(0, 2), expand=True)
    summary.add_column(style="dim", no_wrap=True, min_width=7)
    summary.add_column(style="cyan", no_wrap=True, min_width=10)
    summary.add_column(no_wrap=True, overflow="ellipsis", ratio=1)  # one line each: `show` has the rest
    for label, event in (("first", result.first), ("last", result.last)):
        if event is not None:
            summary.add_row(label, event.date.isoformat(), cell(event.title, limit))
    busiest = result.busiest
    if busiest is not None:
        summary.add_row("busiest", busiest.period,
                        f"{busiest.count} event{'s' if busiest.count != 1 else ''}")
    console.print(summary)


def names_table(rows: Sequence[NameCount], limit: int, caption: Text | None = None,
                 title: str | None = None) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", caption=caption, caption_justify="left",
                  expand=True, header_style="bold")
    table.add_column("Name", ratio=1)
    table.add_column("Events", justify="right", no_wrap=True)
    table.add_column("First", style="cyan", no_wrap=True)
    table.add_column("Last", style="cyan", no_wrap=True)
    for row in rows:
        table.add_row(cell(row.name, limit), str(row.count), row.first, row.last)
    return table


def _print_stats(console: Console, stats: Stats, width: int, limit: int) -> None:
    fields = {key: value for key, value in stats_json(stats).items() if not isinstance(value, list)}
    console.print(fields_grid(fields, limit))
    if stats.per_year:
        console.print()
        console.print("Events per year", style="bold")
        console.print(bar_chart(stats.per_year, width))
    for title, rows in (("Top entities", stats.top_entities), ("Top sources", stats.top_sources),
                        ("Categories", stats.categories)):
        if rows:
            console.print()
            console.print(names_table(rows, limit, title=title))
