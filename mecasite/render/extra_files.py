"""What the templates of the files that are not one page of one language receive: the Atom feeds, the
sitemap and the root page that chooses a language. Pure: they only read the site and the views."""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

from mecasite.render import jsonld, lists
from mecasite.render.view_data import Context

if TYPE_CHECKING:
    from mecasite.render.renderer import Renderer

FEED_ENTRIES = 50  # the newest actions in each feed, as feed readers expect (Hugo and others cap theirs too)


def feed_context(r: Renderer, lang: str) -> Context:
    actions = lists.newest_actions(r.views, lang, FEED_ENTRIES)
    dated = [v.date.first_day() for v in actions if v.date]
    updated = source_date() or (max(dated) if dated else dt.date(1970, 1, 1))
    page = r.site.list_page("actions", lang)
    return {
        "t": r.translator(lang),
        "lang": lang,
        "actions": actions,
        "updated": updated,
        "feed_url": r.site.config.base_url + r.feed_path(lang),
        "list_url": r.views.abs_url(page),
        "base_url": r.site.config.base_url,
    }


def sitemap_context(r: Renderer) -> Context:
    entries = []
    for page in r.site.pages:
        if page.kind in ("404", "redirect") or page.is_fallback:
            continue
        alternates = r.views.alternates(page)
        default = next(a for a in alternates if a.lang == r.site.config.default_language)
        entries.append((r.views.abs_url(page), [a for a in alternates if a.translated], default.abs_url))
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


def source_date() -> dt.date | None:
    """`SOURCE_DATE_EPOCH`, the reproducible-builds convention, as the feeds' update date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return dt.datetime.fromtimestamp(int(value), dt.UTC).date() if value.isdigit() else None
