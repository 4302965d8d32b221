"""What every run needs before it knows its command: the top-level options, and the state
they leave for the command.  Light on purpose (typer and our terminal object only): the
command itself, with the queries and the output it needs, is imported only once it is
known (app.py's `NewsGroup.get_command`)."""

from __future__ import annotations

from typing import Annotated

import typer

from newscli.output.terminal import ColorChoice, Terminal

ColorOption = Annotated[
    ColorChoice | None,
    typer.Option("--color", help="Colour: auto (a terminal without NO_COLOR), always, never.",
                 show_default=False),
]
NoPagerOption = Annotated[
    bool, typer.Option("--no-pager", help="Never page output longer than the screen. [pager: "
                       "NEWS_PAGER, else PAGER, else less -FRX]")
]
# read from the command line by NewsGroup.main; declared so that every command accepts it
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the traceback of any error.")]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Parse every file again; neither read nor write the index.")
]


class State:
    """What the top-level options said, for the commands to combine with their own."""

    def __init__(self, terminal: Terminal, data_dir: str | None, no_cache: bool) -> None:
        self.terminal = terminal
        self.data_dir = data_dir
        self.no_cache = no_cache


def state_of(ctx: typer.Context) -> State:
    return ctx.find_root().obj  # type: ignore[no-any-return]
