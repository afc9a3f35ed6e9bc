"""The plain values templates receive: links, language alternates, quotes. Frozen data; no logic."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    lang: str  # the language of `title`; templates mark it when it is not the page's


@dataclass(frozen=True)
class Alternate:
    lang: str
    name: str
    url: str
    abs_url: str
    translated: bool
    current: bool


@dataclass(frozen=True)
class Quote:
    id: str
    partner: Link
    signature: str
    signature_lang: str
    original: Markup
    original_lang: str
    translation: Markup | None
    translation_lang: str
