"""Event files into events: one file gives one event or the problems that kept it out.

Nothing here raises for a bad file; what is wrong is recorded as a `Problem` so that
the rest of the archive keeps working and `news check` can report it.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from frontmatter.default_handlers import YAMLHandler

from newscli.files import FileEntry, ProgressCallback, archive_root, is_day_page, link_target, printable, scan
from newscli.models import Event, Problem, Related, Source, make_id

# Past this size a file is reported and skipped rather than read into memory.
MAX_FILE_BYTES = 100 * 1024 * 1024
MODEL_KEYS = frozenset({"title", "date", "category", "story", "entities", "sources"})

_HEADING_DATE = re.compile(r"^#{1,6}\s*\[\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*\]")
_TITLE = re.compile(r"^#(?!#)\s*(\S.*?)\s*$")
_SECTION = re.compile(r"^#{2,6}\s*(sources?|related)\s*:?\s*$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"\s*(?:\d+[.)]|[-*+])\s+(\S.*)")
_LINK_TARGET = re.compile(r"\s*([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\s*\)")
_CONTEXT = re.compile(r"_Context:\s*(?P<names>.*?)\s*_?\s*$")
_PATH_DATE = re.compile(r"(?:^|/)(\d{4})/(\d{1,2})/(\d{1,2})/(?:[^/]*)$")
_yaml = YAMLHandler()


class _FrontmatterValues:
    """Keeps an impossible date (`2011-02-30`) as text, for `_meta_date` to report as such,
    and turns a lone surrogate escape (`"\\ud800"`) into U+FFFD (it cannot be printed)."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[misc]
        except ValueError:
            return self.construct_scalar(node)  # type: ignore[attr-defined]

    def construct_yaml_str(self, node: yaml.ScalarNode) -> str:
        return printable(super().construct_yaml_str(node))  # type: ignore[misc]


