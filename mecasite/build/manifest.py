"""The build manifest: a fingerprint of every input and of the output, so an unchanged site is not rebuilt.

A build that finds the same inputs (sources, templates, static files, strings, config, the engine itself, the
options given) and an output folder exactly as the last build left it writes nothing at all. Stored in
`.cache/` beside the config (ignored by git); a missing or unreadable manifest simply means "build".
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable

from mecasite.config.settings import SiteConfig
from mecasite.problems import Problem
from mecasite.build.output_folder import files_below

ENGINE = Path(__file__).resolve().parents[1]  # the whole mecasite package
CACHE = ".cache"


def tree_fingerprint(paths: list[Path]) -> str:
    """A digest of every file's path, size and modification time below `paths` (files or folders)."""
    digest = hashlib.sha256()
    for root in paths:
        if root.is_file():
            st = root.stat()
            digest.update(f"{root}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            digest.update(f"{folder}/\n".encode())
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _git_head(root: Path) -> str:
    """The current commit, read from .git without running git (dates of outdated originals depend on it)."""
    head = root / ".git" / "HEAD"
    try:
        text = head.read_text().strip()
        if text.startswith("ref: "):
            ref = root / ".git" / text[5:]
            return ref.read_text().strip() if ref.exists() else text
        return text
    except OSError:
        return ""


def inputs_fingerprint(config: SiteConfig, options: dict) -> str:
    """Everything a build reads, and how it was asked to build."""
    sources = [config.root / config.path, config.content_dir, config.templates_dir, config.static_dir,
               config.i18n_dir, ENGINE]
    extra = {"options": options, "base_url": config.base_url, "out": str(config.output_dir),
             "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""), "git": _git_head(config.root)}
    return tree_fingerprint([p for p in sources if p.exists()]) + json.dumps(extra, sort_keys=True)


def _path(config: SiteConfig) -> Path:
    key = hashlib.sha256(str(config.output_dir).encode()).hexdigest()[:16]
    return config.root / CACHE / f"manifest-{key}.json"


def output_fingerprint(out: Path) -> str:
    """The output folder as it is now: every file's path, size and modification time."""
    return files_fingerprint(files_below(out))


def files_fingerprint(files: Iterable[tuple[str, int, int]]) -> str:
    """A digest of (path relative to the output folder, size, modification time in ns) entries: the same
    whether a build lists what it wrote or a later one walks the folder."""
    digest = hashlib.sha256()
    for path, size, mtime in sorted(files):
        digest.update(f"{path}\0{size}\0{mtime}\n".encode())
    return digest.hexdigest()


def is_up_to_date(config: SiteConfig, inputs: str) -> bool:
    """True when the last build had these inputs and its output is untouched since."""
    try:
        saved = json.loads(_path(config).read_text())
    except (OSError, ValueError):
        return False
    return (saved.get("inputs") == inputs and config.output_dir.is_dir()
            and saved.get("output") == output_fingerprint(config.output_dir))


def saved_problems(config: SiteConfig) -> list[Problem]:
    """The warnings of the build recorded last, to repeat them when nothing is rebuilt."""
    try:
        return [Problem(**p) for p in json.loads(_path(config).read_text()).get("problems", [])]
    except (OSError, ValueError, TypeError):
        return []


def record(config: SiteConfig, inputs: str, problems: list[Problem], written: Iterable[tuple[str, int, int]]) -> None:
    """Remember this build and the files it wrote (path, size, modification time), so that the next build
    can tell whether the output is still as it left it. Written atomically; a failure to write only costs the
    next build its shortcut."""
    path = _path(config)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps({"out": str(config.output_dir), "inputs": inputs,
                                   "output": files_fingerprint(written),
                                   "problems": [p.as_dict() for p in problems]}))
        os.replace(tmp, path)
    except OSError:
        pass
    _forget_gone(path.parent)


def _forget_gone(folder: Path) -> None:
    """Remove the manifests of output folders that no longer exist (one is kept per folder built: builds into
    temporary folders would otherwise leave theirs behind forever)."""
    for other in folder.glob("manifest-*.json"):
        try:
            out = json.loads(other.read_text()).get("out")
            if not out or not Path(out).is_dir():
                other.unlink()
        except (OSError, ValueError, AttributeError):
            other.unlink(missing_ok=True)
