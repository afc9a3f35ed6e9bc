"""Parity, the names kept between edits: the preview keeps the titles the parity check looks for (Names) and,
after an edit, changes only those of the items edited (`names_again`) and checks again the items whose original
names a title that changed (`naming`). Each gives what a check of the whole model gives. Pure: no I/O."""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Iterable

from mecasite.content.model import Item, ItemKey, Model, Text
from mecasite.content.parity_blocks import country_phrases
from mecasite.content.parity_names import Names, Originals, is_name_like, names_of, pieces


def names_again(names: Names | None, before: Model, after: Model, keys: Iterable[ItemKey], default: str) -> Names:
    """The names of `after`, which differs from `before` (whose names are `names`) in the items `keys` alone, as
    names_of `after` makes them: `names` itself when those changed no title, else `names` with the titles they
    had or have made again from the items that have them (the preview keeps them between edits: made for every
    item, they cost 40 ms at 2,500 items; its phrases are kept as long as the originals' titles are)."""

    def titles(item: Item | None) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((lang, text.title) for lang, text in item.texts.items())) if item else ()

    if names is None or names.owners is None:
        return names_of(after, default)
    changed = [k for k in keys if titles(before.items.get(k)) != titles(after.items.get(k))]
    if not changed:
        return names
    owners, affected = dict(names.owners), set()
    for key in changed:
        was, now = _original_title(before.items.get(key), default), _original_title(after.items.get(key), default)
        owners[was] = owners.get(was, frozenset()) - {key}
        owners[now] = owners.get(now, frozenset()) | {key}
        affected |= {was, now}
    for title in affected - {""}:
        if not owners[title]:
            del owners[title]
    owners.pop("", None)  # no original, or one without a title
    made: dict[str, dict[str, str]] = {}  # the affected titles that some item still has, made again
    shared = any(len(owners.get(title, ())) > 1 for title in affected)
    for item in (
        after.items.values() if shared else (after.items[next(iter(owners[t]))] for t in affected if t in owners)
    ):
        title = _original_title(item, default)  # several items of one title: merged in the model's order
        if title in affected and title:
            made.setdefault(title, {}).update({lang: t.title for lang, t in item.texts.items() if t.title})
    found = {title: value for title, value in names.titles.items() if title not in affected} | made
    since = (weakref.ref(names), frozenset(affected))  # what changed since `names`, for titles_kept
    return _kept_phrases(names, Names(found, default, owners, names.originals, since))


def _kept_phrases(names: Names, again: Names) -> Names:
    """`again` with the phrases of `names` where they are known, changed by the titles that came or went."""
    if "_phrase_set" in names.__dict__:  # made (cached_property), so kept up to date
        if again.titles.keys() == names.titles.keys():
            again.__dict__.update({k: v for k, v in names.__dict__.items() if k in _PHRASES})
        else:
            gone = names.titles.keys() - again.titles.keys() - country_phrases(names.default)
            came = filter(is_name_like, again.titles.keys() - names.titles.keys())
            again.__dict__["_phrase_set"] = (names._phrase_set - gone) | frozenset(came)
    return again


_PHRASES = ("phrases", "_phrase_set", "_by_first_word")  # what Names makes from its titles' keys alone


def titles_kept(before: Names, after: Names, lang: str) -> bool:
    """Whether a comparison of a `lang` translation made with the titles `before` holds with `after`: the same
    originals' titles, each with the same `lang` title (all that compare reads of them; `after` made from
    `before` by names_again, which says which titles it made again)."""
    if before is after:
        return True
    if after.since is None or after.since[0]() is not before or before.titles.keys() != after.titles.keys():
        return False
    return all((before.titles.get(t) or {}).get(lang) == (after.titles.get(t) or {}).get(lang) for t in after.since[1])


def _original_title(item: Item | None, default: str) -> str:
    source = item.texts.get(default) if item else None
    return source.title if source else ""


def naming(model: Model, before: Names | None, after: Names, edited: Iterable[ItemKey] | None = None) -> set[ItemKey]:
    """The items whose original names a title that is not the same in `before` and `after` (none when they
    are the same object, as names_again keeps them): their translations must be compared again. `edited`: the
    items that may differ from the model `before` was made for, when known."""
    if before is None or before is after:
        return set()
    titles = before.titles.keys() | after.titles.keys()  # names_again keeps the others' the same objects:
    changed = [t for t in titles if (was := before.titles.get(t)) is not (now := after.titles.get(t)) and was != now]
    originals = after.originals.of(model, after.default, edited)
    found = set()
    for title in changed:  # compare finds a name in the original as it is written: no folding
        if "\0" in title:  # it would be found across two pieces: looked for in each
            found |= {
                k for k, text in zip(originals.keys, originals.texts, strict=True) if text and _in_pieces(title, text)
            }
            continue
        if title not in originals.found:
            originals.found[title] = _search(originals, title)
        found |= originals.found[title]
    return found


def _search(originals: Originals, title: str) -> frozenset[ItemKey]:
    """The items whose original has `title`, found in the one string of them all (kept with it: editing one
    item's title again and again looks for the same one)."""
    found = set()
    at = originals.joined.find(title)
    while at >= 0:
        i = bisect.bisect_right(originals.starts, at) - 1
        found.add(originals.sources[i])
        at = originals.joined.find(title, originals.starts[i + 1]) if i + 1 < len(originals.starts) else -1
    return frozenset(found)


def _in_pieces(title: str, source: Text) -> bool:
    return any(title in piece for piece in pieces(source))
