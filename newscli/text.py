"""Words as the index sees them: case and accents folded, so `Perez` finds `Pérez`."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

WORD = re.compile(r"\w+(?:['’]\w+)*")


# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i",  # noqa: RUF001
                                 "æ": "ae", "œ": "oe", "þ": "th", "ŧ": "t"})


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case without accents: 'Pérez' -> 'perez', 'Straße' -> 'strasse', 'Wałęsa' -> 'walesa'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of `text`; "Sudan's" gives 'sudan', as the archive's slugs do."""
    return [_strip_possessive(fold(w)) for w in WORD.findall(text)]


def _strip_possessive(word: str) -> str:
    for ending in ("'s", "’s"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word.replace("’", "'")
