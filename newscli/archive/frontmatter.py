"""An event file's frontmatter: YAML into the model's fields and `extra`, as plain JSON.

Every value that reaches the event is plain JSON (text keys, finite numbers, bounded depth):
anything else is turned into text or dropped, and reported as a problem of the file.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import yaml_rs
from frontmatter.default_handlers import YAMLHandler

from newscli.archive.parts import Collector, make_source, normalise_space
from newscli.model.event import Source
from newscli.model.words import no_surrogates

MODEL_KEYS = frozenset({"title", "date", "category", "story", "entities", "sources"})
# Frontmatter deeper than this is cut: nothing in an event needs it, and printing or
# storing unbounded nesting is how one file used to stop every command.
MAX_DEPTH = 20
# Whole numbers past 64 bits are kept as text: SQLite and many JSON readers hold no more,
# and past 4,300 digits Python will not even write one out.
_INT_BOUND = 2**63


class _Frontmatter(YAMLHandler):
    """python-frontmatter splits the file; yaml-rs parses the YAML: at 6-8 µs a file against
    50 µs for libyaml's loader (measured on the 3,821 frontmatters of 2011), with limits on
    aliases and nesting built in."""

    _aliases = yaml_rs.AliasLimits(max_total_replayed_events=10_000)

    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml_rs.loads(fm, alias_limits=self._aliases,
                             duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.LastWins)


_FRONTMATTER = _Frontmatter()


def split_frontmatter(text: str, problems: Collector) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        return {}, text
    try:
        raw, body = _FRONTMATTER.split(text)
    except ValueError:
        problems.error("frontmatter is not closed", "no second '---' line")
        return {}, text
    try:
        meta = _FRONTMATTER.load(raw)
    except Exception as exc:
        problems.error("frontmatter is not valid YAML", _first_line(str(exc)))
        return {}, body
    if meta is None:
        return {}, body
    if not isinstance(meta, dict):
        problems.error("frontmatter is not a mapping", f"it is a {_kind(meta)}")
        return {}, body
    notes: list[str] = []
    keyed = {_key_text(k, notes): v for k, v in meta.items()}
    _note_plain(notes, problems)
    return keyed, body


def _kind(value: object) -> str:
    return {list: "list", str: "text", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__)


def _first_line(text: str) -> str:
    return normalise_space(text.splitlines()[0]) if text.strip() else ""


def _key_text(key: object, notes: list[str]) -> str:
    """A mapping key as text: a date in ISO form, anything else as the JSON it becomes (a
    key may be a sequence nested a thousand deep: it is cut like any value)."""
    if isinstance(key, str):
        return no_surrogates(key)
    if isinstance(key, (dt.date, dt.datetime, dt.time)):
        text = key.isoformat()
    else:
        plain = _plain(key, notes, MAX_DEPTH)
        text = plain if isinstance(plain, str) else json.dumps(plain, ensure_ascii=False)
    notes.append(f"key {_shorten(text)!r} is not text; kept as text")
    return text


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def meta_fields(meta: Mapping[str, Any], problems: Collector) -> dict[str, Any]:
    """The model's fields from frontmatter; a value of the wrong type is reported and dropped."""
    fields: dict[str, Any] = {}
    for key in ("title", "category", "story"):
        value = meta.get(key)
        if value is None:
            continue
        text = _scalar_text(value)
        if text is not None:
            fields[key] = normalise_space(no_surrogates(text)) or None
        else:
            problems.error(f"frontmatter {key} has the wrong type", f"{key}: {_show(value)}")
    if meta.get("date") is not None:
        fields["date"] = _meta_date(meta["date"], problems)
    if meta.get("entities") is not None:
        fields["entities"] = _meta_entities(meta["entities"], problems)
    if meta.get("sources") is not None:
        fields["sources"] = _meta_sources(meta["sources"], problems)
    return fields


def _scalar_text(value: object) -> str | None:
    """Text, or a finite number as text (`title: 1984`); None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return str(value)
    except ValueError:  # a whole number of more than 4,300 digits
        return None


def _show(value: object) -> str:
    if isinstance(value, float) or (isinstance(value, int) and abs(value) >= _INT_BOUND):
        text = _number_text(value)  # what the file says (`nan`), not the null it becomes
    else:
        try:
            text = repr(_plain(value, [], MAX_DEPTH))
        except RecursionError:  # pragma: no cover - _plain is bounded; this is belt and braces
            text = type(value).__name__
    return _shorten(text)


def _number_text(value: float) -> str:
    try:
        return str(value)
    except ValueError:  # only a whole number is too long to write out
        return f"a number of {int(value).bit_length()} bits"


def _meta_date(value: object, problems: Collector) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})\s*", value)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                problems.error("impossible date", f"frontmatter date: {value}")
                return None
    problems.error("frontmatter date is not a date", f"date: {_show(value)}")
    return None


def _meta_entities(value: object, problems: Collector) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.error("frontmatter entities has the wrong type", f"entities: {_show(value)}")
        return []
    names = []
    for item in value:
        text = _scalar_text(item)
        if text is not None:
            name = normalise_space(no_surrogates(text))
            if name:
                names.append(name)
        else:
            problems.error("frontmatter entity has the wrong type", _show(item))
    return names


def _meta_sources(value: object, problems: Collector) -> list[Source]:
    if not isinstance(value, list):
        problems.error("frontmatter sources has the wrong type", f"sources: {_show(value)}")
        return []
    sources = []
    for item in value:
        if isinstance(item, str):
            name, url = item, None
        elif isinstance(item, dict) and isinstance(item.get("name", ""), str) and isinstance(
            item.get("url") or "", str
        ):
            name, url = item.get("name") or "", item.get("url") or None
        else:
            problems.error("frontmatter source has the wrong type", _show(item))
            continue
        url = url and no_surrogates(url.strip())
        source = make_source(normalise_space(no_surrogates(name)), url, problems)
        if source:
            sources.append(source)
    return sources


def extra_fields(meta: Mapping[str, Any], problems: Collector) -> dict[str, Any]:
    """The frontmatter keys the model has no field for, as plain JSON."""
    notes: list[str] = []
    extra = {key: _plain(value, notes, MAX_DEPTH) for key, value in meta.items() if key not in MODEL_KEYS}
    _note_plain(notes, problems)
    return extra


def _note_plain(notes: list[str], problems: Collector) -> None:
    for note in dict.fromkeys(notes):
        problems.warning("frontmatter value is not plain JSON", note)


def _plain(value: Any, notes: list[str], depth: int) -> Any:
    """`value` as plain JSON: text keys, finite numbers (whole ones within 64 bits), dates
    as ISO text, at most `depth` levels.  What had to change is noted."""
    if value is None or isinstance(value, (bool, str)):
        return no_surrogates(value) if isinstance(value, str) else value
    if isinstance(value, int):
        if -_INT_BOUND <= value < _INT_BOUND:
            return value
        text = _scalar_text(value)
        notes.append(f"{_shorten(_number_text(value))} is too large a number; kept as "
                     + ("text" if text is not None else "null"))
        return text
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        notes.append(f"{value} is not a finite number; kept as null")
        return None
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if depth <= 0:
        notes.append(f"nested more than {MAX_DEPTH} levels deep; cut")
        return None
    if isinstance(value, dict):
        return {_key_text(key, notes): _plain(item, notes, depth - 1) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(item, notes, depth - 1) for item in value]
        if isinstance(value, (set, frozenset)):  # in a fixed order; repr() of a deep member recurses
            items.sort(key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
        return items
    notes.append(f"a {type(value).__name__} value; kept as text")
    return no_surrogates(str(value))


