"""Words as the index sees them: case and accents folded, so `Perez` finds `Pérez`."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

WORD = re.compile(r"\w+(?:['’]\w+)*")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case without accents: 'Pérez' -> 'perez', 'Straße' -> 'strasse'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of `text`; "Sudan's" gives 'sudan', as the archive's slugs do."""
    return [_strip_possessive(fold(w)) for w in WORD.findall(text)]


def _strip_possessive(word: str) -> str:
    for ending in ("'s", "’s"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word.replace("’", "'")
