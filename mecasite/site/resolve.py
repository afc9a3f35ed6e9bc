"""Resolving the model into a site: which page exists in which language, at which URL, showing which text.

Checks references between items and that no two pages share a URL. An item's pages depend on nothing but its
own texts and the configuration, so the preview re-resolves only the items an edit changed (`previous`).
Pure: no I/O here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as data_field
from functools import cached_property, lru_cache
from typing import TypeAlias

from mecasite.config.settings import SiteConfig
from mecasite.content.model import Item, ItemKey, Model, Text
from mecasite.content.redirects import FILE as REDIRECTS
from mecasite.content.schemas import COLLECTIONS
from mecasite.problems import Collector
from mecasite.site.references import check_items

LISTS = ("actions", "partners", "testimonials")
SEARCH = "search"  # the search page's URL word (/fr/search/): the search box of the header leads there
PageKey: TypeAlias = tuple[str, str | None, str]  # (kind-or-collection, id-or-None, lang)


@dataclass(frozen=True)
class Page:
    """One output page. `url` is relative to the site root (`fr/partenaires/materalia/`)."""

    kind: str  # home, page, action, partner, list-actions, list-partners, list-testimonials, 404, search, redirect
    lang: str
    url: str
    item: ItemKey | None = None
    text_lang: str = ""  # the language of the text shown; differs from `lang` on a fallback page
    translated: tuple[str, ...] = ()  # languages in which this page has its own text (hreflang)
    to: str = ""  # a deleted item's old address (content/redirects.yaml): the collection whose list it leads to

    @cached_property
    def output_path(self) -> str:
        return self.url + ("" if self.url.endswith(".html") else "index.html")

    @property
    def is_fallback(self) -> bool:
        """An item page showing another language's text (list and 404 pages have no text of their own)."""
        return bool(self.item) and self.text_lang != self.lang


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    model: Model
    fixed: Mapping[str, tuple[Page, ...]]  # lang -> its 404, search and list pages
    item_pages: Mapping[ItemKey, Mapping[str, tuple[Page, ...]]]  # item -> lang -> its page, then redirects
    by_key: Mapping[PageKey, Page]
    by_path: Mapping[str, Page]  # output path -> page
    url_owners: Mapping[str, Page]  # url_key(url) -> page: what a changed page must not clash with
    # Drafts left out of a build (`draft: true`), for the messages of what links to them; empty in the preview,
    # whose model holds them.
    unpublished: Mapping[ItemKey, Item] = data_field(default_factory=dict)

    @cached_property
    def pages(self) -> tuple[Page, ...]:
        """Every page: per language, its 404 and list pages, then the items' pages in id order."""
        return tuple(
            page
            for lang in self.config.codes
            for pages in (self.fixed[lang], *(by_lang.get(lang, ()) for by_lang in self.item_pages.values()))
            for page in pages
        )

    @property
    def redirects(self) -> tuple[Page, ...]:
        """Old addresses of renamed pages (`old_slugs`), each leading to its item's page in the same language,
        and of deleted items (`content/redirects.yaml`), each leading to its section's page."""
        return tuple(p for p in self.pages if p.kind == "redirect")

    def redirect_target(self, page: Page) -> Page:
        """Where an old address leads: its item's page, or a deleted item's section (the home page for a free
        page) in the same language."""
        if page.item:
            target = self.item_page(page.item, page.lang)
            assert target is not None  # an item has a page in every language
            return target
        return self.home(page.lang) if page.to == "pages" else self.list_page(page.to, page.lang)

    def item_page(self, key: ItemKey, lang: str) -> Page | None:
        return self.by_key.get((key[0], key[1], lang))

    def list_page(self, collection: str, lang: str) -> Page:
        return self.by_key[("list-" + collection, None, lang)]

    def home(self, lang: str) -> Page:
        return self.by_key[("home", None, lang)]

    def paths_of(self, key: ItemKey) -> list[str]:
        """The output paths of an item's pages, in every language."""
        return [page.output_path for pages in self.item_pages.get(key, {}).values() for page in pages]

    def text(self, item: Item, lang: str) -> Text:
        """The item's text in `lang`, or the fallback chain's first one (the default language first)."""
        texts = item.texts
        if lang in texts:
            return texts[lang]
        for code in self.config.codes:
            if code in texts:
                return texts[code]
        raise KeyError(item.key)  # resolve_site guarantees a default-language text


