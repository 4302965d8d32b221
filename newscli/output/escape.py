"""Archive text made safe to print: control characters escaped, JSON's raw ones as `\\u`
escapes, and a field cut to what a screen can show before anything measures it."""

from __future__ import annotations

import json
import re
from typing import Any

# C0 controls (tab and newline among them), DEL, C1 controls, and lone surrogates, which
# no UTF-8 stream can take: none of them reaches a terminal or a text stream raw
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def printable(text: str) -> str:
    """`text` as it may be printed: every control character and lone surrogate escaped.

    A title holding ESC ] 52 would otherwise write the user's clipboard, ESC [ 2 J clear the
    screen, a tab or newline break a row.  Tab, newline and carriage return show as `\\t`,
    `\\n`, `\\r`; other controls as `\\xHH` (`\\x1b`, `\\x9b`); a lone surrogate as `\\udXXX`.
    Everything else is left as it is, backslashes included: JSON keeps the exact text.
    """
    if _UNPRINTABLE.search(text) is None:
        return text  # the common case, and no copy
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


# json.dumps escapes C0 controls, but with ensure_ascii=False leaves DEL, the C1 controls
# and lone surrogates raw; as \u escapes they are the same text to a JSON reader
_JSON_RAW = re.compile("[\x7f-\x9f\ud800-\udfff]")


def json_text(value: Any, indent: int | None = None) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# rich measures and wraps every character of a cell: on a 50 MB title it never finishes.
# A cell can show no more than a screen of lines of the terminal's width, so each is cut to
# that before rich sees it, and a giant field costs what a normal one does.  (Piped and JSON
# output keep the full text.)
_SCREEN_LINES = 50


def cell_limit(width: int) -> int:
    return max(width, 20) * _SCREEN_LINES


def cut(text: str, limit: int) -> str:
    """`text` escaped and cut to `limit` characters, an ellipsis marking the cut."""
    shown = printable(text[:limit])  # cut first: escaping a giant field would cost its size
    if len(text) > limit or len(shown) > limit:
        return shown[: limit - 1] + "…"
    return shown


def text_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
