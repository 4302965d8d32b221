"""Our own exceptions, and the exit codes they become (turned into exit codes only in cli/app.py)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    NOTHING_FOUND = 1  # a valid request with no answer; `news check`: errors found
    BAD_INPUT = 2
    INTERNAL_ERROR = 70  # a bug of ours (EX_SOFTWARE); --debug shows the traceback
    CANNOT_WRITE = 74  # stdout is closed or its disk full (EX_IOERR): the user's environment
    INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
    TERMINATED = 143  # 128 + SIGTERM (set by entry.py, which sees the signal)
    BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader went away (`news ... | head -1`)


class NewsError(Exception):
    """An error the user can act on: printed as one line on stderr, never a traceback."""

    exit_status = ExitStatus.BAD_INPUT

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = tuple(suggestions)


class BadInput(NewsError):
    """The request itself is wrong: an impossible date, a missing data directory, ..."""


class NothingFound(NewsError):
    """The request was fine but the archive holds no answer."""

    exit_status = ExitStatus.NOTHING_FOUND


class Ambiguous(NothingFound):
    """An id prefix that names several events; the candidates are the suggestions."""


class CannotWrite(NewsError):
    """Our output could not be written: stdout closed, its disk full, an I/O error."""

    exit_status = ExitStatus.CANNOT_WRITE

    def __init__(self, error: OSError) -> None:
        where = f" ({error.filename})" if getattr(error, "filename", None) else ""
        super().__init__(f"cannot write output: {error.strerror or error}{where}")


class CannotWatch(NewsError):
    """`news watch` cannot keep this archive's index current (exit 1): queries walk it."""

    exit_status = ExitStatus.NOTHING_FOUND
