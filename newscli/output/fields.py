"""The JSON contract and the rows every format is made from: the objects of each kind of
result, the fields `--fields` may pick, and the header and rows of the piped form and CSV.

A JSON object is the result's fields; a piped or CSV row holds the same values in the same
order (null empty, booleans `true`/`false`, lists of names joined with "; "), so a field is
its JSON key everywhere."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from newscli.errors import BadInput
from newscli.model.event import DANGLING, Event, Problem, Related, Source
from newscli.model.results import (
    CacheReport,
    CacheRow,
    CheckReport,
    EventDetail,
    EventList,
    Explored,
    IndexReport,
    NameCount,
    NameList,
    PeriodCount,
    RelatedList,
    RelatedRow,
    Result,
    Stats,
    Timeline,
)
from newscli.output.contract import (
    DETAIL_FIELDS,
    EVENT_FIELDS,
    NAME_FIELDS,
    PROBLEM_FIELDS,
    RELATED_FIELDS,
    RELATED_ROW_FIELDS,
    ROW_FIELDS,
    SEARCH_FIELDS,
    SEARCH_ROW_FIELDS,
    STATS_FIELDS,
    TIMELINE_FIELDS,
)
from newscli.output.escape import json_text, printable, text_value

Shown = Result | Explored  # everything a command may hand the output




def source_json(source: Source) -> dict[str, Any]:
    return {"name": source.name, "url": source.url, "domain": source.domain}


def related_json(link: Related) -> dict[str, Any]:
    return {
        "id": link.id,
        "date": link.date.isoformat() if link.date else None,
        "title": link.title,
        "context": list(link.context),
        "found": link.found,
    }


def event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "date": event.date.isoformat(),
        "title": event.title,
        "category": event.category,
        "story": event.story,
        "entities": list(event.entities),
        "sources": [source_json(s) for s in event.sources],
        "related": [related_json(r) for r in event.related],
        "path": event.path,
        "extra": event.extra,
    }


def related_row_json(row: RelatedRow) -> dict[str, Any]:
    link = row.link
    return {"id": link.id, "date": link.date.isoformat() if link.date else None, "title": link.title,
            "via": row.via, "found": link.found, "context": list(link.context),
            "score": round(row.score, 4), "reasons": list(row.reasons)}


def problem_json(problem: Problem) -> dict[str, Any]:
    return {"path": problem.path, "severity": problem.severity, "problem": problem.problem,
            "detail": problem.detail}


def json_items(result: Shown) -> list[dict[str, Any]] | dict[str, Any] | None:
    """A list for results that list things, an object (or null) for a single event, one
    object for `news index` and `news stats`."""
    if isinstance(result, (Timeline, NameList, Stats)):
        return explored_json(result)
    if isinstance(result, EventList):
        items = [event_json(e) for e in result.events]
        if result.scores is not None:
            for item, score in zip(items, result.scores, strict=True):
                item["score"] = round(score, 4)
        elif result.scored:
            for item in items:
                item["score"] = None
        return items
    if isinstance(result, EventDetail):
        return event_json(result.event) if result.event else None
    if isinstance(result, RelatedList):
        return [related_row_json(row) for row in result.rows]
    if isinstance(result, IndexReport):
        return index_json(result)
    if isinstance(result, CacheReport):
        return [cache_json(row) for row in result.rows]
    return [problem_json(p) for p in result.problems]  # JSON lists dangling links too


def index_json(report: IndexReport) -> dict[str, Any]:
    return {"files": report.files, "events": report.events, "skipped": report.skipped,
            "added": report.added, "changed": report.changed, "removed": report.removed,
            "parsed": report.parsed, "seconds": round(report.seconds, 3), "database": report.database,
            "watched": report.watched}


def cache_json(row: CacheRow) -> dict[str, Any]:
    return {"archive": row.archive, "size": row.size, "refreshed": timestamp(row.refreshed),
            "archive_exists": row.archive_exists, "database": row.database, "watcher": row.watcher}


def timestamp(seconds: float | None) -> str | None:
    import datetime as dt

    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(seconds).astimezone().isoformat(timespec="seconds")


def fields_of(result: Shown) -> tuple[str, ...]:
    """Every field the rows of `result` have, in their JSON order."""
    if isinstance(result, (Timeline, NameList, Stats)):
        return explored_fields(result)
    if isinstance(result, EventList):
        return SEARCH_FIELDS if result.scored else EVENT_FIELDS
    if isinstance(result, EventDetail):
        return EVENT_FIELDS
    if isinstance(result, RelatedList):
        return RELATED_FIELDS
    if isinstance(result, CheckReport):
        return PROBLEM_FIELDS
    if isinstance(result, IndexReport):
        return ("field", "value")
    return ("archive", "size", "refreshed", "archive_exists", "database", "watcher")


def row_fields(result: Shown) -> tuple[str, ...]:
    """The fields of a piped or CSV row when --fields is not given."""
    if isinstance(result, EventList):
        return SEARCH_ROW_FIELDS if result.scored else ROW_FIELDS
    if isinstance(result, RelatedList):
        return RELATED_ROW_FIELDS
    if isinstance(result, EventDetail):
        return DETAIL_FIELDS
    return fields_of(result)


def parse_fields(text: str, valid: Sequence[str], what: str) -> tuple[str, ...]:
    """`--fields a,b,c` as field names, in order and once each; BadInput (exit 2) for a
    field `what` (a command, a kind of row) does not have, naming those it has."""
    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    if not names:
        raise BadInput(f"--fields needs field names; {what} has: {', '.join(valid)}")
    unknown = [name for name in names if name not in valid]
    if unknown:
        listed = ", ".join(repr(printable(name)) for name in unknown)
        raise BadInput(f"unknown field{'s' if len(unknown) > 1 else ''} {listed} for {what}; "
                       f"valid fields: {', '.join(valid)}")
    return names


def what(result: Shown) -> str:
    """What holds the fields, for the message naming a wrong one."""
    if isinstance(result, (Timeline, NameList, Stats)):
        return f"news {result_name(result)}"
    if isinstance(result, RelatedList):
        return "the events related to an event"
    if isinstance(result, CheckReport):
        return "news check"
    return "search results" if isinstance(result, EventList) and result.scored else "events"


def _pick(item: dict[str, Any], fields: Sequence[str] | None) -> dict[str, Any]:
    return item if fields is None else {name: item.get(name) for name in fields}


def records(result: Shown, fields: Sequence[str] | None) -> list[dict[str, Any]] | dict[str, Any] | None:
    items = json_items(result)
    if fields is None or items is None:
        return items
    if isinstance(items, dict):
        return _pick(items, fields)
    return [_pick(item, fields) for item in items]


def value_text(value: Any) -> str:
    """A value in a piped row or a CSV cell, the same way everywhere: null is empty, a boolean
    `true` or `false`, a list of names joined with "; ", anything else nested as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, (list, dict)):
        return json_text(value)
    return str(value)


