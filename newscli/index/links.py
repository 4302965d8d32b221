"""Events made from their rows, with their `Related:` links resolved as they are read: by
date and slug, by slug alone, or by the opening of a title's slug (a file named "garc-a"
for a link "garcia").  So a target that moves, changes date or gains a twin is seen
without parsing the files that link to it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, Protocol

from newscli.model.event import Event, Related, Source


class Queryable(Protocol):
    """What reading needs of the index: its rows."""

    def query(self, sql: str, *params: Any) -> list[Any]: ...



Found = tuple[int, str, str, str]  # (number, date, slug, title) of a link's target


class LinkResolver:
    """Links to the events they name, as they are read: by date and slug; by slug alone for
    a link without date folders; and, when neither matches a file, by the one title of that
    date whose folded slug opens the same way (a file named "garc-a" for a link "garcia")."""

    def __init__(self, index: Queryable) -> None:
        self.index = index

    def resolve(self, links: set[tuple[str | None, str, str]]) -> dict[tuple[str | None, str, str],
                                                                       Found | None]:
        pairs = sorted({(d, s) for d, s, _ in links if d is not None})
        exact: dict[tuple[str, str], Found] = {}
        for start in range(0, len(pairs), 400):
            batch = json.dumps(pairs[start : start + 400])
            for number, date, slug, title in self.index.query(
                "SELECT e.file, e.date, e.slug, e.title FROM json_each(?) AS j JOIN events AS e "
                "ON e.date = json_extract(j.value, '$[0]') AND e.slug = json_extract(j.value, '$[1]')",
                batch):
                exact[(date, slug)] = (number, date, slug, title)
        by_slug = self._by_slug({s for d, s, _ in links if d is None})
        by_title = self._by_title({(d, s) for d, s in pairs if (d, s) not in exact})
        resolved: dict[tuple[str | None, str, str], Found | None] = {}
        for date, slug, text in links:
            if date is None:
                resolved[(date, slug, text)] = by_slug.get(slug)
            else:
                resolved[(date, slug, text)] = exact.get((date, slug)) or by_title.get((date, slug))
        return resolved

    def _by_slug(self, slugs: set[str]) -> dict[str, Found]:
        found: dict[str, list[Found]] = {}
        for slug in slugs:
            found[slug] = [tuple(r) for r in self.index.query(
                "SELECT file, date, slug, title FROM events WHERE slug = ? LIMIT 2", slug)]
        return {slug: rows[0] for slug, rows in found.items() if len(rows) == 1}

    def _by_title(self, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Found]:
        found: dict[tuple[str, str], Found] = {}
        days: dict[str, list[Any]] = {}
        for date, slug in sorted(pairs):
            if date not in days:
                days[date] = self.index.query(
                    "SELECT file, date, slug, title, title_slug FROM events WHERE date = ?", date)
            matches = [row[:4] for row in days[date] if same_opening(slug, row[4])]
            if len(matches) == 1:
                found[(date, slug)] = tuple(matches[0])
        return found


def same_opening(link_slug: str, title_slug: str) -> bool:
    """Whether two slugs agree once cut to the same length (archives cut long slugs)."""
    size = min(len(link_slug), len(title_slug))
    return size > 0 and link_slug[:size].rstrip("-") == title_slug[:size].rstrip("-")


class EventReader:
    """Reads a batch of events with their sources, entities and resolved links."""

    def __init__(self, index: Queryable, numbers: list[int]) -> None:
        self.index = index
        self.numbers = numbers
        self.marks = ",".join("?" * len(numbers))

    def read(self) -> dict[int, Event]:
        query = self.index.query
        rows = query(f"SELECT e.file, e.date, e.slug, e.title, e.category, e.story, e.extra, e.links, "
                     f"f.path FROM events AS e JOIN files AS f ON f.id = e.file "
                     f"WHERE e.file IN ({self.marks})", *self.numbers)
        sources: dict[int, list[Source]] = {}
        for event, name, url, domain in query(
            f"SELECT event, name, url, domain FROM sources WHERE event IN ({self.marks}) "
            "ORDER BY event, position", *self.numbers):
            sources.setdefault(event, []).append(Source(name, url, domain))
        entities: dict[int, list[str]] = {}
        for event, name in query(
            f"SELECT event, name FROM event_entities WHERE event IN ({self.marks}) "
            "ORDER BY event, position", *self.numbers):
            entities.setdefault(event, []).append(name)
        links = {row[0]: json.loads(row[7]) if row[7] else [] for row in rows}
        related = self._related(links, entities)
        return {
            number: Event(
                id=f"{date}/{slug}", date=dt.date.fromisoformat(date), title=title, path=path,
                category=category, story=story, entities=tuple(entities.get(number, ())),
                sources=tuple(sources.get(number, ())), related=tuple(related.get(number, ())),
                extra=json.loads(extra) if extra else {},
            )
            for number, date, slug, title, category, story, extra, _, path in rows
        }

    def _related(self, links: dict[int, list[Any]], entities: dict[int, list[str]]
                 ) -> dict[int, list[Related]]:
        target_ids = sorted({link[0] for event_links in links.values() for link in event_links})
        targets: dict[int, tuple[str | None, str, str]] = {}
        for batch in _batches(target_ids):
            marks = ",".join("?" * len(batch))
            for target, date, slug, text in self.index.query(
                f"SELECT id, date, slug, text FROM targets WHERE id IN ({marks})", *batch):
                targets[target] = (date, slug, text)
        resolved = LinkResolver(self.index).resolve(set(targets.values()))
        related: dict[int, list[Related]] = {}
        for number, event_links in links.items():
            names = entities.get(number, [])
            related[number] = [_link(targets[target], resolved[targets[target]],
                                     tuple(names[p] for p in positions if p < len(names)))
                               for target, positions in event_links if target in targets]
        return related


def _link(target: tuple[str | None, str, str], found: Found | None, context: tuple[str, ...]) -> Related:
    date, slug, text = target
    if found is None:
        day = dt.date.fromisoformat(date) if date else None
        return Related(f"{date}/{slug}" if date else slug, day, text, context, found=False)
    _, found_date, found_slug, title = found
    return Related(f"{found_date}/{found_slug}", dt.date.fromisoformat(found_date), title, context,
                   found=True)


def _batches(values: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
