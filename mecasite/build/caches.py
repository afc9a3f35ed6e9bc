"""The caches a build hands to rendering: converted Markdown bodies and compiled templates, under `.cache/`;
and the drawn social cards (cards.py), which the build itself writes.

Rendering and Markdown know them only through the interfaces they are handed (`MarkdownRenderer`'s cache,
Jinja's `BytecodeCache`); both are keyed by the engine key (config/engine.py), so that a new library, option
or version of our code never serves a stale value. `read_only` (for `check`): read, never written.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2

from mecasite.build.cards import CardStore
from mecasite.build.markdown_cache import BodyCache
from mecasite.config.engine import engine_key
from mecasite.config.settings import SiteConfig
from mecasite.content.schemas import REF_KINDS
from mecasite.markdown.convert import MarkdownRenderer
from mecasite.render.body_media import STATIC


def markdown_converter(config: SiteConfig, read_only: bool = False) -> MarkdownRenderer:
    """The Markdown converter, with the site's cache of converted bodies."""
    return MarkdownRenderer(frozenset(REF_KINDS) | {STATIC}, BodyCache(config.cache_dir / "markdown.sqlite", read_only))


def card_store(config: SiteConfig, read_only: bool = False) -> CardStore:
    """The social cards, drawn or from `.cache/cards/`."""
    return CardStore(config.cache_dir / "cards", read_only)


def template_cache(config: SiteConfig, read_only: bool = False) -> TemplateCache:
    return TemplateCache(config.cache_dir / "jinja", read_only)


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in `.cache/jinja/` by the engine key (engine.py: Jinja's and Python's versions,
    the environment's options, this code) and their source's checksum: compiling them all costs 50 ms, a
    tenth of building the real site. Jinja's own check looks at its bytecode format and Python's minor
    version only. Files of another engine key are removed when this one writes. A cache can only cost time:
    a folder that cannot be made or written simply means compiling again."""

    def __init__(self, folder: Path, read_only: bool = False):
        self.prefix = f"{engine_key()[:16]}-"
        super().__init__(str(folder), pattern=self.prefix + "%s.cache")
        self.folder, self.read_only, self._swept = folder, read_only, False

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            pass

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.read_only:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
            if not self._swept:
                self._swept = True
                for entry in os.scandir(self.folder):
                    if entry.name.endswith(".cache") and not entry.name.startswith(self.prefix):
                        os.unlink(entry.path)
        except OSError:
            pass
