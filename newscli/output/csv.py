"""The CSV sink: a header line, then a row per item, every field escaped as in piped rows."""

from __future__ import annotations

import csv
from collections.abc import Sequence

from newscli.output.fields import Shown, field_text, rows_of
from newscli.output.terminal import Terminal


class CsvSink:
    """`--format csv`: a header line, then a row per item."""

    def __init__(self, term: Terminal) -> None:
        self.term = term

    def write(self, result: Shown, fields: Sequence[str] | None) -> None:
        header, rows = rows_of(result, fields)
        writer = csv.writer(self.term.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([field_text(field) for field in row] for row in rows)
