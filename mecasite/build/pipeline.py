"""The build pipeline: config -> sources -> model -> resolved site -> rendered files -> atomic write.

The model is gathered and validated before anything is rendered (`prepare`); each body's links are checked as
it is converted (render/body_links.py). Pages are rendered into a staging folder (by several processes on a
large site, see workers.py) and the templates' own links checked there; the staging folder replaces the
output in one swap only when nothing is wrong, so a failed build leaves the previous output untouched. `check` is the same build with a staging folder that writes nothing.
"""

from __future__ import annotations

import gc
import os
from collections import ChainMap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from mecasite.build import manifest, records
from mecasite.build.caches import card_store, markdown_converter, template_cache
from mecasite.build.cards import CardStore
from mecasite.build.history import CACHE, last_changed
from mecasite.build.links import check_anchors, scan
from mecasite.build.manifest import Listed
from mecasite.build.media import Media, process_media
from mecasite.build.output_folder import check_output, ledger
from mecasite.build.processes import WorkerDied
from mecasite.build.reading import Folder, read_folders
from mecasite.build.search_index import write_index
from mecasite.build.uptodate import Checked, check_build
from mecasite.build.workers import Outcome, Redo, render_into
from mecasite.build.writer import InMemory, Staging, WriteError
from mecasite.config.settings import SiteConfig
from mecasite.content.attachments import check_files
from mecasite.content.drafts import published
from mecasite.content.signatures import check_signatures
from mecasite.content.strings import check_unused, load_strings
from mecasite.content.translations import check_translations, outdated
from mecasite.problems import Collector, ContentError, Problem
from mecasite.render.page_context import strings_left_out
from mecasite.render.renderer import Renderer
from mecasite.site.resolve import Site, resolve_site


@dataclass
class BuildResult:
    files: dict[str, bytes]  # in memory (render_site); empty after `build`, which writes as it renders
    problems: list[Problem] = field(default_factory=list)
    site: Site | None = None
    written: int = 0
    up_to_date: bool = False  # nothing changed since the last build: nothing was written
    cards_drawn: int = 0  # social cards drawn (not found in the cache)


def read_static(config: SiteConfig, problems: Collector) -> dict[str, bytes]:
    """The files of `static/`, keyed by their path below it; links out of the project are refused."""
    files: dict[str, bytes] = {}
    root = config.static_dir
    if not root.is_dir():
        return files
    real_root = os.path.realpath(config.root)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        if not os.path.realpath(path).startswith(real_root + os.sep):
            problems.add(f"{root.name}/{rel}", 0, "symbolic link leading outside the project")
        elif path.is_file():
            files[rel] = path.read_bytes()
    return files


def read_templates(config: SiteConfig) -> list[str]:
    """The templates' sources, for checks that look at what they name."""
    folder = config.templates_dir
    return [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.rglob("*")) if p.is_file()]


@dataclass
class Prepared:
    """Everything rendering needs, loaded and validated: the part of a build done once, before any fork."""

    config: SiteConfig
    site: Site
    renderer: Renderer
    static: dict[str, bytes]
    problems: Collector
    media: Media | None = None  # the files beside the text, processed (build/media.py)
    cards: CardStore | None = None  # the social cards' cache; a fresh one when None
    folders: dict[str, Folder] | None = None  # each item folder as read (build/reading.py), for the records

    def static_files(self) -> Mapping[str, bytes]:
        """The static files as output files (`static/site.css`), and the media (read when written)."""
        static = {f"static/{name}": data for name, data in self.static.items()}
        return ChainMap(static, self.media.files) if self.media else static  # type: ignore[arg-type]  # read only


