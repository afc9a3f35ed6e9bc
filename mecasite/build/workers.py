"""Rendering a prepared site into the staging folder: on a large site, by this process and forked ones, one
per core in all.

Each process renders its share of the pages (one of them the extra files too: feeds, sitemap, root page),
writes them straight into the staging folder and checks their links there, against the list of every path
the build writes, so that no page travels back to the parent. What comes back is small: problems, the
interface strings used, the links to an anchor on another page (checked once every page exists), and the
files written; for the preview (`track`), also what it keeps of each page: digest, links and anchors, what
the page read, and the list cards; the feeds' entries too, for the preview or the records. The model is loaded
once, before the fork; a forked process copies the memory pages of it that it touches, which is why the
building process renders a share too.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from mecasite.build.links import Deferred, Scan, check_page, scan
from mecasite.build.processes import CAN_FORK, Sent, Tickets, fork_pool, share
from mecasite.build.writer import Staging, content_digest
from mecasite.problems import Collector, Problem
from mecasite.render.body_links import merge_fallback_copies
from mecasite.render.feeds import kept_entries
from mecasite.render.memo import Deps, Entry, Key, Read
from mecasite.render.renderer import Renderer
from mecasite.site.resolve import Page
from mecasite.site.targets import Targets

if TYPE_CHECKING:  # the pool's module is imported where a pool is made (processes.py)
    from concurrent.futures import Future

PARALLEL_FROM = 400  # pages; below this, forking costs more than it saves
SLICES_PER_JOB = 24  # small results, streamed back; and a short last slice, so no core waits long at the end
MEMO_KEPT = 500  # converted bodies and cards a render process keeps at most: memory stays flat as the site grows
EXTRAS = -1  # the task that renders the extra files


@dataclass
class Outcome:
    """What rendering left to the build: problems are in the renderer's collector."""

    deferred: list[Deferred] = field(default_factory=list)  # links.check_page
    written: list[tuple[str, int, int]] = field(default_factory=list)  # see Staging.written
    # With `track` (the preview): for each file, the digest of its bytes; for each page, its scan (also with
    # `keep_scans`) and what it read, as (item, language) metas and bodies.
    digests: dict[str, bytes] = field(default_factory=dict)
    scans: dict[str, Scan] = field(default_factory=dict)
    deps: Deps = field(default_factory=dict)
    # With `reads` (a build that records what it did, for the next one to be incremental): the pages by what
    # they read, metas and bodies, inverted as the pages come back (records.py keeps it; lists, as each page
    # comes back once: a set per read was 14 MB at 10,000 pages, lists 3 MB), and the problems found while
    # rendering each page, kept ones included, before merging.
    index: tuple[dict[Read, list[str]], dict[Read, list[str]]] = field(default_factory=lambda: ({}, {}))
    page_problems: dict[str, list[Problem]] = field(default_factory=dict)


@dataclass(frozen=True)
class Redo:
    """What an incremental build renders again (changes.plan), and the problems the last build found in the
    files it keeps (build/records.py)."""

    paths: frozenset[str]  # pages
    extras: frozenset[str] | None  # extra files; None: all of them
    problems: dict[str, list[Problem]]  # by output path; a path without problems may have no entry


@dataclass(frozen=True)
class _Job:
    """Everything a render process needs, inherited through fork."""

    renderer: Renderer
    pages: tuple[Page, ...]
    extras: dict[str, Callable[[], bytes | None]]
    staging: Staging
    targets: Targets
    extra_deps: Deps | None  # filled by the extra files as they render, when tracking or recording reads
    keep_scans: bool  # send back each page's links and anchors (tracking does too)
    track: bool  # the preview: digests, scans and list cards too


