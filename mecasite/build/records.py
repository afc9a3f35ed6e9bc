"""What a build leaves for the next one, so that a build after an edit renders only what the edit affects.

After each build that swapped its output into place, the records keep: what each item folder gave (its
item and problems, from which the model it rendered is made again: build/reading.py), which pages
read what (per item and language, meta and body: render/memo.py `Readers`, the index `changes.plan` asks;
a build after an edit adds the reads of the pages it rendered, so it may name a read no longer made, which
costs a page rendered too many, never a stale one), the problems each page raised, the feeds' entries
with what each read (a build after an edit renders again only those that read what it changed), the "original
updated" notices and the interface strings used, with a fingerprint of everything else the pages depend on
(the configuration, templates, static files, interface strings, the engine) and of the output it left.
When that frame and the output are as recorded, the next build reads again only the item folders that
changed, checks the whole model as always, compares the models (and the files beside the texts:
`changes.with_files`) and asks `changes.plan` (the preview's own rule) which pages and extra files to render
again; every other file is carried over from the current output into the staging folder (the spare of the
site before, or hard links: writer.py), and the swap stays atomic. Lektor keeps such records in SQLite; a
file in `.cache/` is enough here (records_file.py): written whole after the swap, by one process, mapped when
read (`load`); anything unreadable simply means a full build. Within it, each folder's record and each read's
pages are pickled apart: a build after an edit unpickles only the index entries it asks for, and saves again
as it loaded them the folders it did not read again and the entries it did not change.

Two cases render everything: a page appeared, went or changed its address (a link typed as an address is
not a recorded read), and anything outside `content/` changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mmap
import os
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from mecasite.build.changes import change_between, plan, with_files
from mecasite.build.manifest import content_of, files_fingerprint, tree_fingerprint
from mecasite.build.reading import Folder
from mecasite.build.records_file import MAGIC, Index, Lists, write
from mecasite.build.workers import Redo
from mecasite.config.engine import engine_key
from mecasite.config.settings import SiteConfig
from mecasite.content.drafts import published
from mecasite.content.model import Item, ItemKey, Model
from mecasite.problems import Collector, Problem
from mecasite.render.feeds import FEED_ENTRIES, kept_entries
from mecasite.render.memo import Entry, Key, Read, Readers
from mecasite.render.renderer import Renderer
from mecasite.site.resolve import resolve_site

VERSION = 8  # of the records' shape: another version is not read
_POPULATE = getattr(mmap, "MAP_POPULATE", 0)


@dataclass(frozen=True)
class Frame:
    """A fingerprint of what pages depend on besides the content (see manifest.tree_fingerprint for `racy`)."""

    stamp: str
    racy: tuple[tuple[str, str], ...]

    def holds(self, other: Frame) -> bool:
        """Whether `other` (recorded) still describes the files: the same stamp, and the same contents in
        the files that were changed just before it was taken."""
        return self.stamp == other.stamp and all(content_of(path) == digest for path, digest in other.racy)


@dataclass(frozen=True)
class Records:
    frame: Frame
    output: str  # manifest.files_fingerprint of the files the build left
    items: Mapping[ItemKey, Item]  # the model it published (not saved: made again from `folders`)
    readers: Readers[str]  # output path by what it read
    page_problems: dict[str, list[Problem]]  # as raised, before fallback copies are merged; none: no entry
    notices: dict[Any, Any]  # (collection, id, language) -> the date of the original's last change
    used_strings: frozenset[str]
    folders: dict[str, Folder]  # each item folder as read, with drafts and problems (build/reading.py)
    # Each folder pickled on its own: a build after an edit saves again the bytes it loaded for the folders
    # it did not read again (here), and pickles only the others (the whole model was 0.25 s of pickling).
    pickled: Mapping[str, bytes | memoryview] = field(default_factory=dict, repr=False, compare=False)
    # The feeds' entries with what each read (render/feeds.py), pickled: unpickled by `redo` alone.
    feed: bytes = field(default=b"", repr=False, compare=False)
    # The entries of `feed` that `redo` handed to the build after an edit, for `after_build` to keep (the memo
    # that holds them may be emptied while the build renders: workers.MEMO_KEPT).
    handed: dict[Key, Entry] = field(default_factory=dict, repr=False, compare=False)
    # When each text last changed in git, as the feeds showed it (renderer.text_dates, as day numbers: 10,000
    # dates were 15 ms of pickling): a commit since moves their dates without changing any item.
    dates: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)


def frame_of(config: SiteConfig) -> Frame:
    files = [config.root / config.path, config.templates_dir, config.static_dir, config.i18n_dir]
    found = tree_fingerprint([path for path in files if path.exists()])
    extra = {
        "version": VERSION,
        "engine": engine_key(),
        "base_url": config.base_url,
        "out": str(config.output_dir),
        "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }
    return Frame(found.stamp + json.dumps(extra, sort_keys=True), found.racy)


def _path(config: SiteConfig) -> str:
    key = hashlib.sha256(str(config.output_dir).encode()).hexdigest()[:16]
    return str(config.cache_dir / f"records-{key}.pickle")


def load(config: SiteConfig, frame: Frame, output: Iterable[tuple[str, int, int]]) -> Records | None:
    """The last build's records, if they describe this frame and the output as it is now; else None.

    The file holds the folders' pickles, then a header (pickled: the frame, the index, the problems, each
    folder's place) and its length. It is mapped rather than read: each folder is unpickled from its place,
    and one kept is saved again from there. Read into bytes objects, the 25 MB of them at 10,000 pages were
    13,000 pages of fresh memory, each a page fault (0.3 s on a virtual machine); the mapping is filled in one
    call (MAP_POPULATE, where Linux has it)."""
    try:
        with open(_path(config), "rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, mmap.MAP_SHARED | _POPULATE, mmap.PROT_READ)
        whole = memoryview(mapped)
        if whole[: len(MAGIC)] != MAGIC:
            return None
        length = int.from_bytes(whole[-8:], "little")
        if length > len(whole) - 8 - len(MAGIC):
            return None
        header = whole[len(whole) - 8 - length : len(whole) - 8]
        version, recorded, left, index, page_problems, notices, used, places, feed, dates = pickle.loads(header)
        if version != VERSION or not frame.holds(recorded) or left != files_fingerprint(output):
            return None
        readers = Index(*index)
        pickled = {rel: whole[at : at + size] for rel, (at, size) in places.items()}
        folders = {rel: pickle.loads(data) for rel, data in pickled.items()}
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError, IndexError):
        return None
    model = Model(MappingProxyType({f.item.key: f.item for f in folders.values() if f.item is not None}))
    items = published(config, model)[0].items  # as the build made it from the same folders
    return Records(recorded, left, items, readers, page_problems, notices, used, folders, pickled, feed, dates=dates)


def save(config: SiteConfig, records: Records) -> None:
    """Written atomically (records_file.py); a failure only costs the next build its shortcut."""
    state = (
        VERSION,
        records.frame,
        records.output,
        Index.saved(records.readers),
        records.page_problems,
        records.notices,
        records.used_strings,
    )

    def header(places: dict[str, tuple[int, int]]) -> bytes:
        return pickle.dumps((*state, places, records.feed, records.dates), pickle.HIGHEST_PROTOCOL)

    write(_path(config), records.folders, records.pickled, header)


def forget(config: SiteConfig) -> None:
    """Drop the records (a build that cannot record what it read: the next one renders everything)."""
    try:
        os.unlink(_path(config))
    except OSError:
        pass


def redo(previous: Records, renderer: Renderer, folders: Mapping[str, Folder]) -> Redo | None:
    """What to render again, given the last build's records and the newly loaded site (`folders`: as read by
    this build); None: everything."""
    site = renderer.site
    keys = {
        key
        for key in previous.items.keys() | site.model.items.keys()
        if previous.items.get(key) != site.model.items.get(key)
    }
    # The site before differs from this one only in the edited items' pages: resolved again from this site
    # for those alone (as the preview does), not whole (0.2 s at 10,000 pages).
    old_model = Model(MappingProxyType(previous.items))
    old = resolve_site(site.config, old_model, Collector(), previous=site, changed=frozenset(keys))
    # An image or document replaced under its name leaves the item as it was: the pages showing it, by the
    # preview's rule (with_files).
    change = with_files(change_between(old, site, keys), site, _files_changed(previous.folders, folders))
    if change.moved:
        return None
    feeds = {lang: renderer.feed_path(lang) for lang in site.config.codes}
    todo = plan(old, site, change, previous.readers, (previous.notices, renderer.outdated), feeds)
    dated = previous.dates == _days(renderer.text_dates)  # else every feed again, none of its entries kept
    for key, entry in (pickle.loads(previous.feed) if previous.feed and dated else {}).items():
        if entry[1].isdisjoint(change.meta) and entry[2].isdisjoint(change.body):  # an entry the edit left alone
            previous.handed[key] = entry
            renderer.views.memo.put(key, *entry)
    paths = frozenset(page.output_path for page in todo.pages)
    extras = None if todo.extras else frozenset(feeds[lang] for lang in (todo.feeds if dated else feeds))
    return Redo(paths, extras, previous.page_problems)


def _files_changed(before: Mapping[str, Folder], after: Mapping[str, Folder]) -> dict[ItemKey, set[str]]:
    """Item -> the names of the entries of its folder that are not as they were (all of its files when the
    folder's signature is not to be trusted): what a text shows beside it may have changed."""
    changed: dict[ItemKey, set[str]] = {}
    for rel, folder in after.items():
        old = before.get(rel)
        if folder.item is None or old is None or (old.signature == folder.signature and old.signature is not None):
            continue
        if old.signature is None or folder.signature is None:
            names = set(folder.item.files)
        else:
            names = {entry[0] for entry in set(old.signature) ^ set(folder.signature)}
        changed[folder.item.key] = names
    return changed


def after_build(
    previous: Records | None,
    frame: Frame,
    output: str,
    model: Model,
    index: tuple[dict[Read, list[str]], dict[Read, list[str]]],
    page_problems: dict[str, list[Problem]],
    renderer: Renderer,
    folders: dict[str, Folder],
) -> Records:
    """The records of a build that swapped its output into place. `index`: the pages it rendered by what they
    read, metas and bodies (workers.Outcome): the whole index after a build from scratch; after an edit
    (`previous`), added to the index of what the pages kept read. `page_problems`: every page's, kept only
    where there are some."""
    readers: Readers[str] = Lists(*index)
    if previous is not None:  # a few pages: added one read at a time
        readers = previous.readers
        for read, pages in index[0].items():
            for page in pages:
                readers.add(page, (read,), ())
        for read, pages in index[1].items():
            for page in pages:
                readers.add(page, (), (read,))
    before = previous.folders if previous is not None else {}
    pickled = {  # the others are pickled as they are saved
        rel: previous.pickled[rel]
        for rel, folder in folders.items()
        if previous is not None and before.get(rel) is folder
    }
    return Records(
        frame,
        output,
        model.items,
        readers,
        {path: found for path, found in page_problems.items() if found},
        dict(renderer.outdated),
        frozenset(renderer.used_strings),
        folders,
        pickled,
        _feed_entries(
            {**(previous.handed if previous else {}), **kept_entries(renderer.views.memo)}, renderer.site.config
        ),
        dates=_days(renderer.text_dates),
    )


def _days(dates: Mapping[str, dt.date]) -> dict[str, int]:
    return {path: date.toordinal() for path, date in dates.items()}


def _feed_entries(entries: dict[Key, Entry], config: SiteConfig) -> bytes:
    """The feeds' entries handed to this build and rendered by it (a forked process that rendered the feeds
    sends its entries back: workers.py), while there are no more than twice what the feeds show: one left
    behind (its date changed) is not kept for ever."""
    return _pickled(entries) if 0 < len(entries) <= 2 * FEED_ENTRIES * len(config.codes) else b""


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
