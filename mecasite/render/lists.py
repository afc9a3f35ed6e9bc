"""What the list pages show: the timeline of actions, partners by country with their map, the quotes.

Orders are made from the model once per language and kept in the views' memo as item keys, with what they
read: a page showing the timeline has read every action's title and date. Entries are handed to templates as
`LazyItem`s, whose views are made only where a card is not rendered already. Pure: no I/O here.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypedDict

from markupsafe import Markup

from mecasite.content.model import Item, ItemKey, sort_key
from mecasite.content.strings import country_name
from mecasite.render import worldmap
from mecasite.render.view_data import Quote
from mecasite.render.views import LazyItem, Views


def actions_by_year(views: Views, lang: str) -> list[tuple[int | None, list[LazyItem]]]:
    """The timeline: years newest first, the newest action first within a year, undated ones last."""
    groups: list[tuple[int | None, list[LazyItem]]] = []
    for key, text_lang, year in _timeline(views, lang):
        if not groups or groups[-1][0] != year:
            groups.append((year, []))
        groups[-1][1].append(LazyItem(views, key, lang, text_lang))
    return groups


def newest_actions(views: Views, lang: str, count: int) -> list[LazyItem]:
    """The `count` newest actions, in timeline order (the feeds: their views are made only for an entry not
    rendered already)."""
    return [LazyItem(views, key, lang, text_lang) for key, text_lang, _ in _timeline(views, lang)[:count]]


def _timeline(views: Views, lang: str) -> list[tuple[ItemKey, str, int | None]]:
    """(action, language of its text shown, year), newest first (by date, then title, descending), undated
    ones last (by title)."""
    key = ("timeline", lang)
    if views.memo.get(key) is None and (before := views.memo.before(key)) is not None:
        value, read, changed = before  # some metas changed, not the actions' set nor their facts (for_site)
        again = {item for item, _ in changed if item[0] == "actions"} & views.site.model.items.keys()
        kept = frozenset(r for r in read if r[0] not in again)  # what the entries kept read, as when made
        timeline: _Timeline = views.memoized(key, lambda: _make_timeline(views, lang, value, again), kept)
    else:
        timeline = views.memoized(key, lambda: _make_timeline(views, lang))
    return timeline.entries


Entry = tuple[ItemKey, str, int | None]  # (action, language of its text shown, year)


@dataclass(frozen=True)
class _Timeline:
    """The timeline's entries, and each one's place: after a title edit, only the edited actions' change."""

    dated: list[tuple[tuple[int, int, int, str], Entry]]  # (year, month, day, title), descending
    undated: list[tuple[str, Entry]]  # by title
    entries: list[Entry]


def _make_timeline(
    views: Views, lang: str, before: _Timeline | None = None, again: set[ItemKey] | None = None
) -> _Timeline:
    """The timeline; or `before` with the entries of the actions `again` made again (their meta changed), each
    put where a sort of them all would (equal dates and titles in id order)."""
    dated: list[tuple[tuple[int, int, int, str], Entry]] = []
    undated: list[tuple[str, Entry]] = []
    made = dated, undated
    if before is not None and again is not None:
        dated = [entry for entry in before.dated if entry[1][0] not in again]
        undated = [entry for entry in before.undated if entry[1][0] not in again]
        made = [], []
    actions = (
        views.site.model.collection("actions")
        if before is None
        else [views.site.model.items[k] for k in sorted(again or ())]
    )
    for action in actions:
        text = views.site.text(action, lang)
        views.read_meta(action.key, text.lang)
        date, title = action.facts.get("date"), sort_key(text.title)
        if date:
            made[0].append(((date.year, date.month, date.day, title), (action.key, text.lang, date.year)))
        else:
            made[1].append((title, (action.key, text.lang, None)))
    if before is None:
        dated.sort(key=lambda entry: entry[0], reverse=True)  # stable: equal ones stay in id order
        undated.sort(key=lambda entry: entry[0])
    for entry in made[0] if before is not None else ():
        dated.insert(_place(dated, entry), entry)
    for other in made[1] if before is not None else ():
        bisect.insort(undated, other)  # (title, (key, ...)): by title, then id
    return _Timeline(dated, undated, [entry for _, entry in dated + undated])


def _place(dated: list[tuple[tuple[int, int, int, str], Entry]], entry: tuple[tuple[int, int, int, str], Entry]) -> int:
    """Where `entry` goes in `dated` (newest first, equal dates and titles in id order)."""
    low, high = 0, len(dated)
    while low < high:
        middle = (low + high) // 2
        other = dated[middle]
        if other[0] > entry[0] or (other[0] == entry[0] and other[1][0] < entry[1][0]):
            low = middle + 1
        else:
            high = middle
    return low


def cards(
    views: Views, partial: Callable[[str, LazyItem], Markup], name: str, items: list[LazyItem], lang: str, indent: str
) -> Markup:
    """The cards of `items` (`partial(name, item)`), each on its own line after `indent`, as a list template
    lays them out: joined once per set of items and page language and kept in the memo with what the cards
    read, so that a title edit joins again one year's cards, not the thousand of the list."""
    keys = tuple(item.key for item in items)
    return views.memoized(
        ("cards", name, lang, indent, keys),
        lambda: Markup("".join(f"{indent}{partial(name, item)}\n" for item in items)),
    )


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
