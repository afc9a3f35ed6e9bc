"""The preview's updates after a title or body edit: the output stays a clean build's byte for byte, and the
titles the parity check keeps between edits stay those of the model as it now is (they are updated per item,
not made again for the whole site)."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from types import MappingProxyType

from sitekit import CONFIG, text, tree_digest, write_site

from mecasite.build.pipeline import build
from mecasite.config.settings import SiteConfig, load_config
from mecasite.content.model import Item, ItemKey, Model, Text
from mecasite.content.parity_edits import names_again, naming
from mecasite.content.parity_names import Names, names_of
from mecasite.preview.session import Session


def _site(tmp_path: Path, extra: str = "") -> tuple[SiteConfig, Session]:
    config = load_config(write_site(tmp_path / "site", {"site_config.yaml": CONFIG + extra}))
    session = Session(config)
    session.build()
    return config, session


def _clean(config: SiteConfig, tmp_path: Path) -> str:
    out = tmp_path / "clean"
    build(config.with_overrides(out=out))
    return tree_digest(out)


def test_a_title_edit_without_share_cards_writes_no_card(tmp_path):
    config, session = _site(tmp_path, "search: false\nshare_cards: false\n")
    (config.root / "content/actions/fair/en.md").write_text(text("The great fair", "fair", body="A fair."))
    session.update([config.root / "content/actions/fair/en.md"])
    assert not (config.output_dir / "static/cards").exists()
    assert tree_digest(config.output_dir) == _clean(config, tmp_path)


def _item(key: ItemKey, titles: dict[str, str], body: str = "") -> Item:
    texts = {
        lang: Text(lang, f"content/{key[0]}/{key[1]}/{lang}.md", MappingProxyType({"title": t}), body, 5, {})
        for lang, t in titles.items()
    }
    return Item(key[0], key[1], f"content/{key[0]}/{key[1]}", {}, MappingProxyType(texts), {})


def _naming_everywhere(model: Model, before: Names, after: Names) -> set[ItemKey]:
    """What naming finds, searched in every piece of every original."""
    changed = [t for t in before.titles.keys() | after.titles.keys() if before.titles.get(t) != after.titles.get(t)]
    return {
        item.key
        for item in model.items.values()
        if (source := item.texts.get("fr"))
        and any(t in piece for t in changed for piece in (source.body, *map(str, source.fields.values())))
    }


def test_the_titles_kept_between_edits_are_those_of_the_whole_model_after_each_edit():
    """Titles changed, shared by two items, removed, items added, removed or read again the same, in random
    order (seeded), a title with a NUL (the originals are searched joined by NULs): the names updated per item
    are the names made from the whole model, phrases included, and the items found naming a changed title are
    those that name it."""
    rng = random.Random(18)
    words = [
        "Salon Gamma",
        "Alpha Fair",
        "Grande Région",
        "Forum",
        "the fair",
        "Liège",
        "Gamma Show",
        "Belgique",
        "Nul\0Part",
        "",
    ]
    keys = [("actions", f"a{i}") for i in range(6)] + [("partners", f"p{i}") for i in range(3)]

    def random_item(key: ItemKey) -> Item:
        titles = {lang: rng.choice(words) for lang in ("fr", "en", "nl") if rng.random() < 0.8}
        return _item(key, titles, f"Voir {rng.choice(words)} et {rng.choice(words)}.")

    model = Model(MappingProxyType({key: random_item(key) for key in keys}))
    names = names_of(model, "fr")
    assert names.phrases  # made, so that they are kept or changed
    for _ in range(300):
        edited = set(rng.sample(keys, rng.choice((1, 1, 2))))
        items = dict(model.items)
        for key in edited:
            if rng.random() < 0.15:
                items.pop(key, None)
            elif rng.random() < 0.2 and key in items:  # read again, the same: other objects
                texts = {lang: dataclasses.replace(t) for lang, t in items[key].texts.items()}
                items[key] = dataclasses.replace(items[key], texts=MappingProxyType(texts))
            else:
                items[key] = random_item(key)
        after = Model(MappingProxyType(dict(sorted(items.items()))))
        again = names_again(names, model, after, edited, "fr")
        whole = names_of(after, "fr")
        assert (again.titles, again.owners, again.phrases) == (whole.titles, whole.owners, whole.phrases)
        assert naming(after, names, again) == (_naming_everywhere(after, names, again) if again is not names else set())
        model, names = after, again


def test_a_title_is_not_found_across_two_pieces_of_an_original():
    """The originals are searched as one string, their pieces joined by NULs: a title holding a NUL is looked
    for in each piece, never across two."""
    ends = _item(("actions", "a"), {"fr": "Part"}, "Voir Nul")  # body, then its title: 'Voir Nul\0Part'
    model = Model(MappingProxyType({ends.key: ends}))
    before = names_of(model, "fr")
    after = Names({**before.titles, "Nul\0Part": {"fr": "Nul\0Part"}}, "fr", before.owners, before.originals)
    assert naming(model, before, after) == set()
    after = Names({**before.titles, "Nul": {"fr": "Nul"}}, "fr", before.owners, before.originals)
    assert naming(model, before, after) == {ends.key}
