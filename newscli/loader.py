"""Event files into events: one file gives one event or the problems that kept it out.

Nothing here raises for a bad file; what is wrong is recorded as a `Problem` so that
the rest of the archive keeps working and `news check` can report it.  Every value that
reaches the event is plain JSON (text keys, finite numbers, bounded depth): anything else
is turned into text or dropped, and reported.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import math
import os
import re
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import yaml_rs
from frontmatter.default_handlers import YAMLHandler

from newscli.files import link_target, printable
from newscli.models import Event, Problem, Related, Source, make_id

# Past this size a file is reported and skipped rather than read into memory.
MAX_FILE_BYTES = 100 * 1024 * 1024
MODEL_KEYS = frozenset({"title", "date", "category", "story", "entities", "sources"})
# Frontmatter deeper than this is cut: nothing in an event needs it, and printing or
# storing unbounded nesting is how one file used to stop every command.
MAX_DEPTH = 20
# Whole numbers past 64 bits are kept as text: SQLite and many JSON readers hold no more,
# and past 4,300 digits Python will not even write one out.
_INT_BOUND = 2**63

_HEADING_DATE = re.compile(r"#{1,6}\s*\[\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*\]")
_TITLE = re.compile(r"#(?!#)\s*(\S.*?)\s*$")
_SECTION = re.compile(r"#{2,6}\s*(sources?|related)\s*:?\s*$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"\s*(?:\d+[.)]|[-*+])\s+(\S.*)")
_LINK_TARGET = re.compile(r"\s*([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\s*\)")
_CONTEXT = "_Context:"


class _Frontmatter(YAMLHandler):
    """python-frontmatter splits the file; yaml-rs parses the YAML: at 6-8 µs a file against
    50 µs for libyaml's loader (measured on the 3,821 frontmatters of 2011), with limits on
    aliases and nesting built in."""

    _aliases = yaml_rs.AliasLimits(max_total_replayed_events=10_000)

    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml_rs.loads(fm, alias_limits=self._aliases,
                             duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.LastWins)


_FRONTMATTER = _Frontmatter()


@dataclass(frozen=True)
class LoadedFile:
    """What one file gave: an event (possibly with problems noted) or only problems."""

    path: str
    event: Event | None
    problems: tuple[Problem, ...] = ()


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def is_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in {"http", "https", "ftp"} and bool(parts.netloc) and " " not in text


# -- one file --


class _Collector:
    """Problems of one file, in the order found."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def error(self, problem: str, detail: str = "") -> None:
        self.problems.append(Problem(self.path, "error", problem, printable(detail)))

    def warning(self, problem: str, detail: str = "") -> None:
        self.problems.append(Problem(self.path, "warning", problem, printable(detail)))


def load_file(path: str, relpath: str) -> LoadedFile:
    """Read and parse one event file; never raises for what the file holds."""
    problems = _Collector(relpath)
    text = read_text(path, problems)
    if text is None:
        return LoadedFile(relpath, None, tuple(problems.problems))
    return parse_event(text, relpath, problems)


