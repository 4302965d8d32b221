"""`news watch`: keep the index current as files change, so that queries skip the walk."""

from __future__ import annotations

from typing import Annotated

import typer

from newscli.cli.app import NewsCommand, app
from newscli.cli.options import Shared, examples, shared_options
from newscli.cli.root import state_of
from newscli.cli.run import data_dir_of, terminal_for
from newscli.errors import BadInput
from newscli.output.messages import indexing_progress, note_line

DetachOption = Annotated[
    bool, typer.Option("--detach", help="Run in the background, and return once it answers.")]
StopOption = Annotated[bool, typer.Option("--stop", help="Stop the archive's watcher.")]


@app.command(
    "watch",
    cls=NewsCommand,
    epilog=examples("news watch", "news -d ~/archive watch --detach", "news watch --stop",
                    after="With a watcher running, a query asks it instead of listing the archive; "
                    "without one, or when it does not answer at once, queries work as before."),
)
@shared_options(with_fields=False)
def watch_command(ctx: typer.Context, detach: DetachOption = False, stop: StopOption = False, *,
                  shared: Shared) -> None:
    """Watch the archive (Linux's inotify) and apply each change to the index as it happens."""
    from newscli.query import watch

    terminal, data_dir = terminal_for(ctx, shared), data_dir_of(ctx, shared)
    if shared.no_cache or state_of(ctx).no_cache:
        raise BadInput("news watch keeps the index in the cache folder: --no-cache leaves none to keep")
    if detach and stop:
        raise BadInput("give --detach or --stop, not both")
    if stop:
        note_line(terminal, f"stopped the watcher (pid {watch.stop(data_dir)})")
    elif detach:
        note_line(terminal, f"watching in the background (pid {watch.detach(data_dir)}); "
                  "news watch --stop ends it")
    else:
        with indexing_progress(terminal) as progress:
            watch.watch_here(data_dir, lambda line: note_line(terminal, line), progress)
