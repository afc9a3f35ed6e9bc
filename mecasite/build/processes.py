"""Forked helper processes for large sites: they share what the parent has loaded, die with it, and never
leave it waiting for a helper that died.

Used by reading.py (two processes read the content) and workers.py (the build and one process per other
core render pages); both share their work out in numbered parts, each taken by whichever process is free
(`Tickets`), a helper sending each part's result back as soon as it is made (`Sent`), without waiting for
the parent to ask for the next part, and the parent doing its share in between (`share`). Forking costs more
than it saves on a small site, so callers fork only past a threshold.
Only on Linux: macOS's system libraries are not safe to fork and Windows has no fork; there callers work in
one process (spawning would pickle the whole loaded site into every helper, which costs more than it saves).

The pool is `concurrent.futures.ProcessPoolExecutor`, not `multiprocessing.Pool`: when a helper dies
(killed by the kernel for memory, a crash in a C extension, SIGKILL), `Pool` waits forever for its tasks;
the executor fails them all at once, and `fork_pool` turns that into `WorkerDied`, naming how it died.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where a pool is made: a small site's build, or a warm one, never needs them
    import multiprocessing.context
    from concurrent.futures import Future, ProcessPoolExecutor

CAN_FORK = sys.platform.startswith("linux") and hasattr(os, "fork")

_CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT}


class WorkerDied(Exception):
    """A helper process ended before sending back its result; the message says how."""


def _recording() -> tuple[multiprocessing.context.ForkContext, list[multiprocessing.context.ForkProcess]]:
    """A fork context, and the processes it makes: their exit codes say how a helper died. (The context's
    `Process` is a class, which the executor calls: a subclass per context records its own.)"""
    import multiprocessing.context

    started: list[multiprocessing.context.ForkProcess] = []

    class Recorded(multiprocessing.context.ForkProcess):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

    class Recording(multiprocessing.context.ForkContext):
        Process = Recorded

    return Recording(), started


@contextmanager
def fork_pool(jobs: int, role: str) -> Iterator[ProcessPoolExecutor]:
    """A pool of `jobs` forked processes; if one dies, WorkerDied ("a `role` process died (killed by signal
    9: SIGKILL, perhaps out of memory)") once every helper has ended."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context, started = _recording()
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        yield pool
    except BrokenProcessPool:
        pool.shutdown(wait=True)  # the executor has ended the others: every exit code is known
        raise WorkerDied(f"a {role} process died ({how_it_died(p.exitcode for p in started)})") from None
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # a bug in a task: no point in starting the others
        raise
    pool.shutdown(wait=True)


class Tickets:
    """The numbers 0 to `count - 1`, each taken by exactly one of the processes that share them (this one and
    those forked after it was made): whoever is free takes the next, so no process waits while another has
    work queued, and they finish within one part of each other. The numbers are in a pipe, written before any
    fork: a read of 4 bytes from a pipe is atomic, and no lock is held that a killed process could keep."""

    MOST = 1024  # numbers: 4 KB, what a pipe holds at the least (Linux gives a user past its quota 1 page)

    def __init__(self, count: int) -> None:
        if count > self.MOST:
            raise ValueError(f"{count} tickets: at most {self.MOST} fit in a pipe before it blocks")
        self._queue, write = os.pipe()
        os.write(write, b"".join(i.to_bytes(4, "little") for i in range(count)))
        os.close(write)  # so that reading an empty pipe ends, and does not wait

    def take(self) -> int | None:
        """The next number nobody has taken; None when none is left."""
        data = os.read(self._queue, 4)
        return int.from_bytes(data, "little") if data else None

    def close(self) -> None:
        os.close(self._queue)


