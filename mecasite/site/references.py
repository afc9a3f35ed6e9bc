"""The checks of what items say of each other, made while resolving: one home page, a text in the default
language, every reference naming an item that exists and is published. Pure: no I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mecasite.config.settings import SiteConfig
from mecasite.content.drafts import draft_hint, is_draft
from mecasite.content.model import Item, ItemKey, Model
from mecasite.content.schemas import COLLECTIONS, REFERENCES
from mecasite.problems import ERROR, WARNING, Collector, did_you_mean


def check_items(
    config: SiteConfig, model: Model, items: Iterable[Item], problems: Collector, drafts: Mapping[ItemKey, Item]
) -> None:
    default = config.default_language
    homes = [i for i in model.collection("pages") if i.facts.get("home")]
    if len(homes) != 1:
        where = homes[1].path if len(homes) > 1 else config.content_dir.name + "/pages"
        problems.add(where, 0, f"exactly one page must have 'home: true' (found {len(homes)})")
    for item in items:
        if default not in item.texts:
            problems.add(
                item.path,
                0,
                f"no text in the default language '{default}'",
                f"add {item.path.rsplit('/', 1)[0]}/{default}.md",
            )
        for field, target in REFERENCES.get(item.collection, {}).items():
            _check_refs(config, model, item, field, target, problems, drafts)
        if item.collection == "pages" and not item.facts.get("home"):
            for text in item.texts.values():
                if not text.slug:
                    problems.add(
                        text.path,
                        1,
                        "missing required field 'slug'",
                        "the last URL segment in this language, e.g. approach",
                    )


def _check_refs(
    config: SiteConfig,
    model: Model,
    item: Item,
    field: str,
    target: str,
    problems: Collector,
    drafts: Mapping[ItemKey, Item],
) -> None:
    value = item.facts.get(field) or ()
    for ref in (value,) if isinstance(value, str) else value:
        draft = drafts.get((target, ref)) or model.items.get((target, ref))
        if draft is not None and is_draft(draft) and not is_draft(item):
            what = COLLECTIONS[target].ref
            problems.add(
                item.path,
                item.lines.get(field, 0),
                f"{field}: {what} '{ref}' is a draft, not published",
                draft_hint(draft, f"or remove '{ref}' here"),
                severity=WARNING if config.preview else ERROR,
                code="draft-link",
            )
        elif (target, ref) not in model.items:
            what = COLLECTIONS[target].ref
            known = [i.id for i in model.collection(target)]
            problems.add(
                item.path, item.lines.get(field, 0), f"{field}: unknown {what} '{ref}'", did_you_mean(ref, known)
            )
