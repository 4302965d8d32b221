"""Words as the index sees them: case and accents folded, so `Perez` finds `Pérez`."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

WORD = re.compile(r"\w+(?:['’]\w+)*")
_SURROGATE = re.compile("[\ud800-\udfff]")


def no_surrogates(text: str) -> str:
    """`text` with any lone surrogate (an undecodable file name byte, a YAML `\\udXXX` escape)
    replaced by U+FFFD, so that it can be written to a UTF-8 stream or stored."""
    return _SURROGATE.sub("\ufffd", text)


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


# Words that join the capitalised words of a name or a heading ("War in Afghanistan").
_JOINING = frozenset({"of", "in", "on", "the", "and", "for", "to", "at", "de", "del", "la", "le", "da",
                      "von", "van", "al", "el", "-"})
_SENTENCE_END = tuple('.!?"”’)]')
# a final full stop that closes an abbreviation ("Washington, D.C.") ends no sentence
_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.){2,}$|\b(?:Inc|Jr|Sr|Co|Ltd|St)\.$")
_ABBREVIATION_ENDS = ("Inc.", "Jr.", "Sr.", "Co.", "Ltd.", "St.")


def _ends_sentence(text: str) -> bool:
    if not text.endswith(_SENTENCE_END):
        return False
    # the regex only where an abbreviation may end the text: run on every headline, it
    # was a tenth of the time an event's rows take
    may_abbreviate = text[-1] == "." and (text[-2:-1].isupper() or text.endswith(_ABBREVIATION_ENDS))
    return not (may_abbreviate and _ABBREVIATION.search(text))


def looks_like_heading(title: str) -> bool:
    """Whether a headline is a bare heading or a list of story names rather than an event
    ("War in Afghanistan"; "Iran-United States relations, Bahrain-Iran relations"): no
    sentence end, and every comma-separated part a few mostly capitalised words."""
    text = title.strip()
    if not text or _ends_sentence(text):
        return False
    parts = [part.split() for part in text.replace(";", ",").split(",")]
    # a list of story names may have long names; a bare heading is short
    if any(len(part) > (12 if len(parts) > 1 else 8) for part in parts):
        return False
    named = [w for part in parts for w in part if w.lower() not in _JOINING]
    capitalised = sum(1 for w in named if w[:1].isupper() or w[:1].isdigit())
    return bool(named) and capitalised >= 0.5 * len(named)
