"""The pieces of rich every drawing shares: named styles, paint for text drawn by hand, a
console for the screen, and a cell of archive text that is never read as markup.

rich is imported only where a terminal is drawn on: piped and JSON output, the common case
in scripts, starts without it."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

from newscli.model.words import WORD, words
from newscli.output.escape import cut, text_value
from newscli.output.terminal import Terminal

if TYPE_CHECKING:
    from rich.console import Console
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text


@cache
def named_style(name: str) -> Style:
    from rich.style import Style

    specs = {"date": "cyan", "dim": "dim", "word": "bold yellow", "error": "red",
             "warning": "yellow", "slug": "green", "bold": "bold", "missing": "red"}
    return Style.parse(specs[name])


def screen_console(term: Terminal, file: TextIO) -> Console:
    from rich.console import Console

    return Console(file=file, force_terminal=True, no_color=not term.color,
                   width=term.width, highlight=False)


def cell(text: str, limit: int, style: str | Style = "") -> Text:
    """Archive text for rich: escaped, cut to what a screen shows, and never read as markup."""
    from rich.text import Text

    return Text(cut(text, limit), style=style)


class Paint:
    """ANSI styles, or none when colour is off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        if not text:
            return text
        # colour off (NO_COLOR, --color never) keeps bold and dim, as rich does
        return (named_style(style) if self.color else named_style(style).without_color).render(text)

    def words(self, text: str, terms: Sequence[str]) -> str:
        if not (self.color and terms):
            return text
        wanted = set(terms)
        return WORD.sub(lambda m: self(m.group(0), "word")
                        if (words(m.group(0)) or [""])[0] in wanted else m.group(0), text)


def fields_grid(fields: dict[str, Any], limit: int) -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for name, value in fields.items():
        grid.add_row(name, cell(text_value(value), limit))
    return grid