def resolve_site(
    config: SiteConfig,
    model: Model,
    problems: Collector,
    previous: Site | None = None,
    changed: frozenset[ItemKey] = frozenset(),
    unpublished: Mapping[ItemKey, Item] | None = None,
) -> Site:
    """Pages for every item and list in every language, URLs checked for clashes. `unpublished`: the drafts
    a build leaves out of `model`, which published items may not refer to.

    With `previous` (the preview's last site, which resolved without errors; or, for a build after an edit,
    the new site, to find the pages the edited items had before), only the items in `changed` are resolved
    again and checked; the rest is taken from it.
    """
    fixed: Mapping[str, tuple[Page, ...]]
    item_pages: dict[ItemKey, Mapping[str, tuple[Page, ...]]]
    by_key: dict[PageKey, Page]
    by_path: dict[str, Page]
    owners: dict[str, Page]
    if previous is None:
        fixed = {lang: _fixed_pages(config, lang) + _gone_pages(model, lang) for lang in config.codes}
        item_pages, by_key, by_path, owners = {}, {}, {}, {}
        _add(config, model, [p for pages in fixed.values() for p in pages], by_key, by_path, owners, problems)
        changed = frozenset(model.items)
        ordered = list(model.items)  # already in id order
    else:
        fixed, item_pages = previous.fixed, dict(previous.item_pages)
        by_key, by_path, owners = dict(previous.by_key), dict(previous.by_path), dict(previous.url_owners)
        ordered = sorted(changed)
    removed = any(key not in model.items for key in changed)
    # A removed item breaks the references to it anywhere; otherwise only the changed items can be wrong.
    drafts = unpublished or {}
    checked = model.items.values() if removed else [model.items[k] for k in ordered]
    check_items(config, model, checked, problems, drafts)
    for key in changed:
        _remove(_flat(item_pages.get(key, {})), by_key, by_path, owners)
        if key not in model.items:
            item_pages.pop(key, None)
    new = {key: _item_pages(config, model.items[key]) for key in ordered if key in model.items}
    added = previous is not None and any(key not in item_pages for key in new)
    item_pages.update(new)  # in place: the id order of a full load
    if added:
        item_pages = {key: item_pages[key] for key in model.items}
    _add(config, model, [p for k in new for p in _flat(new[k])], by_key, by_path, owners, problems)
    return Site(config, model, fixed, item_pages, by_key, by_path, owners, drafts)


def _flat(by_lang: Mapping[str, tuple[Page, ...]]) -> list[Page]:
    return [page for pages in by_lang.values() for page in pages]


def _add(
    config: SiteConfig,
    model: Model,
    pages: list[Page],
    by_key: dict[PageKey, Page],
    by_path: dict[str, Page],
    owners: dict[str, Page],
    problems: Collector,
) -> None:
    """Index new pages; a URL already taken (or taken twice among them) is a clash."""
    clashes: dict[str, list[Page]] = {}
    for page in pages:
        url = url_key(page.url)
        if url in owners:
            clashes.setdefault(url, [owners[url]]).append(page)
            continue
        owners[url] = page
        by_path[page.output_path] = page
        if page.kind == "redirect":
            continue  # an old address of an item page: found through `redirects`, never as the item's page
        by_key[_key(page)] = page
        if page.kind == "home":
            by_key[("home", None, page.lang)] = page
    if not clashes:
        return
    # Named in the order a full resolve meets them (fixed pages, then items in id order), so that the preview,
    # which adds only the edited items' pages, reports a clash exactly as a build does.
    position = {key: i for i, key in enumerate(model.items)}

    def order(page: Page) -> int:
        return -1 if page.item is None else position.get(page.item, len(position))

    for clash in sorted((sorted(c, key=order) for c in clashes.values()), key=lambda c: order(c[0])):
        sources = [_source(config, model, p) for p in clash]
        gone = any(p.to for p in clash)
        problems.add(
            sources[0],
            0,
            f"{len(clash)} pages on one URL '/{clash[0].url}': " + ", ".join(sources),
            f"a page has this address again: remove it from {sources[0]}" if gone else "give each a different slug",
        )


