"""The Atom feeds: each language's newest actions, joined from entries rendered once each.

An entry (templates/_atom_entry.xml: the action's title, address, date and body made absolute and escaped)
is kept in the views' memo with what it read, as a list's card is: the preview renders again only the entry
whose text an edit changed, and a build after an edit is handed the entries the last one kept
(`kept_entries`, build/records.py). An entry also keeps the problems its body raised, raised again on each
use, so that a feed reports what it did when every entry was rendered. Pure: reads the site and the views.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import partial
from typing import TYPE_CHECKING

from markupsafe import Markup

from mecasite.problems import Collector, Problem
from mecasite.render import lists
from mecasite.render.memo import Entry, Key, Memo
from mecasite.render.view_data import Context
from mecasite.render.views import LazyItem

if TYPE_CHECKING:
    from mecasite.render.renderer import Renderer

FEED_ENTRIES = 50  # the newest actions in each feed, as feed readers expect (Hugo and others cap theirs too)
ENTRY = "feed"  # the memo's key for an entry: (ENTRY, action key, feed language, its `updated` date)


class _Failed(Exception):
    """The entry's template failed (its problem is added): nothing is kept, the feed is not written."""


def render_feed(r: Renderer, lang: str) -> str | None:
    """The feed of `lang`, or None when a template failed (with its problem)."""
    context = feed_context(r, lang)
    entries = []
    try:
        for action, changed in context.pop("actions"):
            html, raised = r.views.memoized(
                (ENTRY, action.key, lang, changed),
                partial(_entry, r, action, changed, lang),
            )
            r.views.problems.extend(raised)  # each once: the collector drops what it holds already
            entries.append(html)
    except _Failed:
        return None
    return r.render_template("atom.xml", {**context, "entries": Markup("".join(entries))})  # each escaped already


def _entry(r: Renderer, action: LazyItem, changed: dt.date, lang: str) -> tuple[Markup, tuple[Problem, ...]]:
    outer, r.views.problems = r.views.problems, Collector()  # what the body raises, kept with the entry
    try:
        context = {"action": action, "changed": changed, "lang": lang, "base_url": r.site.config.base_url}
        html = r.render_template("_atom_entry.xml", context)
        raised = tuple(r.views.problems.problems)
    finally:
        r.views.problems = outer
    if html is None:
        raise _Failed
    return Markup(html), raised


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
    }


def kept_entries(memo: Memo) -> dict[Key, Entry]:
    """The feeds' entries in `memo`, with what each read: what a build after an edit is handed again."""
    return {key: entry for key, entry in memo.entries.items() if key[0] == ENTRY}


def source_date() -> dt.date | None:
    """`SOURCE_DATE_EPOCH`, the reproducible-builds convention, as the feeds' update date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return dt.datetime.fromtimestamp(int(value), dt.UTC).date() if value.isdigit() else None
