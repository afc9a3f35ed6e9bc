"""What changed in a large site's output folder during its build, told by the kernel (Linux's inotify), so
that the check just before the swap need not walk ten thousand files again.

When there is a build to make, a forked walker (uptodate.py) walks the output a second time, beside the
build, putting a watch on each folder before listing it; it must find what the first walk found and checked
against the ledger. A file made, changed, touched, renamed or deleted in a watched folder afterwards is an
event. Just before the swap the writer asks `quiet`: that walk's answer, no event, no folder left unwatched
and the ledger as it was mean the folder still holds what the first walk checked, so the check's answer is
known. Anything else (an event, events lost when the kernel's queue overflowed, a folder the kernel would
not watch, no inotify at all: macOS, Windows) means the full walk, as before: the watch can spare that walk,
never let through a file it would have refused. A build makes no event there itself: it only reads the live
files and links them into its staging folder, and a new link to a file changes none of the folders watched.

The kernel sees what this machine does to the folder; a file written into a network folder by another
machine during the build is seen by the next build's first walk instead (in the spare, which a file no build
wrote keeps from being used or deleted). A build with nothing to do makes no watch: it would cost it 40 ms.
"""

from __future__ import annotations

import os
from collections.abc import Callable

# inotify(7): what makes an event in a watched folder (or of the folder itself: deleted, moved away).
_MODIFY, _ATTRIB, _CLOSE_WRITE, _MOVED_FROM, _MOVED_TO = 0x2, 0x4, 0x8, 0x40, 0x80
_CREATE, _DELETE, _DELETE_SELF, _MOVE_SELF = 0x100, 0x200, 0x400, 0x800
_DONT_FOLLOW, _ONLYDIR = 0x02000000, 0x01000000
MASK = (
    (_MODIFY | _ATTRIB | _CLOSE_WRITE | _MOVED_FROM | _MOVED_TO | _CREATE | _DELETE | _DELETE_SELF | _MOVE_SELF)
    | _DONT_FOLLOW
    | _ONLYDIR
)
_NONBLOCK, _CLOEXEC = os.O_NONBLOCK, getattr(os, "O_CLOEXEC", 0)


class Watch:
    """A watch on the folders of one output folder. `folder(path)` before each is listed (by a walker in
    another process: its `told`, `hear`d here); `quiet(stamps)` before the swap; `close()` once the build
    is done (the kernel then drops every watch)."""

    def __init__(self, ledger_stamps: object):
        self.stamps = ledger_stamps  # the ledger's, when the first walk was about to read it
        self._fd: int | None = None
        self._add: Callable[[int, bytes, int], int] | None = None
        self._missed = False
        self._watched = 0  # folders: none (no output folder yet) leaves the check to the full walk
        self._told: Callable[[], tuple[int, bool]] | None = None
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(_NONBLOCK | _CLOEXEC)
        except (OSError, AttributeError):  # no such call here (not Linux, or not a C library that has it)
            self._missed = True
            return
        if fd < 0:  # no instance left (fs.inotify.max_user_instances)
            self._missed = True
            return
        self._fd, self._add = fd, libc.inotify_add_watch

    def folder(self, path: str) -> None:
        """Watch `path`, before its entries are listed: a change after the listing is then an event."""
        if self._fd is None or self._add is None or self._add(self._fd, os.fsencode(path), MASK) < 0:
            self._missed = True  # e.g. no watch left (fs.inotify.max_user_watches): `quiet` says no
        else:
            self._watched += 1

    def told(self) -> tuple[int, bool]:
        """What the walk did (folders watched, one missed), for the process that asks `quiet`: the walker
        may be a forked process, and the kernel's watches are shared with it, but not this object."""
        return self._watched, self._missed

    def hear(self, told: Callable[[], tuple[int, bool]]) -> None:
        """`told` of a walker in another process, asked for when `quiet` is."""
        self._told = told

    def quiet(self, ledger_stamps: object) -> bool:
        """True when nothing has changed in the watched folders since they were listed, every one was watched,
        and the ledger is the one the walk read (`ledger_stamps`, taken again now). Asked once: the watches
        are dropped then, beside the build."""
        if self._told is not None:
            try:
                watched, missed = self._told()
            except Exception:  # the walker failed: its watches are of no use
                watched, missed = 0, True
            self._watched, self._missed, self._told = watched, self._missed or missed, None
        quiet = self._nothing_heard(ledger_stamps)
        self.close(beside=True)
        return quiet

    def _nothing_heard(self, ledger_stamps: object) -> bool:
        if self._missed or self._fd is None or not self._watched or ledger_stamps != self.stamps:
            return False
        try:
            data = os.read(self._fd, 64 * 1024)
        except BlockingIOError:
            return True  # no event waiting
        except OSError:
            return False
        return not data  # any event (the queue's overflow is one too)

    def close(self, beside: bool = False) -> None:
        """Drop the watches. `beside`: in a thread, while the build goes on: the kernel takes some 20 ms to
        drop ten thousand, in a call that lets other threads run."""
        fd, self._fd, self._missed = self._fd, None, True
        if fd is None:
            return
        if beside:
            import threading

            threading.Thread(target=os.close, args=(fd,), daemon=True).start()
        else:
            os.close(fd)
