"""What a share of a page shows: its picture (`og:image`) and its locales (`og:locale`). Pure: no I/O.

The picture is the page's own image when it has one, else its drawn card (cards.py); `share_image` is the one
place that chooses, so that an item's `image:` or a partner's `logo:` is wired in by passing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, localedata
from babel.core import get_global

from mecasite.config.settings import SiteConfig
from mecasite.render import cards
from mecasite.render.cards import Card, Palette
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


def share_image(card: Card, own: ShareImage | None = None) -> ShareImage:
    """The page's own image when it has one, else its drawn card."""
    if own is not None:
        return own
    return ShareImage(card.path, cards.WIDTH, cards.HEIGHT, card.alt)


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
