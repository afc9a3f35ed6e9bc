"""Values computed while rendering, kept with what they read, so the preview can keep them across edits.

While a page renders, the views record which (item, language) metas and bodies it reads (`Views.reads`). A
value computed once for many pages (a list's card, the timeline's order, a converted body) is kept here with
the reads made while computing it: a page that uses the value has read what the value read, and after an
edit the preview keeps exactly the values that read nothing the edit changed. Pure data; no I/O here.
"""

from __future__ import annotations

from typing import Any, Hashable

Read = tuple  # (item key, language)


class Memo:
    """Values by key, each with the metas and bodies it read, and an index from each read to the keys of the
    values that made it (dropping what an edit changed then costs what it drops, not the size of the site)."""

    def __init__(self, entries: dict | None = None, readers: tuple[dict, dict] | None = None):
        self.entries: dict[Hashable, tuple[Any, frozenset[Read], frozenset[Read]]] = entries or {}
        # meta read -> keys, body read -> keys; may name keys no longer kept (they are simply not found)
        self.readers: tuple[dict[Read, set], dict[Read, set]] = readers or ({}, {})

    def get(self, key: Hashable) -> tuple[Any, frozenset[Read], frozenset[Read]] | None:
        return self.entries.get(key)

    def put(self, key: Hashable, value: Any, meta: frozenset[Read], body: frozenset[Read]) -> None:
        self.entries[key] = (value, meta, body)
        for reads, index in ((meta, self.readers[0]), (body, self.readers[1])):
            for read in reads:
                index.setdefault(read, set()).add(key)

    def without(self, meta: set[Read], body: set[Read]) -> "Memo":
        """A memo keeping the values that read none of `meta` and `body` (this one is left as it was)."""
        entries = dict(self.entries)
        for reads, index in ((meta, self.readers[0]), (body, self.readers[1])):
            for read in reads:
                for key in index.get(read, ()):
                    entries.pop(key, None)
        return Memo(entries, self.readers)

    def trim(self, limit: int) -> None:
        """Forget everything past `limit` values (a render process's memory stays flat as the site grows)."""
        if len(self.entries) > limit:
            self.entries.clear()
            self.readers = ({}, {})
