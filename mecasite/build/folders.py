"""Whole folders beside the output: the swap that puts a new site in place, and the removal of what builds
put aside or left behind. Only folders carrying the marker are ever deleted (writer.py decides which).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import threading
import time
from pathlib import Path

from mecasite.build.output_folder import is_marked

TMP_MARK = ".tmp-"
OLD_MARK = ".old-"


def put_away(out: Path, folder: Path) -> None:
    """Rename a folder of ours beside `out` as put aside, and delete it in the background."""
    old = out.parent / f".{out.name}{OLD_MARK}{os.getpid()}-{time.time_ns()}"
    os.rename(folder, old)
    remove_in_background(old)


def remove_in_background(path: Path) -> None:
    """Delete a folder without making the caller wait (ten thousand files take a second or two).

    Called only with a folder that the swap put aside and that carries the marker. A child process does it,
    in a session of its own so that it outlives a build that ends first, and a thread here reaps it, so no
    zombie is left behind (waiting for an intermediate process instead cost 12 ms a build: its exit unmaps a
    copy of the build's memory). If it dies, the next build's `clean_leftovers` finishes the job. Where fork
    is missing, delete here.
    """
    if not path.exists():
        return
    if not hasattr(os, "fork"):
        shutil.rmtree(path, ignore_errors=True)
        return
    pid = os.fork()
    if pid == 0:  # the deleter
        try:
            os.setsid()
            shutil.rmtree(path, ignore_errors=True)
        finally:
            os._exit(0)
    threading.Thread(target=os.waitpid, args=(pid, 0), daemon=True).start()


def clean_leftovers(out: Path) -> None:
    """Remove what killed builds left beside `out`: folders named as staging or put-aside folders are, that
    carry the marker. A folder of the same name without it is not ours and stays."""
    for stale in out.parent.glob(f".{out.name}.*-*"):
        if (
            (TMP_MARK in stale.name or OLD_MARK in stale.name)
            and not stale.is_symlink()
            and stale.is_dir()
            and is_marked(stale)
        ):
            shutil.rmtree(stale, ignore_errors=True)


def swap(new: Path, out: Path) -> None:
    """Put `new` at `out`; afterwards `new` holds what stood at `out` (the old site, an empty folder, or
    nothing), for the caller to dispose of."""
    if not out.exists():
        os.rename(new, out)
        return
    if exchange(new, out):
        return
    aside = out.parent / f".{out.name}{OLD_MARK}{os.getpid()}-{time.time_ns()}"
    os.rename(out, aside)
    os.rename(new, out)
    os.rename(aside, new)


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders with Linux's renameat2; False where it is not available. Found among the
    symbols the process has loaded (libc's among them), not by `ctypes.util.find_library`, which asks
    `ldconfig` on every call (5 ms or more)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result: int = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0
