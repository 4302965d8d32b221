"""`news check`: the archive's linter, one line a problem and then a count."""

from __future__ import annotations

from typing import Annotated

import typer

from newscli.cli.app import NewsCommand, app
from newscli.cli.options import Shared, checked_fields, examples, shared_options
from newscli.cli.run import answer
from newscli.output.contract import PROBLEM_FIELDS

VerboseOption = Annotated[bool, typer.Option(
    "--verbose", "-v", help="List each dangling related link instead of counting them.")]


@app.command(
    cls=NewsCommand,
    epilog=examples("news check", "news check --verbose",
                    "news check --json | jq -r '.[] | select(.severity == \"error\") | .path' | sort -u",
                    after="Exit status: 0 when there is no error (warnings alone, such as related "
                    "links to files the archive lacks, exit 0), 1 when there is any.  Files over "
                    "100 MB are reported, not read."),
)
@shared_options()
def check(ctx: typer.Context, verbose: VerboseOption = False, *, shared: Shared) -> int:
    """Report every problem in the archive, one line each, then a count."""
    from newscli.query.check import check as check_archive

    chosen = checked_fields(shared.fields, PROBLEM_FIELDS, "check")
    return answer(ctx, lambda index: check_archive(index, verbose), shared, fields=chosen,
                  note_skipped=False)  # the report names the skipped files