def prepare(
    config: SiteConfig,
    read_only: bool = False,
    parity: bool = True,
    known: Mapping[str, Folder] | None = None,
    listing: Mapping[str, Listed] | None = None,
) -> Prepared:
    """Load, validate and resolve; raise ContentError listing every error found so far. `read_only`: the
    caches on disk are read, never written (`check`). `parity`: compare up-to-date translations with their
    originals (warnings only, for `check` and the preview: a build leaves it out, it costs ~3 ms a text).
    `known`: the item folders as the last build read them; those unchanged are not read again (`listing`:
    what the build's first walk saw in them)."""
    problems = Collector()
    model, folders = read_folders(config, problems, known, listing)
    strings = load_strings(config, problems)
    static = read_static(config, problems)
    check_files(model, problems)
    problems.raise_errors()
    model, drafts = published(config, model)  # a build leaves drafts out entirely; the preview shows them
    media = process_media(config, model, problems, read_only)  # a draft's images are not published either
    problems.raise_errors()
    site = resolve_site(config, model, problems, unpublished=drafts)
    check_signatures(model, problems)
    states = check_translations(config, model, problems, everything=False)  # the outdated ones date notices
    if parity:
        from mecasite.content.parity import check_parity  # imported when asked for: a build never needs it

        check_parity(config, model, problems)
    problems.raise_errors()
    # When each text last changed (one git log for all): the outdated notices' dates, and the feeds' `updated`.
    sources = outdated(states) if config.outdated_notice else {}
    texts = [text.path for item in model.collection("actions") for text in item.texts.values()]  # the feeds
    found = last_changed(config.root, [*texts, *sources.values()], config.cache_dir / CACHE, keep=not read_only)
    dates = {path: date for path, date in found.items() if date is not None}
    notices = {key: found[path] for key, path in sources.items()}
    return Prepared(
        config,
        site,
        Renderer(
            site,
            strings,
            problems,
            static,
            notices,
            dates,
            markdown_converter(config, read_only),
            template_cache(config, read_only),
            media.table,
        ),
        static,
        problems,
        media,
        card_store(config, read_only),
        folders,
    )


def render_site(config: SiteConfig) -> BuildResult:
    """The whole site in memory, checked, in one process; raise ContentError listing every error. Nothing is
    written: tests read the files, and compare them with what builds and the preview write."""
    prepared = prepare(config)
    staging = InMemory(config.output_dir, keep=True)
    build_prepared(prepared, jobs=1, staging=staging)
    return BuildResult(staging.files or {}, prepared.problems.problems, prepared.site)


def build(
    config: SiteConfig, jobs: int | None = None, force: bool = False, checked: Checked | None = None
) -> BuildResult:
    """Render into a staging folder (pages in parallel on large sites), check, then swap it into place.

    A failed build throws the staging folder away: the previous output stays exactly as it was. When nothing
    changed since the last build (same inputs, output untouched), nothing is rendered or written. After an
    edit to content only the pages it affects are rendered again, the rest carried over (records.py); `force`
    renders everything. An output folder that must not be replaced (output_folder.py) stops the build before
    anything is read. `checked`: that first step (uptodate.py), when the caller has made it already.
    """
    checked = checked or check_build(config, force)
    files, inputs = checked.files, checked.inputs
    if checked.up_to_date:
        return BuildResult({}, manifest.saved_problems(config), None, up_to_date=True)
    frame = records.frame_of(config)
    with _loading():
        previous = None if force else records.load(config, frame, files)
        prepared = prepare(config, parity=False, known=previous.folders if previous else None, listing=inputs.listing)
        redo = records.redo(previous, prepared.renderer, prepared.folders or {}) if previous else None
    try:
        if previous and redo:
            prepared.renderer.used_strings |= previous.used_strings  # those of the pages kept
        records.forget(config)  # until this build is in place: a failure must not leave records of another output
        outcome = build_prepared(prepared, jobs, reads=True, redo=redo, checked=checked)
        manifest.record(config, inputs, prepared.problems.problems, outcome.written)
        written = manifest.files_fingerprint(outcome.written)
        made = (outcome.index, outcome.page_problems, prepared.renderer, prepared.folders or {})
        records.save(config, records.after_build(previous, frame, written, prepared.site.model, *made))
        texts = sum(len(item.texts) for item in prepared.site.model.items.values())
        prepared.renderer.views.markdown.prune(lambda: _bodies(prepared.site), texts)
        prepared.renderer.views.markdown.close()  # its file whole now, not when the collector gets to it
        cards = _cards(prepared)
        cards.prune()
        return BuildResult(
            {}, prepared.problems.problems, prepared.site, written=len(outcome.written), cards_drawn=cards.drawn
        )
    finally:
        if checked.watch is not None:  # dropped when asked, before the swap; here when the build failed earlier
            checked.watch.close()
        gc.unfreeze()  # a long-lived caller (tests, the preview) may free this build's objects again