_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def read_text(path: str, problems: _Collector) -> str | None:
    """The file's text, or None with the reason noted.  A symlink is not followed here (the
    listing hands over a symlink's target only when it lies inside the archive), and a
    named pipe is not waited on.  Plain os calls: a buffered file object cost as much as
    the read itself."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            problems.warning("symlink loop not followed", link_target(path))
        else:
            problems.error("cannot read file", exc.strerror or str(exc))
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block, /dev/zero never end
            problems.error("not a regular file", _file_kind(info.st_mode))
            return None
        if info.st_size > MAX_FILE_BYTES:
            problems.error("file too large", f"{info.st_size} bytes; the limit is {MAX_FILE_BYTES}")
            return None
        data = _read_all(fd, info.st_size)
    except OSError as exc:
        problems.error("cannot read file", exc.strerror or str(exc))
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        problems.error("file too large", f"over {MAX_FILE_BYTES} bytes")
        return None
    return decode(data, problems)


def _read_all(fd: int, size: int) -> bytes:
    """Everything up to the end (a file may grow while it is read), or a little past the limit."""
    data = os.read(fd, size + 1)
    if len(data) <= size:
        return data
    chunks = [data]
    total = len(data)
    while total <= MAX_FILE_BYTES:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def decode(data: bytes, problems: _Collector) -> str | None:
    if not data.strip():
        problems.error("empty file")
        return None
    if b"\x00" in data:
        problems.error("not a text file", "it holds NUL bytes")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error("not UTF-8", f"byte {exc.start}: {data[exc.start:exc.start + 1]!r}")
        return None


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a file")


def parse_event(text: str, relpath: str, problems: _Collector | None = None) -> LoadedFile:
    """Parse the text of one event file found at `relpath` (relative to the archive root)."""
    problems = problems or _Collector(relpath)
    meta, body = _split_frontmatter(text, problems)
    parsed = _parse_body(body, problems)
    fields = _meta_fields(meta, problems)

    title = fields.get("title") or parsed.title
    date = _choose_date(fields.get("date"), parsed.date, _date_from_path(relpath), problems)
    if not title:
        problems.error("no title", "no '# title' line and no title in the frontmatter")
    if date is None and not any(p.problem.endswith("date") for p in problems.problems):
        problems.error("no date", "no frontmatter date, heading date or YYYY/MM/D folder")
    if not title or date is None:
        return LoadedFile(relpath, None, tuple(problems.problems))

    event = Event(
        id=make_id(date, slug_of(relpath)),
        date=date,
        title=normalise_space(title),
        path=relpath,
        category=fields.get("category"),
        story=fields.get("story"),
        entities=tuple(_unique([*fields.get("entities", ()), *parsed.context_names])),
        sources=tuple(fields["sources"] if fields.get("sources") else parsed.sources),
        related=tuple(parsed.related),
        extra=_extra(meta, problems),
    )
    return LoadedFile(relpath, event, tuple(problems.problems))


def slug_of(relpath: str) -> str:
    name = relpath.rpartition("/")[2]
    return name[:-3] if name[-3:].lower() == ".md" else name


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for name in names:
        key = name.casefold()
        if name and key not in seen:
            seen.add(key)
            kept.append(name)
    return kept


# -- frontmatter --


def _split_frontmatter(text: str, problems: _Collector) -> tuple[dict[str, Any], str]:
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
        return printable(key)
    if isinstance(key, (dt.date, dt.datetime, dt.time)):
        text = key.isoformat()
    else:
        plain = _plain(key, notes, MAX_DEPTH)
        text = plain if isinstance(plain, str) else json.dumps(plain, ensure_ascii=False)
    notes.append(f"key {_shorten(text)!r} is not text; kept as text")
    return text


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _meta_fields(meta: Mapping[str, Any], problems: _Collector) -> dict[str, Any]:
    """The model's fields from frontmatter; a value of the wrong type is reported and dropped."""
    fields: dict[str, Any] = {}
    for key in ("title", "category", "story"):
        value = meta.get(key)
        if value is None:
            continue
        text = _scalar_text(value)
        if text is not None:
            fields[key] = normalise_space(printable(text)) or None
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


def _meta_date(value: object, problems: _Collector) -> dt.date | None:
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


def _meta_entities(value: object, problems: _Collector) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.error("frontmatter entities has the wrong type", f"entities: {_show(value)}")
        return []
    names = []
    for item in value:
        text = _scalar_text(item)
        if text is not None:
            name = normalise_space(printable(text))
            if name:
                names.append(name)
        else:
            problems.error("frontmatter entity has the wrong type", _show(item))
    return names


def _meta_sources(value: object, problems: _Collector) -> list[Source]:
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
        source = _make_source(normalise_space(printable(name)), url and printable(url.strip()), problems)
        if source:
            sources.append(source)
    return sources


