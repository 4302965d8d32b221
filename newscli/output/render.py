"""Every result reaches the user through here: `render` picks the sink for the format and
the terminal (ripgrep's printers: the query never knows which), says the notes and the
summary on stderr, and returns the exit status the result calls for.

Archive text is untrusted: whatever a file holds, it goes through `printable` (control
characters escaped) before any text stream, and reaches rich only as a `Text`, never as
markup.  The only escape sequences written are ours: colour, the progress bar, and links
to a source's own web address.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from newscli.errors import ExitStatus
from newscli.model.results import CheckReport, EventDetail, EventList, NameList, RelatedList
from newscli.output.fields import Shown, fields_of, parse_fields, what
from newscli.output.messages import check_summary, error_line, note_line
from newscli.output.terminal import Format, Terminal


class Sink(Protocol):
    """One output format: it writes a result to stdout, and nothing else."""

    def write(self, result: Shown, fields: Sequence[str] | None) -> None: ...


def sink_for(fmt: Format, term: Terminal, fields: Sequence[str] | None,
             short_ids: Mapping[str, str]) -> Sink:
    """The sink for a format: `table` is the terminal's drawing on a terminal (unless
    --fields picks fields: then the rows), the tab-separated rows when piped."""
    if fmt is Format.json:
        from newscli.output.json import JsonSink

        return JsonSink(term)
    if fmt is Format.jsonl:
        from newscli.output.json import JsonLinesSink

        return JsonLinesSink(term)
    if fmt is Format.csv:
        from newscli.output.csv import CsvSink

        return CsvSink(term)
    if term.stdout_is_tty and fields is None:
        from newscli.output.table import TableSink

        return TableSink(term, short_ids)
    from newscli.output.rows import RowsSink

    return RowsSink(term)


def render(result: Shown, fmt: Format, term: Terminal, *,
           fields: Sequence[str] | None = None, short_ids: Mapping[str, str] | None = None
           ) -> ExitStatus:
    """Print `result`; return the exit status it calls for.

    `fields` picks and orders the fields of JSON objects, CSV columns and piped rows (on a
    terminal it prints the piped rows); `short_ids` maps an event id to the short form a
    terminal shows (`Index.short_ids`), else the whole id is shown.
    """
    if fields is not None:
        fields = parse_fields(",".join(fields), fields_of(result), what(result))
    for note in result.notes:
        note_line(term, note)
    sink_for(fmt, term, fields, short_ids or {}).write(result, fields)
    return _finish(term, result)


def ids_shown(result: Shown) -> list[str]:
    """The ids of the events a terminal shows for `result`, to be given short forms."""
    if isinstance(result, EventList):
        return [event.id for event in result.events]
    if isinstance(result, EventDetail):
        event = result.event
        return [event.id, *(r.id for r in event.related if r.found)] if event else []
    if isinstance(result, RelatedList):
        return [result.event.id, *(row.link.id for row in result.rows if row.link.found)]
    return []


def _finish(term: Terminal, result: Shown) -> ExitStatus:
    if isinstance(result, CheckReport):
        check_summary(term, result)
        return ExitStatus.NOTHING_FOUND if result.errors else ExitStatus.OK
    total = getattr(result, "total", None)
    shown = _count(result)
    if total is not None and total > shown:
        note_line(term, f"showing {shown} of {total} matches; use --limit 0 for all")
    if result.empty is not None:
        error_line(term, result.empty.reason, result.empty.suggestions,
                   result.empty.suggestion_label)
        return ExitStatus.NOTHING_FOUND
    return ExitStatus.OK


def _count(result: Shown) -> int:
    if isinstance(result, EventList):
        return len(result.events)
    if isinstance(result, (RelatedList, NameList)):
        return len(result.rows)
    return 1
