"""The frame around every page: head metadata, share previews, menu, language switcher, breadcrumbs, share links.

Made from the page and the site's views, for the layout template (`base.html`). Pure: no I/O here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeAlias
from urllib.parse import quote

from mecasite.content.model import ItemKey
from mecasite.content.strings import date_text, language_in
from mecasite.render.share import ShareImage, og_locale
from mecasite.render.view_data import Alternate, Link
from mecasite.render.views import Views
from mecasite.site.resolve import LISTS, Page
from mecasite.sources.fields import PartialDate

Translate: TypeAlias = Callable[..., str]  # t(key, **params): an interface string in the page's language
Outdated: TypeAlias = Mapping[tuple[str, str, str], dt.date | None]  # (collection, id, lang) -> source changed


@dataclass(frozen=True)
class Frame:
    """What the layout around any page needs: head metadata, navigation, switcher, breadcrumbs."""

    lang: str
    kind: str
    title: str
    description: str
    url: str
    canonical: str
    text_lang: str
    is_fallback: bool
    outdated_notice: str  # empty unless this translation's source has changed since it was translated
    alternates: tuple[Alternate, ...]
    x_default: str
    breadcrumbs: tuple[Link, ...]
    share: tuple[tuple[str, str], ...]
    feed_url: str
    indexable: bool
    image: ShareImage | None  # og:image, its path below the output folder (image_url: its address); None: no cards
    image_url: str
    locale: str  # og:locale, of the text shown (a fallback copy's is its original's)
    locale_alternates: tuple[str, ...]  # og:locale:alternate: the page's other translations, not fallback copies
    searchable: bool  # its main content goes into the search index (data-pagefind-body)
    search_url: str


def make_frame(
    views: Views,
    page: Page,
    title: str,
    description: str,
    t: Translate,
    outdated: Outdated,
    feed_url: str,
    image: ShareImage | None,
) -> Frame:
    """`outdated`: (collection, id, lang) -> when the source of that translation changed (None: unknown);
    `image`: what a share shows (share.share_image)."""
    site = views.site
    alternates = views.alternates(page)
    text_lang = page.text_lang or page.lang
    canonical_page = site.item_page(page.item, page.text_lang) if page.is_fallback and page.item else page
    default = next(a for a in alternates if a.lang == site.config.default_language)
    return Frame(
        lang=page.lang,
        kind=page.kind,
        title=title,
        description=description,
        url=views.url(page),
        canonical=views.abs_url(canonical_page or page),
        text_lang=text_lang,
        is_fallback=page.is_fallback,
        outdated_notice=_outdated_notice(views, page, t, outdated),
        alternates=tuple(alternates),
        x_default=site.config.base_url if page.kind == "home" else default.abs_url,  # the homes: the root chooses
        breadcrumbs=_breadcrumbs(views, page, title, t),
        share=tuple(share_links(views, page, title)),
        feed_url=feed_url,
        indexable=page.kind not in ("404", "search") and not page.is_fallback,
        # A fallback copy is left out of the index: its text is indexed once, on its own page, in its own
        # language (Pagefind files a page under its <html lang>, which a copy does not speak).
        searchable=site.config.search and page.kind not in ("404", "search") and not page.is_fallback,
        search_url=views.url(site.by_key[("search", None, page.lang)]) if site.config.search else "",
        image=image,
        image_url=site.config.base_url + image.path if image else "",
        locale=og_locale(site.config, text_lang),
        locale_alternates=tuple(
            og_locale(site.config, a.lang) for a in alternates if a.translated and a.lang != text_lang
        ),
    )


def _outdated_notice(views: Views, page: Page, t: Translate, outdated: Outdated) -> str:
    key = (*page.item, page.lang) if page.item else None
    if key is None or key not in outdated or page.is_fallback:
        return ""
    config = views.site.config
    language = language_in(config.default_language, page.lang)
    when = outdated[key]
    if when is None:
        return t("translation.outdated_undated", language=language)
    return t(
        "translation.outdated",
        language=language,
        date=date_text(PartialDate(when.year, when.month, when.day), config.locale(page.lang)),
    )


def _breadcrumbs(views: Views, page: Page, title: str, t: Translate) -> tuple[Link, ...]:
    site = views.site
    crumbs = [Link(t("home.title"), views.url(site.home(page.lang)), page.lang)]
    if page.kind in ("action", "partner"):
        assert page.item is not None  # an item's page
        section = site.list_page(page.item[0], page.lang)
        crumbs.append(Link(t(f"{page.item[0]}.title"), views.url(section), page.lang))
    if page.kind != "home":
        crumbs.append(Link(title, views.url(page), page.text_lang or page.lang))
    return tuple(crumbs)


def nav(views: Views, page: Page, t: Translate) -> tuple[tuple[Link, str], ...]:
    """The main menu: (link, its aria-current: "page" on the page itself, "true" on the page's section, or "").
    The same for every page of one language, kind and menu page (`menu_key`), which is how the frame's parts
    keep it (page_context.py)."""
    site, lang = views.site, page.lang
    views.read_members("pages", lang)  # a page added, removed or reordered changes every menu
    menu_pages = sorted(site.model.collection("pages"), key=lambda i: (i.facts["order"], i.id))
    entries = [(views.link(item.key, lang), page.item == item.key) for item in menu_pages]
    for name in LISTS:
        current = page.kind == f"list-{name}" or bool(page.item and page.item[0] == name)
        entries.append((Link(t(f"{name}.title"), views.url(site.list_page(name, lang)), lang), current))
    url = views.url(page)
    return tuple((link, ("page" if link.url == url else "true") if current else "") for link, current in entries)


def menu_key(page: Page) -> tuple[str, str, ItemKey | None]:
    """What the menu of `page` depends on: its language, its kind, and which menu page it is (if one). Two
    pages with the same key have the same menu: a list page is the only one of its kind in its language, a
    menu page the only one of its item, and on any other page the current entry is its section's (never the
    page itself: no two pages share an address)."""
    return page.lang, page.kind, page.item if page.item and page.item[0] == "pages" else None


def share_links(views: Views, page: Page, title: str) -> list[tuple[str, str]]:
    """(key, address) of each configured share service, filled in for this page."""
    url, text = quote(views.abs_url(page), safe=""), quote(title, safe="")
    return [(s.key, s.url.replace("{url}", url).replace("{title}", text)) for s in views.site.config.share]
