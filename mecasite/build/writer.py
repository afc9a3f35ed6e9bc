"""The only module that writes the site: into a fresh sibling folder, then swapped into place.

A failed or killed build leaves the previous output untouched: the new site is complete before it replaces
the old one. On Linux the swap is one atomic `renameat2(RENAME_EXCHANGE)`; elsewhere two renames.

Nothing that a build did not write is ever deleted: a folder is replaced only when output_folder.py says it is
the build's own (it does not exist, is empty, or carries the marker and holds no file the ledger does not know),
checked again just before the swap; the folder put aside by the swap, and leftovers of a killed build, are
deleted only when they carry the marker. The preview's in-place updates (`update_in_place`) go through here
too and keep the ledger true.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from mecasite.build.output_folder import (
    MARKER,
    MARKER_NOTE,
    Entry,
    Ledger,
    RefusedOutput,
    is_marked,
    replace_refusal,
    write_marker,
)

TMP_MARK = ".tmp-"
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
OLD_MARK = ".old-"


class WriteError(Exception):
    """A path that must not be written (outside the output folder, or twice)."""


def safe_relative(path: str) -> PurePosixPath:
    """`path` as a relative path inside the output folder, or WriteError."""
    pure = PurePosixPath(path)
    if (
        pure.is_absolute()
        or any(p in ("", ".", "..") for p in path.split("/"))
        or "\\" in path
        or "\x00" in path
        or path == MARKER
    ):
        raise WriteError(f"refusing to write outside the output folder: {path!r}")
    return pure


# -- staging and the swap ----------------------------------------------------------------------------------


class Staging:
    """A fresh sibling of the output folder that a build fills, then swaps into place (or throws away).

    Forked render workers write into it too; nothing in it is visible at the output path until `commit`.
    It carries the marker from the start, so that a killed build's leftover is known as ours.
    """

    def __init__(self, out: Path, ledger: Ledger):
        self.out = out.resolve()
        self.ledger = ledger
        self.out.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(self.out)
        self.root = self.out.parent / f".{self.out.name}{TMP_MARK}{os.getpid()}-{time.time_ns()}"
        self.root.mkdir()
        write_marker(self.root)
        self._seen: set[str] = set()
        self._folders: set[str] = {""}  # made by this process (each page has a folder of its own)
        self.written: list[Entry] = []  # the files this process wrote, for the ledger and the manifest

    def write(self, path: str, data: bytes) -> None:
        """Write one new file. Only the folders this process has not made yet are created, and the file is
        opened once: ten thousand pages make this a hot path. Never over an existing file (O_EXCL): in a fresh
        staging folder one exists only if it was kept, and writing would go through its link into the live
        output."""
        safe_relative(path)
        folder = path.rpartition("/")[0]
        if folder not in self._folders:
            self._make_folder(folder)
        fd = os.open(os.path.join(self.root, path), os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            self.written.append((path, len(data), os.fstat(fd).st_mtime_ns))
        finally:
            os.close(fd)

    def keep(self, paths: Iterable[str]) -> None:
        """Carry files of the current output over unchanged (an incremental build): hard links where the file
        system has them, so the old site stays whole until the swap and nothing is copied; else copies."""
        for path in paths:
            safe_relative(path)
            folder = path.rpartition("/")[0]
            if folder not in self._folders:
                self._make_folder(folder)
            source, target = os.path.join(self.out, path), os.path.join(self.root, path)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
            st = os.stat(target)
            self.written.append((path, st.st_size, st.st_mtime_ns))

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

    def claim(self, paths: Iterable[str]) -> None:
        """Refuse two files on one path, case folded (they would collide on case-insensitive hosts)."""
        for path in paths:
            key = str(safe_relative(path)).casefold()
            if key in self._seen:
                raise WriteError(f"two files on one path: {path}")
            self._seen.add(key)

    @property
    def readable(self) -> bool:
        """Whether a page can be read back: always from a folder (see InMemory)."""
        return True

    def read(self, path: str) -> bytes:
        return self.root.joinpath(*safe_relative(path).parts).read_bytes()

    def commit(self, written: Iterable[Entry]) -> None:
        """Record `written` (every file of the build, whichever process wrote it), then swap the new site into
        place, unless the output is no longer one this generator may replace (RefusedOutput). The old site,
        put aside by the swap, is deleted in the background."""
        try:
            refusal = replace_refusal(self.out, self.ledger)
            if refusal:
                raise RefusedOutput(f"refusing to replace '{self.out}', {refusal[0]} ({refusal[1]})")
            self.ledger.write(self.out, written)
            _swap(self.root, self.out)
        except BaseException:
            self.abort()
            raise
        self.ledger.settle(self.out)
        self._dispose()

    def _dispose(self) -> None:
        """Delete what the swap put aside at the staging path: the old site (it carries the marker) or the
        empty folder that stood at the output path. Anything else is left where it is."""
        aside = self.root
        if not aside.exists():
            return
        if is_marked(aside):
            old = self.out.parent / f".{self.out.name}{OLD_MARK}{os.getpid()}-{time.time_ns()}"
            os.rename(aside, old)
            _remove_in_background(old)
        else:
            try:
                aside.rmdir()
            except OSError:
                print(
                    f"warning: the folder that stood at {self.out} was put aside at {aside}, not deleted: "
                    "it changed during the build",
                    file=sys.stderr,
                )

    def abort(self) -> None:
        """Throw the staging folder away (it is ours: made by this process, marker and all)."""
        if is_marked(self.root):
            shutil.rmtree(self.root, ignore_errors=True)


class InMemory(Staging):
    """A staging folder that writes no file: `check` renders and checks every page as a build does, and
    keeps nothing; `render_site` keeps every file's bytes (in one process) for tests to read."""

    def __init__(self, out: Path, keep: bool = False):
        self.out, self.root = out, out
        self._seen, self._folders = set(), {""}
        self.written = []
        # What a build would leave in the folder, marker included, so that tests compare like with like
        self.files: dict[str, bytes] | None = {MARKER: MARKER_NOTE.encode()} if keep else None

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

    def commit(self, written: Iterable[Entry] = ()) -> None:
        pass

    def abort(self) -> None:
        pass