def _key(page: Page) -> PageKey:
    """Where `by_key` holds a page that is not a redirect: its item, else its kind (a list, the 404)."""
    coll, item_id = page.item if page.item else (page.kind, None)
    return (coll, item_id, page.lang)


def _remove(pages: list[Page], by_key: dict[PageKey, Page], by_path: dict[str, Page], owners: dict[str, Page]) -> None:
    for page in pages:
        owners.pop(url_key(page.url), None)
        by_path.pop(page.output_path, None)
        if page.kind != "redirect":
            by_key.pop(_key(page), None)  # an item's page: (collection, id, lang)
            if page.kind == "home":
                by_key.pop(("home", None, page.lang), None)


def _fixed_pages(config: SiteConfig, lang: str) -> tuple[Page, ...]:
    return (
        Page("404", lang, f"{lang}/404.html"),
        *((Page("search", lang, f"{lang}/{SEARCH}/"),) if config.search else ()),  # one word in every language
        *(Page("list-" + name, lang, f"{lang}/{config.sections[name][lang]}/") for name in LISTS),
    )


def _gone_pages(model: Model, lang: str) -> tuple[Page, ...]:
    return tuple(Page("redirect", lang, gone.url, to=gone.collection) for gone in model.gone if gone.lang == lang)


def _item_pages(config: SiteConfig, item: Item) -> dict[str, tuple[Page, ...]]:
    """The item's page in each language (its own text, or the fallback's), then its old addresses there."""
    collection = COLLECTIONS[item.collection]
    if not collection.has_pages or not item.texts:
        return {}
    translated = tuple(c for c in config.codes if c in item.texts)
    result: dict[str, tuple[Page, ...]] = {}
    for lang in config.codes:
        text_lang = lang if lang in item.texts else translated[0]
        text = item.texts[text_lang]
        if item.collection == "pages":
            url = f"{lang}/" if item.facts.get("home") else f"{lang}/{text.slug}/"
            kind = "home" if item.facts.get("home") else "page"
        else:
            url = f"{lang}/{config.sections[item.collection][lang]}/{text.slug}/"
            kind = collection.ref
        pages = [Page(kind, lang, url, item.key, text_lang, translated)]
        if kind != "home":  # a fallback page shows the text at its slug: its old slugs redirect there too
            parent = url.rstrip("/").rsplit("/", 1)[0]
            pages += [
                Page("redirect", lang, f"{parent}/{old}/", item.key, text_lang)
                for old in text.fields.get("old_slugs") or ()
                if old != text.slug
            ]
        result[lang] = tuple(pages)
    return result


@lru_cache(maxsize=131072)
def url_key(url: str) -> str:
    """URLs that a host or a file system may confuse: case and Unicode normal form folded."""
    return unicodedata.normalize("NFC", url).casefold()


def _source(config: SiteConfig, model: Model, page: Page) -> str:
    if page.to:
        return config.rel(config.content_dir / REDIRECTS)
    if not page.item:
        return f"the {page.kind} page ({page.lang})"
    item = model.items[page.item]
    text = item.texts.get(page.text_lang)
    return text.path if text else item.path
