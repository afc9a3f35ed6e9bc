"""The values templates receive: items, links, language alternates, quotes. Frozen data; an item's view converts
its body only when a template asks for it, and only reads the site."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from markupsafe import Markup

from mecasite.content.model import ItemKey
from mecasite.sources.fields import PartialDate

Context: TypeAlias = dict[str, Any]  # the variables a template receives, by name


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    lang: str  # the language of `title`; templates mark it when it is not the page's


@dataclass(frozen=True)
class Alternate:
    lang: str
    name: str
    url: str
    abs_url: str
    translated: bool
    current: bool


@dataclass(frozen=True)
class Quote:
    id: str
    partner: Link
    signature: str
    signature_lang: str
    original: Markup
    original_lang: str
    translation: Markup | None
    translation_lang: str
    logo: Markup = Markup("")  # the partner's logo beside the quote (empty without one)


@dataclass(frozen=True)
class ItemView:
    """An item as a template shows it in one language. The body, quotes and lists of linked items are made
    only when a template asks for them: a list page shows titles, and converting every body there would cost
    more than the list (and a page records reading only the items it really shows)."""

    key: ItemKey
    id: str
    title: str
    summary: str
    url: str
    lang: str  # the language of the text shown
    date: PartialDate | None
    date_text: str
    countries: tuple[tuple[str, str], ...]  # (code, localised name)
    render_html: Callable[[], Markup] = field(repr=False, compare=False)
    render_quotes: Callable[[], tuple[Quote, ...]] = field(repr=False, compare=False)
    linked: Callable[[str], tuple[Link, ...]] = field(repr=False, compare=False)  # "partners", "actions"...
    website: str = ""  # a partner's site, as a source gives it
    # The item's image or logo as `<picture>` (empty without one): picture(place, lazy), place from media.SIZES.
    picture: Callable[..., Markup] = field(
        default=lambda place="body", lazy=True: Markup(""), repr=False, compare=False
    )

    @property
    def html(self) -> Markup:
        return self.render_html()

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.render_quotes()

    @property
    def partners(self) -> tuple[Link, ...]:
        return self.linked("partners")

    @property
    def actions(self) -> tuple[Link, ...]:
        """The actions a partner took part in, or a testimonial speaks of."""
        return self.linked("actions")

    @property
    def related(self) -> tuple[Link, ...]:
        return self.linked("related")
