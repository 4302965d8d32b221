"""Short ids: the date and the fewest whole words of a slug that tell an event apart from
the others of its day, as a git short hash is the shortest prefix no other object has."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

SHORT_ID_LENGTH = 30  # the longest a short id is made, but for a slug with no shorter form
_SHORT_ID_WORDS = 2  # words a short id opens with, when they fit: one is often an article
_WORD_END = re.compile(r"(?<=[^-])-")


def short_id(event_id: str, day_slugs: Sequence[str]) -> str:
    """The date and the fewest whole words of the slug that tell the event apart from the
    others of its day (`day_slugs`, sorted), as a git short hash is the shortest prefix no
    other object has.

    Its opening words (at least two when they fit in `SHORT_ID_LENGTH` characters); when
    the day's slugs share their opening (a story's name, "2011-libyan-civil-war-..."), the
    fewest words from further on that no other slug of that day holds: `Index.find` takes
    `DATE/words` that opens no slug of the day to the one slug holding them.  Failing both,
    the whole id.  It always holds the date and a slash, so it is never a date, a date
    range or a date word.
    """
    date, _, slug = event_id.partition("/")
    position = bisect.bisect_left(day_slugs, slug)
    if not slug or day_slugs[position : position + 1] != [slug]:
        return event_id
    # the slugs sharing the longest opening with this one are its neighbours in order
    shared = max((_common_length(slug, day_slugs[i]) for i in (position - 1, position + 1)
                  if 0 <= i < len(day_slugs)), default=0)
    room = SHORT_ID_LENGTH - len(date) - 1
    ends = _word_ends(slug)
    # an opening longer than that opens no other slug of the day, and is none of them
    first = next((end for end in ends if end > shared and _as_typed(slug[:end])), room + 1)
    if first <= room:  # then as many words as make _SHORT_ID_WORDS, if they fit
        end = max([first, *(e for e in ends[:_SHORT_ID_WORDS] if first < e <= room
                            and _as_typed(slug[:e]))])
        return f"{date}/{slug[:end]}"
    inside = _words_inside(slug, day_slugs, room)
    return f"{date}/{inside}" if inside else event_id


def _common_length(a: str, b: str) -> int:
    """How many characters two texts open with alike."""
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _word_ends(slug: str) -> list[int]:
    """Where each word of a slug ends (a run of hyphens is one separator)."""
    return [*(match.start() for match in _WORD_END.finditer(slug)), len(slug)]


def _words_inside(slug: str, day_slugs: Sequence[str], room: int) -> str | None:
    """The fewest words of `slug` after its first, within `room`, that name it on its day."""
    starts = [i + 1 for i, char in enumerate(slug) if char == "-" and i + 1 < len(slug)
              and slug[i + 1] != "-"]
    ends = _word_ends(slug)
    for count in range(1, 4):
        for start in starts:
            later = [end for end in ends if end > start]
            if len(later) < count or later[count - 1] - start > room:
                continue
            words = slug[start : later[count - 1]]
            if _names_only(words, slug, day_slugs):
                more = [slug[start:end] for end in later[count:_SHORT_ID_WORDS] if end - start <= room]
                return next((w for w in reversed(more) if _names_only(w, slug, day_slugs)), words)
    return None


def _as_typed(text: str) -> bool:
    """Whether `Index.find` reads `DATE/text` as it is (it drops spaces, slashes and `.md`)."""
    return bool(text) and text == text.strip().strip("/") and not text.endswith(".md")


def _names_only(text: str, slug: str, day_slugs: Sequence[str]) -> bool:
    """Whether `DATE/text` is found by `Index.find` as the event `slug` of that day and no other:
    a whole slug, else the slugs it opens, else the slugs holding it from a word's start."""
    if not _as_typed(text):
        return False
    if text in day_slugs:
        return text == slug
    opened = [s for s in day_slugs if s.startswith(text)]
    if opened:
        return opened == [slug]
    held = [s for s in day_slugs if f"-{text}" in f"-{s}"]
    return held == [slug]
