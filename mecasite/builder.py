"""The build pipeline: config -> sources -> model -> resolved site -> rendered files -> atomic write.

Everything is gathered, validated, rendered and link-checked in memory before the first byte is written, so
`check` is the build without the write, and a failed build leaves the previous output untouched.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest
from .checks import check_signatures
from .config import SiteConfig
from .content import load_content
from .i18n import check_unused, load_strings
from .links import check_links, line_in, scan, scan_files
from .problems import Collector, ContentError, Problem
from .render import Renderer
from .resolve import Site, resolve_site
from .translations import check_translations, outdated
from .writer import Staging, WriteError, safe_relative


@dataclass
class BuildResult:
    files: dict[str, bytes]  # in memory (render_site); empty after `build`, which writes as it renders
    problems: list[Problem] = field(default_factory=list)
    site: Site | None = None
    written: int = 0
    up_to_date: bool = False  # nothing changed since the last build: nothing was written


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


def last_changed(root: Path, path: str) -> dt.date | None:
    """The date of the last commit that changed `path`, if the project is a git repository (else None).

    From the commit, not the file's modification time, so that every clone builds the same page.
    """
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", path], cwd=root, capture_output=True,
                             text=True, timeout=10)
        return dt.date.fromisoformat(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


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

    def static_files(self) -> dict[str, bytes]:
        """The static files as output files (`static/site.css`)."""
        return {f"static/{name}": data for name, data in self.static.items()}


def prepare(config: SiteConfig) -> Prepared:
    """Load, validate and resolve; raise ContentError listing every error found so far."""
    problems = Collector()
    model = load_content(config, problems)
    strings = load_strings(config, problems)
    static = read_static(config, problems)
    problems.raise_errors()
    site = resolve_site(config, model, problems)
    check_signatures(model, problems)
    check_translations(config, model, problems)
    problems.raise_errors()
    notices = {}
    if config.outdated_notice:
        sources = outdated(config, model)
        dates = {path: last_changed(config.root, path) for path in set(sources.values())}
        notices = {key: dates[path] for key, path in sources.items()}
    return Prepared(config, site, Renderer(site, strings, problems, static, notices), static, problems)


def _finish(prepared: Prepared, scans: dict, paths: set[str], line_of) -> None:
    """The checks on the rendered whole: unused strings, safe paths, links and anchors."""
    config, problems = prepared.config, prepared.problems
    check_unused(prepared.renderer.strings, prepared.renderer.used_strings, read_templates(config), problems)
    problems.raise_errors()
    for path in paths:
        try:
            safe_relative(path)
        except WriteError as exc:
            raise ContentError([Problem(path, message=str(exc))]) from None
    check_links(scans, paths, config.base_path, problems, line_of, label=f"{config.output_dir.name}/")
    problems.raise_errors()


def render_in_memory(prepared: Prepared, deps: dict | None = None) -> tuple[dict[str, bytes], dict]:
    """Every output file, in one process, checked; with `deps`, what each page read (see `render_pages`).
    Returns the files and their pages' scans."""
    files = dict(prepared.renderer.render_pages(prepared.site.pages, deps))
    files.update(prepared.renderer.render_extras(deps))
    files.update(prepared.static_files())
    prepared.renderer.views.markdown.save()
    prepared.problems.raise_errors()
    scans, line_of = scan_files(files)
    _finish(prepared, scans, set(files), line_of)
    return files, scans


def render_site(config: SiteConfig) -> BuildResult:
    """The whole site in memory, checked, in one process; raise ContentError listing every error."""
    prepared = prepare(config)
    files, _ = render_in_memory(prepared)
    return BuildResult(files, prepared.problems.problems, prepared.site)


