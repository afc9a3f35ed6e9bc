"""The build pipeline: config -> sources -> model -> resolved site -> rendered files -> atomic write.

Everything is gathered, validated, rendered and link-checked in memory before the first byte is written, so
`check` is the build without the write, and a failed build leaves the previous output untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .checks import check_signatures
from .config import SiteConfig
from .content import load_content
from .i18n import check_unused, load_strings
from .links import check_links
from .problems import Collector, ContentError, Problem
from .render import Renderer
from .resolve import Site, resolve_site
from .translations import check_translations, outdated
from .writer import WriteError, safe_relative, write_site


@dataclass
class BuildResult:
    files: dict[str, bytes]
    problems: list[Problem] = field(default_factory=list)
    site: Site | None = None


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


def render_site(config: SiteConfig) -> BuildResult:
    """Load, validate, resolve, render and check; raise ContentError listing every error."""
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
    renderer = Renderer(site, strings, problems, static, notices)
    files = renderer.render_all()
    check_unused(strings, renderer.used_strings, read_templates(config), problems)
    files.update({f"static/{name}": data for name, data in static.items()})
    problems.raise_errors()
    check_links(files, config.base_path, problems, label=f"{config.output_dir.name}/")
    problems.raise_errors()
    for path in files:
        try:
            safe_relative(path)
        except WriteError as exc:
            raise ContentError([Problem(path, message=str(exc))]) from None
    return BuildResult(files, problems.problems, site)


def build(config: SiteConfig) -> BuildResult:
    """Render the whole site, then replace the output folder with it in one swap."""
    result = render_site(config)
    write_site(config.output_dir, result.files)
    return result
