"""Every command's last steps: open the archive's index (a progress bar on stderr while it
is brought up to date), ask the query, and hand the result to the output."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from newscli.cli.root import state_of
from newscli.cli.streams import silence_stdout, writing_output
from newscli.errors import BadInput, ExitStatus
from newscli.output.terminal import Format, Terminal

# the queries' results and the output are imported when a command answers, not when a
# command module is (a Tab imports the command it completes, and nothing it answers with)
if TYPE_CHECKING:
    from newscli.cli.options import Shared
    from newscli.index.reader import Index
    from newscli.model.results import Explored, Result

T = TypeVar("T")


def terminal_for(ctx: typer.Context, shared: Shared) -> Terminal:
    """The terminal as the top-level options set it, with this command's --color and --no-pager."""
    return state_of(ctx).terminal.with_color(shared.color).without_pager(shared.no_pager)


def answer(ctx: typer.Context, query: Callable[[Index], Result | Explored], shared: Shared, *,
           fields: Sequence[str] | None = None, note_skipped: bool = True, rebuild: bool = False) -> int:
    """Open the archive's index, run `query` on it and print the result: every command's last
    step."""
    from newscli.output.render import ids_shown

    output = shared.output  # conflicting formats fail before any reading
    terminal = terminal_for(ctx, shared)
    wants_short_ids = output is Format.table and terminal.stdout_is_tty and fields is None

    def query_and_short_ids(index: Index) -> tuple[Result | Explored, dict[str, str]]:
        result = query(index)
        return result, index.short_ids(ids_shown(result)) if wants_short_ids else {}

    result, short_ids = ask(ctx, query_and_short_ids, shared, note_skipped=note_skipped, rebuild=rebuild)
    return render_result(result, output, terminal, fields, short_ids)


def ask(ctx: typer.Context, question: Callable[[Index], T], shared: Shared, *,
        note_skipped: bool = True, rebuild: bool = False) -> T:
    """Open the archive's index (a progress bar on stderr while it is brought up to date)
    and ask it `question`."""
    from newscli.index.store import answer as answer_from_index
    from newscli.output.messages import indexing_progress, note_line

    state = state_of(ctx)

    def with_skipped(index: Index) -> tuple[T, int]:
        return question(index), index.skipped

    with indexing_progress(state.terminal) as progress:
        found, skipped = answer_from_index(
            data_dir_of(ctx, shared), with_skipped, progress=progress,
            use_cache=not (state.no_cache or shared.no_cache), rebuild=rebuild,
            notify=lambda message: note_line(state.terminal, message))
    if skipped and note_skipped:
        note_line(state.terminal, f"{skipped} file{'s' if skipped != 1 else ''} skipped; run news check")
    return found


def data_dir_of(ctx: typer.Context, shared: Shared) -> Path:
    """The archive folder the options name (-d after the command, else before it), or the
    bundled sample."""
    from newscli.archive.location import default_data_dir

    folder = shared.data_dir if shared.data_dir is not None else state_of(ctx).data_dir
    if folder is not None and not folder.strip():
        raise BadInput("the data directory is empty (see --data-dir and NEWS_DATA_DIR)")
    return Path(folder) if folder else default_data_dir()


def render_result(result: Result | Explored, output: Format, terminal: Terminal,
                  fields: Sequence[str] | None = None, short_ids: Mapping[str, str] | None = None) -> int:
    """Print `result` in `output`'s format: the exit status it calls for."""
    from newscli.output.render import render

    try:
        with writing_output():
            return render(result, output, terminal, fields=fields, short_ids=short_ids)
    except BrokenPipeError:  # `news ... | head -1`: the reader has all it wanted
        silence_stdout()
        return ExitStatus.BROKEN_PIPE
