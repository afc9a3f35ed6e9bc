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
    """An entry's `updated` is the date of the last commit that changed the text it shows (the date the
    outdated notices use), never the action's own date (when it happened, not when the entry changed) nor an
    invented one. The feed's `updated` is the newest of them. Atom requires `updated` on every entry: one
    whose text was never committed gets the feed's, the newest commit date, which it cannot predate; without
    any git history, SOURCE_DATE_EPOCH (reproducible builds), else 1970-01-01, the epoch, saying "unknown".
    Entries keep the timeline's order: dated actions newest first, undated ones after them."""
    actions = lists.newest_actions(r.views, lang, FEED_ENTRIES)
    model = r.site.model
    changed = {a.key: r.text_dates.get(model.items[a.key].texts[a.lang].path) for a in actions}
    known = [d for d in changed.values() if d is not None]
    updated = max(known) if known else source_date() or dt.date(1970, 1, 1)
    page = r.site.list_page("actions", lang)
    return {
        "t": r.translator(lang),
        "lang": lang,
        "actions": [(a, changed[a.key] or updated) for a in actions],
        "updated": updated,
        "feed_url": r.site.config.base_url + r.feed_path(lang),
        "list_url": r.views.abs_url(page),
        "base_url": r.site.config.base_url,
    }


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


def source_date() -> dt.date | None:
    """`SOURCE_DATE_EPOCH`, the reproducible-builds convention, as the feeds' update date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return dt.datetime.fromtimestamp(int(value), dt.UTC).date() if value.isdigit() else None
