"""`news timeline`, `news stats` and `news on-this-day`: counts over time, the archive at a
glance, and one calendar day across the years."""

from __future__ import annotations

from typing import Annotated

import typer

from newscli.cli.app import NewsCommand, app
from newscli.cli.options import (
    FromOption,
    LimitOption,
    Shared,
    ToOption,
    checked_fields,
    shared_options,
    span_from,
)
from newscli.cli.run import answer
from newscli.errors import BadInput
from newscli.output.contract import EVENT_FIELDS, STATS_FIELDS, TIMELINE_FIELDS
from newscli.query.filters import Period

NameOrQueryArgument = Annotated[str, typer.Argument(
    help="An entity name (fuzzy-matched), or words to search for.", metavar="NAME|QUERY",
    show_default=False)]
ByOption = Annotated[Period, typer.Option("--by", help="Count per year, month, week (ISO) or day.")]
AsSearchOption = Annotated[bool, typer.Option("--query",
                                              help="Read the argument as a search, never as a name.")]
TopLimitOption = Annotated[int, typer.Option("--limit", "-n", min=0,
                                              help="Names in each top list; 0 for all.")]
DayArgument = Annotated[str, typer.Argument(
    help="A day of the year: MM-DD (06-06, 6-6), today or yesterday. [default: today]",
    metavar="[MM-DD]", show_default=False)]


@app.command(
    "timeline",
    cls=NewsCommand,
    epilog="Examples:\n\n  news timeline \"Ollanta Humala\"\n\n"
    "  news timeline humala --by month --from 2011 --to 2011\n\n"
    "  news timeline --query \"state of emergency\" --json | jq -r '.[] | [.period, .count] | @tsv'\n\n"
    "A name is matched as `news related NAME` matches it; text that names no entity (or any "
    "text, with --query) counts the events `news search TEXT --limit 0` finds.",
)
@shared_options()
def timeline_command(ctx: typer.Context, name_or_query: NameOrQueryArgument, by: ByOption = Period.year,
                     as_search: AsSearchOption = False, date_from: FromOption = None,
                     date_to: ToOption = None, *, shared: Shared) -> int:
    """How many events per year (month, week, day) mention a name or match a search."""
    from newscli.query.explore import TimelineQuery, timeline

    if not name_or_query.strip():
        raise BadInput("give a name or words to search for")
    chosen = checked_fields(shared.fields, TIMELINE_FIELDS, "timeline")
    wanted = TimelineQuery(name_or_query, by, span_from(date_from, date_to), as_search)
    return answer(ctx, lambda index: timeline(index, wanted), shared, fields=chosen)


@app.command(
    cls=NewsCommand,
    epilog="Examples:\n\n  news stats\n\n  news stats --from 2011 --to 2011\n\n"
    "  news stats --json | jq '.per_year[] | select(.count > 5000)'\n\n"
    "  news stats | grep ^top_sources",
)
@shared_options()
def stats(ctx: typer.Context, limit: TopLimitOption = 10, date_from: FromOption = None,
          date_to: ToOption = None, *, shared: Shared) -> int:
    """The archive at a glance: events, days, dates, events per year, top names, categories."""
    from newscli.query.explore import stats as archive_stats

    chosen = checked_fields(shared.fields, STATS_FIELDS, "stats")
    span = span_from(date_from, date_to)
    return answer(ctx, lambda index: archive_stats(index, span, limit), shared, fields=chosen)


@app.command(
    "on-this-day",
    cls=NewsCommand,
    epilog="Examples:\n\n  news on-this-day\n\n  news on-this-day 06-06 --limit 0\n\n"
    "  news on-this-day yesterday --from 2010 --json | jq -r '.[].title'",
)
@shared_options()
def on_this_day_command(ctx: typer.Context, day: DayArgument = "today", limit: LimitOption = 20,
                        date_from: FromOption = None, date_to: ToOption = None, *, shared: Shared) -> int:
    """The events of one calendar day in every year, newest first."""
    from newscli.model.dates import parse_month_day
    from newscli.query.explore import on_this_day

    chosen = checked_fields(shared.fields, EVENT_FIELDS, "on-this-day")
    month, mday = parse_month_day(day)  # bad input before any reading
    span = span_from(date_from, date_to)
    return answer(ctx, lambda index: on_this_day(index, month, mday, limit, span), shared, fields=chosen)
