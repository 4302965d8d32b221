"""`news show DATE|ID`: the events of a day, month, year or range, or one event in full;
`--web` and `--edit` hand the event to the browser or the editor."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newscli.cli.app import NewsCommand, app
from newscli.cli.completion import Completed
from newscli.cli.options import (
    DateSort,
    LimitOption,
    Shared,
    ShowSortOption,
    checked_fields,
    examples,
    shared_options,
)
from newscli.cli.root import state_of
from newscli.cli.run import answer, ask, render_result
from newscli.errors import BadInput, ExitStatus, NothingFound
from newscli.model.event import web_address
from newscli.output.contract import EVENT_FIELDS
from newscli.output.messages import note_line
from newscli.output.terminal import Format

if TYPE_CHECKING:
    from newscli.model.event import Event
    from newscli.output.terminal import Terminal

WhatArgument = Annotated[str, typer.Argument(
    help="A day (2011-06-06, 2011-6-6, 2011/06/06), a month (2011-06), a year (2011), "
    "or an event: its id, short id (as a terminal shows it), slug or unambiguous slug prefix.",
    metavar="DATE|ID", click_type=Completed("date-or-event"))]
WebOption = Annotated[bool, typer.Option("--web", help="Open the event's first source in the web "
                                         "browser (BROWSER is honoured).")]
EditOption = Annotated[bool, typer.Option("--edit", help="Edit the event's file with VISUAL, else EDITOR.")]


@app.command(
    cls=NewsCommand,
    epilog=examples("news show 2011-06-06", "news show 2011 -n 10 --sort -date",
                    "news show 2011-06 --json | jq length", "news show 2011-06-06/ollanta-humala",
                    "news show ollanta-humala-is-elected --web",
                    "news show 2011-06-06 --fields id,title,entities --format csv"),
)
@shared_options()
def show(ctx: typer.Context, what: WhatArgument, limit: LimitOption = 0, sort: ShowSortOption = None,
         web: WebOption = False, edit: EditOption = False, *, shared: Shared) -> int:
    """Show the events of a day, month or year (all, unless --limit), or one event in full."""
    from newscli.model.dates import looks_like_date, parse_date_range
    from newscli.query.show import show as show_query

    if not what.strip():
        raise BadInput("give a date or an event id")
    chosen = checked_fields(shared.fields, EVENT_FIELDS, "show")
    if web and edit:
        raise BadInput("--web and --edit: choose one")
    if looks_like_date(what):
        parse_date_range(what)  # an impossible date is bad input before any loading
        if web or edit:
            raise BadInput(f"{'--web' if web else '--edit'} takes an event id, not a date")
    if web or edit:
        return open_event(ctx, what, shared, web=web, edit=edit)
    newest = sort is DateSort.newest
    return answer(ctx, lambda index: show_query(index, what, limit, newest), shared, fields=chosen)


def open_event(ctx: typer.Context, what: str, shared: Shared, *, web: bool, edit: bool) -> int:
    """`show ID --web` and `--edit`: hand the event's first web address to the browser, or its
    file to the editor."""
    from newscli.output.terminal import editor_command
    from newscli.query.show import show_event

    terminal = state_of(ctx).terminal
    editor = editor_command(os.environ) if edit else None
    if edit and editor is None:
        raise BadInput("set VISUAL or EDITOR to the editor to use")
    detail, root = ask(ctx, lambda index: (show_event(index, what), index.root), shared)
    if detail.event is None:
        return render_result(detail, Format.table, terminal)  # why nothing was found: exit 1
    if editor is not None:
        return edit_file(terminal, editor, detail.event, root)
    url = next((web_address(s.url) for s in detail.event.sources if web_address(s.url)), None)
    if url is None:
        raise NothingFound(f"{detail.event.id} has no source with a web address")
    note_line(terminal, f"opening {url}")
    if not terminal.launcher.browse(url):
        raise NothingFound(f"no web browser could be started for {url} (see BROWSER)")
    return ExitStatus.OK


def edit_file(terminal: Terminal, editor: list[str], event: Event, root: str) -> int:
    path = str(Path(root) / event.path)
    try:
        status = terminal.launcher.edit([*editor, path])
    except OSError as exc:
        raise BadInput(f"cannot run the editor {editor[0]!r}: {exc.strerror or exc}") from None
    if status:
        raise NothingFound(f"the editor {editor[0]!r} exited with status {status}")
    return ExitStatus.OK
