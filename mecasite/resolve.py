"""Resolving the model into a site: which page exists in which language, at which URL, showing which text.

Checks references between items and that no two pages share a URL. Pure: no I/O here.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from dataclasses import dataclass
from typing import Mapping

from .collections import COLLECTIONS, REFERENCES
from .config import SiteConfig
from .model import Item, ItemKey, Model, Text
from .problems import Collector, did_you_mean

LISTS = ("actions", "partners", "testimonials")


@dataclass(frozen=True)
class Page:
    """One output page. `url` is relative to the site root (`fr/partenaires/materalia/`)."""

    kind: str  # home, page, action, partner, list-actions, list-partners, list-testimonials, 404, redirect
    lang: str
    url: str
    item: ItemKey | None = None
    text_lang: str = ""  # the language of the text shown; differs from `lang` on a fallback page
    translated: tuple[str, ...] = ()  # languages in which this page has its own text (hreflang)

    @property
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
    pages: tuple[Page, ...]
    by_key: Mapping[tuple, Page]  # (kind-or-collection, id-or-None, lang) -> page

    @property
    def redirects(self) -> tuple[Page, ...]:
        """Old addresses of renamed pages (`old_slugs`); each leads to its item's page in the same language."""
        return tuple(p for p in self.pages if p.kind == "redirect")

    def item_page(self, key: ItemKey, lang: str) -> Page | None:
        return self.by_key.get((key[0], key[1], lang))

    def list_page(self, collection: str, lang: str) -> Page:
        return self.by_key[("list-" + collection, None, lang)]

    def home(self, lang: str) -> Page:
        return self.by_key[("home", None, lang)]

    def text(self, item: Item, lang: str) -> Text:
        """The item's text in `lang`, or the fallback chain's first one (the default language first)."""
        for code in (lang,) + self.config.codes:
            if code in item.texts:
                return item.texts[code]
        raise KeyError(item.key)  # resolve_site guarantees a default-language text


def resolve_site(config: SiteConfig, model: Model, problems: Collector, previous: Site | None = None,
                 changed: frozenset = frozenset()) -> Site:
    """Pages for every item and list in every language, URLs checked for clashes.

    With `previous` (the preview's last site), the pages of items not in `changed` are taken from it: an item's
    pages depend on nothing but its own texts and the configuration.
    """
    _check_items(config, model, problems)
    reuse: dict = {}
    if previous is not None:
        for page in previous.pages:
            if page.item and page.item not in changed:
                reuse.setdefault((page.item, page.lang), []).append(page)
    pages: list[Page] = []
    for lang in config.codes:
        pages += _lang_pages(config, model, lang, reuse)
    _check_urls(config, model, pages, problems)
    by_key = {}
    for page in pages:
        if page.kind == "redirect":
            continue  # an old address of an item page: found through `redirects`, never as the item's page
        coll, item_id = page.item if page.item else (page.kind, None)
        by_key[(coll, item_id, page.lang)] = page
        if page.kind == "home":
            by_key[("home", None, page.lang)] = page
    return Site(config, model, tuple(pages), by_key)


def _check_items(config: SiteConfig, model: Model, problems: Collector) -> None:
    default = config.default_language
    homes = [i for i in model.collection("pages") if i.facts.get("home")]
    if len(homes) != 1:
        where = homes[1].path if len(homes) > 1 else config.content_dir.name + "/pages"
        problems.add(where, 0, f"exactly one page must have 'home: true' (found {len(homes)})")
    for item in model.items.values():
        if default not in item.texts:
            problems.add(item.path, 0, f"no text in the default language '{default}'",
                         f"add {item.path.rsplit('/', 1)[0]}/{default}.md")
        for field, target in REFERENCES.get(item.collection, {}).items():
            _check_refs(model, item, field, target, problems)
        if item.collection == "pages" and not item.facts.get("home"):
            for text in item.texts.values():
                if not text.slug:
                    problems.add(text.path, 1, "missing required field 'slug'",
                                 "the last URL segment in this language, e.g. approach")


def _check_refs(model: Model, item: Item, field: str, target: str, problems: Collector) -> None:
    value = item.facts.get(field) or ()
    for ref in (value,) if isinstance(value, str) else value:
        if (target, ref) not in model.items:
            what = COLLECTIONS[target].ref
            known = [i.id for i in model.collection(target)]
            problems.add(item.path, item.lines.get(field, 0), f"{field}: unknown {what} '{ref}'",
                         did_you_mean(ref, known))


def _lang_pages(config: SiteConfig, model: Model, lang: str, reuse: dict) -> list[Page]:
    pages = [Page("404", lang, f"{lang}/404.html")]
    for name in LISTS:
        pages.append(Page("list-" + name, lang, f"{lang}/{config.sections[name][lang]}/"))
    for item in model.items.values():
        kept = reuse.get((item.key, lang))
        if kept is not None:
            pages += kept
            continue
        collection = COLLECTIONS[item.collection]
        if not collection.has_pages or not item.texts:
            continue
        text_lang = lang if lang in item.texts else next((c for c in config.codes if c in item.texts), lang)
        text = item.texts[text_lang]
        translated = tuple(c for c in config.codes if c in item.texts)
        if item.collection == "pages":
            url = f"{lang}/" if item.facts.get("home") else f"{lang}/{text.slug}/"
            kind = "home" if item.facts.get("home") else "page"
        else:
            url = f"{lang}/{config.sections[item.collection][lang]}/{text.slug}/"
            kind = collection.ref
        pages.append(Page(kind, lang, url, item.key, text_lang, translated))
        if lang == text_lang and kind != "home":
            parent = url.rstrip("/").rsplit("/", 1)[0]
            pages += [Page("redirect", lang, f"{parent}/{old}/", item.key, text_lang)
                      for old in text.fields.get("old_slugs") or () if old != text.slug]
    return pages


@lru_cache(maxsize=131072)
def url_key(url: str) -> str:
    """URLs that a host or a file system may confuse: case and Unicode normal form folded."""
    return unicodedata.normalize("NFC", url).casefold()


def _check_urls(config: SiteConfig, model: Model, pages: list[Page], problems: Collector) -> None:
    seen: dict[str, list[Page]] = {}
    for page in pages:
        seen.setdefault(url_key(page.url), []).append(page)
    for url, clash in seen.items():
        if len(clash) < 2:
            continue
        sources = [_source(model, p) for p in clash]
        problems.add(sources[0], 0, f"{len(clash)} pages on one URL '/{clash[0].url}': " + ", ".join(sources),
                     "give each a different slug")


def _source(model: Model, page: Page) -> str:
    if not page.item:
        return f"the {page.kind} page ({page.lang})"
    item = model.items[page.item]
    text = item.texts.get(page.text_lang)
    return text.path if text else item.path
