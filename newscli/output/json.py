"""The JSON sinks: one document (`--json`), or one object a line (`--jsonl`)."""

from __future__ import annotations

from collections.abc import Sequence

from newscli.output.escape import json_text
from newscli.output.fields import Shown, records
from newscli.output.terminal import Terminal


class JsonSink:
    """`--json`: one document, an array of objects (or one object: `show ID`, `stats`)."""

    def __init__(self, term: Terminal) -> None:
        self.term = term

    def write(self, result: Shown, fields: Sequence[str] | None) -> None:
        text = json_text(records(result, fields), indent=2) + "\n"
        # in pieces: a reader that goes away during one huge write() is not always reported
        for start in range(0, len(text), 1 << 16):
            self.term.stdout.write(text[start : start + (1 << 16)])


class JsonLinesSink:
    """`--jsonl`: one object a line (nothing for a `show ID` that found nothing)."""

    def __init__(self, term: Terminal) -> None:
        self.term = term

    def write(self, result: Shown, fields: Sequence[str] | None) -> None:
        items = records(result, fields)
        if items is None:
            return
        for item in items if isinstance(items, list) else [items]:
            self.term.stdout.write(json_text(item) + "\n")
