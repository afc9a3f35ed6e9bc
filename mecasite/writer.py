"""The only module that writes the site: into a fresh sibling folder, then swapped into place.

A failed or killed build leaves the previous output untouched: the new site is complete before it replaces
the old one. On Linux the swap is one atomic `renameat2(RENAME_EXCHANGE)`; elsewhere two renames. Leftover
temporary folders from a killed build are removed by the next one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import time
from pathlib import Path, PurePosixPath

TMP_MARK = ".tmp-"
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
OLD_MARK = ".old-"


class WriteError(Exception):
    """A path that must not be written (outside the output folder, or twice)."""


def safe_relative(path: str) -> PurePosixPath:
    """`path` as a relative path inside the output folder, or WriteError."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(p in ("", ".", "..") for p in path.split("/")) or "\\" in path \
            or "\x00" in path:
        raise WriteError(f"refusing to write outside the output folder: {path!r}")
    return pure


class Staging:
    """A fresh sibling of the output folder that a build fills, then swaps into place (or throws away).

    Forked render workers write into it too; nothing in it is visible at the output path until `commit`.
    """

    def __init__(self, out: Path):
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(self.out)
        self.root = self.out.parent / f".{self.out.name}{TMP_MARK}{os.getpid()}-{time.time_ns()}"
        self.root.mkdir()
        self._seen: set[str] = set()
        self._folders: set[str] = {""}  # made by this process (each page has a folder of its own)
        self.written: list[tuple[str, int, int]] = []  # (path, size, mtime in ns) of each file, for the manifest

    def write(self, path: str, data: bytes) -> None:
        """Write one new file. Only the folders this process has not made yet are created, and the file is
        opened once: ten thousand pages make this a hot path."""
        safe_relative(path)
        folder = path.rpartition("/")[0]
        if folder not in self._folders:
            self._make_folder(folder)
        fd = os.open(os.path.join(self.root, path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            self.written.append((path, len(data), os.fstat(fd).st_mtime_ns))
        finally:
            os.close(fd)

    def _make_folder(self, folder: str) -> None:
        try:
            os.mkdir(os.path.join(self.root, folder))
        except FileExistsError:
            pass
        except FileNotFoundError:  # its parent is missing: made here, unless the staging folder itself is gone
            if not self.root.is_dir():  # cleaned away (this build was killed and another has started)
                raise WriteError(f"the staging folder {self.root} is gone") from None
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
        self._folders.add(folder)

    def claim(self, paths) -> None:
        """Refuse two files on one path, case folded (they would collide on case-insensitive hosts)."""
        for path in paths:
            key = str(safe_relative(path)).casefold()
            if key in self._seen:
                raise WriteError(f"two files on one path: {path}")
            self._seen.add(key)

    readable = True  # a page can be read back (see InMemory)

    def read(self, path: str) -> bytes:
        return self.root.joinpath(*safe_relative(path).parts).read_bytes()

    def commit(self) -> None:
        """Swap the new site into place; the old one (now at the staging path) is deleted in the background."""
        try:
            _swap(self.root, self.out)
        except BaseException:
            self.abort()
            raise
        if self.root.exists():  # the old site: out of the way under a name of its own, then deleted
            old = self.out.parent / f".{self.out.name}{OLD_MARK}{os.getpid()}-{time.time_ns()}"
            os.rename(self.root, old)
            _remove_in_background(old)

    def abort(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class InMemory(Staging):
    """A staging folder that writes no file: `check` renders and checks every page as a build does, and
    keeps nothing; `render_site` keeps every file's bytes (in one process) for tests to read."""

    def __init__(self, out: Path, keep: bool = False):
        self.out, self.root = out, out
        self._seen, self._folders = set(), {""}
        self.written = []
        self.files: dict[str, bytes] | None = {} if keep else None

    @property
    def readable(self) -> bool:
        return self.files is not None

    def write(self, path: str, data: bytes) -> None:
        safe_relative(path)
        self.written.append((path, len(data), 0))
        if self.files is not None:
            self.files[path] = data

    def read(self, path: str) -> bytes:
        if self.files is None or path not in self.files:
            raise OSError(f"not kept in memory: {path}")
        return self.files[path]

    def commit(self) -> None:
        pass

    def abort(self) -> None:
        pass


def _remove_in_background(path: Path) -> None:
    """Delete a folder without making the caller wait (ten thousand files take a second or two).

    A grandchild process does it, so no zombie is left behind; if it dies, the next build's
    `clean_leftovers` finishes the job. Where fork is missing, delete here.
    """
    if not path.exists():
        return
    if not hasattr(os, "fork"):
        shutil.rmtree(path, ignore_errors=True)
        return
    pid = os.fork()
    if pid == 0:  # child: fork the deleter and leave at once
        try:
            if os.fork() == 0:
                os.setsid()
                shutil.rmtree(path, ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def clean_leftovers(out: Path) -> None:
    for stale in out.parent.glob(f".{out.name}.*-*"):
        if stale.is_dir() and (TMP_MARK in stale.name or OLD_MARK in stale.name):
            shutil.rmtree(stale, ignore_errors=True)


def _swap(new: Path, out: Path) -> None:
    """Put `new` at `out`; afterwards `new` holds the old site (or nothing), to be removed."""
    if out.exists() and not out.is_dir():
        raise WriteError(f"the output path {out} is a file, not a folder")
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        return
    old = out.parent / f".{out.name}{OLD_MARK}{os.getpid()}-{time.time_ns()}"
    os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders with Linux's renameat2; False where it is not available."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def content_digest(data: bytes) -> bytes:
    """What tells whether a file's bytes changed (the preview rewrites only those)."""
    return hashlib.blake2b(data, digest_size=16).digest()


def write_file_atomic(path: Path, data: bytes) -> None:
    """Write one file through a temporary sibling and a rename: readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
