"""What the templates of the files that are not one page of one language receive: the sitemap and the root
page that chooses a language (the feeds: feeds.py). Pure: they only read the site and the views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mecasite.render import jsonld
from mecasite.render.view_data import Context

if TYPE_CHECKING:
    from mecasite.render.renderer import Renderer


def sitemap_context(r: Renderer) -> Context:
    """Every indexable page with its translations and `x-default`: the root chooser for the homes (and the
    root itself, listed with the homes as its alternates), the default language's page for the others."""
    root = r.site.config.base_url
    homes = r.views.alternates(r.site.home(r.site.config.default_language))
    entries = [(root, homes, root)]
    for page in r.site.pages:
        if page.kind in ("404", "search", "redirect") or page.is_fallback:
            continue
        alternates = r.views.alternates(page)
        default = next(a for a in alternates if a.lang == r.site.config.default_language)
        x_default = root if page.kind == "home" else default.abs_url
        entries.append((r.views.abs_url(page), [a for a in alternates if a.translated], x_default))
    return {"entries": entries}


def root_context(r: Renderer) -> Context:
    default = r.site.config.default_language
    homes = [
        (lang, r.views.url(r.site.home(lang.code)), r.views.abs_url(r.site.home(lang.code)))
        for lang in r.site.config.languages
    ]
    t = r.translator(default)
    return {
        "t": t,
        "lang": default,
        "homes": homes,
        "jsonld": jsonld.root_graph(
            r.site.config.base_url, t("site.name"), t("site.tagline"), default, [abs_url for _, _, abs_url in homes]
        ),
        "default": default,
        "strings": {lang.code: r.translator(lang.code) for lang in r.site.config.languages},
    }