def render_into(
    renderer: Renderer,
    pages: tuple[Page, ...],
    static: Mapping[str, bytes],
    staging: Staging,
    jobs: int | None = None,
    track: bool = False,
    keep_scans: bool = False,
    reads: bool = False,
    redo: Redo | None = None,
) -> Outcome:
    """Render every page and extra file, and write them and `static` into `staging`, links checked. With
    `track`, the outcome holds what the preview keeps; with `keep_scans`, each page's links and anchors; with
    `reads`, what each page read and the problems it raised. With `redo` (an incremental build), only its
    pages and extra files are rendered; every other file is kept from the current output."""
    extra_deps: Deps | None = {} if track or reads else None
    extras = renderer.extras(extra_deps)
    staging.claim([p.output_path for p in pages] + sorted({*extras, *static}))
    start = len(staging.written)
    for path, data in static.items():
        staging.write(path, data)
    all_paths = frozenset(p.output_path for p in pages) | frozenset(extras) | frozenset(static)
    kept: list[str] = []
    if redo is not None:
        again = redo.paths | (extras.keys() if redo.extras is None else redo.extras)
        kept = sorted(all_paths - frozenset(static) - again)  # a set: `- static.keys()` asked the ChainMap per path
        staging.keep(kept)
        pages = tuple(p for p in pages if p.output_path in redo.paths)
        extras = {path: make for path, make in extras.items() if path in again}
    outcome = Outcome(written=staging.written[start:])  # the tasks' files come back with their results
    if redo is not None:  # what the kept files raised, as if they had been rendered again
        for path in kept:
            renderer.problems.extend(redo.problems.get(path, ()))
            outcome.page_problems[path] = redo.problems.get(path, [])
    if track:
        outcome.digests = {path: content_digest(data) for path, data in static.items()}
    targets = Targets(all_paths, renderer.site.config.base_path)
    renderer.views.targets = targets  # bodies' links are checked against it where they are converted
    job = _Job(renderer, pages, extras, staging, targets, extra_deps, keep_scans or track, track)
    jobs = jobs or ((os.cpu_count() or 1) if len(pages) >= PARALLEL_FROM else 1)
    forked = jobs > 1 and CAN_FORK

    def merge(result: _TaskResult) -> None:  # each task's result as it comes back
        renderer.problems.extend(result.problems)
        renderer.used_strings |= result.used_strings
        outcome.deferred += result.deferred
        outcome.written += result.written
        outcome.digests.update(result.digests)
        outcome.scans.update(result.scans)
        if track:
            outcome.deps.update(result.deps)
        if reads:
            metas, bodies = outcome.index
            for path, (meta, body) in result.deps.items():
                for read in meta:
                    metas.setdefault(read, []).append(path)
                for read in body:
                    bodies.setdefault(read, []).append(path)
        outcome.page_problems.update(result.page_problems)
        for key, entry in result.kept if forked else ():  # the next edit (preview) or build need not make them
            renderer.views.memo.put(key, *entry)

    if forked:
        _render_forked(job, jobs, merge)
    else:
        merge(_render_task(job, (EXTRAS, 1)))
        merge(_render_task(job, (0, 1)))
    # One problem for a link that fails on several pages showing one text; sorted, so that the report does
    # not depend on which process finished first.
    renderer.problems.replace_all(merge_fallback_copies(renderer.problems.problems))
    return outcome


@dataclass
class _TaskResult:
    """What one task sends back; the last four only when tracking (see Outcome)."""

    problems: list[Problem]
    used_strings: set[str]
    deferred: list[Deferred]
    written: list[tuple[str, int, int]]
    digests: dict[str, bytes] = field(default_factory=dict)
    scans: dict[str, Scan] = field(default_factory=dict)
    deps: Deps = field(default_factory=dict)
    # Memo entries for the parent: the list cards rendered (tracking), the feeds' entries (tracking or reads)
    kept: list[tuple[Key, Entry]] = field(default_factory=list)
    page_problems: dict[str, list[Problem]] = field(default_factory=dict)


