"""The piped sink: tab-separated rows (`show ID` as `field: value` lines, `check` as
`path: severity: problem` lines), coloured as a terminal would be only with --color always."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from newscli.model.results import CheckReport, EventDetail, EventList, Timeline
from newscli.model.words import WORD, words
from newscli.output.fields import Shown, field_text, problem_line, rows_of, shown_problems
from newscli.output.style import named_style
from newscli.output.terminal import Terminal


class RowsSink:
    """Piped output: a line per row, its fields tab-separated and escaped."""

    def __init__(self, term: Terminal) -> None:
        self.term = term

    def write(self, result: Shown, fields: Sequence[str] | None) -> None:
        _, rows = rows_of(result, fields)
        if isinstance(result, EventDetail):
            lines: Iterable[str] = (f"{field_text(name)}: {field_text(value)}" for name, value in rows)
        elif isinstance(result, CheckReport) and fields is None:
            lines = (problem_line(p) for p in shown_problems(result))
        else:
            lines = ("\t".join(field_text(f) for f in row) for row in rows)
        if self.term.color:  # --color always on a pipe: the same rows, tabs kept, with ANSI styles
            lines = (_coloured_line(line, result) for line in lines)
        for line in lines:
            self.term.stdout.write(line + "\n")


def _coloured_line(line: str, result: Shown) -> str:
    """A row's fields coloured as a terminal colours them: dates, ids, the words searched
    for, severities; a timeline's periods as dates."""
    terms = result.highlight if isinstance(result, EventList) else ()
    fields = line.split("\t")
    coloured = [_coloured(field, terms) for field in fields]
    if isinstance(result, Timeline) and fields:
        coloured[0] = named_style("date").render(fields[0])
    return "\t".join(coloured)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FIELD_NAME = re.compile(r"([a-z]+: )(.*)", re.S)


def _coloured(field: str, terms: Sequence[str]) -> str:
    """One field of a piped row with ANSI styles, as the terminal would colour it."""
    if _ISO_DATE.fullmatch(field):
        return named_style("date").render(field)
    if _ISO_DATE.match(field) and "/" in field and " " not in field:  # an id
        return named_style("dim").render(field)
    named = _FIELD_NAME.fullmatch(field)
    if named:  # `show ID`'s "field: value" lines
        return named_style("dim").render(named.group(1)) + _coloured(named.group(2), terms)
    for severity in ("error", "warning"):
        field = field.replace(f": {severity}: ", f": {named_style(severity).render(severity)}: ", 1)
    if not terms:
        return field
    wanted = set(terms)
    return WORD.sub(lambda m: named_style("word").render(m.group(0))
                    if (words(m.group(0)) or [""])[0] in wanted else m.group(0), field)
