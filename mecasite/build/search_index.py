"""The search index: Pagefind (PyPI `pagefind[bin]`, a Rust indexer made for static sites) run on the pages a
build wrote, before the swap.

Pagefind reads the rendered pages of a folder and files each under its `<html lang>`, one index per
language, indexing only what is inside `data-pagefind-body` (the `<main>` of the pages worth finding; the
share links and notices inside it carry `data-pagefind-ignore`). It writes its bundle into `.cache/pagefind/`,
never into the site: the build then writes the files the site uses through the writer (`pagefind/`), so a
failed build leaves the previous output, index included, untouched.

The bundle is keyed by a digest of Pagefind's version and of every page it would read: a build whose pages
did not change reuses it without running the indexer. Its index and fragment files are named by Pagefind
after their contents (the `_headers` rule caches them for a year); its loader asks for `pagefind-entry.json`
afresh on each visit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from mecasite.build.workers import Outcome
from mecasite.build.writer import Staging, content_digest
from mecasite.config.engine import distributions
from mecasite.config.settings import SiteConfig
from mecasite.problems import ContentError, Problem

BUNDLE = "pagefind"  # the folder of the output that holds the index (search.html's data-bundle)
MARK = b"data-pagefind-body"
COMMAND = (sys.executable, "-m", "pagefind")  # the binary that `pagefind[bin]` installs beside this Python
KEPT = 2  # bundles kept in the cache: this one and the one before (the preview goes back and forth)
# Pagefind's own search interfaces, which the site does not use (static/search.js draws the results).
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")


class SearchIndexError(Exception):
    """Pagefind could not be run, or failed: the message says why."""


def version() -> str:
    """Pagefind's installed version, "" without it: from the list the engine key reads (`importlib.metadata`
    would cost 20 ms of every build to import)."""
    return distributions().get("pagefind", "")


def pages_key(paths: Iterable[str], read: Callable[[str], bytes]) -> str:
    """The digest of what the index is made from: Pagefind's version, and each page it indexes with its bytes."""
    digest = hashlib.sha256(f"pagefind {version()}\n".encode())
    for path in sorted(p for p in paths if p.endswith(".html")):
        data = read(path)
        if MARK in data:
            digest.update(f"{path}\n{len(data)}\n".encode())
            digest.update(data)
    return digest.hexdigest()[:24]


def bundle(cache: Path, site: Path, key: str) -> dict[str, bytes]:
    """The index of the pages in `site` as {output path: bytes}: the one of `cache/pagefind/<key>` if it is
    there, else made now by running Pagefind (a second or so on a few thousand pages). SearchIndexError when
    Pagefind cannot be run or fails."""
    folder = cache / "pagefind" / key
    if not folder.is_dir():
        _run(site, folder, list(COMMAND))
    return {f"{BUNDLE}/{rel}": data for rel, data in _files_below(os.fspath(folder)) if not rel.startswith(UNUSED)}


def _files_below(folder: str) -> list[tuple[str, bytes]]:
    """(path below `folder`, bytes) of its files, in the order of their paths' parts (as sorted `Path`s are):
    one `scandir` per folder, without a path object per file (a third of the time of `rglob`, every build)."""
    found: list[tuple[str, bytes]] = []
    todo = [(folder, "")]
    while todo:
        below, prefix = todo.pop()
        with os.scandir(below) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append((entry.path, f"{prefix}{entry.name}/"))
                elif entry.is_file(follow_symlinks=False):
                    with open(entry.path, "rb") as file:
                        found.append((prefix + entry.name, file.read()))
    return sorted(found, key=lambda item: item[0].split("/"))


def _run(site: Path, folder: Path, command: list[str]) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = folder.with_name(f".{folder.name}-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        done = subprocess.run(
            [*command, "--site", str(site), "--output-path", str(partial), "--silent"],
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise SearchIndexError(f"Pagefind could not be started ({exc})") from None
    if done.returncode != 0 or not (partial / "pagefind.js").is_file():
        shutil.rmtree(partial, ignore_errors=True)
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError(f"Pagefind failed: {lines[-1] if lines else f'exit code {done.returncode}'}")
    entry = partial / "pagefind-entry.json"  # its languages come in any order: sorted, builds are reproducible
    entry.write_text(json.dumps(json.loads(entry.read_text("utf-8")), sort_keys=True, separators=(",", ":")), "utf-8")
    try:
        partial.rename(folder)
    except OSError:  # made meanwhile by another build of the same pages
        shutil.rmtree(partial, ignore_errors=True)
    _prune(folder.parent, keep=folder.name)


def _prune(cache: Path, keep: str) -> None:
    """Keep the newest bundles only: one per state of the pages would grow without end."""
    bundles = sorted(
        (p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.stat().st_mtime
    )
    for old in bundles[:-KEPT]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


def write_index(config: SiteConfig, staging: Staging, outcome: Outcome) -> None:
    """The search index of the pages in the staging folder, written into it through the writer; raise
    ContentError when Pagefind fails (the staging folder is thrown away: the previous output stays)."""
    paths = [path for path, _, _ in outcome.written]
    try:
        files = bundle(config.cache_dir, staging.root, pages_key(paths, staging.read))
    except SearchIndexError as exc:
        raise ContentError(
            [Problem(config.path, message=f"the search index could not be made: {exc}", hint=INDEX_HINT)]
        ) from None
    before = len(staging.written)
    staging.claim(files)
    for path, data in files.items():
        staging.write(path, data)
        if outcome.digests:  # tracked for the preview, which rewrites only what changes
            outcome.digests[path] = content_digest(data)
    outcome.written.extend(staging.written[before:])


INDEX_HINT = "Pagefind comes with the dependencies (pagefind[bin] in pyproject.toml): install them again with make"