def _render_task(job: _Job, task: tuple[int, int]) -> _TaskResult:
    """Render the `index`-th of `count` runs of the pages (or, for EXTRAS, the extra files), write and check
    them."""
    index, count = task
    renderer, staging, track, reads = job.renderer, job.staging, job.track, job.extra_deps is not None
    checked = Collector()
    problems_before, written_before = len(renderer.problems.problems), len(staging.written)
    memo_before = len(renderer.views.memo.entries)
    deps: Deps | None = {} if reads else None
    files: Iterator[tuple[str, bytes | None]]
    if index == EXTRAS:
        files = ((path, make()) for path, make in job.extras.items())
    else:
        pages = job.pages
        files = renderer.render_pages(pages[len(pages) * index // count : len(pages) * (index + 1) // count], deps)
    result = _TaskResult([], set(), [], [])
    mark = len(renderer.problems.problems)  # problems raised so far: the next ones are the next file's
    for path, data in files:
        if reads:
            result.page_problems[path] = renderer.problems.problems[mark:]
            mark = len(renderer.problems.problems)
        if data is None:
            continue
        staging.write(path, data)
        if path.endswith(".html"):
            html = data.decode()
            found = scan(html)
            before = len(checked.problems)
            result.deferred += check_page(
                path, found, job.targets, checked, renderer.source_of, renderer.views.checked_links
            )
            if job.keep_scans:
                result.scans[path] = found
            if reads:
                result.page_problems[path] += checked.problems[before:]
        if track:
            result.digests[path] = content_digest(data)
        else:
            renderer.views.memo.trim(MEMO_KEPT)  # the preview keeps its memo: it saves its later updates
    renderer.views.markdown.save()  # a render process may be ended as soon as its last task is back
    result.problems = renderer.problems.problems[problems_before:] + checked.problems
    result.used_strings = renderer.used_strings
    result.written = staging.written[written_before:]
    if job.extra_deps is not None and deps is not None:  # tracking or recording reads
        # As tuples, no longer sets: 10 -> 1.6 MB at 10,000 pages, in the parent until the build ends
        result.deps = {
            path: (tuple(m), tuple(b)) for path, (m, b) in (job.extra_deps if index == EXTRAS else deps).items()
        }
    if track:
        result.kept = [
            (key, entry)
            for key, entry in list(renderer.views.memo.entries.items())[memo_before:]
            if key[0] == "partial"
        ]
    if index == EXTRAS and reads:  # the feeds' entries, for the records or the preview (render/feeds.py)
        result.kept += kept_entries(renderer.views.memo).items()
    return result


_FORKED: tuple[_Job, int, Tickets, Sent] | None = None  # what forked workers inherit: the job, its slices


def _forked_task(task: tuple[int, int]) -> _TaskResult:
    assert _FORKED is not None
    return _render_task(_FORKED[0], task)


def _forked_slices() -> None:
    """Each slice nobody has taken, rendered, its result sent back at once, until none is left."""
    assert _FORKED is not None
    job, slices, tickets, sent = _FORKED
    while (index := tickets.take()) is not None:
        sent.send(index, _render_task(job, (index, slices)))
    sent.end()


def _render_forked(job: _Job, jobs: int, merge: Callable[[_TaskResult], None]) -> None:
    """The tasks shared by this process and `jobs - 1` forked ones: the extra files (the longest single task)
    in a forked process, then the slices of the pages, each to the first process free to take it
    (processes.Tickets), a forked one sending each result back as soon as it has it (processes.Sent), each
    result `merge`d as it comes (the readers' index made meanwhile). This process renders its share too: it
    holds the loaded site anyway, and every forked process touches most of it and so copies it (reference
    counts are writes): one process fewer is one copy fewer (10,000 pages: 304 -> 246 MB at the peak). The
    slices are runs of whole items, an item's pages in every language together, so that each process touches
    mostly the items it renders, not a page of every item (250 -> 232 MB)."""
    global _FORKED
    job = replace(job, pages=tuple(sorted(job.pages, key=lambda page: page.item or ("", ""))))  # lists first
    job.renderer.compile_templates()
    job.renderer.views.markdown.close()  # each process opens its own connection to the cache
    gc.collect()
    gc.freeze()  # the loaded model is never garbage: render processes neither walk nor copy it
    slices = min(jobs * SLICES_PER_JOB, Tickets.MOST)
    tickets, sent = Tickets(slices), Sent()
    _FORKED = (job, slices, tickets, sent)
    try:
        with fork_pool(jobs - 1, "render") as pool:
            extras = pool.submit(_forked_task, (EXTRAS, 1))  # forks
            helpers: list[Future[Any]] = [extras, *(pool.submit(_forked_slices) for _ in range(jobs - 1))]

            def mine(index: int) -> None:
                merge(_render_task(job, (index, slices)))

            share(tickets, sent, helpers, jobs - 1, mine, lambda _, result: merge(result))
            merge(extras.result())
    finally:
        tickets.close()
        sent.close()
        _FORKED = None
