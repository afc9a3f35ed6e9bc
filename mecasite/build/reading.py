"""Reading the content: in two processes on a large site, and only the item folders that changed when the
last build's records say what the others gave. The speed machinery of loading, kept out of content/.

Each item folder is read into a `Folder`: its signature (every entry's name, size, times and inode), the item
and the problems met. A build after an edit hands the last build's folders back (`known`): a folder whose
signature is the same gives the same item and problems without being opened; one changed within seconds of
being looked at (manifest.RACY_NS) has no signature and is always read again. What is read is shared with a
forked process, chunk by chunk, each taken by whichever process is free (`_read`). The model and the problems
come out exactly as one process reading everything would make them (same order). A helper that dies ends the
build with one line naming how (processes.py).
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from mecasite.build.manifest import RACY_NS, Listed
from mecasite.build.processes import CAN_FORK, Sent, Tickets, WorkerDied, fork_pool, share
from mecasite.config.settings import SiteConfig
from mecasite.content.loader import Types, inside, item_folders, load_item
from mecasite.content.model import Item, Model
from mecasite.content.redirects import load_gone
from mecasite.content.schemas import COLLECTIONS
from mecasite.content.translations import digest
from mecasite.problems import Collector, Problem

PARALLEL_FROM = 1000  # item folders to read; below this, a second process costs more than it saves
CHUNK = 40  # folders read before they are sent back (about 15 ms of reading)

Signature = tuple[tuple[str, int, int, int, int], ...]


@dataclass(frozen=True)
class Folder:
    """What one item folder gave when it was read."""

    signature: Signature | None  # None: not to be trusted next time (changed just now, or holds a link)
    item: Item | None
    problems: tuple[Problem, ...]


def read_content(config: SiteConfig, problems: Collector, known: Mapping[str, Folder] | None = None) -> Model:
    """What `content.loader.load_content` gives; see read_folders."""
    return read_folders(config, problems, known)[0]


def read_folders(
    config: SiteConfig,
    problems: Collector,
    known: Mapping[str, Folder] | None = None,
    listing: Mapping[str, Listed] | None = None,
) -> tuple[Model, dict[str, Folder]]:
    """The model, and each item folder (by its path relative to the project) as read, for the next build:
    the folders unchanged since `known` was read are not read again. `listing`: what the build's first walk
    of the content saw in each folder (manifest.Inputs), so that the folders are not walked twice."""
    found: dict[str, Folder] = {}
    todo: list[tuple[str, Path]] = []
    signatures: dict[str, Signature | None] = {}
    folders = item_folders(config, problems)
    recent = time.time_ns() - RACY_NS
    listing = listing or {}
    for collection, item_dir in folders:
        rel = config.rel(item_dir)
        listed = listing.get(str(item_dir))
        signatures[rel] = signature = _signature(item_dir, recent) if listed is None else _of(listed, recent)
        old = known.get(rel) if known is not None and signature is not None else None
        if old is not None and old.signature == signature:
            found[rel] = old
        else:
            todo.append((collection, item_dir))
    # The walk's entries of each folder to read, when the walk went through the content folder itself
    walked = listing if listing and inside(config, config.content_dir) else {}
    types = [_types(walked.get(str(item_dir))) for _, item_dir in todo]
    for rel, folder in zip((config.rel(d) for _, d in todo), _read(config, todo, types, problems), strict=True):
        found[rel] = Folder(signatures[rel], folder.item, folder.problems)
    items = {}
    for _, item_dir in folders:  # in the order one process reading everything meets them
        folder = found[config.rel(item_dir)]
        problems.extend(folder.problems)
        if folder.item:
            items[folder.item.key] = folder.item
    return Model(MappingProxyType(items), load_gone(config, problems)), found


def _signature(item_dir: Path, recent: int) -> Signature | None:
    """Every entry's name, size, modification and change times and inode; None for a folder that is a link,
    holds one, or changed since `recent` (its times may not tell the next edit)."""
    if os.path.islink(item_dir):
        return None
    try:
        with os.scandir(item_dir) as scan:
            return _of([(entry.name, entry.stat(follow_symlinks=False)) for entry in scan], recent)
    except OSError:
        return None


def _of(listed: Listed, recent: int) -> Signature | None:
    """The signature of a folder from its entries as a walk saw them (their `lstat`): `_signature`'s rule."""
    entries = []
    for name, st in listed:
        if stat.S_ISLNK(st.st_mode) or max(st.st_mtime_ns, st.st_ctime_ns) >= recent:
            return None
        entries.append((name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    return tuple(sorted(entries))


def _types(listed: Listed | None) -> Types | None:
    return None if listed is None else {name: st.st_mode for name, st in listed}


def _read(
    config: SiteConfig, folders: list[tuple[str, Path]], types: list[Types | None], problems: Collector
) -> list[Folder]:
    """`folders` read, in their order (`types`: each one's entries as the walk saw them, or None): shared with
    a forked process when there are many, in chunks that each process takes as it is free (processes.Tickets);
    the helper sends each back as soon as it is read (processes.Sent), and this process takes them in between
    its own. (Half each, sent back at the end, left one core idle for 0.2 s at 10,000 pages while the helper
    pickled its half and this process unpickled it; a task of the pool per chunk left the helper idle for
    three quarters of the time, waiting for the next.)"""
    global _SHARED
    if len(folders) < PARALLEL_FROM or not CAN_FORK:
        return _load(config, folders, types)
    size = max(1, min(CHUNK, len(folders) // 16), -(-len(folders) // Tickets.MOST))
    chunks = [slice(at, at + size) for at in range(0, len(folders), size)]
    read: list[list[Folder] | None] = [None] * len(chunks)
    tickets, sent = Tickets(len(chunks)), Sent()
    _SHARED = (config, folders, types, chunks, tickets, sent)  # what the helper inherits when it is forked
    try:
        with fork_pool(1, "content-reading") as pool:
            helper = pool.submit(_helper)

            def mine(index: int) -> None:
                read[index] = _load(config, folders[chunks[index]], types[chunks[index]])

            share(tickets, sent, [helper], 1, mine, read.__setitem__)
    except WorkerDied as exc:  # items are missing: nothing after this would make sense
        problems.add(config.rel(config.content_dir), 0, f"{exc}; the previous output is untouched")
        problems.raise_errors()
        raise
    finally:
        tickets.close()
        sent.close()
        _SHARED = None
    return [folder for chunk in read for folder in chunk or ()]


_SHARED: tuple[SiteConfig, list[tuple[str, Path]], list[Types | None], list[slice], Tickets, Sent] | None = None


def _helper() -> None:
    """In the helper: each chunk nobody has taken, read and sent back, until none is left."""
    assert _SHARED is not None
    config, folders, types, chunks, tickets, sent = _SHARED
    while (index := tickets.take()) is not None:
        sent.send(index, _load(config, folders[chunks[index]], types[chunks[index]]))
    sent.end()


def _load(config: SiteConfig, folders: list[tuple[str, Path]], types: list[Types | None]) -> list[Folder]:
    """Each folder's item and the problems met reading it (from a forked process: sent back pickled)."""
    result = []
    for (collection, item_dir), walked in zip(folders, types, strict=True):
        mine = Collector()
        item = load_item(config, COLLECTIONS[collection], item_dir, mine, walked)
        if item is not None and len(item.texts) > 1 and config.default_language in item.texts:
            # `check_translations` compares each translation with it: made here by the process that read it,
            # kept in its memo, not made later by one process alone
            digest(item.texts[config.default_language])
        result.append(Folder(None, item, tuple(mine.problems)))
    return result
