"""`news related NAME|ID`: an entity's timeline, or the events related to one event."""

from __future__ import annotations

from typing import Annotated

import typer

from newscli.cli.app import NewsCommand, app
from newscli.cli.completion import Completed
from newscli.cli.options import (
    CategoryOption,
    EntityOption,
    FromOption,
    LimitOption,
    OnOption,
    RelatedSortOption,
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
from newscli.output.contract import EVENT_FIELDS, RELATED_FIELDS
from newscli.query.filters import Sort

NameOrIdArgument = Annotated[str, typer.Argument(
    help="An entity name (fuzzy-matched), or an event id, short id or whole slug.",
    metavar="NAME|ID", show_default=False, click_type=Completed("name-or-event"))]
# a name gives events, an event its related rows: either's fields, checked again once known
EITHER_FIELDS = tuple(dict.fromkeys((*EVENT_FIELDS, *RELATED_FIELDS)))


@app.command(
    cls=NewsCommand,
    epilog=examples('news related "Ollanta Humala"', "news related humala --from 2011 --sort -date",
                    "news related 2011-06-06/ollanta-humala",
                    "news related 2011-06-06/ollanta-humala --fields via,title --limit 0"),
)
@shared_options()
def related(ctx: typer.Context, name_or_id: NameOrIdArgument, date_from: FromOption = None,
            date_to: ToOption = None, on: OnOption = None, category: CategoryOption = None,
            source: SourceOption = None, entity: EntityOption = None, sort: RelatedSortOption = None,
            limit: LimitOption = 20, *, shared: Shared) -> int:
    """Events about an entity (oldest first), or the events related to one event."""
    from newscli.query.related import related as run_related
    from newscli.query.search import SearchQuery

    if not name_or_id.strip():
        raise BadInput("give an entity name or an event id")
    chosen = checked_fields(shared.fields, EITHER_FIELDS, "related")
    order = Sort(sort.value) if sort else None
    wanted = SearchQuery("", filters_from(date_from, date_to, on, category, source, entity), order, limit)
    return answer(ctx, lambda index: run_related(index, name_or_id, wanted), shared, fields=chosen)
