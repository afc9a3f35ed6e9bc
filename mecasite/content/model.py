"""The typed content model: items keyed by (collection, id), texts keyed by language.

Plain frozen data, built once by `content.load_content` and only read afterwards (rendering never mutates it).
No I/O here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, TypeAlias

ItemKey: TypeAlias = tuple[str, str]  # (collection, id)


@dataclass(frozen=True)
class Text:
    """One language's text of an item: front-matter fields and the Markdown body."""

    lang: str
    path: str
    fields: Mapping[str, Any]
    body: str
    body_line: int
    lines: Mapping[str, int]
    # (line, column, mark) of every TODO mark in the words of the text (tracked fields and body), in order
    marks: tuple[tuple[int, int, str], ...] = ()
    # Values computed from the text once and kept with it, pickled with it: the fingerprint of its words
    # (content/translations.py `digest`), so that a build after an edit does not compute it again for the
    # texts it did not read again. Not a field of the text: `replace` starts it empty.
    memo: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def title(self) -> str:
        return self.fields.get("title") or ""

    @property
    def slug(self) -> str | None:
        return self.fields.get("slug")

    @property
    def summary(self) -> str:
        return self.fields.get("summary") or ""

    def __reduce__(self) -> tuple[Callable[..., Text], tuple[object, ...]]:
        """Pickled as plain data (a large site is loaded by two processes, see build/reading.py)."""
        fields, lines = dict(self.fields), dict(self.lines)
        return _text, (self.lang, self.path, fields, self.body, self.body_line, lines, self.marks, self.memo)


@dataclass(frozen=True)
class Item:
    """A piece of content: language-neutral facts written once, and its texts per language."""

    collection: str
    id: str
    path: str
    facts: Mapping[str, Any]
    texts: Mapping[str, Text]
    lines: Mapping[str, int]
    drafts: Mapping[str, Text] = field(
        default_factory=lambda: MappingProxyType({})
    )  # unfinished translations: the site falls back meanwhile
    # Images and documents beside the text (content/attachments.py): file name -> project-relative path.
    files: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def key(self) -> ItemKey:
        return (self.collection, self.id)

    def __reduce__(self) -> tuple[Callable[..., Item], tuple[object, ...]]:
        return _item, (
            self.collection,
            self.id,
            self.path,
            dict(self.facts),
            dict(self.texts),
            dict(self.lines),
            dict(self.drafts),
            dict(self.files),
        )


def _text(
    lang: str,
    path: str,
    fields: dict[str, Any],
    body: str,
    body_line: int,
    lines: dict[str, int],
    marks: tuple[tuple[int, int, str], ...],
    memo: dict[str, str],
) -> Text:
    """A text unpickled: its attributes set as `__init__` would set them, without the frozen class's
    `object.__setattr__` per field (half of the time a build after an edit takes to make ten thousand texts
    again from the records; tests/test_records.py compares a text with its unpickled copy)."""
    text = object.__new__(Text)
    vars(text).update(
        lang=lang,
        path=path,
        fields=MappingProxyType(fields),
        body=body,
        body_line=body_line,
        lines=MappingProxyType(lines),
        marks=marks,
        memo=memo,
    )
    return text


def _item(
    collection: str,
    item_id: str,
    path: str,
    facts: dict[str, Any],
    texts: dict[str, Text],
    lines: dict[str, int],
    drafts: dict[str, Text],
    files: dict[str, str],
) -> Item:
    """An item unpickled, made as `_text` makes a text."""
    item = object.__new__(Item)
    vars(item).update(
        collection=collection,
        id=item_id,
        path=path,
        facts=MappingProxyType(facts),
        texts=MappingProxyType(texts),
        lines=MappingProxyType(lines),
        drafts=MappingProxyType(drafts),
        files=MappingProxyType(files),
    )
    return item


@dataclass(frozen=True)
class Gone:
    """An address of a deleted item (`content/redirects.yaml`): it leads to its section's page in its language."""

    url: str  # relative to the site root: fr/actions/trade-fair/
    lang: str
    collection: str  # whose list page it leads to; "pages": the home page


@dataclass(frozen=True)
class Model:
    items: Mapping[ItemKey, Item]
    gone: tuple[Gone, ...] = ()
    _by_collection: dict[str, list[Item]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def collection(self, name: str) -> list[Item]:
        """The items of one collection, in id order (stable, for deterministic output). Indexed once."""
        if not self._by_collection:
            for key in sorted(self.items):
                self._by_collection.setdefault(key[0], []).append(self.items[key])
        return list(self._by_collection.get(name, ()))

    def get(self, collection: str, item_id: str) -> Item | None:
        return self.items.get((collection, item_id))


@lru_cache(maxsize=65536)
def sort_key(text: str) -> str:
    """Alphabetical order that ignores case and accents (É sorts with E)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