def build(config: SiteConfig, jobs: int | None = None, force: bool = False) -> BuildResult:
    """Render into a staging folder (pages in parallel on large sites), check, then swap it into place.

    A failed build throws the staging folder away: the previous output stays exactly as it was. When nothing
    changed since the last build (same inputs, output untouched), nothing is rendered or written.
    """
    inputs = manifest.inputs_fingerprint(config, {})
    if not force and manifest.is_up_to_date(config, inputs):
        return BuildResult({}, manifest.saved_problems(config), None, up_to_date=True)
    prepared = prepare(config)
    staging = Staging(config.output_dir)
    try:
        scans, paths = _render_staged(prepared, staging, jobs)
        prepared.problems.raise_errors()

        def line_of(path: str, href: str) -> int:
            return line_in(staging.read(path).decode(errors="replace"), href)

        _finish(prepared, scans, paths, line_of)
        staging.commit()
    finally:
        staging.abort()
    manifest.record(config, inputs, prepared.problems.problems)
    prepared.renderer.views.markdown.prune(lambda: _bodies(prepared.site))
    return BuildResult({}, prepared.problems.problems, prepared.site, written=len(paths))


def _bodies(site: Site):
    """(body, language) of every text: what the Markdown cache must keep."""
    return ((text.body, text.lang) for item in site.model.items.values() for text in item.texts.values())


def _render_staged(prepared: Prepared, staging: Staging, jobs: int | None) -> tuple[dict, set[str]]:
    pages = prepared.site.pages
    jobs = jobs or (os.cpu_count() or 1 if len(pages) >= PARALLEL_FROM else 1)
    extras = prepared.renderer.render_extras()
    extras.update(prepared.static_files())
    staging.claim([p.output_path for p in pages] + sorted(extras))
    scans: dict = {}
    for path, data in extras.items():
        staging.write(path, data)
        if path.endswith(".html"):
            scans[path] = scan(data.decode())
    if jobs <= 1 or not hasattr(os, "fork"):
        scans.update(_render_slice(prepared.renderer, pages, staging, 0, 1)[0])
    else:
        scans.update(_render_forked(prepared, staging, jobs))
    return scans, {p.output_path for p in pages} | set(extras)


PARALLEL_FROM = 400  # pages; below this, forking costs more than it saves
SLICES_PER_JOB = 8
MARKDOWN_KEPT = 500  # converted bodies a render process keeps at most (memory stays flat as the site grows)
_FORKED: tuple | None = None  # what forked workers inherit: (renderer, pages, staging)


def _render_slice(renderer: Renderer, pages, staging: Staging, index: int, count: int):
    """Render every `count`-th page from `index` into the staging folder; return their scans and news."""
    before = len(renderer.problems.problems)
    scans = {}
    for path, data in renderer.render_pages(pages[index::count]):
        staging.write(path, data)
        if path.endswith(".html"):
            scans[path] = scan(data.decode())
        if len(renderer.views._rendered) > MARKDOWN_KEPT:  # a body is needed again only for a quote or two
            renderer.views._rendered.clear()
    renderer.views.markdown.save()  # a render process may be ended as soon as its last slice is back
    return scans, renderer.problems.problems[before:], renderer.used_strings


def _forked_slice(args: tuple[int, int]):
    renderer, pages, staging = _FORKED
    return _render_slice(renderer, pages, staging, *args)


def _die_with_parent() -> None:
    """A worker must not outlive a build that was killed: it would go on writing into a staging folder that
    the next build has already cleaned away (Linux: PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def _render_forked(prepared: Prepared, staging: Staging, jobs: int) -> dict:
    """Pages rendered by `jobs` forked processes that share the loaded model. Each takes slices of the pages
    in turn; their anchors, links and problems come back slice by slice (problems sorted at the end, so the
    report does not depend on which process finished first)."""
    import multiprocessing

    global _FORKED
    _FORKED = (prepared.renderer, prepared.site.pages, staging)
    prepared.renderer.views.markdown.close()  # each process opens its own connection to the cache
    gc.collect()
    gc.freeze()  # the loaded model is never garbage: render processes neither walk nor copy it
    scans: dict = {}
    slices = jobs * SLICES_PER_JOB  # smaller results, streamed back: the parent never holds them all twice
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_die_with_parent) as pool:
            tasks = [(i, slices) for i in range(slices)]
            for worker_scans, problems, used in pool.imap_unordered(_forked_slice, tasks):
                scans.update(worker_scans)
                prepared.problems.extend(problems)
                prepared.renderer.used_strings |= used
    finally:
        _FORKED = None
    prepared.problems.problems.sort()
    return scans
