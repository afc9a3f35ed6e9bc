"""Read-only views of the site for templates: what one page shows, in the page's language.

Templates receive these plain objects and never the model itself, so they cannot change it and need no
logic of their own beyond layout. Pure functions, apart from the shared Markdown converter's cache.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from markupsafe import Markup

from mecasite.content.model import Item, ItemKey, sort_key
from mecasite.content.schemas import COLLECTIONS, REF_KINDS
from mecasite.content.strings import country_name, date_text, language_name
from mecasite.markdown.convert import MarkdownRenderer, Rendered, keep_anchors, link
from mecasite.markdown.limits import TooComplex
from mecasite.problems import Collector, Problem
from mecasite.render.body_links import LinkCheck, typed_links
from mecasite.render.body_media import STATIC, check_static, is_file_ref, item_picture, names_files, place_files
from mecasite.render.body_warnings import warn_level_one
from mecasite.render.media import MediaTable
from mecasite.render.memo import Key, Memo, Read, Reads, address
from mecasite.render.view_data import Alternate, ItemView, Link, Quote
from mecasite.site.resolve import Page, Site
from mecasite.site.targets import Targets

T = TypeVar("T")  # a value kept in the memo


@dataclass(frozen=True)
class Reverse:
    """References read the other way (empty for an item nobody refers to): the ids of the actions each
    partner took part in; the testimonials that speak of each partner or action, by its key."""

    actions_of: defaultdict[str, tuple[str, ...]]
    quotes_of: defaultdict[ItemKey, tuple[ItemKey, ...]]


class LazyItem:
    """An item's view (`Views.item`), made on first use: a list page hands hundreds of items to `partial`,
    which mostly has their card already. `key` and `lang` (the language of the text shown) are known."""

    __slots__ = ("key", "lang", "_views", "_page_lang", "_view")

    def __init__(self, views: Views, key: ItemKey, page_lang: str, text_lang: str):
        self.key, self.lang, self._views, self._page_lang = key, text_lang, views, page_lang
        self._view: ItemView | None = None

    def __getattr__(self, name: str) -> Any:  # any of ItemView's attributes
        return getattr(self.view(), name)

    def view(self) -> ItemView:
        if self._view is None:
            self._view = self._views.item(self.key, self._page_lang)
        return self._view


class Views:
    """Builds the views of one site. Values shared by many pages (converted bodies, list cards, the
    timeline) are kept in a memo, with what they read (see memo.py)."""

    def __init__(
        self, site: Site, problems: Collector, markdown: MarkdownRenderer | None = None, memo: Memo | None = None
    ):
        """`markdown`: the converter, with the build's cache if it has one (none by default)."""
        self.site, self.problems = site, problems
        self.markdown = markdown or MarkdownRenderer(frozenset(REF_KINDS) | {STATIC})
        self.memo = memo or Memo()
        self.kinds = frozenset(REF_KINDS) | {STATIC}
        self.static: dict[str, str] = {}  # the site's own static files: name -> content hash (set by the renderer)
        # Set by the renderer and the build before pages are rendered: the templates' literal ids, and every
        # file the build writes; body links become the addresses in `checked_links` (the check of rendered
        # pages leaves those alone: they were checked where they were typed).
        self.template_ids: frozenset[str] = frozenset()
        self.targets: Targets | None = None
        self.checked_links: set[str] = set()
        self.link_check = LinkCheck(self)
        self.media: MediaTable = {}  # what the build made of the files beside the text (render/media.py)
        # While a page renders: the items whose title/facts (meta) and whose body it read, so that the preview
        # re-renders a page only when something it shows has changed (see preview/session.py). Both are read per
        # (item, text language): editing the Dutch text touches only the pages that show the Dutch text.
        # None while building: nothing is recorded.
        self.reads: Reads | None = None
        self.canon: dict[Read, Read] = {}  # one tuple per read, not one per page reading it (memory)

    def memoized(self, key: Key, compute: Callable[[], T], seed: frozenset[Read] = frozenset()) -> T:
        """`compute()` once per key. What it read (and `seed`, reads made for it before) counts as read by
        every page that uses the value."""
        entry = self.memo.get(key)
        if entry is None:
            outer = self.reads
            if outer is not None:
                self.reads = (set(seed), set())
            try:
                value = compute()
            finally:
                meta, body = self.reads or ((), ())
                self.reads = outer
            entry = (value, frozenset(meta), frozenset(body))
            self.memo.put(key, *entry)
        if self.reads is not None:
            self.reads[0].update(entry[1])
            self.reads[1].update(entry[2])
        return cast(T, entry[0])  # kept under a key that only this `compute` makes

    def read_meta(self, key: ItemKey, lang: str) -> None:
        if self.reads is not None:
            read = (key, lang)
            self.reads[0].add(self.canon.setdefault(read, read))

    def read_members(self, collection: str, lang: str) -> None:
        """Which items a collection holds, and their facts (a menu lists every page, in their order)."""
        self.read_meta(members(collection), lang)

    def _read_body(self, key: ItemKey, lang: str) -> None:
        if self.reads is not None:
            read = (key, lang)
            self.reads[1].add(self.canon.setdefault(read, read))

    # -- URLs -------------------------------------------------------------------------------------------
    def url(self, page: Page) -> str:
        return self.site.config.base_path + page.url

    def abs_url(self, page: Page) -> str:
        return self.site.config.base_url + page.url

    def ref_url(self, kind: str, item_id: str, lang: str) -> str | None:
        """URL of an item linked by id (a testimonial's: its list page's, at its anchor; `static:logo.svg`'s: hashed)."""
        if kind == STATIC:
            found = self.static.get(item_id)
            return f"{self.site.config.base_path}static/{item_id}?v={found}" if found else None
        collection = REF_KINDS[kind]
        item = self.site.model.get(collection, item_id)
        if not item:
            return None
        if not COLLECTIONS[collection].has_pages:
            return self.url(self.site.list_page(collection, lang)) + f"#{collection[:-1]}-{item_id}"
        self.read_meta(address(item.key), self.site.text(item, lang).lang)  # the slug shown, not the title
        page = self.site.item_page((collection, item_id), lang)
        return self.url(page) if page else None

    # -- items -----------------------------------------------------------------------------------------
    def rendered(self, item: Item, lang: str) -> Rendered:
        """The body shown on the item's page in `lang` (its own text, or the fallback's)."""
        return self.rendered_text(item, self.site.text(item, lang).lang, lang)

    def rendered_text(self, item: Item, text_lang: str, page_lang: str) -> Rendered:
        """The body of the item's `text_lang` text, with its links leading to `page_lang` pages, converted once
        per page language. A broken link is reported against its file, and stays with the memo's value: a later
        use raises it again (the preview keeps an unchanged text's warnings through an update)."""
        rendered, raised = self.memoized(
            ("body", item.key, text_lang, page_lang), lambda: self._raising(item, text_lang, page_lang)
        )
        self.problems.extend(raised)  # each once: the collector drops what it holds already
        return rendered

    def _raising(self, item: Item, text_lang: str, page_lang: str) -> tuple[Rendered, tuple[Problem, ...]]:
        outer, self.problems = self.problems, Collector()
        try:
            return self._render_text(item, text_lang, page_lang), tuple(self.problems.problems)
        finally:
            self.problems = outer

    def _render_text(self, item: Item, text_lang: str, page_lang: str) -> Rendered:
        self._read_body(item.key, text_lang)
        text = item.texts[text_lang]
        try:
            converted = self.link_check.remember(item, text_lang, self.markdown.convert(text.body, text_lang))
        except TooComplex as exc:
            self.problems.add(text.path, text.body_line + max(exc.line - 1, 0), exc.message, exc.hint)
            return Rendered("", (), (), ())
        except Exception as exc:  # an extension refusing what it was given: the editor's text, not a template
            self.problems.add(
                text.path,
                text.body_line,
                f"this text could not be converted: {exc}",
                "check the Markdown's special syntax ({: ...} attributes, fences, tables)",
            )
            return Rendered("", (), (), ())
        for found in typed_links(converted.html, text.body, text.body_line, self.kinds):
            if found.href.startswith(f"{STATIC}:"):
                check_static(found, text, self.static, self.problems)
            elif not is_file_ref(found.href):  # a file of the item's folder: placed below
                self.link_check.check(text, found, page_lang, converted.headings)
        warn_level_one(text, self.problems)
        rendered = link(converted, lambda kind, item_id: self.ref_url(kind, item_id, page_lang))
        config = self.site.config
        if text_lang != config.default_language and config.default_language in item.texts:
            # The source's anchors too: a link written in the source text is right on every page showing it.
            rendered = keep_anchors(rendered, self.link_check.source_headings(item), self.template_ids)
        if "<img" not in rendered.html and not item.files and not names_files(rendered.html):
            return rendered  # nothing to place, nothing missing
        html = place_files(
            rendered.html, item, text, page_lang, self.media, self.problems, config.base_path, config.locale(page_lang)
        )
        return Rendered(html, rendered.headings, rendered.refs, rendered.bad_refs)

    def image(self, item: Item, lang: str, place: str, lazy: bool) -> Markup:
        """An item's own image or logo as `<picture>`, or nothing (body_media.py)."""
        return Markup(
            item_picture(self.media, item, self.site.text(item, lang), lang, self.site.config.base_path, place, lazy)
        )

    def link(self, key: ItemKey, lang: str) -> Link:
        item = self.site.model.items[key]
        text = self.site.text(item, lang)
        self.read_meta(key, text.lang)
        kind = COLLECTIONS[key[0]].ref
        return Link(text.title, self.ref_url(kind, key[1], lang) or "", text.lang)

    def item(self, key: ItemKey, lang: str) -> ItemView:
        item = self.site.model.items[key]
        text = self.site.text(item, lang)
        self.read_meta(key, text.lang)
        date = item.facts.get("date")
        page = self.site.item_page(key, lang)
        return ItemView(
            render_html=lambda: Markup(self.rendered(item, lang).html),
            render_quotes=lambda: tuple(self.quote(t.id, lang) for t in self._quotes_of(item)),
            linked=lambda which: self._linked(item, which, lang),
            key=key,
            id=item.id,
            title=text.title,
            summary=text.summary,
            url=self.url(page) if page else "",
            lang=text.lang,
            date=date,
            date_text=date_text(date, self.site.config.locale(lang)) if date else "",
            countries=tuple((c, country_name(c, lang)) for c in item.facts.get("country") or ()),
            website=item.facts.get("website") or "",
            picture=lambda place="body", lazy=True: self.image(item, lang, place, lazy),
        )

    def _linked(self, item: Item, which: str, lang: str) -> tuple[Link, ...]:
        if which == "partners":
            return self._links("partners", self._partners_of(item), lang)
        if which == "actions":
            return self._links("actions", self._actions_of(item), lang)
        return self._links("actions", item.facts.get("related") or (), lang)

    def _links(self, collection: str, ids: Iterable[str], lang: str) -> tuple[Link, ...]:
        links = [self.link((collection, i), lang) for i in ids if (collection, i) in self.site.model.items]
        return tuple(sorted(links, key=lambda link: sort_key(link.title)))

    def _partners_of(self, item: Item) -> tuple[str, ...]:
        if item.collection == "testimonials":
            return (item.facts["partner"],)
        return tuple(item.facts.get("partners") or ())

    def _actions_of(self, item: Item) -> tuple[str, ...]:
        """Actions a partner took part in: derived from the actions' references, never typed twice."""
        if item.collection == "partners":
            return self._index().actions_of[item.id]
        if item.collection == "testimonials":
            return tuple(item.facts.get("actions") or ())
        return ()

    def _quotes_of(self, item: Item) -> tuple[Item, ...]:
        return tuple(self.site.model.items[key] for key in self._index().quotes_of[item.key])

    def _index(self) -> Reverse:
        """Reverse references, computed once: who took part in what, which quotes speak of what. From the
        facts alone (the preview keeps none of the memo when facts change)."""
        return self.memoized(("reverse",), self._make_index)

    def _make_index(self) -> Reverse:
        index = Reverse(defaultdict(tuple), defaultdict(tuple))
        for action in self.site.model.collection("actions"):
            for partner in action.facts["partners"]:
                index.actions_of[partner] += (action.id,)
        for testimonial in self.site.model.collection("testimonials"):
            index.quotes_of[("partners", testimonial.facts["partner"])] += (testimonial.key,)
            for action in testimonial.facts["actions"]:
                index.quotes_of[("actions", action)] += (testimonial.key,)
        return index

    def quote(self, item_id: str, lang: str) -> Quote:
        item = self.site.model.items[("testimonials", item_id)]
        original_lang = item.facts["language"]
        original = item.texts.get(original_lang) or self.site.text(item, lang)
        shown = self.site.text(item, lang)
        self.read_meta(item.key, shown.lang)  # the signature shown; the bodies are recorded as rendered
        translation = None
        if shown.lang != original.lang:
            translation = Markup(self.rendered(item, lang).html)
        return Quote(
            id=item.id,
            partner=self.link(("partners", item.facts["partner"]), lang),
            logo=self.image(self.site.model.items[("partners", item.facts["partner"])], lang, "logo", True),
            signature=shown.fields["signature"],
            signature_lang=shown.lang,
            original=Markup(self.rendered_text(item, original.lang, lang).html),
            original_lang=original.lang,
            translation=translation,
            translation_lang=shown.lang,
        )

    # -- list entries ------------------------------------------------------------------------------
    def lazy_item(self, item: Item, lang: str) -> LazyItem:
        return LazyItem(self, item.key, lang, self.site.text(item, lang).lang)

    # -- the page's frame ----------------------------------------------------------------------------------
    def alternates(self, page: Page) -> list[Alternate]:
        """The same page in every language, for the switcher and hreflang."""
        result = []
        for code in self.site.config.codes:
            other = self._same_page(page, code)
            translated, name = not other.item or code in other.translated, self._language_name(code)
            result.append(Alternate(code, name, self.url(other), self.abs_url(other), translated, code == page.lang))
        return result

    def _same_page(self, page: Page, lang: str) -> Page:
        if page.item:
            return self.site.item_page(page.item, lang) or page
        return self.site.by_key[(page.kind, None, lang)]

    def _language_name(self, code: str) -> str:
        for language in self.site.config.languages:
            if language.code == code:
                return language.name
        return language_name(code)


def members(collection: str) -> ItemKey:
    """The read that stands for a collection's membership and facts ("*" is never an item's id)."""
    return (collection, "*")
