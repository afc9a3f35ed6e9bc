"""Drafts: items marked `draft: true` in their item.yaml, work in progress that is never published.

The preview shows them, marked; a build and `check` leave them out of the model before anything is resolved,
so no page, list, map, feed, sitemap entry or redirect of theirs exists. What a published item says about a
draft is an error where it says it (site/resolve.py for item.yaml fields, render/body_links.py for a body's
links). Pure: no I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from mecasite.config.settings import SiteConfig
from mecasite.content.model import Item, ItemKey, Model


def is_draft(item: Item) -> bool:
    return bool(item.facts.get("draft"))


def draft_hint(draft: Item, alternative: str) -> str:
    """How to fix a published item pointing at a draft: publish the draft, or the other way named."""
    return f"publish it by removing 'draft: true' from {draft.path}, {alternative}"


def published(config: SiteConfig, model: Model) -> tuple[Model, Mapping[ItemKey, Item]]:
    """The model a build publishes, and the drafts left out of it; the preview keeps them all."""
    drafts = {key: item for key, item in model.items.items() if is_draft(item)}
    if config.preview or not drafts:
        return model, {}
    kept = {key: item for key, item in model.items.items() if key not in drafts}
    return Model(MappingProxyType(kept)), MappingProxyType(drafts)