def _make_source(name: str, url: str | None, problems: _Collector) -> Source | None:
    if url and not is_url(url):
        problems.error("source URL is not a URL", url)
        url = None
    if not name:
        if not url:
            problems.error("source has no name")
            return None
        problems.error("source has no name", url)
        name = domain_of(url) or url
    return Source(name=name, url=url, domain=domain_of(url))


def _extra(meta: Mapping[str, Any], problems: _Collector) -> dict[str, Any]:
    """The frontmatter keys the model has no field for, as plain JSON."""
    notes: list[str] = []
    extra = {key: _plain(value, notes, MAX_DEPTH) for key, value in meta.items() if key not in MODEL_KEYS}
    _note_plain(notes, problems)
    return extra


def _note_plain(notes: list[str], problems: _Collector) -> None:
    for note in dict.fromkeys(notes):
        problems.warning("frontmatter value is not plain JSON", note)


def _plain(value: Any, notes: list[str], depth: int) -> Any:
    """`value` as plain JSON: text keys, finite numbers (whole ones within 64 bits), dates
    as ISO text, at most `depth` levels.  What had to change is noted."""
    if value is None or isinstance(value, (bool, str)):
        return printable(value) if isinstance(value, str) else value
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
    return printable(str(value))


# -- body --


@dataclass
class _Body:
    title: str | None = None
    date: dt.date | None = None
    sources: list[Source] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    context_names: list[str] = field(default_factory=list)


def _parse_body(body: str, problems: _Collector) -> _Body:
    parsed = _Body()
    related: list[str] = []
    section = ""
    heading_seen = False
    for line in body.splitlines():
        if not line:
            continue
        if line[0] == "#":
            heading = _SECTION.match(line)
            if heading:
                section = heading.group(1).lower().rstrip("s")
                continue
            if not heading_seen and (match := _HEADING_DATE.match(line)):
                heading_seen = True
                parsed.date = _heading_date(match, problems)
                continue
            if parsed.title is None and (match := _TITLE.match(line)):
                parsed.title = match.group(1)
                section = ""
            continue
        if not section:
            continue
        item = _LIST_ITEM.match(line)
        if item is None:
            continue
        if section == "source":
            source = _body_source(item.group(1).rstrip(), problems)
            if source:
                parsed.sources.append(source)
        else:
            related.append(item.group(1).rstrip())
    if related:
        _body_related(related, parsed)
    return parsed


def _heading_date(match: re.Match[str], problems: _Collector) -> dt.date | None:
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        problems.error("impossible date", f"heading date: {'-'.join(match.groups())}")
        return None


def split_link(item: str) -> tuple[str, str, str] | None:
    """`[text](target) rest` into its three parts, or None when `item` opens with no link.

    The text may hold brackets (the last `](` ends it: what follows a link, such as
    `_Context: ..._`, holds none) and a URL may hold balanced parentheses, as Wikipedia's do.
    Found with rfind, because a backtracking regex over the whole line was the loader's
    slowest step.
    """
    if not item.startswith("["):
        return None
    middle = item.rfind("](")
    if middle < 1:
        return None
    target = _LINK_TARGET.match(item, middle + 2)
    if target is None:
        return None
    return item[1:middle], target.group(1), item[target.end() :]


_LOOSE_LINK = re.compile(r"\[(.*)\]\((.*)\)")


def _body_source(item: str, problems: _Collector) -> Source | None:
    link = split_link(item)
    if link and not link[2].strip():
        return _make_source(normalise_space(link[0]), link[1] or None, problems)
    loose = _LOOSE_LINK.fullmatch(item)  # `[Reuters](not a url)`: a link, with a bad target
    if loose:
        return _make_source(normalise_space(loose.group(1)), loose.group(2).strip() or None, problems)
    return _make_source(normalise_space(item), None, problems)