@contextmanager
def _loading() -> Iterator[None]:
    """Loading makes a million objects that live as long as the build (the model, the records): Python's
    collector, left on, walks them again and again as they are made (0.25 of the 0.5 s the records take to
    load at 10,000 pages). Off while loading, then frozen: later collections leave them alone."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def build_prepared(
    prepared: Prepared,
    jobs: int | None = None,
    track: bool = False,
    staging: Staging | None = None,
    reads: bool = False,
    redo: Redo | None = None,
    checked: Checked | None = None,
) -> Outcome:
    """Render a prepared site into a staging folder, check it, then swap it into place; raise ContentError
    and leave the output as it was. With `track`, the outcome also holds what the preview keeps: each file's
    digest, each page's scan and what it read; with `reads`, what each page read and raised (for records.py).
    `redo`: render only those files, keep the others, starting from the spare; `checked`: the first step
    (uptodate.py): the spare looked for, the output watched (watch.py). `staging`: perhaps writer.InMemory."""
    config = prepared.config
    cards = _cards(prepared).files(prepared.renderer.cards(prepared.site.pages), jobs)  # before the staging
    staging = staging or Staging(
        config.output_dir, ledger(config), redo is not None, checked.spare if checked else None
    )
    try:
        try:
            outcome = render_into(
                prepared.renderer,
                prepared.site.pages,
                ChainMap(cards, prepared.static_files()),  # type: ignore[arg-type]  # read only
                staging,
                jobs,
                track,
                keep_scans=not staging.readable,
                reads=reads,
                redo=redo,
            )
        except WriteError as exc:  # two files on one path: slugs are checked before, so only a template can
            raise ContentError([Problem(config.rel(config.output_dir), message=str(exc))]) from None
        except WorkerDied as exc:  # its staging folder is thrown away below, once every helper has ended
            raise ContentError(
                [Problem(config.rel(config.output_dir), message=f"{exc}; the previous output is untouched")]
            ) from None
        staging.prune(outcome.written)  # a recycled spare: what this build did not write or keep goes
        _check_anchors(staging, outcome, prepared.problems)
        prepared.problems.raise_errors()
        used = prepared.renderer.used_strings | strings_left_out(config)
        check_unused(prepared.renderer.strings, used, read_templates(config), prepared.problems)
        prepared.problems.raise_errors()
        if config.search and not isinstance(staging, InMemory):  # in memory (`check`, tests): no folder to index
            write_index(config, staging, outcome)
        staging.commit(outcome.written, checked.watch if checked else None)
    finally:
        staging.abort()
    return outcome


def check_site(config: SiteConfig) -> list[Problem]:
    """`check`: the build without the write (in parallel on a large site); raise ContentError listing every
    error, else return the warnings. Writes nothing at all: no page, no manifest, no cache. A bad output folder
    is reported too, though nothing would be written there."""
    check_output(config)
    prepared = prepare(config, read_only=True)
    build_prepared(prepared, staging=InMemory(config.output_dir))
    return prepared.problems.problems


def _cards(prepared: Prepared) -> CardStore:
    if prepared.cards is None:
        prepared.cards = card_store(prepared.config)
    return prepared.cards


def _check_anchors(staging: Staging, outcome: Outcome, problems: Collector) -> None:
    """The links to an anchor on another page, now that every page exists: its anchors are in the outcome's
    scans, or read back from the staging folder."""
    found: dict[str, set[str] | None] = {}

    def ids_of(target: str) -> set[str] | None:
        if target in outcome.scans:
            return outcome.scans[target].ids
        if target not in found:
            try:  # None for a page that failed to render (its problem is reported already)
                found[target] = scan(staging.read(target).decode(errors="replace")).ids
            except OSError:
                found[target] = None
        return found[target]

    check_anchors(outcome.deferred, lambda t: ids_of(t) if t.endswith(".html") else None, problems)


def _bodies(site: Site) -> Iterator[tuple[str, str]]:
    """(body, language) of every text: what the Markdown cache must keep."""
    return ((text.body, text.lang) for item in site.model.items.values() for text in item.texts.values())
