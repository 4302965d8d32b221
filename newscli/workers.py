"""The one place that starts worker processes (the walk's and the parse's), and stops them.

A crew of forked workers, each with a pipe in and a pipe out: the parent hands a job to
whichever is free and reads the answers back in the order of the jobs.  Workers ignore
Ctrl-C (the terminal sends it to the whole process group) and are never told anything but
jobs: on Ctrl-C or SIGTERM the parent kills and reaps them at once, so that none can die
while the parent waits on it, or print a traceback.  A worker whose parent is gone dies
too (PR_SET_PDEATHSIG on Linux; elsewhere its pipe closes).  Our own fork pool rather than
multiprocessing's: its threads and shared locks are what hung on Ctrl-C (issue 17).

It imports nothing of ours: the archive and the index both use it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

J = TypeVar("J")
R = TypeVar("R")

HEADER = struct.Struct("<Q")  # the length of the pickle that follows
AHEAD = 2  # jobs handed to a worker at a time: it never waits for the parent between two
# a pipe this large holds a whole answer (a parse chunk's rows are about 1 MB): the worker
# goes on to its next job without waiting for the parent to read
PIPE_BYTES = 1 << 20
STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Failed:
    """What a job gives when its worker died on it: the caller does the job itself."""


FAILED = Failed()


class Crew(Generic[J, R]):
    """Up to `size` forked workers, each doing `work(job)` for the jobs it is handed.

    `run(jobs)` hands out the first jobs at once (the parent can work meanwhile) and
    returns an iterator of the answers in the order of the jobs: FAILED where a worker died
    or `work` raised (the parent then does that job itself, and sees its exception).
    Leaving the `with` block, however it is left, kills whatever is still running."""

    def __init__(self, work: Callable[[J], R], size: int) -> None:
        self.work = work
        self.size = size
        self.workers: list[_Worker] = []

    def __enter__(self) -> Crew[J, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def run(self, jobs: Sequence[J]) -> Iterator[R | Failed]:
        self._start(min(self.size, len(jobs)))
        pending = list(enumerate(jobs))
        pending.reverse()  # popped from the end: the first job first
        for worker in self.workers:
            worker.top_up(pending)
        return self._answers(len(jobs), pending)

    def stop(self) -> None:
        """Kill and reap every worker: a second is the most a command may take to stop."""
        for worker in self.workers:
            worker.kill()
        self.workers = []

    def _start(self, count: int) -> None:
        for _ in range(count):
            if not _fork(self.work, self.workers):
                break

    def _answers(self, total: int, pending: list[tuple[int, J]]) -> Iterator[R | Failed]:
        answers: dict[int, R | Failed] = {}
        for wanted in range(total):
            while wanted not in answers:
                if not self.workers:  # none left (or none could start): the rest is the parent's
                    answers.update((number, FAILED) for number, _ in pending)
                    pending.clear()
                    answers.setdefault(wanted, FAILED)
                    break
                self._collect(answers, pending)
            yield answers.pop(wanted)

    def _collect(self, answers: dict[int, R | Failed], pending: list[tuple[int, J]]) -> None:
        """Wait for answers, and hand whoever gave one its next job."""
        busy = {worker.output: worker for worker in self.workers if worker.jobs}
        ready, _, _ = select.select(list(busy), [], [])
        for fd in ready:
            worker = busy[fd]
            number, answer = worker.receive()
            answers[number] = answer
            if isinstance(answer, Failed):  # and so is every job it was handed
                answers.update((number, FAILED) for number in worker.jobs)
                worker.kill()
                self.workers.remove(worker)
            else:
                worker.top_up(pending)


class _Worker:
    """The parent's end of one worker: its pid, a pipe to it, a pipe from it, and the jobs
    handed to it and not answered yet, oldest first."""

    def __init__(self, pid: int, to_worker: int, output: int) -> None:
        self.pid = pid
        self.input = to_worker
        self.output = output
        self.jobs: list[int] = []
        self.room = _pipe_bytes(to_worker)

    def top_up(self, pending: list[tuple[int, Any]]) -> None:
        """Hand it jobs until it has AHEAD: its next one waits in its pipe as it works.

        Never a write that could wait for the worker while the worker waits for us (to read
        its answer): a job ahead is written only if it fits in the pipe beside the one before."""
        while pending and len(self.jobs) < AHEAD:
            number, job = pending[-1]
            message = _message(job)
            if self.jobs and 2 * len(message) > self.room:
                return  # handed once it has answered, as it then waits for a job
            pending.pop()
            self.jobs.append(number)
            with contextlib.suppress(OSError):  # it is gone: its answer is the end of its pipe, FAILED
                _write_all(self.input, message)

    def receive(self) -> tuple[int, Any]:
        """(the number of its oldest job, its answer or FAILED)."""
        number = self.jobs.pop(0)
        try:
            return number, _read_message(self.output)
        except (OSError, EOFError, pickle.UnpicklingError):
            return number, FAILED

    def fds(self) -> tuple[int, int]:
        return self.input, self.output

    def kill(self) -> None:
        for fd in (self.input, self.output):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)  # it holds nothing the parent needs
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _fork(work: Callable[[Any], Any], crew: list[_Worker]) -> bool:
    """Add to `crew` a worker doing `work` for each job it reads until its pipe closes;
    False if the system will not fork (the parent then does the jobs)."""
    if not hasattr(os, "fork"):
        return False
    jobs_in, jobs_out = os.pipe()
    answers_in, answers_out = os.pipe()
    _widen(answers_out)
    _widen(jobs_out)
    # no signal between the fork and the worker's own handling: Python's handler would run
    # in the child and raise there
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING_SIGNALS)
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        for fd in (jobs_in, jobs_out, answers_in, answers_out):
            os.close(fd)
        return False
    if pid == 0:  # the other workers' pipes are closed, or one would keep another alive
        parents = (jobs_out, answers_in, *(fd for worker in crew for fd in worker.fds()))
        _be_worker(work, jobs_in, answers_out, parents, blocked)
    os.close(jobs_in)
    os.close(answers_out)
    crew.append(_Worker(pid, jobs_out, answers_in))  # before a pending Ctrl-C is raised: it is reaped
    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return True


def _be_worker(work: Callable[[Any], Any], jobs: int, answers: int, parents: tuple[int, ...],
               blocked: set[int]) -> None:
    """The worker's life: jobs in, answers out, then leave without the parent's clean-up."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        _die_with_parent()
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        for fd in parents:
            os.close(fd)
        while True:
            try:
                job = _read_message(jobs)
            except EOFError:
                break  # no more jobs: the parent is done with us
            _write_message(answers, work(job))
        status = 0
    except BaseException:
        pass
    finally:
        os._exit(status)


def usable_cores() -> int:
    """The cores this process may run on (the affinity mask where there is one)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies, even by SIGKILL."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere a worker whose parent is gone ends at its next read or write
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _widen(pipe: int) -> None:
    import fcntl  # where there is fork, there is fcntl

    if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux
        with contextlib.suppress(OSError):  # a system limit below it: the default then
            fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _pipe_bytes(pipe: int) -> int:
    import fcntl

    try:
        return int(fcntl.fcntl(pipe, fcntl.F_GETPIPE_SZ))
    except (AttributeError, OSError):
        return 4096  # POSIX promises no more (PIPE_BUF)


def _message(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def _write_message(fd: int, value: Any) -> None:
    _write_all(fd, _message(value))


def _write_all(fd: int, message: bytes) -> None:
    view = memoryview(message)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_message(fd: int) -> Any:
    header = _read_exactly(fd, HEADER.size)
    return pickle.loads(_read_exactly(fd, HEADER.unpack(header)[0]))


def _read_exactly(fd: int, size: int) -> bytearray:
    # filled in place: os.read(n) would allocate n bytes for each pipeful it returns
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = os.readv(fd, [view[got:]])
        if not count:
            raise EOFError
        got += count
    return buffer
