"""The rules for an output folder: which folders a build (or the preview) may replace. Reads, never writes.

A build replaces its output folder whole, so a wrong `--out` or `output_dir` must never reach the swap. Checked
before anything is read or written (so `check` reports a bad `output_dir` too), with one line that says which
setting is wrong, why, and what to choose instead. The writer checks the last rule again just before the swap.

Refused, after following every symbolic link on the way:
- the root of the file system, the home folder, the project folder and any folder that holds it;
- a folder the build reads, or one inside it or holding it: content, templates, static files, interface
  strings, the generator's own code, the project's `.git` and the build cache;
- a path that is a file, and an existing folder that is not empty and that no build made (no marker), or that
  holds a file the last build did not write (see writer.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from mecasite.config.settings import SiteConfig
from mecasite.build.manifest import CACHE, ENGINE
from mecasite.build.writer import NEW_FOLDER as ADVICE, Ledger, RefusedOutput, replace_refusal



def ledger(config: SiteConfig) -> Ledger:
    """Where the files each build wrote are recorded: beside the project's other caches."""
    return Ledger(config.root / CACHE / "outputs")


def check_output(config: SiteConfig) -> None:
    """Raise RefusedOutput (one line, exit code 2) when `config.output_dir` must not be replaced."""
    out = Path(os.path.abspath(config.output_dir))
    real = Path(os.path.realpath(out))
    protected = _protected(config, real)
    refusal = (protected, ADVICE) if protected else replace_refusal(real, ledger(config))
    if refusal:
        reason, advice = refusal
        shown = f"'{_shown(out, config)}'" + (f" (a link to '{_shown(real, config)}')" if real != out else "")
        raise RefusedOutput(f"{config.output_from}: refusing to replace {shown}, {reason} ({advice})")


def _protected(config: SiteConfig, out: Path) -> str | None:
    """Why `out` (real, absolute) is a folder no build may replace, whatever it holds; else None."""
    root = Path(os.path.realpath(config.root))
    if out == Path(out.anchor):
        return "which is the root of the file system"
    if out == Path(os.path.realpath(Path.home())):
        return "which is the home folder"
    if out == root:
        return "which is the project folder itself"
    if root.is_relative_to(out):
        return "which holds the project itself"
    for folder, what in _sources(config):
        real = Path(os.path.realpath(folder))
        if out == real or out.is_relative_to(real):
            return f"which is inside {what} '{_shown(real, config)}/'"
        if real.is_relative_to(out):
            return f"which holds {what} '{_shown(real, config)}/'"
    return None


def _sources(config: SiteConfig) -> list[tuple[Path, str]]:
    """The folders a build reads or keeps, with how a message names them."""
    return [(config.content_dir, "the content folder"), (config.templates_dir, "the templates folder"),
            (config.static_dir, "the static files folder"), (config.i18n_dir, "the interface strings folder"),
            (ENGINE, "the generator's own code"), (config.root / ".git", "the project's git repository"),
            (config.root / CACHE, "the build cache")]


def _shown(path: Path, config: SiteConfig) -> str:
    """A path as the editor knows it: relative to the project, or to the home folder (`~/sites`)."""
    root, home = Path(os.path.realpath(config.root)), Path(os.path.realpath(Path.home()))
    for base, prefix in ((root, ""), (home, "~/")):
        if path != base and path.is_relative_to(base):
            return prefix + path.relative_to(base).as_posix()
    return "~" if path == home else path.as_posix()
