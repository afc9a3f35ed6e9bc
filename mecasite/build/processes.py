"""Forked helper processes for large sites: they share what the parent has loaded, and die with it.

Used by content.py (two processes read the content) and parallel.py (one process per core renders pages).
Forking costs more than it saves on a small site, so callers fork only past a threshold; where `fork` is
missing they work in one process.
"""

from __future__ import annotations

import multiprocessing
import os
from contextlib import contextmanager
from typing import Iterator

CAN_FORK = hasattr(os, "fork")


@contextmanager
def fork_pool(jobs: int) -> Iterator[multiprocessing.pool.Pool]:
    """A pool of `jobs` forked processes."""
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_die_with_parent) as pool:
        yield pool


def _die_with_parent() -> None:
    """A helper must not outlive a build that was killed: a render process would go on writing into a staging
    folder that the next build has already cleaned away (Linux: PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass
