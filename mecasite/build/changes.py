"""What an edit changed, and which pages to render again: for the preview's updates and incremental builds.

Pages record what they read per (item, language), as metas (title, summary, slug, facts, which translations
exist) and bodies; a `Change` says which of those an edit changed, and what else moved: pages appearing or
going, references between items, the set of translations. `plan` turns it into the pages and extra files to
render again. Both the preview (from the site it keeps) and a build (from the records of the last one,
records.py) call it: one rule for what an edit affects. Pure: no I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, replace
from html import unescape
from typing import Any

from mecasite.content.attachments import FILE_FIELDS, neutral
from mecasite.content.model import Item, ItemKey
from mecasite.content.schemas import REFERENCES
from mecasite.render.memo import Readers
from mecasite.render.views import members
from mecasite.site.resolve import Page, Site


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


def with_files(change: Change, site: Site, files: Mapping[ItemKey, Set[str]]) -> Change:
    """`change` with what files saved, added or removed beside the items' texts change (`files`: item -> the
    names of those files): the item's meta in every language when a field names one (a logo or an image is
    shown wherever the item is: its pages, cards, quotes), the body of each text that names one. Every
    language, because a page shows a language's own file (`cover.nl.jpg`) with the text it falls back to; a
    file nothing names changes no page."""
    codes = site.config.codes
    meta, body = set(change.meta), set(change.body)
    for key, names in files.items():
        item = site.model.items.get(key)
        if item is None:
            continue  # the item went: change_between has it
        named = {neutral(name, codes) for name in names}
        if named & {item.facts.get(name) for name in FILE_FIELDS.get(item.collection, {})}:
            meta |= {(key, lang) for lang in codes}
        for lang, text in item.texts.items():
            if any(name in text.body or name in unescape(text.body) for name in named):
                body.add((key, lang))
    return replace(change, meta=frozenset(meta), body=frozenset(body))


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


@dataclass(frozen=True)
class Plan:
    """What to render again after an edit."""

    change: Change
    pages: tuple[Page, ...]  # in output-path order
    extras: bool  # all extra files (sitemap, host files, feeds): pages moved, facts or translations changed
    feeds: tuple[str, ...]  # else the languages whose feed shows what changed


def plan(
    old: Site,
    new: Site,
    change: Change,
    readers: Readers[str],
    notices: tuple[Mapping[Any, Any], Mapping[Any, Any]],
    feed_paths: Mapping[str, str],
) -> Plan:
    """The pages to render again after the `change` from `old` to `new` (change_between):

    - every page of an item that appeared, went, moved or changed its facts (no reads recorded yet there);
    - every page that read a changed item's meta or body, in a language whose text changed;
    - when an item appears, disappears or changes its facts: its collection's list pages and the pages of the
      items it points to (their derived lists of actions and quotes change);
    - every translated page whose "original updated" notice appears, goes or changes its date (`notices`:
      before and after, by (collection, id, language));

    and the extra files that list pages or show a changed text (`feed_paths`: language -> its feed's path).
    """
    touched = ({key for key, _ in change.meta} if change.moved else set()) | change.facts  # pages new or moved
    affected = {path for site in (old, new) for key in touched for path in site.paths_of(key)}
    affected |= readers.of(change.meta, change.body)
    for key in change.facts:  # the items it pointed to, or points to now, list it
        for ref in references(old.model.items.get(key)) | references(new.model.items.get(key)):
            affected.update(new.paths_of(ref))
    for collection in {collection for collection, _ in change.facts}:
        affected.update(
            new.list_page(collection, lang).output_path
            for lang in new.config.codes
            if ("list-" + collection, None, lang) in new.by_key
        )
    # A translation's page reads its own text, not its source's: a source edited makes the translations
    # outdated (or up to date again) without any of their reads changing.
    before, after = notices
    unset = object()
    for key in before.keys() | after.keys():
        if before.get(key, unset) != after.get(key, unset):
            page = new.item_page(key[:2], key[2])
            if page is not None:
                affected.add(page.output_path)
    pages = tuple(new.by_path[path] for path in sorted(affected) if path in new.by_path)
    extras = change.moved or bool(change.facts) or change.languages  # the sitemap and host files list pages
    feeds = () if extras else tuple(lang for lang, path in sorted(feed_paths.items()) if path in affected)
    return Plan(change, pages, extras, feeds)