def update_in_place(out: Path, ledger: Ledger, files: Mapping[str, bytes], removed: Iterable[str]) -> None:
    """The preview's updates: rewrite `files` in the live output folder, each atomically, remove `removed`,
    and record both in the ledger of the build that made the folder."""
    if not is_marked(out):
        raise RefusedOutput(f"refusing to update '{out}': it has no {MARKER} marker")
    changes: list[tuple[str, int | None, int | None]] = []
    for path, data in files.items():
        target = out.joinpath(*safe_relative(path).parts)
        write_file_atomic(target, data)
        st = target.stat()
        changes.append((path, st.st_size, st.st_mtime_ns))
    for path in removed:
        try:
            out.joinpath(*safe_relative(path).parts).unlink()
        except OSError:
            pass
        changes.append((path, None, None))
    if changes:
        ledger.append(out, changes)


def _remove_in_background(path: Path) -> None:
    """Delete a folder without making the caller wait (ten thousand files take a second or two).

    Called only with a folder that the swap put aside and that carries the marker. A grandchild process does
    it, so no zombie is left behind; if it dies, the next build's `clean_leftovers` finishes the job. Where
    fork is missing, delete here.
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


def _swap(new: Path, out: Path) -> None:
    """Put `new` at `out`; afterwards `new` holds what stood at `out` (the old site, an empty folder, or
    nothing), for the caller to dispose of."""
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        return
    aside = out.parent / f".{out.name}{OLD_MARK}{os.getpid()}-{time.time_ns()}"
    os.rename(out, aside)
    os.rename(new, out)
    os.rename(aside, new)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders with Linux's renameat2; False where it is not available."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result: int = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
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
