"""Words as the index sees them: case and accents folded, so `Perez` finds `Pérez`."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

WORD = re.compile(r"\w+(?:['’]\w+)*")


# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i",  # noqa: RUF001
                                 "æ": "ae", "œ": "oe", "þ": "th", "ŧ": "t"})


_POSSESSIVE = re.compile(r"'s\b")


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)  # names are folded again and again; whole texts (words()) are not
def fold(text: str) -> str:
    """Lower case without accents: 'Pérez' -> 'perez', 'Straße' -> 'strasse', 'Wałęsa' -> 'walesa'."""
    return _fold(text)


def words(text: str) -> list[str]:
    """The folded words of `text`; "Sudan's" gives 'sudan', as the archive's slugs do.

    The whole text is folded and split by the regex engine at once: a function call per
    word was most of the time it takes to index an archive.
    """
    return WORD.findall(_POSSESSIVE.sub("", _fold(text).replace("’", "'")))
