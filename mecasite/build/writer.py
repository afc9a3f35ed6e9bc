"""The only module that writes the site: into a fresh sibling folder, then swapped into place.

A failed or killed build leaves the previous output untouched: the new site is complete before it replaces
the old one. On Linux the swap is one atomic `renameat2(RENAME_EXCHANGE)`; elsewhere two renames.

Nothing that a build did not write is ever deleted. Every output folder holds a small marker file (`MARKER`),
and a ledger of the files the last build wrote there (size and modification time of each) is kept beside the
project's caches. A folder is replaced only when it does not exist, is empty, or carries the marker
and holds no file the ledger does not know; the folder put aside by the swap, and leftovers of a killed build,
are deleted only when they carry the marker. The preview's in-place updates (`update_in_place`) go through here
too and keep the ledger true.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator, Mapping

TMP_MARK = ".tmp-"
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
OLD_MARK = ".old-"
MARKER = ".mecasite-output"
MARKER_NOTE = ("This folder was made by the MecaTech site generator (python build.py build or serve).\n"
               "The next build replaces it whole: keep no file of your own in it.\n")
NEW_FOLDER = "choose a new or empty folder, e.g. public/"
FOREIGN_SHOWN = 5  # foreign files named in a refusal; the rest are counted

Entry = tuple[str, int, int]  # (path relative to the output folder, size, modification time in ns)


class WriteError(Exception):
    """A path that must not be written (outside the output folder, or twice)."""


class RefusedOutput(Exception):
    """An output folder the build must not replace: the message says why and what to do (exit code 2)."""


def safe_relative(path: str) -> PurePosixPath:
    """`path` as a relative path inside the output folder, or WriteError."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(p in ("", ".", "..") for p in path.split("/")) or "\\" in path \
            or "\x00" in path or path == MARKER:
        raise WriteError(f"refusing to write outside the output folder: {path!r}")
    return pure


# -- the marker and the ledger -----------------------------------------------------------------------------

def is_marked(folder: Path) -> bool:
    """True when a build of this generator made `folder` (it holds the marker)."""
    try:
        with open(folder / MARKER, encoding="utf-8") as f:
            return f.read(len(MARKER_NOTE) + 1) == MARKER_NOTE
    except (OSError, UnicodeDecodeError):
        return False


def _write_marker(folder: Path) -> None:
    with open(folder / MARKER, "w", encoding="utf-8") as f:
        f.write(MARKER_NOTE)


class Ledger:
    """Where the files the last build wrote into each output folder are recorded, under the project's cache.

    The ledger is what lets a build tell its own files from a file an editor put in the output folder. Where
    it is missing (the cache was deleted, the folder copied) the marker alone vouches for the folder. It is
    kept out of the output, so that the output of a build depends on the sources alone.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, out: Path) -> Path:
        key = hashlib.sha256(os.fsencode(os.path.realpath(out))).hexdigest()[:16]
        return self.folder / f"{key}.files"

    def read(self, out: Path) -> dict[str, tuple[int, int]] | None:
        """path -> (size, mtime) of the files in `out`, later lines overriding earlier ones; None if unknown."""
        try:
            lines = self.path(out).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        files: dict[str, tuple[int, int]] = {}
        for line in lines:
            try:
                path, size, mtime = json.loads(line)
            except (ValueError, TypeError):  # the header, or
                continue  # a line cut short by a crash (its file is then foreign: the safe side)
            if size is None:
                files.pop(path, None)
            else:
                files[path] = (size, mtime)
        return files

    def write(self, out: Path, entries: Iterable[Entry]) -> None:
        """A new ledger for `out` (its first line names the folder); those of folders now gone are removed:
        builds into temporary folders would otherwise leave theirs behind forever."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._forget_gone()
        head = json.dumps({"out": os.path.realpath(out)}, ensure_ascii=False) + "\n"
        write_file_atomic(self.path(out), (head + "".join(_line(*e) for e in entries)).encode())

    def _forget_gone(self) -> None:
        for ledger in self.folder.glob("*.files"):
            try:
                with open(ledger, encoding="utf-8") as f:
                    out = json.loads(f.readline()).get("out")
            except (OSError, ValueError, AttributeError):
                out = None
            if not out or not os.path.isdir(out):
                ledger.unlink(missing_ok=True)

    def append(self, out: Path, entries: Iterable[tuple[str, int | None, int | None]]) -> None:
        """O(edit): the preview records what it rewrote or removed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.path(out), "a", encoding="utf-8") as f:
            f.write("".join(_line(*e) for e in entries))


def _line(path: str, size: int | None, mtime: int | None) -> str:
    return json.dumps([path, size, mtime], ensure_ascii=False) + "\n"


def files_below(root: Path, prefix: str = "") -> Iterator[Entry]:
    """Every file (and link) below `root`, not followed, with its size and mtime; the marker left out."""
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from files_below(Path(entry.path), f"{prefix}{entry.name}/")
        elif not (prefix == "" and entry.name == MARKER):
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            yield f"{prefix}{entry.name}", st.st_size, st.st_mtime_ns


def foreign_files(folder: Path, ledger: Ledger) -> list[str] | None:
    """The files in `folder` that no build wrote, or changed since: [] when a build made all of it; None
    when no build of this generator made the folder (it has no marker)."""
    if not is_marked(folder):
        return None
    known = ledger.read(folder)
    if known is None:
        return []
    return sorted(path for path, size, mtime in files_below(folder) if known.get(path) != (size, mtime))


def replace_refusal(out: Path, ledger: Ledger) -> tuple[str, str] | None:
    """Why `out` must not be replaced and what to do, or None: it does not exist, is empty, or is all a
    build's own."""
    if not os.path.lexists(out):
        return None
    if out.is_symlink() or not out.is_dir():
        return ("which is a symbolic link" if out.is_symlink() else "which is a file, not a folder"), NEW_FOLDER
    try:
        with os.scandir(out) as entries:
            if next(entries, None) is None:
                return None
    except OSError as exc:
        return f"which cannot be read ({exc.strerror})", NEW_FOLDER
    foreign = foreign_files(out, ledger)
    if foreign is None:
        return f"which holds files that no build of this site made (it has no {MARKER} marker)", NEW_FOLDER
    if foreign:
        named = ", ".join(foreign[:FOREIGN_SHOWN]) + (f" and {len(foreign) - FOREIGN_SHOWN} more"
                                                      if len(foreign) > FOREIGN_SHOWN else "")
        return (f"which holds {len(foreign)} file{'s' * (len(foreign) != 1)} that the last build did not "
                f"write or that changed since: {named}"), "move them out of it or delete them, then build again"
    return None


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
        _write_marker(self.root)
        self._seen: set[str] = set()
        self._folders: set[str] = {""}  # made by this process (each page has a folder of its own)
        self.written: list[Entry] = []  # the files this process wrote, for the ledger and the manifest

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
                print(f"warning: the folder that stood at {self.out} was put aside at {aside}, not deleted: "
                      "it changed during the build", file=sys.stderr)

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
        if (TMP_MARK in stale.name or OLD_MARK in stale.name) and not stale.is_symlink() and stale.is_dir() \
                and is_marked(stale):
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
