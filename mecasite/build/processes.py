"""Forked helper processes for large sites: they share what the parent has loaded, die with it, and never
leave it waiting for a helper that died.

Used by reading.py (two processes read the content) and workers.py (the build and one process per other
core render pages). Forking costs more than it saves on a small site, so callers fork only past a threshold.
Only on Linux: macOS's system libraries are not safe to fork and Windows has no fork; there callers work in
one process (spawning would pickle the whole loaded site into every helper, which costs more than it saves).

The pool is `concurrent.futures.ProcessPoolExecutor`, not `multiprocessing.Pool`: when a helper dies
(killed by the kernel for memory, a crash in a C extension, SIGKILL), `Pool` waits forever for its tasks;
the executor fails them all at once, and `fork_pool` turns that into `WorkerDied`, naming how it died.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where a pool is made: a small site's build, or a warm one, never needs them
    import multiprocessing.context
    from concurrent.futures import ProcessPoolExecutor

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
