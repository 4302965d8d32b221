"""`news entities`, `news sources` and `news stories`: the names an archive holds, each with
its number of events and its first and last dates."""

from __future__ import annotations

import typer

from newscli.cli.app import NewsCommand, app
from newscli.cli.options import (
    FromOption,
    LimitOption,
    NameSortOption,
    PatternArgument,
    Shared,
    ToOption,
    checked_fields,
    shared_options,
    span_from,
)
from newscli.cli.run import answer
from newscli.errors import BadInput
from newscli.output.contract import NAME_FIELDS
from newscli.query.filters import NameSort


def list_names(ctx: typer.Context, kind: str, pattern: str | None, sort: NameSort, limit: int,
               date_from: str | None, date_to: str | None, shared: Shared) -> int:
    from newscli.query.names import NamesQuery, names

    if pattern is not None and not pattern.strip():
        raise BadInput("the pattern is empty: give some of a name, or none for all")
    chosen = checked_fields(shared.fields, NAME_FIELDS, kind)
    span = span_from(date_from, date_to)
    wanted = NamesQuery(kind, pattern.strip() if pattern else None, sort, limit, span)
    return answer(ctx, lambda index: names(index, wanted), shared, fields=chosen)


@app.command(
    cls=NewsCommand,
    epilog="Examples:\n\n  news entities\n\n  news entities fujimori\n\n"
    "  news entities --from 2011 --to 2011 --limit 5\n\n"
    "  news entities --sort first --json | jq -r '.[0].name'\n\n"
    "count is the number of events that list the name.",
)
@shared_options()
def entities(ctx: typer.Context, pattern: PatternArgument = None, sort: NameSortOption = NameSort.by_count,
             limit: LimitOption = 20, date_from: FromOption = None, date_to: ToOption = None, *,
             shared: Shared) -> int:
    """The archive's entities with their number of events, first and last dates."""
    return list_names(ctx, "entities", pattern, sort, limit, date_from, date_to, shared)


@app.command(
    cls=NewsCommand,
    epilog="Examples:\n\n  news sources\n\n  news sources reuters\n\n"
    "  news sources --sort last --limit 0 | cut -f1,4",
)
@shared_options()
def sources(ctx: typer.Context, pattern: PatternArgument = None, sort: NameSortOption = NameSort.by_count,
            limit: LimitOption = 20, date_from: FromOption = None, date_to: ToOption = None, *,
            shared: Shared) -> int:
    """The sources events cite, with their number of events, first and last dates."""
    return list_names(ctx, "sources", pattern, sort, limit, date_from, date_to, shared)


@app.command(
    cls=NewsCommand,
    epilog="Examples:\n\n  news stories\n\n  news stories \"civil war\" --sort first\n\n"
    "  news stories libya --json | jq -r '.[] | \"\\(.count) \\(.name)\"'\n\n"
    "A story is the frontmatter's story field, which only part of an archive may carry.",
)
@shared_options()
def stories(ctx: typer.Context, pattern: PatternArgument = None, sort: NameSortOption = NameSort.by_count,
            limit: LimitOption = 20, date_from: FromOption = None, date_to: ToOption = None, *,
            shared: Shared) -> int:
    """The stories events belong to, with their number of events, first and last dates."""
    return list_names(ctx, "stories", pattern, sort, limit, date_from, date_to, shared)
