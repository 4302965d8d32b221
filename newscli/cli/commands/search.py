"""`news search QUERY`: ranked, typo-tolerant full-text search with filters."""

from __future__ import annotations

from typing import Annotated

import typer

from newscli.cli.app import NewsCommand, app
from newscli.cli.options import (
    CategoryOption,
    EntityOption,
    FromOption,
    LimitOption,
    OnOption,
    SearchSortOption,
    Shared,
    SourceOption,
    ToOption,
    checked_fields,
    examples,
    filters_from,
    shared_options,
)
from newscli.cli.run import answer
from newscli.errors import BadInput
from newscli.output.contract import SEARCH_FIELDS
from newscli.query.filters import Sort

QueryArgument = Annotated[str, typer.Argument(
    help="Words to look for; \"quoted words\" must appear together.", show_default=False, metavar="QUERY")]


@app.command(
    cls=NewsCommand,
    epilog=examples('news search "peru runoff"', "news search fujimoro --from 2011 --to 2016-06",
                    "news search '\"state of emergency\"' --sort -date --limit 5",
                    "news search --entity \"Keiko Fujimori\" --json | jq -r '.[].title'",
                    "news search humala --fields id,score | sort -t$'\\t' -k2 -rn"),
)
@shared_options()
def search(ctx: typer.Context, query: QueryArgument = "", date_from: FromOption = None,
           date_to: ToOption = None, on: OnOption = None, category: CategoryOption = None,
           source: SourceOption = None, entity: EntityOption = None, sort: SearchSortOption = None,
           limit: LimitOption = 20, *, shared: Shared) -> int:
    """Search the archive: ranked, typo-tolerant, with date and other filters."""
    from newscli.query.search import SearchQuery
    from newscli.query.search import search as run_search

    chosen = checked_fields(shared.fields, SEARCH_FIELDS, "search")
    filters = filters_from(date_from, date_to, on, category, source, entity)
    if not query.strip() and not filters.any():
        raise BadInput("empty query: give words to search for, or a filter such as --on 2011-06-06")
    wanted = SearchQuery(query, filters, sort or Sort.relevance, limit)
    return answer(ctx, lambda index: run_search(index, wanted), shared, fields=chosen)
