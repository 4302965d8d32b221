"""Files into rows: what a parse worker does with its share of the files, and the rows one
event gives (its events row, sources, entities, link targets and words)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from newscli.archive.listing import is_day_page
from newscli.index.schema import NAME_BREAK
from newscli.model.event import Event
from newscli.model.words import fold, looks_like_heading, words


class Task(NamedTuple):
    """One file for a worker: its row id, relpath, where to read it, size and mtime."""

    file: int
    path: str
    where: str
    size: int
    mtime_ns: int



class Rows(NamedTuple):
    """The rows a chunk of files gives, ready for the database: lists of plain tuples, which
    cross a pipe cheaply (an object per file cost more to unpickle than to insert)."""

    files: list[tuple[Any, ...]]  # files rows, without duplicate_of
    events: list[tuple[Any, ...]]
    sources: list[tuple[Any, ...]]
    entities: list[tuple[Any, ...]]  # event_entities rows
    targets: list[tuple[Any, ...]]  # only those not sent before in this refresh
    texts: list[tuple[Any, ...]]  # search rows
    days: list[tuple[Any, ...]]  # day_order rows, from day pages
    unreadable: list[str]  # paths to read again next time (permissions may change)


def parse_chunk(tasks: Sequence[Task], sent: set[int] | None = None) -> Rows:
    """Parse files into rows; `sent` holds the targets already sent (and gets these)."""
    from newscli.archive.body import date_from_path
    from newscli.archive.loader import load_day_page, load_file

    sent = set() if sent is None else sent
    rows = Rows([], [], [], [], [], [], [], [])
    for task in tasks:
        if is_day_page(task.path):
            rows.files.append((task.file, task.path, task.size, task.mtime_ns, None))
            day = date_from_path(task.path) or date_from_path(os.path.realpath(task.where))
            if day:
                slugs = load_day_page(task.where, task.path)
                rows.days.extend(_first_only([(day.isoformat(), slug, task.file, n)
                                              for n, slug in enumerate(slugs)]))
            continue
        loaded = load_file(task.where, task.path)
        problems = [[p.severity, p.problem, p.detail] for p in loaded.problems]
        rows.files.append((task.file, task.path, task.size, task.mtime_ns,
                           json.dumps(problems, ensure_ascii=False) if problems else None))
        if any(p.problem == "cannot read file" for p in loaded.problems):
            rows.unreadable.append(task.path)
        if loaded.event is not None:
            event, sources, entities, targets, text = event_rows(task.file, loaded.event)
            rows.events.append(event)
            rows.sources.extend(sources)
            rows.entities.extend(entities)
            rows.texts.append(text)
            for target in targets:
                if target[0] not in sent:
                    sent.add(target[0])
                    rows.targets.append(target)
    return rows


def _first_only(days: list[tuple[str, str, int, int]]) -> list[tuple[str, str, int, int]]:
    """A day page that lists one slug twice orders it by its first place."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for row in days:
        if row[:2] not in seen:
            seen.add(row[:2])
            kept.append(row)
    return kept


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def title_slug(title: str) -> str:
    """The title as a file name would write it, accents folded: resolves a link written
    with "garcia" to the file an archive named with "garc-a"."""
    return _NOT_SLUG.sub("-", fold(title)).strip("-")


def target_id(date: str | None, slug: str, text: str) -> int:
    """A link's row in `targets`: the same link text to the same place is stored once."""
    digest = hashlib.blake2b(f"{date}\0{slug}\0{text}".encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "little", signed=True)


def event_rows(file: int, event: Event) -> tuple[
        tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]],
        tuple[Any, ...]]:
    """(events row, sources, event_entities, targets, search row) of one event."""
    day = event.date.isoformat()
    positions = {name.casefold(): str(n) for n, name in enumerate(event.entities)}
    targets = []
    links = []
    for link_id, _date, title, context, _found in event.related:
        link_day, _, slug = link_id.rpartition("/")
        target = target_id(link_day or None, slug, title)
        targets.append((target, link_day or None, slug, title))
        places = ",".join([positions[c.casefold()] for c in context])
        links.append(f"[{target},[{places}]]")
    extra = json.dumps(event.extra, ensure_ascii=False) if event.extra else None
    row = (file, day, event.slug, event.title, event.category, event.story, extra,
           f"[{','.join(links)}]" if links else None, title_slug(event.title),
           int(looks_like_heading(event.title)))
    sources = [(file, n, s.name, s.url, s.domain) for n, s in enumerate(event.sources)]
    entities = [(name.casefold(), file, day, n, name) for n, name in enumerate(event.entities)]
    text = (file, " ".join(words(event.title)), _names_text(event.entities),
            " ".join(words(event.story)) if event.story else "",
            " ".join(words(event.category)) if event.category else "",
            _names_text([s.name for s in event.sources]))
    return row, sources, entities, targets, text


def _names_text(names: Sequence[str]) -> str:
    """The names' words with a break between names, folded in one call (a call per name
    was a tenth of the parse)."""
    return " ".join(words(f" {NAME_BREAK} ".join(names))) if names else ""
