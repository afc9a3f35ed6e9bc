"""Incremental rebuilds for the preview: after an edit, re-render only the pages that show what changed.

A `Session` keeps the last good build in memory: the model, the renderer (compiled templates, converted
Markdown), and for every page the items whose meta (title, summary, slug, facts, which translations exist)
and whose body it read while rendering. An edit to content re-reads only the changed items, re-resolves and
re-checks the site (cheap), then re-renders:

- every page of an item whose meta changed (a new item has no recorded reads yet);
- every page that read a changed item's meta or body, in a language whose text changed;
- when an item appears, disappears or changes its facts: its collection's list pages and the pages of the
  items it points to (their derived lists of actions and quotes change);

and rewrites only the files whose bytes differ, each one atomically. Templates, interface strings, static
files or the configuration changing means a full build. The published build (`builder.build`) never uses
this: it always renders everything into a fresh folder.
"""

from __future__ import annotations

import gc
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Iterable

from . import builder
from .checks import check_signatures
from .collections import COLLECTIONS, REFERENCES
from .config import SiteConfig
from .content import load_item
from .links import check_links, scan_files
from .model import Item, ItemKey, Model
from .problems import WARNING, Collector, ContentError, Problem
from .resolve import Site, resolve_site
from .translations import check_translations, outdated
from .writer import write_file_atomic, write_site