def _body_related(items: list[str], parsed: _Body) -> None:
    """`[Title ](/news/2011/06/5/slug.md) _Context: A, B_` into links.  A million of these make
    an archive, so the profile says: the common shape is cut with find() rather than a
    regex, in one loop with no call per link but the model's."""
    links = parsed.related
    names = parsed.context_names
    for item in items:
        middle = item.rfind("](")
        end = item.find(")", middle + 2)
        target = item[middle + 2 : end]
        if middle < 1 or end < 0 or item[0] != "[" or "(" in target or " " in target or "\t" in target:
            link = split_link(item)  # a URL with parentheses, spaces around the target, ...
            if link is None:
                continue
            text, target, rest = link
        else:
            text, rest = item[1:middle], item[end + 1 :]
        if "#" in target or "?" in target:
            target = target.partition("#")[0].partition("?")[0]
        folder, _, name = target.rpartition("/")
        slug = name[:-3] if name[-3:].lower() == ".md" else name
        date = _folder_day(folder)
        context: tuple[str, ...] = ()
        at = rest.find(_CONTEXT)
        if at >= 0:
            found = rest[at + 9 :].strip().rstrip("_")
            parts = map(_squeeze, found.split(",")) if _odd_space(found) else found.split(",")
            context = tuple(n for n in map(str.strip, parts) if n)
            names.extend(context)
        text = text.strip()
        if _odd_space(text):
            text = " ".join(text.split())
        links.append(Related(f"{date.isoformat()}/{slug}" if date else slug, date, text, context))


# whitespace that " ".join(text.split()) would change inside a text (its ends are stripped)
_ODD_SPACE = re.compile(r"\s\s|[^\S ]")


def _odd_space(text: str) -> bool:
    """Whether " ".join(text.split()) would change more than the ends of `text`; the two
    substring tests settle plain text, where a regex per link was a tenth of the parse."""
    return "  " in text or "\t" in text or (not text.isascii() and _ODD_SPACE.search(text) is not None)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


# -- dates --


def _date_from_path(path: str) -> dt.date | None:
    """The date of the `YYYY/MM/D` folders `path` ends in (`.../2011/06/5/x.md`)."""
    return _folder_day(path.rpartition("/")[0])


@lru_cache(maxsize=65536)  # a million links name a few thousand folders
def _folder_day(folder: str) -> dt.date | None:
    """The date a `.../YYYY/MM/D` folder names."""
    parts = folder.rsplit("/", 3)
    if len(parts) < 3:
        return None
    return _day(*parts[-3:])


def _day(year: str, month: str, day: str) -> dt.date | None:
    if not (len(year) == 4 and year.isdigit() and 1 <= len(month) <= 2 and month.isdigit()
            and 1 <= len(day) <= 2 and day.isdigit() and year.isascii() and (month + day).isascii()):
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _choose_date(
    meta: dt.date | None, heading: dt.date | None, path: dt.date | None, problems: _Collector
) -> dt.date | None:
    """Frontmatter wins, then the heading, then the folders; disagreement is an error."""
    given = {"frontmatter": meta, "heading": heading, "path": path}
    known = {where: day for where, day in given.items() if day is not None}
    if len(set(known.values())) > 1:
        problems.error(
            "dates disagree", ", ".join(f"{where} {day.isoformat()}" for where, day in known.items())
        )
    return next(iter(known.values()), None)


def date_from_path(path: str) -> dt.date | None:
    """The date of the `YYYY/MM/D` folders a path ends in, if any."""
    return _date_from_path(path)


# -- day pages --


def parse_day_page(text: str) -> list[str]:
    """The slugs a day page (`index.md`) lists, in its order."""
    slugs = []
    for line in text.splitlines():
        item = _LIST_ITEM.match(line)
        link = split_link(item.group(1).rstrip()) if item else None
        if link:
            slugs.append(slug_of(link[1].partition("#")[0]))
    return slugs


def load_day_page(path: str, relpath: str) -> list[str]:
    """The slugs of a day page on disk; none when it cannot be read (it only orders events)."""
    problems = _Collector(relpath)
    text = read_text(path, problems)
    return parse_day_page(text) if text is not None else []


if __name__ == "__main__":  # pragma: no cover - a quick look at one file
    for name in sys.argv[1:]:
        print(load_file(name, name))
