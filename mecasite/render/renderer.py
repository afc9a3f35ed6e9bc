"""Rendering: the resolved site and its views through the Jinja templates, into {output path: bytes}.

Reads the model, never changes it; writes nothing (the writer does). Every template is autoescaped and uses
StrictUndefined: a typo in a template is an error naming the template and line, never an empty string (and,
for an item or another value of ours, what it has: environment.Undefined).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from mecasite.config.engine import JINJA_OPTIONS
from mecasite.content.model import ItemKey
from mecasite.content.strings import MissingString, Strings, language_in
from mecasite.markdown.convert import MarkdownRenderer
from mecasite.markdown.typography import typography
from mecasite.problems import Collector
from mecasite.render import feeds, lists, worldmap
from mecasite.render.body_links import template_ids
from mecasite.render.cards import Card, palette_from_css
from mecasite.render.environment import Environment, Undefined
from mecasite.render.extra_files import root_context, sitemap_context
from mecasite.render.frame import Outdated, Translate
from mecasite.render.hosting import HOST_FILES, serves_robots
from mecasite.render.media import MediaTable, absolute
from mecasite.render.memo import Deps, Read
from mecasite.render.page_context import page_context, redirect_context
from mecasite.render.share import cards_of
from mecasite.render.view_data import Context, ItemView
from mecasite.render.views import LazyItem, Views
from mecasite.site.resolve import Page, Site

TEMPLATES = {
    "home": "home.html",
    "page": "page.html",
    "action": "action.html",
    "partner": "partner.html",
    "list-actions": "actions.html",
    "list-partners": "partners.html",
    "list-testimonials": "testimonials.html",
    "404": "404.html",
    "search": "search.html",
    "redirect": "redirect.html",
}
EXTRA_TEMPLATES = {"index.html": "root.html", "404.html": "root-404.html"}  # the extra files that are pages


class Renderer:
    def __init__(
        self,
        site: Site,
        strings: Strings,
        problems: Collector,
        static: dict[str, bytes],
        outdated: Outdated | None = None,
        text_dates: Mapping[str, dt.date] | None = None,
        markdown: MarkdownRenderer | None = None,
        bytecode_cache: jinja2.BytecodeCache | None = None,
        media: MediaTable | None = None,
    ):
        """`markdown` and `bytecode_cache`: the converter and the compiled templates' cache the build hands in
        (build/caches.py); without them nothing is kept between runs."""
        self.site, self.strings, self.problems = site, strings, problems
        self.outdated = outdated or {}  # (collection, id, lang) -> when the source changed (None: unknown)
        self.text_dates = text_dates or {}  # a text's path -> the last commit that changed it (the feeds)
        # Every interface string looked up, for the unused-strings check; the notices below count as used even
        # on a site where no translation is outdated today.
        self.used_strings: set[str] = {"translation.outdated", "translation.outdated_undated"}
        self._typeset: dict[str, dict[str, str]] = {}  # lang -> key -> text, for strings without parameters
        self.views = Views(site, problems, markdown)
        self.static_hashes = {name: hashlib.sha256(data).hexdigest()[:10] for name, data in static.items()}
        self.views.static = self.static_hashes
        self.views.media = media or {}  # what the build made of the files beside the text (build/media.py)
        self.views.template_ids = template_ids(
            [p.read_text(encoding="utf-8", errors="replace") for p in sorted(site.config.templates_dir.rglob("*.html"))]
        )
        self.palette = palette_from_css(static.get("site.css", b"").decode(errors="replace"))  # the cards'
        self.env = self._environment(site.config.templates_dir, bytecode_cache)
        # Each template by name, once loaded: Jinja's own cache is an LRU behind a lock, asked twice a page and
        # once a card. A renderer never sees a template change (the preview makes a new one when one does).
        self._templates: dict[str, jinja2.Template] = {}

    def _environment(self, folder: Path, bytecode_cache: jinja2.BytecodeCache | None) -> jinja2.Environment:
        # StrictUndefined, as JINJA_OPTIONS names it, with messages that say what one of our values has
        options = {**JINJA_OPTIONS, "undefined": Undefined}
        env = Environment(  # the options are engine.JINJA_OPTIONS, part of the engine key
            loader=jinja2.FileSystemLoader(folder), bytecode_cache=bytecode_cache, **options
        )
        env.globals.update(
            asset=self.asset,
            base_path=self.site.config.base_path,
            language_in=language_in,
            base_url=self.site.config.base_url,
            languages=self.site.config.languages,
            lang_attr=lang_attr,
        )
        env.filters["absolute_media"] = lambda html: Markup(
            absolute(str(html), self.site.config.base_path, self.site.config.base_url)
        )
        return env

    def compile_templates(self) -> None:
        """Compile every template now: before forking render processes, so that each does not compile them
        again (and the preview's first edit finds them ready). A broken template is reported when used."""
        for name in self.env.list_templates():
            try:
                self.template(name)
            except jinja2.TemplateError:
                pass

    def template(self, name: str) -> jinja2.Template:
        """The template `name`, loaded once (a broken one raises each time it is asked for)."""
        found = self._templates.get(name)
        if found is None:
            found = self._templates[name] = self.env.get_template(name)
        return found

    def asset(self, name: str) -> str:
        """A static file's URL with a content hash, so browsers never keep a stale stylesheet."""
        if name not in self.static_hashes:
            raise jinja2.TemplateRuntimeError(f"no static file '{name}'")
        return f"{self.site.config.base_path}static/{name}?v={self.static_hashes[name]}"

    def translator(self, lang: str) -> Translate:
        """`t(key, **params)` for templates. A string without parameters is looked up and typeset once per
        language (a page asks for some thirty)."""
        done = self._typeset.setdefault(lang, {})

        def t(key: str, **params: Any) -> str:
            if not params and key in done:
                return done[key]
            self.used_strings.add(key)
            text, _ = self.strings.get(lang, key)
            if params:
                return typography(text.format(**params), lang)
            done[key] = typography(text, lang)
            return done[key]

        return t

    # -- pages ---------------------------------------------------------------------------------------------
    def render_pages(self, pages: Iterable[Page], deps: Deps | None = None) -> Iterator[tuple[str, bytes]]:
        """(output path, bytes) of each page that rendered; the others have added their problem.

        With `deps`, records for each page the items whose meta and body it read: {output path: (set, set)}.
        """
        for page in pages:
            if deps is not None:
                self.views.reads = deps[page.output_path] = (set(), set())
            try:
                context = redirect_context(self, page) if page.kind == "redirect" else page_context(self, page)
            except MissingString as exc:  # asked for by the engine itself, not by a template
                self.problems.add(
                    self.strings.paths[self.strings.default],
                    0,
                    f"unknown interface string {exc}",
                    "add it to the default language's strings, then translate it",
                )
                self.views.reads = None
                continue
            html = self.render_template(TEMPLATES[page.kind], context)
            self.views.reads = None
            if html is not None:
                yield page.output_path, html.encode()

    def check_bodies(self, keys: Set[ItemKey]) -> None:
        """The bodies of the items `keys` as their pages show them, for their problems alone: the preview
        drops an edited item's warnings, and an edit (an image saved) may render none of its pages. A body the
        memo still keeps is not converted again: its warnings come with it (Views.rendered_text)."""
        self.views.reads = (set(), set())  # so that the memo records what each read, for later edits
        for key in keys & self.site.model.items.keys():
            for lang in self.site.config.codes:
                if self.site.item_page(key, lang):
                    self.views.rendered(self.site.model.items[key], lang)
        self.views.reads = None

    def cards(self, pages: Iterable[Page]) -> dict[str, Card]:
        """The social cards of `pages` by output path (share.py), for the build to draw and write (none when
        the site draws no cards: `share_cards: false`)."""
        return cards_of(self.views, self.translator, self.palette, pages) if self.site.config.share_cards else {}

    def for_site(
        self, site: Site, problems: Collector, outdated: Outdated, changed: tuple[set[Read], set[Read]] | None
    ) -> Renderer:
        """A renderer of a changed site that keeps the compiled templates and the memo's values that read none
        of the (item, language) metas and bodies `changed` (None: the site's structure changed, keep none)."""
        other = copy.copy(self)
        other.site, other.problems, other.outdated = site, problems, outdated
        memo = self.views.memo.without(*changed) if changed is not None else None
        other.views = Views(site, problems, self.views.markdown, memo)  # the same converters and cache
        other.views.template_ids, other.views.targets = self.views.template_ids, self.views.targets
        other.views.media, other.views.static = self.views.media, self.views.static
        other.used_strings = set(self.used_strings)
        return other

    def render_feeds(self, deps: Deps | None = None, langs: Iterable[str] | None = None) -> dict[str, bytes]:
        """Each language's Atom feed, or those of `langs` (with `deps`, recording what each read, as
        `render_pages` does)."""
        files: dict[str, bytes] = {}
        for lang in langs or self.site.config.codes:
            feed = self._feed(lang, deps)
            if feed is not None:
                files[self.feed_path(lang)] = feed
        return files

    def _feed(self, lang: str, deps: Deps | None) -> bytes | None:
        if deps is not None:
            self.views.reads = deps[self.feed_path(lang)] = (set(), set())
        try:
            feed = feeds.render_feed(self, lang)
        finally:
            self.views.reads = None
        return None if feed is None else feed.encode()

    def extras(self, deps: Deps | None = None) -> dict[str, Callable[[], bytes | None]]:
        """The files that are not pages of one language (feeds, root page and 404, sitemap, robots, host
        files) by output path, each rendered when called: their paths are known before any is rendered, so
        a render process can make them while the others render pages. None: it failed, with a problem."""
        files: dict[str, Callable[[], bytes | None]] = {
            self.feed_path(lang): partial(self._feed, lang, deps) for lang in self.site.config.codes
        }
        for template, target, context in (
            ("root.html", "index.html", partial(root_context, self)),
            ("root-404.html", "404.html", partial(root_context, self)),
            ("sitemap.xml", "sitemap.xml", partial(sitemap_context, self)),
            ("robots.txt", "robots.txt", lambda: {"sitemap": self.site.config.base_url + "sitemap.xml"}),
        ):
            if target != "robots.txt" or serves_robots(self.site.config.base_path):
                files[target] = partial(self._render_bytes, template, context)
        files[worldmap.FILE] = lambda: lists.map_file(self.views)
        for name, make in HOST_FILES.items():
            files[name] = partial(lambda make: make(self.site, self.views).encode(), make)
        return files

    def render_extras(self, deps: Deps | None = None) -> dict[str, bytes]:
        """Every file of `extras`, rendered."""
        rendered = {path: make() for path, make in self.extras(deps).items()}
        return {path: data for path, data in rendered.items() if data is not None}

    def _render_bytes(self, template: str, context: Callable[[], Context]) -> bytes | None:
        out = self.render_template(template, context())
        return None if out is None else out.encode()

    def source_of(self, path: str, href: str) -> tuple[str, int]:
        """The template (as the editor sees its path) that wrote a link on the page at `path`, and the line
        where it holds `href` as it is (0 when the address is made by an expression)."""
        page = self.site.by_path.get(path)
        name = TEMPLATES[page.kind] if page else EXTRA_TEMPLATES.get(path, "base.html")
        folder = self.site.config.templates_dir
        try:
            lines = (folder / name).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        line = next((i for i, text in enumerate(lines, 1) if f'"{href}"' in text), 0)
        return self.site.config.rel(folder / name), line

    def feed_path(self, lang: str) -> str:
        return self.site.list_page("actions", lang).url + "atom.xml"

    def render_template(self, template: str, context: Context) -> str | None:
        """`template` rendered with `context`; None when it fails, its problem added at the template's line."""
        try:
            return self.template(template).render(context)
        except jinja2.TemplateSyntaxError as exc:
            self.problems.add(self._template_path(exc.name or template), exc.lineno, f"template error: {exc.message}")
        except jinja2.TemplateNotFound as exc:
            self.problems.add(self._template_path(template), 0, f"template '{exc.name}' not found")
        except MissingString as exc:
            self._runtime(
                template,
                exc,
                f"unknown interface string {exc}",
                f"add it to {self.strings.paths[self.strings.default]}",
            )
        except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
            self._runtime(template, exc, f"template error: {exc}")
        return None

    def _template_path(self, name: str) -> str:
        folder = self.site.config.templates_dir
        return f"{self.site.config.rel(folder)}/{name}"

    def _runtime(self, template: str, exc: BaseException, message: str, hint: str = "") -> None:
        """Point at the template line that failed (Jinja rewrites tracebacks to template lines)."""
        folder = os.path.realpath(self.site.config.templates_dir)
        where, line = template, 0
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if os.path.realpath(frame.filename).startswith(folder + os.sep):
                where, line = os.path.relpath(os.path.realpath(frame.filename), folder), frame.lineno or 0
                break
        self.problems.add(self._template_path(where), line, message, hint, code="template")

    def partial(self, name: str, item: ItemView | LazyItem, lang: str, t: Translate) -> Markup:
        """`partial(template, item)` for templates: a piece of page about one item (a list's card), rendered
        once per item and language; it sees `item`, `lang` and `t`. List pages show hundreds, and the preview
        keeps them across edits. A card not kept is made from the item's view itself: a `LazyItem` would look
        up each attribute twice."""
        return self.views.memoized(
            ("partial", name, item.key, lang),
            lambda: Markup(
                self.template(name).render(item=item.view() if isinstance(item, LazyItem) else item, lang=lang, t=t)
            ),
            frozenset({(item.key, item.lang)}),
        )


def lang_attr(text_lang: str, page_lang: str) -> Markup:
    """` lang="de"` where a text is not in the page's language, for templates. A Python function rather than a
    macro: templates call it dozens of times a page, and a macro call costs ten times more."""
    return Markup(f' lang="{escape(text_lang)}"') if text_lang != page_lang else Markup("")