LIST_SEPARATOR = "; "


# one field of a row: a text, or several (a source's name, domain and URL) shown tab-separated
Field = str | tuple[str, ...]


def field_text(field: Field) -> str:
    """A field as printed: its text escaped, so that a tab or a newline in it is never a separator."""
    if isinstance(field, str):
        return printable(field)
    return "\t".join(printable(part) for part in field)


def rows_of(result: Shown, fields: Sequence[str] | None) -> tuple[list[str], Iterable[Sequence[Field]]]:
    """The header and the rows of the piped form and CSV."""
    if isinstance(result, (Timeline, NameList, Stats)):
        return explored_rows(result, fields)
    if isinstance(result, EventDetail):
        event = result.event
        return ["field", "value"], (_detail_rows(event, fields or DETAIL_FIELDS) if event else [])
    if isinstance(result, IndexReport):
        return ["field", "value"], ([key, text_value(value)] for key, value in index_json(result).items())
    if isinstance(result, CacheReport):
        return (list(fields_of(result)),
                ([text_value(value) for value in cache_json(row).values()] for row in result.rows))
    names = list(fields or row_fields(result))
    items = ([problem_json(p) for p in shown_problems(result)] if isinstance(result, CheckReport)
             else json_items(result))
    assert isinstance(items, list)
    return names, ([value_text(item.get(name)) for name in names] for item in items)


