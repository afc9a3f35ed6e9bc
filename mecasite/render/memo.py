"""Values computed while rendering, kept with what they read, so the preview can keep them across edits.

While a page renders, the views record which (item, language) metas and bodies it reads (`Views.reads`). A
value computed once for many pages (a list's card, the timeline's order, a converted body) is kept here with
the reads made while computing it: a page that uses the value has read what the value read, and after an
edit the preview keeps exactly the values that read nothing the edit changed. Pure data; no I/O here.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable
from typing import Any, Generic, TypeAlias, TypeVar

from mecasite.content.model import ItemKey

Read: TypeAlias = tuple[ItemKey, str]  # (item key, language)
K = TypeVar("K", bound=Hashable)  # what reads: a memo's keys, the preview's output paths
Entry: TypeAlias = tuple[Any, frozenset[Read], frozenset[Read]]  # (value, metas read, bodies read)
Key: TypeAlias = tuple[Hashable, ...]  # what a value is kept under: ("body", item key, text language, page language)...
Reads: TypeAlias = tuple[set[Read], set[Read]]  # (metas read, bodies read), recorded as a page renders
# Output path -> what making that file read: Reads while it renders; a build keeps them as tuples (build/
# workers.py), a sixth of the memory of two sets.
Deps: TypeAlias = dict[str, tuple[Collection[Read], Collection[Read]]]


def address(key: ItemKey) -> ItemKey:
    """The read that stands for an item's address alone, all a link to it shows (`Views.ref_url`): its title
    edited changes no page that only links to it ("@" is never in an id)."""
    return (key[0], "@" + key[1])


class Readers(Generic[K]):
    """Who read what: for each (item, language), the keys (memo values, the preview's pages) whose making
    read its meta, and its body. It may name more than is read today (a key that was made again and read less,
    or was dropped): that costs one making too many, never a stale value."""

    def __init__(self) -> None:
        self.meta: dict[Read, set[K]] = {}
        self.body: dict[Read, set[K]] = {}

    def add(self, key: K, meta: Iterable[Read], body: Iterable[Read]) -> None:
        for read in meta:
            self.meta.setdefault(read, set()).add(key)
        for read in body:
            self.body.setdefault(read, set()).add(key)

    def of(self, meta: Iterable[Read], body: Iterable[Read]) -> set[K]:
        """The keys that read any of these metas or bodies."""
        found: set[K] = set()
        for read in meta:
            found |= self.meta.get(read, set())
        for read in body:
            found |= self.body.get(read, set())
        return found


class Memo:
    """Values by key, each with the metas and bodies it read, and the readers of each (dropping what an edit
    changed then costs what it drops, not the size of the site)."""

    def __init__(self, entries: dict[Key, Entry] | None = None, readers: Readers[Key] | None = None):
        self.entries: dict[Key, Entry] = entries or {}
        self.readers: Readers[Key] = readers or Readers()
        self.dropped: dict[Key, Entry] = {}  # what `without` left out of this memo, for `before`
        self.changed: frozenset[Read] = frozenset()  # the metas that changed then

    def get(self, key: Key) -> Entry | None:
        return self.entries.get(key)

    def put(self, key: Key, value: Any, meta: frozenset[Read], body: frozenset[Read]) -> None:
        self.entries[key] = (value, meta, body)
        before = self.dropped.get(key)  # its readers hold what it read then (the timeline: every action)
        self.readers.add(key, meta - before[1] if before else meta, body - before[2] if before else body)

    def without(self, meta: set[Read], body: set[Read]) -> Memo:
        """A memo keeping the values that read none of `meta` and `body` (this one is left as it was)."""
        entries = dict(self.entries)
        dropped = {key: entries.pop(key) for key in self.readers.of(meta, body) if key in entries}
        memo = Memo(entries, self.readers)
        memo.dropped, memo.changed = dropped, frozenset(meta)
        return memo

    def before(self, key: Key) -> tuple[Any, frozenset[Read], frozenset[Read]] | None:
        """The value `without` dropped from the memo this one came from, the metas it read and the metas that
        changed: for a value cheaper to change than to make again (the timeline, after a title edit). None
        when there is none, or a body it read changed."""
        entry = self.dropped.get(key)
        if entry is None or entry[2]:
            return None
        return entry[0], entry[1], self.changed

    def trim(self, limit: int) -> None:
        """Forget everything past `limit` values (a render process's memory stays flat as the site grows)."""
        if len(self.entries) > limit:
            self.entries.clear()
            self.readers = Readers()
