"""What a share of a page shows: its picture (`og:image`) and its locales (`og:locale`). Pure: no I/O.

The picture is the page's own image when it has one (an action's `image:`, `own_image`), else its drawn card
(cards.py); `share_image` is the one place that chooses. A partner's logo is not a share picture: a small
mark on a wide preview says less than the card with the partner's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, localedata
from babel.core import get_global

from mecasite.config.settings import SiteConfig
from mecasite.content.attachments import find
from mecasite.render import cards
from mecasite.render.cards import Card, Palette
from mecasite.render.media import Picture
from mecasite.render.views import Views
from mecasite.site.resolve import Page

HOME_TERRITORY = "BE"  # the cluster is Walloon: a language without a configured territory is Belgium's


@dataclass(frozen=True)
class ShareImage:
    """A picture for `og:image`: its output path (below the output folder), its size in pixels, its text."""

    path: str
    width: int
    height: int
    alt: str


def share_image(card: Card | None, own: ShareImage | None = None) -> ShareImage | None:
    """The page's own image when it has one, else its drawn card (None: the site draws none, share_cards)."""
    if own is not None or card is None:
        return own
    return ShareImage(card.path, cards.WIDTH, cards.HEIGHT, card.alt)


def own_image(views: Views, page: Page) -> ShareImage | None:
    """An action page's own image for `og:image`: its widest file in the original's format (JPEG or PNG,
    which every share preview reads; WebP and AVIF are not), in the page's language; None without one, or
    for an SVG (no share preview shows one)."""
    item = views.site.model.items.get(page.item) if page.item else None
    name = item.facts.get("image") if item is not None and item.collection == "actions" else None
    found = views.media.get(find(item, name, page.lang) or "") if item is not None and name else None
    if not isinstance(found, Picture) or found.formats()[-1] == "svg":
        return None
    best = max((v for v in found.variants if v.format == found.formats()[-1]), key=lambda v: v.width)
    alt = views.site.text(item, page.lang).fields.get("image_alt") or "" if item is not None else ""
    return ShareImage(best.path, best.width, round(best.width * found.height / found.width), alt)


def card(title: str, lang: str, translator: Callable[[str], Callable[..., str]], palette: Palette) -> Card:
    """The card of a page whose text, in `lang`, has `title`: the site's name in that language too."""
    t = translator(lang)
    return Card(title, t("site.name"), t("site.section"), palette)


def card_of(views: Views, translator: Callable[[str], Callable[..., str]], palette: Palette, page: Page) -> Card | None:
    """The card of a page, in the language of the text it shows (a fallback copy's is its original's: the
    same card, the same file); None for a redirect, which has no frame. As the renderer makes it."""
    if page.kind == "redirect":
        return None
    if page.item:
        item = views.item(page.item, page.lang)
        return card(item.title, item.lang, translator, palette)
    return card(translator(page.lang)(f"{page.kind.removeprefix('list-')}.title"), page.lang, translator, palette)


def cards_of(
    views: Views, translator: Callable[[str], Callable[..., str]], palette: Palette, pages: Iterable[Page]
) -> dict[str, Card]:
    """The cards of `pages` by output path: pages showing the same text share one."""
    return {c.path: c for page in pages if (c := card_of(views, translator, palette, page)) is not None}


def og_locale(config: SiteConfig, code: str) -> str:
    """Open Graph's `language_TERRITORY` for a language: the territory of its configured CLDR locale
    (site_config.yaml: fr_BE, nl_BE, de_BE, and en_GB since the English texts are written in British
    English), else Belgium's where CLDR knows the language there, else CLDR's likeliest territory."""
    return _compose(config.locale(code))


@lru_cache(maxsize=64)
def _compose(identifier: str) -> str:
    locale = Locale.parse(identifier)
    territory = locale.territory
    if not territory:
        if localedata.exists(f"{locale.language}_{HOME_TERRITORY}"):
            territory = HOME_TERRITORY
        else:
            likely = get_global("likely_subtags").get(locale.language, "")
            territory = Locale.parse(likely).territory if likely else None
    return f"{locale.language}_{territory}" if territory else locale.language
