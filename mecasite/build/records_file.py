"""The records' file as bytes (build/records.py says what it keeps): the folders' pickles, written while the
build renders (`Pending`), then a header, pickled, holding the readers' index with each read's pages pickled
apart (`Index`) and each folder's place, and the header's length.

A build begins the file in a temporary one beside its place before it renders, and the building process
writes the folders' pickles into it between the pages it renders, while the other processes render more
(workers.render_into, `chores`); written after the swap, in one process, they were a third of a second alone
at 10,000 pages. The file is put in place once the build is (`Pending.finish`); a build that fails removes
it, and one killed leaves it for the next to remove. A failure to write only costs the next build its
shortcut: nothing here raises OSError.
"""

from __future__ import annotations

import glob
import itertools
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import BinaryIO

from mecasite.build.reading import Folder
from mecasite.render.memo import Read, Readers

MAGIC = b"mecasite-records\n"  # the file's first bytes; then the folders, the header, the header's length


class Pending:
    """The records' file of one build, being written (see the module). Each folder kept from the last records
    is written as it was loaded (`kept`: slices of their mapping); the others are pickled, each bytes object
    freed before the next is made (kept for the file, they were 25 MB of fresh memory at 10,000 pages)."""

    BATCH = 100  # folders a chore writes: about 4 ms, less than a slice of pages takes to render

    def __init__(self, path: str, folders: Mapping[str, Folder], kept: Mapping[str, bytes | memoryview]):
        self.path, self.tmp = path, f"{path}.tmp-{os.getpid()}"
        self._folders, self._kept, self._left = folders, kept, iter(folders.items())
        self.places: dict[str, tuple[int, int]] = {}  # each folder's pickle: where it starts, its length
        self._file: BinaryIO | None = None
        self._at = 0
        self._failed = False

    def chores(self) -> Iterator[None]:
        """The folders written a batch at a time, one batch a step."""
        while self._write(self.BATCH):
            yield

    def finish(self, header: Callable[[dict[str, tuple[int, int]]], bytes]) -> None:
        """The folders left, the header (made from the folders' places) and its length written, and the file
        put in place."""
        self._write(None)
        if self._file is not None and not self._failed:
            try:
                data = header(self.places)
                self._file.write(data)
                self._file.write(len(data).to_bytes(8, "little"))
                self._file.close()
                os.replace(self.tmp, self.path)
            except OSError:
                self._failed = True
        self.abort()

    def abort(self) -> None:
        """The temporary file closed and removed, unless it was put in place."""
        if self._file is not None and not self._file.closed:
            self._file.close()
        if self._file is not None and os.path.exists(self.tmp):
            try:
                os.unlink(self.tmp)
            except OSError:
                pass

    def _write(self, count: int | None) -> bool:
        """Up to `count` folders more written (None: every one left); whether any are left to write."""
        try:
            if self._file is None:
                os.makedirs(os.path.dirname(self.path), exist_ok=True)
                _forget_stale(self.path)
                self._file = open(self.tmp, "wb")  # noqa: SIM115  # closed by finish or abort
                self._file.write(MAGIC)
                self._at = len(MAGIC)
            for rel, folder in itertools.islice(self._left, count):
                data = self._kept[rel] if rel in self._kept else _pickled(folder)
                self._file.write(data)
                self.places[rel] = (self._at, len(data))
                self._at += len(data)
        except OSError:
            self._failed = True
            return False
        return len(self.places) < len(self._folders)


def _forget_stale(path: str) -> None:
    """The temporary records left by builds that were killed (their process is gone)."""
    for other in glob.glob(glob.escape(path) + ".tmp-*"):
        pid = other.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            try:
                os.unlink(other)
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: alive
        return True
    return True


class Index(Readers[str]):
    """The readers' index as the records keep it: the pages that read each (item, language) pickled apart,
    unpickled only when asked for or added to. A build after an edit asks for a few of 20,000 (unpickling
    them all was 0.1 s at 10,000 pages); the others are saved again as they were loaded."""

    def __init__(self, meta: dict[Read, bytes], body: dict[Read, bytes]):
        super().__init__()
        self._pickled = (meta, body)

    def _get(self, side: int, read: Read, add: bool = False) -> set[str]:
        found = self.body if side else self.meta
        if read not in found:
            data = self._pickled[side].get(read)
            if data is None and not add:
                return set()
            found[read] = pickle.loads(data) if data is not None else set()
        return found[read]

    def of(self, meta: Iterable[Read], body: Iterable[Read]) -> set[str]:
        return set().union(*(self._get(0, read) for read in meta), *(self._get(1, read) for read in body))

    def add(self, key: str, meta: Iterable[Read], body: Iterable[Read]) -> None:
        for read in meta:
            self._get(0, read, add=True).add(key)
        for read in body:
            self._get(1, read, add=True).add(key)

    @staticmethod
    def saved(readers: Readers[str]) -> tuple[dict[Read, bytes], dict[Read, bytes]]:
        """What the records keep of `readers`: each set pickled; those never unpickled, as they were loaded."""
        meta, body = readers._pickled if isinstance(readers, Index) else ({}, {})
        meta = {**meta, **{read: _pickled(pages) for read, pages in readers.meta.items()}}
        return meta, {**body, **{read: _pickled(pages) for read, pages in readers.body.items()}}


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
