"""The only module that writes the site: into a fresh sibling folder, then swapped into place.

A failed or killed build leaves the previous output untouched: the new site is complete before it replaces
the old one. On Linux the swap is one atomic `renameat2(RENAME_EXCHANGE)`; elsewhere two renames.

Nothing that a build did not write is ever deleted: a folder is replaced only when output_folder.py says it is
the build's own (it does not exist, is empty, or carries the marker and holds no file the ledger does not know),
checked again just before the swap (walked again, unless the kernel's watch on it heard nothing: watch.py);
the folder put aside by the swap, and leftovers of a killed build, are deleted only when they carry the
marker. The folder put aside is kept as the spare (spare.py) that the next build after an edit fills instead
of an empty folder. The preview's in-place updates (`update_in_place`) go through here too, ledger and all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from mecasite.build import spare
from mecasite.build.folders import TMP_MARK, clean_leftovers, put_away
from mecasite.build.folders import swap as _swap  # a name of this module: tests stop a build at the swap
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
from mecasite.build.watch import Watch

_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


class WriteError(Exception):
    """A path that must not be written (outside the output folder, or twice)."""


def safe_relative(path: str) -> PurePosixPath:
    """`path` as a relative path inside the output folder, or WriteError."""
    check_relative(path)
    return PurePosixPath(path)


def check_relative(path: str) -> None:
    """WriteError unless `path` is a plain relative path inside the output folder. Strings only: it runs for
    every file a build writes or keeps (a path object each cost 0.3 s at 10,000 pages)."""
    if (
        path.startswith("/")
        or any(p in ("", ".", "..") for p in path.split("/"))
        or "\\" in path
        or "\x00" in path
        or path == MARKER
    ):
        raise WriteError(f"refusing to write outside the output folder: {path!r}")


# -- staging and the swap ----------------------------------------------------------------------------------


class Staging:
    """A fresh sibling of the output folder that a build fills, then swaps into place (or throws away).

    Forked render workers write into it too; nothing in it is visible at the output path until `commit`.
    It carries the marker from the start, so that a killed build's leftover is known as ours. `recycle` (a
    build after an edit, which keeps most files): start from the spare, the site before the current one,
    when there is a usable one (spare.py; `found` gives it when it was looked for already, uptodate.py).
    """

    reused: spare.Tree | None = None  # what the spare held, when this staging folder is the spare recycled

    def __init__(self, out: Path, ledger: Ledger, recycle: bool = False, found: spare.Found | None = None):
        self.out = out.resolve()
        self.ledger = ledger
        self.out.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(self.out)
        self.root = self.out.parent / f".{self.out.name}{TMP_MARK}{os.getpid()}-{time.time_ns()}"
        self._seen: set[str] = set()  # the claimed paths, case folded
        self._claimed: set[str] = set()
        self._folders: set[str] = {""}  # made by this process (each page has a folder of its own)
        self.written: list[Entry] = []  # the files this process wrote, for the ledger and the manifest
        self.reused = (found or (lambda: spare.usable(self.out, ledger)))() if recycle else None
        if self.reused is not None:
            os.rename(spare.spare_path(self.out), self.root)  # its marker and all: a leftover is known as ours
            self._folders |= self.reused.folders
        else:
            self.root.mkdir()
            write_marker(self.root)

    def write(self, path: str, data: bytes) -> None:
        """Write one new file. Only the folders this process has not made yet are created, and the file is
        opened once: ten thousand pages make this a hot path. Never over an existing file (O_EXCL): in a fresh
        staging folder one exists only if it was kept, and writing would go through its link into the live
        output."""
        check_relative(path)
        folder = path.rpartition("/")[0]
        if folder not in self._folders:
            self._make_folder(folder)
        if self.reused is not None and path in self.reused.files:
            _unlink(os.path.join(self.root, path))  # the spare's file (perhaps a link to a live one) goes first
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
        system has them, so the old site stays whole until the swap and nothing is copied; else copies. In a
        recycled spare, a file that is already the live one (the same inode: `spare.Tree.shared`) stays as it is."""
        reused = self.reused.files if self.reused is not None else {}
        shared = self.reused.shared if self.reused is not None else None
        out, root = os.fspath(self.out), os.fspath(self.root)
        for path in paths:
            if path not in self._claimed:  # a claimed path was checked (ten thousand kept: a hot path)
                check_relative(path)
            folder = path.rpartition("/")[0]
            if folder not in self._folders:
                self._make_folder(folder)
            source, target = f"{out}/{path}", f"{root}/{path}"
            mine = reused.get(path)
            if mine is not None:
                if path in shared if shared is not None else os.stat(source).st_ino == mine[0]:
                    self.written.append((path, mine[1], mine[2]))
                    continue
                _unlink(target)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
            st = os.stat(target)
            self.written.append((path, st.st_size, st.st_mtime_ns))

    def prune(self, written: Iterable[Entry]) -> None:
        """In a recycled spare, remove what this build neither wrote nor kept (`written`: all it did), and the
        folders left empty: before anything reads the staging folder whole (the search index)."""
        if self.reused is not None:
            self._clear(*spare.stale(self.reused, {path for path, _, _ in written}))

    def _clear(self, files: list[str], folders: list[str]) -> None:
        """Remove files and then folders (deepest first) of the recycled spare, and forget them. Only its own:
        a file no build wrote makes `rmdir` fail rather than go."""
        reused = self.reused or spare.Tree()
        for path in files:
            _unlink(os.path.join(self.root, path))
            reused.files.pop(path, None)
        for folder in folders:
            os.rmdir(os.path.join(self.root, folder))
            reused.folders.discard(folder)
            self._folders.discard(folder)

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
        """Refuse two files on one path, case folded (they would collide on case-insensitive hosts). In a
        recycled spare, what stands in the way of a path goes now, before any worker forks: a file of the
        spare where a folder goes, a folder where a file goes (spare.in_the_way), the same path in another
        case (spare.case_twins). A spare holding exactly the files claimed (after an edit, the usual case)
        has none of these: nothing is looked for in it."""
        paths = list(paths)
        reused = None if self.reused is None or self.reused.files.keys() == set(paths) else self.reused
        for path in paths:
            check_relative(path)
            key = path.casefold()
            if key in self._seen:
                raise WriteError(f"two files on one path: {path}")
            self._seen.add(key)
            self._claimed.add(path)
            if reused is not None:
                self._clear(*spare.in_the_way(reused, path))
                self._clear(*spare.case_twins(reused, path))

    @property
    def readable(self) -> bool:
        """Whether a page can be read back: always from a folder (see InMemory)."""
        return True

    def read(self, path: str) -> bytes:
        return self.root.joinpath(*safe_relative(path).parts).read_bytes()

    def commit(self, written: Iterable[Entry], watch: Watch | None = None) -> None:
        """Record `written` (every file of the build, whichever process wrote it) and swap the new site into
        place, unless the output is no longer one we may replace (RefusedOutput; walked again unless `watch`
        heard nothing). The old site becomes the spare; the spare before it is deleted in the background."""
        written = list(written)
        try:
            self.prune(written)
            quiet = watch is not None and watch.quiet(self.ledger.stamps(self.out))
            refusal = None if quiet else replace_refusal(self.out, self.ledger)
            if refusal:
                raise RefusedOutput(f"refusing to replace '{self.out}', {refusal[0]} ({refusal[1]})")
            before = self.ledger.text(self.out)  # the old site's files: the spare's ledger after the swap
            self.ledger.write(self.out, written)
            _swap(self.root, self.out)
        except BaseException:
            self.abort()
            raise
        self.ledger.settle(self.out)
        self._dispose(before)

    def _dispose(self, before: str | None) -> None:
        """Keep what the swap put aside at the staging path as the spare when it is the old site (it carries
        the marker, and its files are known: `before`); else delete it in the background. The empty folder
        that stood at the output path is removed. Anything else is left where it is."""
        aside, kept = self.root, spare.spare_path(self.out)
        if os.path.lexists(kept):
            if spare.disposable(self.out, self.ledger):
                put_away(self.out, kept)
            else:
                print(f"warning: {kept} holds files no build wrote: left as it is (delete it)", file=sys.stderr)
        if not aside.exists():
            return
        if is_marked(aside):
            if before is None or os.path.lexists(kept):
                put_away(self.out, aside)
                return
            # The ledger first: killed before the rename, the staging folder is a leftover of ours and the
            # ledger one of a folder gone (both cleaned later); after it, the spare is whole and usable.
            self.ledger.write(kept, text=before)
            os.rename(aside, kept)
            self.ledger.settle(kept)
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
        self._seen, self._claimed, self._folders = set(), set(), {""}
        self.written = []
        # What a build would leave in the folder, marker included, so that tests compare like with like
        self.files: dict[str, bytes] | None = {MARKER: MARKER_NOTE.encode()} if keep else None

    @property
    def readable(self) -> bool:
        return self.files is not None

    def write(self, path: str, data: bytes) -> None:
        check_relative(path)
        self.written.append((path, len(data), 0))
        if self.files is not None:
            self.files[path] = data

    def read(self, path: str) -> bytes:
        if self.files is None or path not in self.files:
            raise OSError(f"not kept in memory: {path}")
        return self.files[path]

    def commit(self, written: Iterable[Entry] = (), watch: Watch | None = None) -> None:
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


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


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