def link_date(link: Related) -> str:
    return link.date.isoformat() if link.date else ""


def _detail_rows(event: Event, fields: Sequence[str]) -> list[list[Field]]:
    """`show ID` as (field, value) rows: a row per source (name, domain, URL) and per related
    link (id, date, title, found, context), and one for each other field."""
    item = event_json(event)
    rows: list[list[Field]] = []
    for name in fields:
        if name == "sources":
            rows += [["source", (s.name, s.domain or "", s.url or "")] for s in event.sources]
        elif name == "related":
            rows += [["related", (r.id, link_date(r), r.title, value_text(r.found),
                                  LIST_SEPARATOR.join(r.context))] for r in event.related]
        else:
            rows.append([name, value_text(item[name])])
    return rows


def shown_problems(report: CheckReport) -> list[Problem]:
    """Dangling links are counted, not listed, unless --verbose (JSON lists them always)."""
    return [p for p in report.problems if report.verbose or p.problem != DANGLING]


def problem_line(problem: Problem) -> str:
    """`path: severity: problem (detail)`, on one line whatever the path or detail holds."""
    detail = f" ({printable(problem.detail)})" if problem.detail else ""
    return f"{printable(problem.path)}: {problem.severity}: {printable(problem.problem)}{detail}"


def period_json(row: PeriodCount) -> dict[str, Any]:
    return {"period": row.period, "count": row.count}


def name_json(row: NameCount) -> dict[str, Any]:
    return {"name": row.name, "count": row.count, "first": row.first, "last": row.last}


def stats_json(stats: Stats) -> dict[str, Any]:
    return {
        "events": stats.events, "days": stats.days, "first": stats.first, "last": stats.last,
        "files": stats.files, "skipped": stats.skipped, "entities": stats.entities,
        "sources": stats.sources, "stories": stats.stories,
        "per_year": [period_json(p) for p in stats.per_year],
        "top_entities": [name_json(n) for n in stats.top_entities],
        "top_sources": [name_json(n) for n in stats.top_sources],
        "categories": [name_json(n) for n in stats.categories],
        "without_category": stats.without_category,
    }


def explored_json(result: Explored) -> list[dict[str, Any]] | dict[str, Any]:
    if isinstance(result, Timeline):
        return [period_json(p) for p in result.periods]
    if isinstance(result, NameList):
        return [name_json(n) for n in result.rows]
    return stats_json(result)




def explored_fields(result: Explored) -> tuple[str, ...]:
    """The fields --fields may pick: the keys of the JSON objects."""
    if isinstance(result, Timeline):
        return TIMELINE_FIELDS
    return NAME_FIELDS if isinstance(result, NameList) else STATS_FIELDS


def result_name(result: Explored) -> str:
    if isinstance(result, Timeline):
        return "timeline"
    return result.kind if isinstance(result, NameList) else "stats"


def explored_rows(result: Explored, fields: Sequence[str] | None = None
                  ) -> tuple[list[str], list[list[str]]]:
    """The header and rows: `period, count`; `name, count, first, last` (or the `fields`
    picked); `key, value` for stats, a list's items keyed `per_year.2011`,
    `top_entities.NAME`, `categories.NAME`."""
    keys = list(fields or explored_fields(result))
    if not isinstance(result, Stats):
        items = explored_json(result)
        assert isinstance(items, list)
        return keys, [[text_value(item[key]) for key in keys] for item in items]
    rows = []
    for key, value in stats_json(result).items():
        if key not in keys:
            continue
        if not isinstance(value, list):
            rows.append([key, text_value(value)])
            continue
        for item in value:
            label = item["period"] if "period" in item else item["name"]
            rows.append([f"{key}.{label}", str(item["count"])])
    return ["key", "value"], rows
