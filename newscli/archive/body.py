"""An event file's body, line by line: the date heading, the `# title`, the `### Source:`
list and the `### Related:` links with their `_Context:_` names; and the dates that folders
name.  The format is line-based, and a full markdown parse cost several times as much."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from newscli.archive.parts import Collector, make_source, normalise_space
from newscli.model.event import Related, Source

_HEADING_DATE = re.compile(r"#{1,6}\s*\[\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*\]")
_TITLE = re.compile(r"#(?!#)\s*(\S.*?)\s*$")
_SECTION = re.compile(r"#{2,6}\s*(sources?|related)\s*:?\s*$", re.IGNORECASE)
LIST_ITEM = re.compile(r"\s*(?:\d+[.)]|[-*+])\s+(\S.*)")
_LINK_TARGET = re.compile(r"\s*([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\s*\)")
_CONTEXT = "_Context:"


@dataclass
class Body:
    title: str | None = None
    date: dt.date | None = None
    sources: list[Source] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    context_names: list[str] = field(default_factory=list)


def parse_body(body: str, problems: Collector) -> Body:
    parsed = Body()
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
        item = LIST_ITEM.match(line)
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


def _heading_date(match: re.Match[str], problems: Collector) -> dt.date | None:
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


def _body_source(item: str, problems: Collector) -> Source | None:
    link = split_link(item)
    if link and not link[2].strip():
        return make_source(normalise_space(link[0]), link[1] or None, problems)
    loose = _LOOSE_LINK.fullmatch(item)  # `[Reuters](not a url)`: a link, with a bad target
    if loose:
        return make_source(normalise_space(loose.group(1)), loose.group(2).strip() or None, problems)
    return make_source(normalise_space(item), None, problems)


def _body_related(items: list[str], parsed: Body) -> None:
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



def date_from_path(path: str) -> dt.date | None:
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


def choose_date(
    meta: dt.date | None, heading: dt.date | None, path: dt.date | None, problems: Collector
) -> dt.date | None:
    """Frontmatter wins, then the heading, then the folders; disagreement is an error."""
    given = {"frontmatter": meta, "heading": heading, "path": path}
    known = {where: day for where, day in given.items() if day is not None}
    if len(set(known.values())) > 1:
        problems.error(
            "dates disagree", ", ".join(f"{where} {day.isoformat()}" for where, day in known.items())
        )
    return next(iter(known.values()), None)
