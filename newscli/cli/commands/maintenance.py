"""`news index` and `news cache`: bring the index up to date and say where it is; list and
remove the indexes in the cache folder."""

from __future__ import annotations

from typing import Annotated

import typer

from newscli.cli.app import NewsCommand, app
from newscli.cli.options import Shared, examples, shared_options
from newscli.cli.run import answer, render_result, terminal_for
from newscli.errors import BadInput

RebuildOption = Annotated[bool, typer.Option("--rebuild", help="Make the index again from nothing.")]
ClearOption = Annotated[bool, typer.Option("--clear", help="Remove every index.")]
PruneOption = Annotated[bool, typer.Option("--prune", help="Remove the indexes of archives that are gone.")]


@app.command(
    "index",
    cls=NewsCommand,
    epilog=examples("news index", "news -d ~/archive index --rebuild",
                    "sqlite3 \"$(news index --json | jq -r .database)\" 'SELECT count(*) FROM events'",
                    after="Every command brings the index up to date by itself; this one says what "
                    "it did and where the database is."),
)
@shared_options(with_fields=False)
def index_command(ctx: typer.Context, rebuild: RebuildOption = False, *, shared: Shared) -> int:
    """Bring the index up to date now and report files, events, changes, time and its path."""
    from newscli.query.cache import index_report

    return answer(ctx, index_report, shared, note_skipped=False, rebuild=rebuild)


@app.command(
    "cache",
    cls=NewsCommand,
    epilog=examples("news cache", "news cache --prune", "news cache --json | jq -r '.[].archive'"),
)
@shared_options(with_fields=False, reads_archive=False)
def cache_command(ctx: typer.Context, clear: ClearOption = False, prune: PruneOption = False, *,
                  shared: Shared) -> int:
    """List the indexes in the cache folder (archive, size, last refreshed, whether it exists)."""
    from newscli.query.cache import cache_report

    output = shared.output
    if clear and prune:
        raise BadInput("--clear already removes what --prune would; give one of them")
    return render_result(cache_report(clear, prune), output, terminal_for(ctx, shared))
