"""What an edit changed: the two versions of the edited items compared, for the preview's updates.

Pages record what they read per (item, language), as metas (title, summary, slug, facts, which translations
exist) and bodies; a `Change` says which of those an edit changed, and what else moved: pages appearing or
going, references between items, the set of translations. Pure: no I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mecasite.content.model import Item, ItemKey
from mecasite.content.schemas import REFERENCES
from mecasite.render.views import members
from mecasite.site.resolve import Site


@dataclass(frozen=True)
class Change:
    meta: frozenset[tuple[ItemKey, str]]  # (item, language) whose meta changed; (collection, "*"): its members
    body: frozenset[tuple[ItemKey, str]]  # (item, language) whose body changed
    facts: frozenset[ItemKey]  # items whose facts changed, or that appeared or went
    moved: bool  # a page appeared, went or changed its address
    languages: bool  # an item's set of texts changed: the sitemap and host files list translations
    removed: frozenset[str]  # output paths of pages that no longer exist

    @property
    def structure(self) -> bool:
        """Links, reverse references or derived lists may have changed anywhere."""
        return self.moved or bool(self.facts)


def change_between(old: Site, new: Site, keys: set[ItemKey]) -> Change:
    codes = new.config.codes
    before = {k: old.model.items.get(k) for k in keys}
    after = {k: new.model.items.get(k) for k in keys}
    meta = {(k, lang) for k in keys for lang in _changed_meta(before[k], after[k], codes)}
    body = {(k, lang) for k in keys for lang in _changed_bodies(before[k], after[k])}
    facts = {k for k in keys if _facts(before[k]) != _facts(after[k])}
    meta |= {(members(k[0]), lang) for k in facts for lang in codes}  # see Views.read_members
    removed = {path for k in keys for path in old.paths_of(k)} - {path for k in keys for path in new.paths_of(k)}
    return Change(
        frozenset(meta),
        frozenset(body),
        frozenset(facts),
        moved=_moved(old, new, keys),
        languages=any(_languages(before[k]) != _languages(after[k]) for k in keys),
        removed=frozenset(removed),
    )


def _moved(old: Site, new: Site, keys: set[ItemKey]) -> bool:
    """Whether a page appeared, went, or changed its address: only the pages of edited items can have."""

    def where(site: Site) -> set[tuple[str, str, ItemKey | None, str]]:
        return {
            (path, page.kind, page.item, page.lang)
            for k in keys
            for path in site.paths_of(k)
            for page in (site.by_path[path],)
        }

    return where(old) != where(new)


def references(item: Item | None) -> set[ItemKey]:
    """The items an item points to by its facts (partners, related actions...)."""
    if item is None:
        return set()
    found: set[ItemKey] = set()
    for field_name, target in REFERENCES.get(item.collection, {}).items():
        refs = item.facts.get(field_name) or ()
        found |= {(target, ref) for ref in ((refs,) if isinstance(refs, str) else refs)}
    return found


def _languages(item: Item | None) -> tuple[list[str], list[str]] | None:
    return None if item is None else (sorted(item.texts), sorted(item.drafts))


def _changed_meta(old: Item | None, new: Item | None, codes: Iterable[str]) -> set[str]:
    """Languages whose meta a page may have shown differs: every language when the item appeared or went,
    its facts or its set of texts changed; else the languages whose front matter changed."""
    if (
        old is None
        or new is None
        or dict(old.facts) != dict(new.facts)
        or set(old.texts) != set(new.texts)
        or set(old.drafts) != set(new.drafts)
    ):
        return set(codes)
    return {lang for lang in new.texts if dict(old.texts[lang].fields) != dict(new.texts[lang].fields)}


def _changed_bodies(old: Item | None, new: Item | None) -> set[str]:
    """Languages whose body text differs (appeared, vanished or changed)."""
    before = {lang: t.body for lang, t in old.texts.items()} if old else {}
    after = {lang: t.body for lang, t in new.texts.items()} if new else {}
    return {lang for lang in before.keys() | after.keys() if before.get(lang) != after.get(lang)}


def _facts(item: Item | None) -> dict[str, Any] | None:
    return None if item is None else dict(item.facts)
