"""Incremental rebuilds for the preview: after an edit, re-render only the pages that show what changed.

A `Session` keeps the last good build in memory: the model, the renderer (compiled templates, and a memo of
converted bodies, list cards and orders with what each read, see memo.py), and for every page the items whose meta
(title, summary, slug, facts, which translations exist) and whose body it read while rendering; and, for later
edits, the parity check's comparisons (content/parity.py `compared`) and large pages' scans by piece (scans.py). An edit to content
re-reads only the changed items, re-resolves and re-checks them, re-renders the pages `build/changes.py` `plan`
names (the same rule a build after an edit follows, from its records), and rewrites only the files whose bytes
differ, each one atomically, through the writer. An image or document saved, added or removed beside an item's text
is the same kind of update: only that file is processed again (build/media.py `update_media`; with `quick_images`,
as serve runs it, a new image is first a draft in its own format, made in full afterwards in the background:
`finish_images`), the pages that show it are rendered again (`changes.with_files`) and the files nothing publishes
any more are removed, so the output stays a clean build's. Templates, interface strings, static files or the
configuration changing, or an item published or made a draft (links to it warn), means a full build.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from mecasite.build import pipeline as builder
from mecasite.build import search_index
from mecasite.build.caches import card_store
from mecasite.build.changes import Change, change_between, plan, with_files
from mecasite.build.history import last_changed
from mecasite.build.links import Scan
from mecasite.build.media import Media, finish_drafts, finished_drafts, published_files, update_media
from mecasite.build.output_folder import check_output, ledger
from mecasite.build.writer import content_digest, update_in_place
from mecasite.config.settings import SiteConfig
from mecasite.content.attachments import check_files, is_attachment
from mecasite.content.drafts import is_draft
from mecasite.content.loader import load_item
from mecasite.content.model import ItemKey, Model
from mecasite.content.parity import Compared, check_parity
from mecasite.content.parity_edits import names_again, naming
from mecasite.content.parity_names import Names, names_of
from mecasite.content.schemas import COLLECTIONS
from mecasite.content.signatures import check_signatures
from mecasite.content.translations import State, check_translations, outdated
from mecasite.preview.scans import Scanner, check_links
from mecasite.problems import Collector, ContentError, Problem
from mecasite.render.body_links import merge_fallback_copies
from mecasite.render.cards import Card
from mecasite.render.memo import Deps, Readers, address
from mecasite.render.renderer import Renderer
from mecasite.render.share import card_of
from mecasite.site.resolve import Page, Site, resolve_site
from mecasite.site.targets import Targets


@dataclass
class Update:
    """What a build or an update did."""

    rendered: int  # pages rendered
    written: int  # files whose bytes changed
    removed: int = 0  # files removed
    full: bool = False  # a full build
    problems: list[Problem] = field(default_factory=list)
    site: Site | None = None  # the site as it now is


class Session:
    """The preview's builder: one full build, then updates that touch only what an edit affects."""

    def __init__(self, config: SiteConfig, quick_images: bool = False):
        self.config = config
        self.quick_images = quick_images  # an image saved is shown at once as a draft (finish_images)
        self.prepared: builder.Prepared | None = None
        self.hashes: dict[str, bytes] = {}  # output path -> digest of the bytes written
        self.scans: dict[str, Scan] = {}  # output path -> its anchors and links
        self.scanner = Scanner()  # large pages' pieces with their scans, as the last update left them
        self.deps: Deps = {}  # output path -> (items whose meta, whose body it read)
        self.readers: Readers[str] = Readers()  # the same, the other way round: (item, language) -> output paths
        self.targets: Targets | None = None  # where links lead, for the files as they are
        self.page_cards: dict[str, str] = {}  # page's output path -> its social card's
        self.names: Names | None = None  # the items' titles, for the parity check; made again when one changes
        self.compared: Compared = {}  # the parity check's comparisons, each kept while its texts and titles are
        # The search index is made again after an update in another thread (refresh_index): one lock for
        # everything that writes or reads the output's records, and the number of the newest refresh asked.
        self.lock = threading.RLock()
        self._index_turn = 0

    # -- full build --------------------------------------------------------------------------------------
    def build(self) -> Update:
        """Render everything (in parallel on a large site), check it, swap it into place; raise ContentError
        and keep the last state. It makes the search index itself; a refresh under way is outdated."""
        with self.lock:
            self._index_turn += 1
            return self._build()

    def _build(self) -> Update:
        check_output(self.config)
        prepared = builder.prepare(self.config)
        outcome = builder.build_prepared(prepared, track=True)
        self.prepared, self.scans, self.deps = prepared, outcome.scans, outcome.deps
        self.readers, self.targets, self.scanner, self.compared = Readers(), None, Scanner(), {}
        self.names = names_of(prepared.site.model, self.config.default_language)  # ready for the first edit
        for path, (meta, body) in self.deps.items():
            self.readers.add(path, meta, body)
        self.hashes = outcome.digests
        prepared.problems.problems.sort()  # as updates keep it (Collector.without, absorb)
        self.page_cards = {
            path: card.path for path, card in _page_cards(prepared.renderer, prepared.site.pages).items()
        }
        gc.freeze()  # the loaded site lives on: keep the collector from walking it on every update
        pages, written = len(prepared.site.pages), len(outcome.written)
        return Update(pages, written, full=True, problems=prepared.problems.problems, site=prepared.site)

    # -- updates -----------------------------------------------------------------------------------------
    def update(self, changed: Iterable[Path]) -> Update:
        """Bring the output up to date after `changed` files were edited, added or removed (not the search
        index: `refresh_index`; nor drafted images in full: `finish_images`)."""
        with self.lock:
            return self._update(changed)

    def refresh_index(self) -> bool:
        """Index the output's pages again and write the files of the index that changed; False when a newer
        refresh was asked meanwhile (its result wins) or the index could not be made. Pagefind takes a few
        tenths of a second on the real site, more on a large one: the preview runs this in the background."""
        with self.lock:
            self._index_turn += 1
            turn, out = self._index_turn, self.config.output_dir
            pages = [path for path in self.hashes if path.endswith(".html")]
        try:
            key = search_index.pages_key(pages, lambda path: (out / path).read_bytes())
            files = search_index.bundle(self.config.cache_dir, out, key)
        except (search_index.SearchIndexError, OSError):
            return False  # the next edit tries again; the build reports the error
        with self.lock:
            if turn != self._index_turn:
                return False
            old = [p for p in self.hashes if p.startswith(search_index.BUNDLE + "/") and p not in files]
            self._write(files, old)
        return True

    def drafts(self) -> frozenset[str]:
        """The images published as drafts by the last update (see finish_images)."""
        with self.lock:
            return self.prepared.media.drafts if self.prepared and self.prepared.media else frozenset()

    def finish_images(self) -> Update | None:
        """Make in full the images an update published as drafts (AVIF, WebP, the original format for the web),
        outside the lock (an edit meanwhile need not wait), then the pages that show them; None when nothing was
        left. About a second for a 3000 x 2000 photo, in the background. ContentError: the files are bad now."""
        pending = self.drafts()
        if not pending:
            return None
        finish_drafts(self.config, sorted(pending))
        with self.lock:
            left = pending & self.drafts()  # an update meanwhile may have finished or replaced some
            if not left:
                return None
            return self._update([self.config.root / rel for rel in sorted(left)])

    def _update(self, changed: Iterable[Path]) -> Update:
        if self.prepared is None:
            return self.build()
        content = self.config.content_dir.resolve()
        keys: set[ItemKey] = set()
        files: dict[ItemKey, set[str]] = {}  # an image or document saved, added or removed: its item -> names
        for path in changed:
            try:
                parts = Path(os.path.abspath(path)).relative_to(content).parts
            except ValueError:
                return self.build()  # a template, string, static file or the config: everything may change
            if len(parts) < 2 or parts[0] not in COLLECTIONS:
                return self.build()
            keys.add((parts[0], parts[1]))
            if len(parts) == 3 and is_attachment(parts[2]):
                files.setdefault((parts[0], parts[1]), set()).add(parts[2])
        return self._update_items(keys, files) if keys else Update(0, 0, site=self.prepared.site)

    def _update_items(self, keys: set[ItemKey], files: dict[ItemKey, set[str]]) -> Update:
        old = self.prepared
        assert old is not None
        problems = Collector()
        site, states, media, names = self._resolve(old, keys, files, problems)
        was, now = ({k for k in keys if k in m.items and is_draft(m.items[k])} for m in (old.site.model, site.model))
        if was != now:  # an item published or made a draft: the links to it elsewhere warn or stop warning
            return self.build()
        notices = {k: v for k, v in old.renderer.outdated.items() if k[:2] not in keys}
        if self.config.outdated_notice:
            sources = outdated(states)
            dates = last_changed(self.config.root, sources.values())
            for key, source in sources.items():
                notices[key] = dates[source]
        change = with_files(change_between(old.site, site, keys), site, files)
        if change.moved:  # a link that read only an address (Views.ref_url) leads elsewhere now; a build renders all
            change = replace(
                change, meta=change.meta | {(address(k), code) for k in keys for code in self.config.codes}
            )
        # Unchanged bodies keep their memo entries and the warnings with them (check_bodies, Views.rendered_text)
        renderer = old.renderer.for_site(
            site, problems, notices, None if change.structure else (set(change.meta), set(change.body))
        )
        published, unpublished = published_files(old.media, media)
        if media is not None:
            renderer.views.media = media.table

        feeds = {lang: renderer.feed_path(lang) for lang in self.config.codes}
        todo = plan(old.site, site, change, self.readers, (old.renderer.outdated, notices), feeds)
        pages = list(todo.pages)
        deps = dict(self.deps)
        for path in change.removed:
            deps.pop(path, None)
        renderer.views.targets = self._targets(change, pages, published, unpublished)
        files_out = dict(renderer.render_pages(pages, deps))
        fresh = _page_cards(renderer, pages)  # a title edited: its new card, and the old one removed if unused
        page_cards = {**self.page_cards, **{path: card.path for path, card in fresh.items()}}
        for path in change.removed:
            page_cards.pop(path, None)
        unused = sorted(set(self.page_cards.values()) - set(page_cards.values()))
        cards = old.cards or card_store(self.config)
        files_out.update(cards.files({c.path: c for c in fresh.values() if c.path not in self.hashes}))
        if todo.extras:
            files_out.update(renderer.render_extras(deps))
        elif todo.feeds:
            files_out.update(renderer.render_feeds(deps, list(todo.feeds)))
        renderer.check_bodies(keys)  # an edited item's body warnings, though no page showing it was rendered
        renderer.views.markdown.save()
        problems.replace_all(merge_fallback_copies(problems.problems))
        problems.raise_errors()

        assert renderer.views.targets is not None  # set above, before rendering
        skip, targets = renderer.views.checked_links, renderer.views.targets
        scans = check_links(
            self.scans, self.scanner, files_out, change.removed, targets, skip, problems, renderer.source_of
        )
        if media is not None:  # a replaced image's new files; its old ones, which nothing publishes any more, go
            fresh_files = sorted((published - self.hashes.keys()) | finished_drafts(old.media, media))
            files_out.update((path, media.files[path]) for path in fresh_files)
        written = self._write(files_out, [*change.removed, *unused, *sorted(unpublished)])
        media = media or old.media  # the last build's warnings on the other items still hold; these join them:
        problems_now = old.problems.without(f"{self.config.rel(self.config.content_dir)}/{c}/{i}/" for c, i in keys)
        problems_now.absorb(problems)
        self.prepared = builder.Prepared(self.config, site, renderer, old.static, problems_now, media, cards)
        before = self.deps  # what the pages read before is in `readers` already: what they read now is added
        for path in files_out.keys() & deps.keys():
            (meta, body), (meta_was, body_was) = deps[path], before.get(path, ((), ()))
            self.readers.add(path, set(meta).difference(meta_was), set(body).difference(body_was))
        self.scans, self.deps, self.page_cards = scans, deps, page_cards
        self.targets, self.names = renderer.views.targets, names  # a failed update leaves them as they were
        gc.freeze()
        return Update(len(pages), written, len(change.removed), problems=problems_now.problems, site=site)

    def _resolve(
        self, old: builder.Prepared, keys: set[ItemKey], files: dict[ItemKey, set[str]], problems: Collector
    ) -> tuple[Site, list[State], Media | None, Names]:
        """The site with the edited items read again, resolved and checked, the edited items' translation
        states, the media with the files `files` names processed again (None when no file changed) and the
        titles for the parity check, in the order a build checks them; raise ContentError. `files` gains the
        files that came or went with the items read again, `keys` the items naming a title that changed."""
        items = dict(old.site.model.items)
        for key in keys:
            folder = self.config.content_dir / key[0] / key[1]
            item = load_item(self.config, COLLECTIONS[key[0]], folder, problems) if folder.is_dir() else None
            if item is None:
                items.pop(key, None)
            else:
                items[key] = item
        for key in keys:  # files come or go with their item too (a folder removed, renamed, copied in)
            before, after = old.site.model.items.get(key), items.get(key)
            was, now = dict(before.files) if before else {}, dict(after.files) if after else {}
            if was != now:
                files.setdefault(key, set()).update(n for n in was.keys() | now.keys() if was.get(n) != now.get(n))
        check_files(Model(MappingProxyType({k: items[k] for k in sorted(keys) if k in items})), problems)
        problems.raise_errors()
        if items.keys() != old.site.model.items.keys():
            items = dict(sorted(items.items()))  # the order a full load gives
        model = Model(MappingProxyType(items), old.site.model.gone)  # redirects.yaml edited: a full build
        names = names_again(self.names, old.site.model, model, keys, self.config.default_language)
        keys |= naming(model, self.names, names, keys)  # a title changed: the items naming it are checked again too
        changed_items = [items[k] for k in sorted(keys) if k in items]
        media = None
        if files and old.media is not None:
            folder = self.config.content_dir
            paths = {self.config.rel(folder / c / i / n) for (c, i), names in files.items() for n in names}
            media = update_media(self.config, old.media, model, files, paths, problems, self.quick_images)
            problems.raise_errors()
        site = resolve_site(self.config, model, problems, old.site, frozenset(keys))
        check_signatures(model, problems)
        states = check_translations(self.config, model, problems, changed_items)  # the others' still hold:
        check_parity(self.config, model, problems, changed_items, names, self.compared)
        problems.raise_errors()
        return site, states, media, names

    def _targets(self, change: Change, pages: list[Page], published: set[str], unpublished: set[str]) -> Targets:
        """Every file the output will hold, for the links of what is rendered again (the same as long as no
        page moved and no image or document came or went)."""
        if self.targets is None or change.moved or published - self.hashes.keys() or unpublished:
            paths = (self.hashes.keys() - change.removed - unpublished) | published
            return Targets(paths | {page.output_path for page in pages}, self.config.base_path)
        return self.targets

    def _write(self, files: dict[str, bytes], removed: Iterable[str]) -> int:
        """Rewrite the files whose bytes changed, each atomically, and remove the pages that no longer exist,
        through the writer (which keeps the output folder's ledger true)."""
        digests = {path: content_digest(data) for path, data in files.items()}
        changed = {path: files[path] for path, digest in digests.items() if self.hashes.get(path) != digest}
        removed = list(removed)
        update_in_place(self.config.output_dir, ledger(self.config), changed, removed)
        self.hashes.update((path, digests[path]) for path in changed)
        for path in removed:
            self.hashes.pop(path, None)
        return len(changed)


def _page_cards(renderer: Renderer, pages: Iterable[Page]) -> dict[str, Card]:
    """Each page's social card, by the page's output path (none when the site draws none: `share_cards`)."""
    drawn = pages if renderer.site.config.share_cards else ()
    found = ((page.output_path, card_of(renderer.views, renderer.translator, renderer.palette, page)) for page in drawn)
    return {path: card for path, card in found if card is not None}


__all__ = ["Session", "Update", "ContentError"]
