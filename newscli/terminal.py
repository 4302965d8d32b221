"""Where output goes and how it may look, in one object that tests can replace.

Like httpie's `Environment`: the streams, whether each is a terminal, the width and
whether colour is on are decided here once, not by each piece of code that prints.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from enum import Enum
from typing import TextIO


class ColorChoice(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


@dataclass
class Terminal:
    stdout: TextIO
    stderr: TextIO
    stdout_is_tty: bool
    stderr_is_tty: bool
    width: int
    color: bool

    @classmethod
    def detect(cls, choice: ColorChoice = ColorChoice.auto) -> Terminal:
        out, err = sys.stdout, sys.stderr
        out_tty, err_tty = _isatty(out), _isatty(err)
        return cls(
            stdout=out,
            stderr=err,
            stdout_is_tty=out_tty,
            stderr_is_tty=err_tty,
            width=shutil.get_terminal_size((100, 24)).columns,
            color=wants_color(choice, out_tty),
        )

    def with_color(self, choice: ColorChoice | None) -> Terminal:
        if choice is None:
            return self
        return Terminal(self.stdout, self.stderr, self.stdout_is_tty, self.stderr_is_tty,
                        self.width, wants_color(choice, self.stdout_is_tty))


def wants_color(choice: ColorChoice, is_tty: bool) -> bool:
    if choice is ColorChoice.always:
        return True
    if choice is ColorChoice.never:
        return False
    # https://no-color.org: any non-empty NO_COLOR turns colour off
    return is_tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
