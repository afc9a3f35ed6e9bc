"""What each page's template sees: its item, lists, frame (head, navigation, share picture) and structured
data; or, for an old address, where it leads. Reads the views, never changes the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import jinja2

from mecasite.config.settings import SiteConfig
from mecasite.render import jsonld, lists
from mecasite.render.frame import Translate, make_frame, menu_key, nav
from mecasite.render.share import card, own_image, share_image
from mecasite.render.view_data import Context
from mecasite.site.resolve import Page

FRAME_PARTS = "_frame.html"

if TYPE_CHECKING:  # the renderer calls these; only its type is needed here
    from mecasite.render.renderer import Renderer


def kind_strings(kind: str) -> tuple[str, str]:
    """The interface strings that title and describe a page with no item of its own (`actions.title`...)."""
    name = kind.removeprefix("list-")
    return f"{name}.title", f"{name}.description"


def strings_left_out(config: SiteConfig) -> frozenset[str]:
    """The strings of the pages this site's configuration does not build (the search page, `search: false`):
    not unused, since turning the switch on again shows them."""
    return frozenset(() if config.search else kind_strings("search"))


def page_context(renderer: Renderer, page: Page) -> Context:
    t = renderer.translator(page.lang)
    context: Context = {
        "t": t,
        "lang": page.lang,
        "partial": lambda name, item: renderer.partial(name, item, page.lang, t),
        "frame_parts": lambda: frame_parts(renderer, page, t),
    }
    context["cards"] = lambda name, items, indent: lists.cards(
        renderer.views, context["partial"], name, items, page.lang, indent
    )
    if page.item:
        item = renderer.views.item(page.item, page.lang)
        context["item"] = item
        title, description, text_lang = item.title, item.summary, item.lang
    else:
        title, description = (t(key) for key in kind_strings(page.kind))
        text_lang = page.lang
    if page.kind == "search":  # it lists every action and partner: one added or removed changes it
        renderer.views.read_members("actions", page.lang)
        renderer.views.read_members("partners", page.lang)
    if page.kind in ("list-actions", "search"):
        context["years"] = lists.actions_by_year(renderer.views, page.lang)
    if page.kind in ("list-partners", "search"):
        context["countries"] = lists.partners_by_country(renderer.views, page.lang)
    if page.kind == "list-partners":
        context["map"] = lists.partner_map(renderer.views, page.lang, t)
    elif page.kind == "list-testimonials":
        context["quotes"] = lists.quotes(renderer.views, page.lang)
    context["page"] = make_frame(
        renderer.views,
        page,
        title,
        description,
        t,
        renderer.outdated,
        renderer.site.config.base_path + renderer.feed_path(page.lang),
        share_image(
            card(title, text_lang, renderer.translator, renderer.palette) if renderer.site.config.share_cards else None,
            own_image(renderer.views, page),
        ),
    )
    context["jsonld"] = jsonld.page_graph(renderer.views, page, context["page"], t("site.name"), context.get("item"))
    return context


def frame_parts(renderer: Renderer, page: Page, t: Translate) -> jinja2.environment.TemplateModule:
    """The parts of the frame that are the same on every page with the page's `menu_key` (templates/_frame.html),
    made once: a page asked for them through Jinja some forty times. Called by base.html as it renders, so that
    an error in them is reported like any template's."""
    views, lang = renderer.views, page.lang
    site = views.site

    def make() -> jinja2.environment.TemplateModule:
        return renderer.template(FRAME_PARTS).make_module(
            {
                "t": t,
                "lang": lang,
                "kind": page.kind,
                "nav": nav(views, page, t),
                "home_url": views.url(site.home(lang)),
                "search_url": views.url(site.by_key[("search", None, lang)]) if site.config.search else "",
                "feed_url": site.config.base_path + renderer.feed_path(lang),
            }
        )

    module: jinja2.environment.TemplateModule = views.memoized(("frame", *menu_key(page)), make)
    return module


def redirect_context(renderer: Renderer, page: Page) -> Context:
    """An old address: of a renamed page (to the item's page), or of a deleted item (to its section)."""
    target = renderer.site.redirect_target(page)
    t = renderer.translator(page.lang)
    section = target.kind.removeprefix("list-")
    title = renderer.views.item(target.item, page.lang).title if target.item else t(f"{section}.title")
    return {
        "t": t,
        "lang": page.lang,
        "title": title,
        "target": renderer.views.url(target),
        "target_abs": renderer.views.abs_url(target),
    }