class _FastFrontmatterLoader(_FrontmatterValues, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser where PyYAML has it: the pure-Python one made parsing five times slower."""


class _AliasRefusingLoader(_FrontmatterValues, yaml.SafeLoader):
    """For frontmatter holding a `*`: refuses aliases (`*name`), since nine lines of them make
    a billion items.  Only the pure-Python composer can be stopped, so only such text pays
    for it."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("YAML aliases (*name) are not supported in frontmatter")
        return super().compose_node(parent, index)


for _loader in (_FastFrontmatterLoader, _AliasRefusingLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _loader.construct_yaml_timestamp)  # type: ignore[type-var]
    _loader.add_constructor("tag:yaml.org,2002:str", _loader.construct_yaml_str)  # type: ignore[type-var]


@dataclass(frozen=True)
class LoadedFile:
    """What one file gave: an event (possibly with problems noted) or only problems."""

    path: str
    event: Event | None
    problems: tuple[Problem, ...] = ()


@dataclass
class ArchiveFiles:
    """Every event file under an archive root, loaded."""

    root: Path
    events: list[Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0  # files that gave no event
    day_order: dict[str, int] = field(default_factory=dict)  # id -> position in its index.md


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
        self.problems.append(Problem(self.path, "error", problem, detail))

    def warning(self, problem: str, detail: str = "") -> None:
        self.problems.append(Problem(self.path, "warning", problem, detail))


def load_file(path: Path, relpath: str) -> LoadedFile:
    """Read and parse one event file; never raises for what the file holds."""
    problems = _Collector(relpath)
    text = _read_text(path, problems)
    if text is None:
        return LoadedFile(relpath, None, tuple(problems.problems))
    return parse_event(text, relpath, problems)


def _read_text(path: Path, problems: _Collector) -> str | None:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block, /dev/zero never end
            problems.error("not a regular file", _file_kind(info.st_mode))
            return None
        if info.st_size > MAX_FILE_BYTES:
            problems.error("file too large", f"{info.st_size} bytes; the limit is {MAX_FILE_BYTES}")
            return None
        data = path.read_bytes()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            problems.warning("symlink loop not followed", link_target(path))
        else:
            problems.error("cannot read file", exc.strerror or str(exc))
        return None
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


def parse_event(
    text: str, relpath: str, problems: _Collector | None = None
) -> LoadedFile:
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

    entities = _unique([*fields.get("entities", ()), *parsed.context_names])
    event = Event(
        id=make_id(date, _slug_of(relpath)),
        date=date,
        title=normalise_space(title),
        path=relpath,
        category=fields.get("category"),
        story=fields.get("story"),
        entities=tuple(entities),
        sources=tuple(fields["sources"] if fields.get("sources") else parsed.sources),
        related=tuple(parsed.related),
        extra={k: v for k, v in meta.items() if k not in MODEL_KEYS},
    )
    return LoadedFile(relpath, event, tuple(problems.problems))


def _slug_of(relpath: str) -> str:
    name = relpath.rsplit("/", 1)[-1]
    return name[:-3] if name.lower().endswith(".md") else name


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
        raw, body = _yaml.split(text)
    except ValueError:
        problems.error("frontmatter is not closed", "no second '---' line")
        return {}, text
    try:
        meta = _load_yaml(raw)
    except Exception as exc:  # PyYAML raises more than YAMLError (e.g. ValueError for 2011-02-30)
        problems.error("frontmatter is not valid YAML", _first_line(str(exc)))
        return {}, body
    if meta is None:
        return {}, body
    if not isinstance(meta, dict):
        problems.error("frontmatter is not a mapping", f"it is a {type(meta).__name__}")
        return {}, body
    return {str(k): v for k, v in meta.items()}, body


def _load_yaml(raw: str) -> Any:
    """libyaml first; the pure-Python parser for text that may hold aliases, and for what
    libyaml refuses but PyYAML reads (a lone surrogate escape such as `"\\ud800"`)."""
    if "*" not in raw:
        try:
            return _yaml.load(raw, Loader=_FastFrontmatterLoader)
        except yaml.YAMLError:
            pass
    return _yaml.load(raw, Loader=_AliasRefusingLoader)


def _first_line(text: str) -> str:
    return normalise_space(text.splitlines()[0]) if text.strip() else ""


def _meta_fields(meta: Mapping[str, Any], problems: _Collector) -> dict[str, Any]:
    """The model's fields from frontmatter; a value of the wrong type is reported and dropped."""
    fields: dict[str, Any] = {}
    for key in ("title", "category", "story"):
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            fields[key] = normalise_space(str(value)) or None
        else:
            problems.error(f"frontmatter {key} has the wrong type", f"{key}: {_show(value)}")
    if "date" in meta and meta["date"] is not None:
        fields["date"] = _meta_date(meta["date"], problems)
    if "entities" in meta and meta["entities"] is not None:
        fields["entities"] = _meta_entities(meta["entities"], problems)
    if "sources" in meta and meta["sources"] is not None:
        fields["sources"] = _meta_sources(meta["sources"], problems)
    return fields


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            name = normalise_space(str(item))
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
        source = _make_source(normalise_space(name), url and url.strip(), problems)
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
    section = ""
    heading_seen = False
    for line in body.splitlines():
        if line.startswith("#"):
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
            _body_related(item.group(1).rstrip(), parsed)
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


def _body_related(item: str, parsed: _Body) -> None:
    link = split_link(item)
    if link is None:
        return
    text, target, rest = link
    context_match = _CONTEXT.search(rest)
    context = (
        tuple(n for n in (normalise_space(x) for x in context_match.group("names").split(",")) if n)
        if context_match
        else ()
    )
    date = _date_from_path(target)
    slug = _slug_of(target.split("#", 1)[0].split("?", 1)[0])
    parsed.related.append(
        Related(
            id=make_id(date, slug) if date else slug,
            date=date,
            title=normalise_space(text),
            context=context,
        )
    )
    parsed.context_names.extend(context)


# -- dates --


def _date_from_path(path: str) -> dt.date | None:
    match = _PATH_DATE.search(path)
    if match is None:
        return None
    try:
        return dt.date(*map(int, match.groups()))
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


# -- day pages --


def parse_day_page(text: str) -> list[str]:
    """The slugs a day page (`index.md`) lists, in its order."""
    slugs = []
    for line in text.splitlines():
        item = _LIST_ITEM.match(line)
        link = split_link(item.group(1).rstrip()) if item else None
        if link:
            slugs.append(_slug_of(link[1].split("#", 1)[0]))
    return slugs


# -- the whole archive --


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a file")


def load_archive(data_dir: Path, progress: ProgressCallback | None = None) -> ArchiveFiles:
    """Load every event file of an archive, collecting problems instead of raising."""
    root, folder = archive_root(data_dir)
    problems: list[Problem] = []
    entries = list(scan(root, folder, problems))
    result = load_entries(root, entries, progress)
    result.problems[:0] = problems
    return result


def load_entries(
    root: Path,
    entries: list[FileEntry],
    progress: ProgressCallback | None = None,
    reuse: Callable[[FileEntry], LoadedFile | None] | None = None,
) -> ArchiveFiles:
    """Load the files `scan` found: event files into events, day pages into an order.

    `reuse` may answer for a file instead of parsing it (the cache, for a file unchanged
    since it was indexed).
    """
    result = ArchiveFiles(root=root)
    for done, entry in enumerate(entries, 1):
        if is_day_page(entry):
            _read_day_page(entry, result)
        else:
            loaded = (reuse and reuse(entry)) or load_file(Path(entry.path), entry.relpath)
            result.problems.extend(loaded.problems)
            if loaded.event is None:
                result.skipped += 1
            else:
                result.events.append(loaded.event)
        if progress and done % 500 == 0:
            progress(done, len(entries))
    return result


def _read_day_page(entry: FileEntry, result: ArchiveFiles) -> None:
    try:
        if not os.path.isfile(entry.path):
            return  # a FIFO named index.md would block
        text = Path(entry.path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return  # a day page only orders events; without it they sort by file name
    # -d news/2011/06/6 makes the relpath bare: the day is then in the folders above the root
    day = _date_from_path(entry.relpath) or _date_from_path(Path(entry.path).resolve().as_posix())
    if day is None:
        return
    for position, slug in enumerate(parse_day_page(text)):
        result.day_order.setdefault(make_id(day, slug), position)


if __name__ == "__main__":  # pragma: no cover - a quick look at one file
    for name in sys.argv[1:]:
        print(load_file(Path(name), name))
