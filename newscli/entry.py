"""The `news` console script and `python -m newscli`: Ctrl-C and SIGTERM handled from the
first moment.

Importing typer, rich and the rest is most of a run's start-up, and a Ctrl-C then would
print a KeyboardInterrupt traceback from deep inside an import.  So this module imports
only `os`, `signal` and `sys`, arms the handling, and only then imports the command line.
Whenever Ctrl-C comes after that (start-up, work, output, exit), the status is 130 and
nothing is printed; SIGTERM does the same with 143.  Both stop the work as
KeyboardInterrupt, so that the same `finally` blocks tidy up (workers.py kills the worker
processes).  (Before it, during the interpreter's own start-up, Python's default handling
applies: nothing a package can change.)
"""

from __future__ import annotations

import os
import signal
import sys

from newscli import stopping  # imports nothing

TYPE_CHECKING = False  # typing itself takes milliseconds to import, while Ctrl-C is unhandled
if TYPE_CHECKING:
    from types import FrameType
    from typing import NoReturn

# ExitStatus.INTERRUPTED and TERMINATED, spelt here so that nothing is imported before the handler
INTERRUPTED = 130
STATUS_OF: dict[int, int] = {signal.SIGINT: INTERRUPTED, signal.SIGTERM: 143}

_leaving = False  # the exit status is settled; the interpreter is shutting down


def main() -> NoReturn:
    try:
        try:
            for signum in STATUS_OF:
                signal.signal(signum, _on_interrupt)
            _stand_in_for_closed_streams()
            if sys.argv[1:] == ["--version"] and _printed_version():
                _leave(0)
            from newscli.cli import main as run

            run()  # always ends in SystemExit, with the command's status
        except SystemExit as stop:
            status = stop.code
        except KeyboardInterrupt:
            status = INTERRUPTED
        _leave(status)
    except KeyboardInterrupt:  # the one interrupt there can be, come as the status was settled
        _leave(INTERRUPTED)


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    """The first Ctrl-C or SIGTERM stops the work as KeyboardInterrupt, so that `finally`
    blocks tidy up (the cache is never left half written, no worker outlives us); one after
    that, or once the work is done, ends the process at once: raised there, it would escape
    as a traceback."""
    if stopping.requested_by is not None or _leaving:
        os._exit(STATUS_OF.get(signum, INTERRUPTED))
    stopping.requested_by = signum
    raise KeyboardInterrupt


def _leave(status: str | int | None) -> NoReturn:
    global _leaving
    _leaving = True
    if status == INTERRUPTED and stopping.requested_by is not None:
        status = STATUS_OF.get(stopping.requested_by, INTERRUPTED)  # 143 when SIGTERM stopped the work
    sys.exit(status)


def _printed_version() -> bool:
    """`news --version` answered before typer is imported (it was four fifths of its time);
    False when it could not be written, for the command line to report as it does."""
    from newscli import __version__

    try:
        sys.stdout.write(f"news {__version__}\n")
        sys.stdout.flush()
    except OSError:
        return False
    return True


def _stand_in_for_closed_streams() -> None:
    """Give a closed stdout or stderr (`news ... >&-`) a stand-in before any file is opened.

    Else the next file opened would take descriptor 1 or 2 and become our output.  stdout's
    stand-in is /dev/null opened for reading, so that writing fails with EBADF as it would on
    the closed descriptor and is reported (exit 74); stderr's swallows what it is given.
    """
    for fd, mode in ((1, os.O_RDONLY), (2, os.O_WRONLY)):
        try:
            os.fstat(fd)
        except OSError:
            spare = os.open(os.devnull, mode)
            if spare != fd:
                os.dup2(spare, fd)
                os.close(spare)
    # Python leaves a stream it found closed at start-up as None
    if sys.stdout is None:
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115  lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
