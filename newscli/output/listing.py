"""Listings on a terminal, like gh's: one line per event (its short id, its title cut to fit
with "…", any cells after it), stacked below 60 columns; and the events related to one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newscli.model.event import Event, Related
from newscli.model.results import RelatedList
from newscli.output.escape import cell_limit, cut
from newscli.output.fields import link_date
from newscli.output.style import Paint

# below this many columns a listing is stacked: the id on a line, the title under it
STACKED_BELOW = 60
_GAP = "  "
_TITLE_AT_LEAST = 20  # columns a title keeps, at least, before any cell after it
_CELL_AT_LEAST = 12  # a cell after the title with fewer columns than this is left out
_STACKED_TITLE_LINES = 3


@dataclass(frozen=True)
class Row:
    """One event of a listing, as a terminal shows it (every text escaped already)."""

    id: str  # the short id, or "" for a link to a file the archive lacks
    date: str
    title: str
    highlight: tuple[str, ...] = ()
    after: tuple[tuple[str, str], ...] = ()  # (text, style) cells after the title


def event_row(event: Event, short_ids: Mapping[str, str], highlight: Sequence[str], limit: int) -> Row:
    return Row(cut(short_ids.get(event.id, event.id), limit), event.date.isoformat(),
                cut(event.title, limit), tuple(highlight))


def link_row(link: Related, short_ids: Mapping[str, str], limit: int,
              after: tuple[tuple[str, str], ...] = ()) -> Row:
    shown = cut(short_ids.get(link.id, link.id), limit) if link.found else ""
    context = cut(", ".join(link.context), limit)
    return Row(shown, link_date(link), cut(link.title, limit), (), (*after, (context, "dim")))


def _id_text(row: Row, paint: Paint) -> str:
    if not row.id:  # not in the archive: its date and a mark, as there is no id to give
        return f"{paint(row.date or '?', 'date')} {paint('✗', 'missing')}"
    date, slash, rest = row.id.partition("/")
    if slash and date == row.date:
        return paint(date, "date") + paint(slash + rest, "slug")
    return paint(row.id, "slug")


def _id_width(row: Row) -> int:
    return cell_len(row.id) if row.id else len(row.date or "?") + 2


def heading(caption: str, width: int, paint: Paint) -> list[str]:
    return [paint(fit(cut(caption, cell_limit(width)), width), "bold")] if caption else []


def listing(rows: Sequence[Row], width: int, paint: Paint) -> list[str]:
    """An event per line: its id, then its title cut to fit with "…", then any cells after
    it (dropped, last first, when the title would keep fewer than 20 columns); stacked
    below 60 columns."""
    if width < STACKED_BELOW:
        return _stacked(rows, width, paint)
    id_width = max(_id_width(row) for row in rows)
    # the title keeps two thirds of what the id leaves; the cells after it share the rest
    room = width - id_width - len(_GAP) - max(_TITLE_AT_LEAST, (width - id_width) * 2 // 3)
    after_widths: list[int] = []
    for i in range(max((len(row.after) for row in rows), default=0)):
        natural = max((cell_len(row.after[i][0]) for row in rows if i < len(row.after)), default=0)
        cell_width = min(natural, room - len(_GAP))
        if cell_width < min(natural, _CELL_AT_LEAST):
            break  # this one, and those after it, are left out
        after_widths.append(cell_width)
        room -= cell_width + len(_GAP)
    title_width = max(width - id_width - len(_GAP) - sum(w + len(_GAP) for w in after_widths), 1)
    lines = []
    for row in rows:
        title = fit(row.title, title_width)
        parts = [_id_text(row, paint) + " " * (id_width - _id_width(row)),
                 paint.words(title, row.highlight) + " " * (title_width - cell_len(title))]
        for (text, style), cell_width in zip(row.after, after_widths, strict=False):
            shown = fit(text, cell_width)
            parts.append(paint(shown, style) + " " * (cell_width - cell_len(shown)))
        lines.append(_GAP.join(parts).rstrip())
    return lines


def _stacked(rows: Sequence[Row], width: int, paint: Paint) -> list[str]:
    """For a narrow screen: the id on a line (and the cells after the title, if they fit),
    the title under it, wrapped and indented, in at most three lines."""
    lines = []
    for row in rows:
        head = _id_text(row, paint)
        room = width - _id_width(row) - len(_GAP)
        extra = " · ".join(text for text, _ in row.after if text)
        if extra and room >= 10:
            head += _GAP + paint(fit(extra, room), "dim")
        lines.append(head)
        lines += ["  " + paint.words(line, row.highlight)
                  for line in _wrap(row.title, max(width - 2, 10), _STACKED_TITLE_LINES)]
    return lines


def fit(text: str, width: int) -> str:
    """`text` cut to `width` terminal columns, "…" marking the cut (wide characters count 2)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    from rich.cells import set_cell_size

    return set_cell_size(text, width - 1).rstrip() + "…"


def _wrap(text: str, width: int, most: int) -> list[str]:
    """`text` in lines of at most `width` columns, broken at spaces; "…" ends the last of
    `most` lines when more was left."""
    lines: list[str] = []
    rest = text.strip()
    while rest and len(lines) < most:
        if cell_len(rest) <= width:
            lines.append(rest)
            rest = ""
            break
        from rich.cells import set_cell_size

        head = set_cell_size(rest, width)
        cut = head.rfind(" ")
        if cut <= 0:
            cut = len(head)
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].strip()
    if rest and lines:
        lines[-1] = fit(lines[-1] + " " + rest, width)
    return lines


def cell_len(text: str) -> int:
    from rich.cells import cell_len as measure

    return measure(text)


def related_lines(result: RelatedList, width: int, paint: Paint, short_ids: Mapping[str, str]) -> list[str]:
    event = result.event
    limit = cell_limit(width)
    caption = f"Related to {short_ids.get(event.id, event.id)}: {event.title}"
    rows = [link_row(row.link, short_ids, limit, ((row.via, "dim"),)) for row in result.rows]
    lines = [*heading(caption, width, paint), *listing(rows, width, paint)]
    if any(not row.link.found for row in result.rows):
        lines.append(paint("✗ = not in this archive", "dim"))
    return lines
