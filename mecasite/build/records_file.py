"""The records' file as bytes (build/records.py says what it keeps): the folders' pickles, then a header,
pickled, holding the readers' index with each read's pages pickled apart (`Index`) and each folder's place,
and the header's length. Written into a temporary file beside its place and put there whole (`write`);
one that a killed build left is removed by the next. A failure to write only costs the next build its
shortcut: nothing here raises OSError.

(The folders were once written by the building process between the pages it rendered: a third of a second
less after the swap, but 18 MB more at the peak, 254 of the 250 MB allowed at 10,000 pages: pickling them
touched the pages of memory the forked renderers shared, which the kernel then copied.)
"""

from __future__ import annotations

import glob
import os
import pickle
from collections.abc import Callable, Iterable, Mapping

from mecasite.build.reading import Folder
from mecasite.render.memo import Read, Readers

MAGIC = b"mecasite-records\n"  # the file's first bytes; then the folders, the header, the header's length


def write(
    path: str,
    folders: Mapping[str, Folder],
    kept: Mapping[str, bytes | memoryview],
    header: Callable[[dict[str, tuple[int, int]]], bytes],
) -> None:
    """The records' file written and put in place at `path`: the folders, each kept from the last records as
    it was loaded (`kept`: slices of their mapping), the others pickled, each bytes object freed before the
    next is made (kept for the file, they were 25 MB of fresh memory at 10,000 pages); then the header, made
    from their places (where each pickle starts, its length), and its length."""
    tmp, places = f"{path}.tmp-{os.getpid()}", {}
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _forget_stale(path)
        with open(tmp, "wb") as file:
            file.write(MAGIC)
            at = len(MAGIC)
            for rel, folder in folders.items():
                data = kept[rel] if rel in kept else _pickled(folder)
                file.write(data)
                places[rel] = (at, len(data))
                at += len(data)
            data = header(places)
            file.write(data)
            file.write(len(data).to_bytes(8, "little"))
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


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
            found[read] = set(pickle.loads(data)) if data is not None else set()  # saved as a list or a set
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
        """What the records keep of `readers`: each read's pages pickled; those never unpickled, as they were
        loaded."""
        if isinstance(readers, Lists):
            lists = readers.lists
            return {read: _pickled(pages) for read, pages in lists[0].items()}, {
                read: _pickled(pages) for read, pages in lists[1].items()
            }
        meta, body = readers._pickled if isinstance(readers, Index) else ({}, {})
        meta = {**meta, **{read: _pickled(pages) for read, pages in readers.meta.items()}}
        return meta, {**body, **{read: _pickled(pages) for read, pages in readers.body.items()}}


class Lists(Readers[str]):
    """The readers' index of a build from scratch, as the pages came back: each page once per read, so lists
    (a set per read was 14 MB at the peak, 10,000 pages; lists are 3 MB), pickled as they are and read back
    as sets (`Index`)."""

    def __init__(self, meta: dict[Read, list[str]], body: dict[Read, list[str]]):
        super().__init__()
        self.lists = (meta, body)

    def of(self, meta: Iterable[Read], body: Iterable[Read]) -> set[str]:
        metas, bodies = self.lists
        return set().union(*(metas.get(read, ()) for read in meta), *(bodies.get(read, ()) for read in body))

    def add(self, key: str, meta: Iterable[Read], body: Iterable[Read]) -> None:
        for side, reads in zip(self.lists, (meta, body), strict=True):
            for read in reads:
                side.setdefault(read, []).append(key)  # twice: the same once read back (`Index`)


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
