"""stdout as the command line sees it: a failed write is the user's environment (exit 74),
a reader that went away (`| head -1`) ends the output in silence (exit 141)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from newscli.errors import CannotWrite


@contextmanager
def writing_output() -> Iterator[None]:
    """Around writes to stdout: an OSError there (stdout closed, a full disk) is the user's
    environment, not a bug of ours, so it becomes `CannotWrite` (exit 74).  Elsewhere an
    OSError stays an internal error: the core turns every file it cannot read into a problem."""
    try:
        yield
    except BrokenPipeError:
        raise  # the reader went away (`| head -1`): exit 141, in silence
    except OSError as exc:
        raise CannotWrite(exc) from exc


def silence_stdout() -> None:
    """After the reader of a pipe has gone (`| head -1`), drop what is still buffered."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