class Sent:
    """Results sent back by forked helpers one by one, while the parent works: each pickled into a file in
    memory that has no name (nothing on disk, no size limit) and announced on a pipe. A helper never waits for
    the parent to read, and needs no task of the pool's per result: handing it one (the pool's threads, in
    the busy parent, waiting their turn for the interpreter) left the helper idle most of the time. Made
    before the helpers are forked; `send` and `end` in a helper, `received` and `wait` in the parent."""

    _NOTICE = struct.Struct("<IQQ")  # the result's key, its place in the file, its length
    _END = 0xFFFFFFFF  # the key of a helper's last notice: it sends no more

    def __init__(self) -> None:
        if hasattr(os, "memfd_create"):
            self._file = os.memfd_create("mecasite-sent", os.MFD_CLOEXEC)
        else:  # an older C library: a file with no name in the temporary folder
            import tempfile  # here: 7 ms of imports a build with memfd_create never needs

            self._file = os.dup(tempfile.TemporaryFile().fileno())
        self._notices, self._write = os.pipe()
        os.set_blocking(self._notices, False)
        self._pending = b""  # part of a notice read before the rest of it
        self.ended = 0  # helpers that have said they send no more (`end`)

    def send(self, key: int, value: object) -> None:
        """In a helper: `value` for the parent, under `key`. Helpers write one at a time: a record lock is
        each process's own (the kernel drops it with a helper that dies), the file's end is not."""
        import fcntl  # here: helpers are forked on Linux alone, and Windows has no fcntl

        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        fcntl.lockf(self._file, fcntl.LOCK_EX)
        try:
            at = end = os.lseek(self._file, 0, os.SEEK_END)
            view = memoryview(data)
            while view:
                written = os.pwrite(self._file, view, end)
                view, end = view[written:], end + written
            os.write(self._write, self._NOTICE.pack(key, at, len(data)))  # 20 bytes: atomic on a pipe
        finally:
            fcntl.lockf(self._file, fcntl.LOCK_UN)

    def end(self) -> None:
        """In a helper: it sends no more (the parent need not wait for the pool to say so)."""
        os.write(self._write, self._NOTICE.pack(self._END, 0, 0))

    def received(self) -> Iterator[tuple[int, Any]]:
        """In the parent: (key, value) of each result announced since the last call; waits for none."""
        try:
            self._pending += os.read(self._notices, 1 << 16)
        except BlockingIOError:
            return
        whole = len(self._pending) // self._NOTICE.size * self._NOTICE.size
        notices, self._pending = self._pending[:whole], self._pending[whole:]
        for key, at, length in self._NOTICE.iter_unpack(notices):
            if key == self._END:
                self.ended += 1
            else:
                yield key, pickle.loads(os.pread(self._file, length, at))

    def wait(self, seconds: float) -> None:
        """In the parent: until a notice comes, or `seconds` have passed."""
        select.select([self._notices], [], [], seconds)

    def close(self) -> None:
        for fd in (self._file, self._notices, self._write):
            os.close(fd)


def share(
    tickets: Tickets,
    sent: Sent,
    helpers: Sequence[Future[Any]],
    senders: int,
    mine: Callable[[int], object],
    theirs: Callable[[int, Any], object],
) -> None:
    """This process's side of work shared with forked helpers: each part it takes from `tickets`, done
    (`mine(number)`), with what the helpers sent meanwhile handed on (`theirs(number, result)`); then what they
    send until each of the `senders` among them (the `helpers`' tasks that loop on the tickets) has ended.
    A helper that died stops it: the pool's `result()` then raises (fork_pool: WorkerDied)."""

    def died() -> bool:
        return any(future.done() and future.exception() for future in helpers)

    def hand_on() -> None:
        for number, result in sent.received():
            theirs(number, result)

    while not died() and (number := tickets.take()) is not None:
        mine(number)
        hand_on()
    while sent.ended < senders and not died():
        sent.wait(0.05)
        hand_on()
    for helper in helpers:
        helper.result()
    hand_on()  # what they sent before their end


def how_it_died(exit_codes: Iterable[int | None]) -> str:
    """What the exit codes of a broken pool's processes say. The executor ends the others with SIGTERM once
    one has died, so another signal, or an exit code, is the one that broke it."""
    codes = [code for code in exit_codes if code]  # None: never started; 0: ended normally
    codes.sort(key=lambda code: code == -signal.SIGTERM)
    if not codes:
        return "it ended without sending its result"
    code = codes[0]
    if code > 0:
        return f"it exited with code {code}"
    number = -code
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = "unknown signal"
    why = (
        ", perhaps out of memory"
        if number == signal.SIGKILL
        else ", a crash in a C extension"
        if number in _CRASH_SIGNALS
        else ""
    )
    return f"killed by signal {number}: {name}{why}"


def die_with_parent(parent: int) -> None:
    """A helper must not outlive a build that was killed: a render process would go on writing into a staging
    folder that the next build has already cleaned away (Linux: PR_SET_PDEATHSIG). A parent that died before
    the signal was asked for is seen as a new parent process."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)