@dataclass
class Update:
    """What a build or an update did."""

    rendered: int  # pages rendered
    written: int  # files whose bytes changed
    removed: int = 0
    full: bool = False
    problems: list[Problem] = field(default_factory=list)
    site: Site | None = None


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class Session:
    """The preview's builder: one full build, then updates that touch only what an edit affects."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self.prepared: builder.Prepared | None = None
        self.hashes: dict[str, bytes] = {}  # output path -> digest of the bytes written
        self.scans: dict = {}  # output path -> its anchors and links
        self.deps: dict[str, tuple[set, set]] = {}  # output path -> (items whose meta, whose body it read)

    # -- full build --------------------------------------------------------------------------------------
    def build(self) -> Update:
        """Render everything, check it, swap it into place; raise ContentError and keep the last state."""
        prepared = builder.prepare(self.config)
        deps: dict = {}
        files, scans = builder.render_in_memory(prepared, deps)
        write_site(self.config.output_dir, files)
        self.prepared, self.scans, self.deps = prepared, scans, deps
        self.hashes = {path: _digest(data) for path, data in files.items()}
        gc.freeze()  # the loaded site lives on: keep the collector from walking it on every update
        return Update(len(prepared.site.pages), len(files), full=True, problems=prepared.problems.problems,
                      site=prepared.site)

    # -- updates -----------------------------------------------------------------------------------------
    def update(self, changed: Iterable[Path]) -> Update:
        """Bring the output up to date after `changed` files were edited, added or removed."""
        if self.prepared is None:
            return self.build()
        content = self.config.content_dir.resolve()
        keys: set[ItemKey] = set()
        for path in changed:
            try:
                parts = Path(os.path.abspath(path)).relative_to(content).parts
            except ValueError:
                return self.build()  # a template, string, static file or the config: everything may change
            if len(parts) < 2 or parts[0] not in COLLECTIONS:
                return self.build()
            keys.add((parts[0], parts[1]))
        return self._update_items(keys) if keys else Update(0, 0, site=self.prepared.site)

    def _update_items(self, keys: set[ItemKey]) -> Update:
        old = self.prepared
        assert old is not None
        problems = Collector()
        items = dict(old.site.model.items)
        for key in keys:
            folder = self.config.content_dir / key[0] / key[1]
            item = load_item(self.config, COLLECTIONS[key[0]], folder, problems) if folder.is_dir() else None
            if item is None:
                items.pop(key, None)
            else:
                items[key] = item
        problems.raise_errors()
        model = Model(MappingProxyType(dict(sorted(items.items()))))  # the order a full load gives
        site = resolve_site(self.config, model, problems, old.site, frozenset(keys))
        check_signatures(model, problems)
        changed_items = [items[k] for k in sorted(keys) if k in items]
        check_translations(self.config, model, problems, changed_items)  # the others' findings still hold:
        folders = tuple(f"{self.config.rel(self.config.content_dir)}/{c}/{i}/" for c, i in keys)
        problems.extend(p for p in old.problems.problems if p.severity == WARNING and not p.path.startswith(folders))
        problems.raise_errors()

        old_model = old.site.model
        before, after = {k: old_model.items.get(k) for k in keys}, {k: items.get(k) for k in keys}
        meta_langs = {(k, lang) for k in keys for lang in _changed_meta(before[k], after[k], self.config.codes)}
        meta = {k for k, _ in meta_langs}
        body = {(k, lang) for k in keys for lang in _changed_bodies(before[k], after[k])}
        facts = {k for k in keys if _facts(before[k]) != _facts(after[k])}
        old_urls = {p.output_path: p for p in old.site.pages}
        new_urls = {p.output_path: p for p in site.pages}
        moved = set(old_urls) != set(new_urls)

        notices = {k: v for k, v in old.renderer.outdated.items() if k[:2] not in keys}
        if self.config.outdated_notice:
            for key, source in outdated(self.config, model, changed_items).items():
                notices[key] = builder.last_changed(self.config.root, source)
        stale = meta | {k for k, _ in body}
        renderer = old.renderer.for_site(site, problems, notices,
                                         keep=lambda cache_key: cache_key[0] not in stale and not moved)

        affected = self._affected(site, keys, meta, meta_langs, body, facts, old_urls, new_urls)
        pages = [page for path, page in new_urls.items() if path in affected]  # in site order
        deps = dict(self.deps)
        for path in set(old_urls) - set(new_urls):
            deps.pop(path, None)
        files = dict(renderer.render_pages(pages, deps))
        feeds = {renderer.feed_path(lang): lang for lang in self.config.codes}
        languages = {k for k in keys if _languages(before[k]) != _languages(after[k])}
        if moved or facts or languages:  # the sitemap and host files list pages and their translations
            files.update(renderer.render_extras(deps))
        elif affected & set(feeds):
            files.update(renderer.render_feeds(deps, [feeds[path] for path in sorted(affected & set(feeds))]))
        renderer.views.markdown.save()
        problems.raise_errors()

        scans = dict(self.scans)
        for path in set(old_urls) - set(new_urls):
            scans.pop(path, None)
        fresh, line_of = scan_files(files)
        scans.update(fresh)
        all_paths = (set(self.hashes) - set(old_urls)) | set(new_urls) | set(files)
        check_links(fresh, all_paths, self.config.base_path, problems, line_of,
                    label=f"{self.config.output_dir.name}/")
        problems.raise_errors()

        written = self._write(files, set(old_urls) - set(new_urls))
        self.prepared = builder.Prepared(self.config, site, renderer, old.static, problems)
        self.scans, self.deps = scans, deps
        gc.freeze()
        return Update(len(pages), written, len(set(old_urls) - set(new_urls)), problems=problems.problems,
                      site=site)

    def _affected(self, site: Site, keys: set, meta: set, meta_langs: set, body: set, facts: set,
                  old_urls: dict, new_urls: dict) -> set[str]:
        """Output paths to re-render (see the module's docstring)."""
        touched = meta | facts  # new, removed or renamed pages included: their meta went from or to nothing
        affected = {path for path, page in {**old_urls, **new_urls}.items() if page.item in touched}
        for path, (meta_reads, body_reads) in self.deps.items():
            if meta_reads & meta_langs or body_reads & body:
                affected.add(path)
        referenced = {ref for key in facts for item in (self.prepared.site.model.items.get(key),
                                                          site.model.items.get(key)) for ref in _references(item)}
        lists = {f"list-{collection}" for collection, _ in facts}
        affected |= {path for path, page in new_urls.items() if page.item in referenced or page.kind in lists}
        return affected

    def _write(self, files: dict[str, bytes], removed: set[str]) -> int:
        """Rewrite the files whose bytes changed, each atomically; remove the pages that no longer exist."""
        out = self.config.output_dir
        written = 0
        for path, data in files.items():
            digest = _digest(data)
            if self.hashes.get(path) != digest:
                write_file_atomic(out / path, data)
                self.hashes[path] = digest
                written += 1
        for path in removed:
            self.hashes.pop(path, None)
            try:
                (out / path).unlink()
            except OSError:
                pass
        return written


def _references(item: Item | None) -> set[ItemKey]:
    """The items an item points to by its neutral facts (partners, related actions...)."""
    if item is None:
        return set()
    found = set()
    for field_name, target in REFERENCES.get(item.collection, {}).items():
        refs = item.facts.get(field_name) or ()
        found |= {(target, ref) for ref in ((refs,) if isinstance(refs, str) else refs)}
    return found


def _languages(item: Item | None):
    return None if item is None else (sorted(item.texts), sorted(item.drafts))


def _changed_meta(old: Item | None, new: Item | None, codes) -> set[str]:
    """Languages whose meta a page may have shown differs: every language when the item appeared or went,
    its facts or its set of texts changed; else the languages whose front matter changed."""
    if old is None or new is None or dict(old.facts) != dict(new.facts) or set(old.texts) != set(new.texts) \
            or set(old.drafts) != set(new.drafts):
        return set(codes)
    return {lang for lang in new.texts if dict(old.texts[lang].fields) != dict(new.texts[lang].fields)}


def _changed_bodies(old: Item | None, new: Item | None) -> set[str]:
    """Languages whose body text differs (appeared, vanished or changed)."""
    before = {lang: t.body for lang, t in old.texts.items()} if old else {}
    after = {lang: t.body for lang, t in new.texts.items()} if new else {}
    return {lang for lang in before.keys() | after.keys() if before.get(lang) != after.get(lang)}


def _facts(item: Item | None):
    return None if item is None else dict(item.facts)


__all__ = ["Session", "Update", "ContentError"]
