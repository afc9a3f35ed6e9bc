"""What the list pages show: the timeline of actions, partners by country with their map, the quotes.

Orders are made from the model once per language and kept in the views' memo as item keys, with what they
read: a page showing the timeline has read every action's title and date. Entries are handed to templates as
`LazyItem`s, whose views are made only where a card is not rendered already. Pure: no I/O here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from typing import TypedDict

from mecasite.content.model import Item, ItemKey, sort_key
from mecasite.content.strings import country_name
from mecasite.render import worldmap
from mecasite.render.view_data import ItemView, Quote
from mecasite.render.views import LazyItem, Views


def actions_by_year(views: Views, lang: str) -> list[tuple[int | None, list[LazyItem]]]:
    """The timeline: years newest first, the newest action first within a year, undated ones last."""
    groups: list[tuple[int | None, list[LazyItem]]] = []
    for key, text_lang, year in _timeline(views, lang):
        if not groups or groups[-1][0] != year:
            groups.append((year, []))
        groups[-1][1].append(LazyItem(views, key, lang, text_lang))
    return groups


def newest_actions(views: Views, lang: str, count: int) -> list[ItemView]:
    """The `count` newest actions, in timeline order (the feeds)."""
    return [views.item(key, lang) for key, _, _ in _timeline(views, lang)[:count]]


def _timeline(views: Views, lang: str) -> list[tuple[ItemKey, str, int | None]]:
    """(action, language of its text shown, year), newest first (by date, then title, descending), undated
    ones last (by title)."""
    timeline: list[tuple[ItemKey, str, int | None]] = views.memoized(
        ("timeline", lang), lambda: _make_timeline(views, lang)
    )
    return timeline


def _make_timeline(views: Views, lang: str) -> list[tuple[ItemKey, str, int | None]]:
    dated: list[tuple[tuple[int, int, int, str], tuple[ItemKey, str, int | None]]] = []
    undated: list[tuple[str, tuple[ItemKey, str, int | None]]] = []
    for action in views.site.model.collection("actions"):
        text = views.site.text(action, lang)
        views.read_meta(action.key, text.lang)
        date, title = action.facts.get("date"), sort_key(text.title)
        if date:
            dated.append(((date.year, date.month, date.day, title), (action.key, text.lang, date.year)))
        else:
            undated.append((title, (action.key, text.lang, None)))
    dated.sort(key=lambda entry: entry[0], reverse=True)
    undated.sort(key=lambda entry: entry[0])
    return [entry for _, entry in dated + undated]


def partners_by_country(views: Views, lang: str) -> list[tuple[str, str, list[LazyItem]]]:
    """(code, localised country name, partners), by country name; multi-country partners last."""
    items = views.site.model.items
    return [
        (code, name, [views.lazy_item(items[key], lang) for key in keys])
        for code, name, keys in views.memoized(("partners", lang), lambda: _partners(views, lang))
    ]


def _partners(views: Views, lang: str) -> list[tuple[str, str, list[ItemKey]]]:
    groups: dict[str, list[tuple[str, ItemKey]]] = {}
    for partner in views.site.model.collection("partners"):
        countries = partner.facts["country"]
        code = countries[0] if len(countries) == 1 else ""
        groups.setdefault(code, []).append((sort_key(_title(views, partner, lang)), partner.key))
    ordered = sorted((c for c in groups if c), key=lambda c: sort_key(country_name(c, lang)))
    result = [(c, country_name(c, lang), [key for _, key in sorted(groups[c])]) for c in ordered]
    if "" in groups:
        result.append(("", "", [key for _, key in sorted(groups[""])]))
    return result


def _title(views: Views, item: Item, lang: str) -> str:
    text = views.site.text(item, lang)
    views.read_meta(item.key, text.lang)
    return text.title


class PartnerMap(TypedDict):
    """What `list-partners.html` shows of the map: the drawing's fingerprinted address and size, its text
    alternative and, per kind of relation, its countries (the legend)."""

    src: str
    width: int
    height: int
    alt: str
    legend: list[tuple[str, str, list[str]]]  # (kind, label, country names)


def partner_map(views: Views, lang: str, t: Callable[..., str]) -> PartnerMap:
    """The partners map and its text equivalent: each kind of relation with its countries, by name."""
    kinds = _map_kinds(views, lang)
    names = {code: country_name(code, lang) for code in kinds}
    legend = [
        (kind, t(f"map.{kind}"), sorted((names[c] for c, k in kinds.items() if k == kind), key=sort_key))
        for kind in worldmap.KINDS
    ]
    digest = hashlib.sha256(_drawn(tuple(sorted(kinds.items())))).hexdigest()[:10]
    width, height = worldmap.size()
    return {
        "src": f"{views.site.config.base_path}{worldmap.FILE}?v={digest}",
        "width": width,
        "height": height,
        "alt": f"{t('map.title')}. {t('map.description')}",  # what the inline drawing's title and desc said
        "legend": [entry for entry in legend if entry[2]],
    }


def map_file(views: Views) -> bytes:
    """The map's one SVG file, the same for every language (its text is in the pages)."""
    return _drawn(tuple(sorted(_map_kinds(views, views.site.config.default_language).items())))


@lru_cache(maxsize=4)
def _drawn(kinds: tuple[tuple[str, str], ...]) -> bytes:
    """Drawn once per set of relations, by the facts alone: not in the views' memo, whose values count as read
    by the pages that use them (the file is made outside any page, the digest inside every partners page)."""
    return worldmap.draw(dict(kinds)).encode()


def _map_kinds(views: Views, lang: str) -> dict[str, str]:
    """Each country's relation: the home page's facts (home, priority, distant) and every partner's countries."""
    site = views.site
    home = next((i for i in site.model.collection("pages") if i.facts.get("home")), None)
    if home:
        views.read_meta(home.key, site.text(home, lang).lang)
    facts = home.facts if home else {}
    partners = sorted({c for p in site.model.collection("partners") for c in p.facts["country"]})
    return worldmap.classify(
        (facts.get("map_home") or ("",))[0], facts.get("map_priority") or (), facts.get("map_distant") or (), partners
    )


def quotes(views: Views, lang: str) -> list[Quote]:
    items = sorted(views.site.model.collection("testimonials"), key=lambda q: (q.facts["order"], q.id))
    return [views.quote(q.id, lang) for q in items]
