"""The build manifest: a fingerprint of every input and of the output, so an unchanged site is not rebuilt.

A build that finds the same inputs (sources, templates, static files, strings, config, the engine and the
libraries it runs on (engine.py's key), the commit the dates of outdated originals come from, the options
given) and an output folder exactly as the last build left it writes nothing at all. Stored in
`.cache/` beside the config (ignored by git); a missing or unreadable manifest simply means "build".
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mecasite.build.output_folder import files_below
from mecasite.config.engine import engine_key
from mecasite.config.settings import SiteConfig
from mecasite.problems import Problem

Listed = list[tuple[str, os.stat_result]]  # a folder's entries as a walk saw them: name and `lstat`
RACY_NS = 3_000_000_000  # a file changed this recently may change again with the same size and time stamp


@dataclass(frozen=True)
class Inputs:
    """A fingerprint of the inputs: `stamp` from every file's size, times and inode; `racy`, the contents'
    digests of the files changed too recently for their time stamps to tell a later edit (see
    `tree_fingerprint`)."""

    stamp: str
    racy: tuple[tuple[str, str], ...] = ()
    # What the walk saw in each folder: its entries' names with their `lstat`, by the folder's path as walked.
    # A build reads its item folders' signatures here (build/reading.py) instead of walking them again.
    listing: Mapping[str, Listed] = field(default_factory=dict, compare=False, repr=False)


def tree_fingerprint(paths: list[Path], now_ns: int | None = None) -> Inputs:
    """Every file's path, size, modification and change times and inode below `paths` (files or folders), and
    the contents' digests of the files whose times are within seconds of `now_ns` (now by default).

    Time stamps are coarse (a few milliseconds on Linux, two seconds on FAT): an edit made just after a build
    looked at a file can leave its size and times as they were. The next build compares those files'
    contents; any edit to an older file changes its times (git treats its "racy" index entries alike).
    """
    recent = (time.time_ns() if now_ns is None else now_ns) - RACY_NS
    lines: list[str] = []
    racy: list[tuple[str, str]] = []
    listing: dict[str, Listed] = {}

    def add(path: str, st: os.stat_result) -> None:
        lines.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\n")
        if max(st.st_mtime_ns, st.st_ctime_ns) >= recent and stat.S_ISREG(st.st_mode):
            racy.append((path, content_of(path)))

    for root in paths:
        if root.is_file():
            add(str(root), root.stat())
            continue
        stack = [os.fspath(root)]
        while stack:  # depth first, in name order; links are listed, never followed
            folder = stack.pop()
            try:
                with os.scandir(folder) as scan:
                    entries = sorted(scan, key=lambda entry: entry.name)
            except OSError:
                continue
            lines.append(f"{folder}/\n")
            seen = listing[folder] = []
            below = []
            for entry in entries:
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                seen.append((entry.name, st))
                if not stat.S_ISDIR(st.st_mode):
                    add(entry.path, st)
                elif entry.name != "__pycache__":
                    below.append(entry.path)
            stack += reversed(below)
    digest = hashlib.sha256("".join(lines).encode())
    return Inputs(digest.hexdigest(), tuple(racy), listing)


def content_of(path: str) -> str:
    try:
        with open(path, "rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return "unreadable"


def git_dir(start: Path) -> tuple[Path, Path] | None:
    """(the repository's folder for this work tree, its common folder) for the repository `start` is in, as
    git finds it: the nearest `.git` upwards, a folder or a file `gitdir: ...` (a linked worktree, a
    submodule); None outside a repository."""
    for folder in (start.resolve(), *start.resolve().parents):
        dot = folder / ".git"
        try:
            if dot.is_dir():
                gitdir = dot
            elif dot.is_file():
                text = dot.read_text().strip()
                if not text.startswith("gitdir:"):
                    return None
                gitdir = (folder / text[7:].strip()).resolve()
            else:
                continue
            common = gitdir
            if (gitdir / "commondir").is_file():
                common = (gitdir / (gitdir / "commondir").read_text().strip()).resolve()
            return gitdir, common
        except OSError:
            return None
    return None


def _packed(common: Path, ref: str) -> str | None:
    try:
        lines = (common / "packed-refs").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        sha, _, name = line.partition(" ")
        if name.strip() == ref and not line.startswith(("#", "^")):
            return sha
    return None


def git_commit(start: Path) -> str:
    """The commit checked out where `start` is, read without running git: HEAD detached, or a branch as a
    loose ref or in `packed-refs`, in a plain repository or a linked worktree. The dates of outdated
    originals come from the history below it. "" outside a repository; "unborn <ref>" on a branch with no
    commit yet; git itself answers for a layout this does not read (reftable)."""
    found = git_dir(start)
    if found is None:
        return ""
    gitdir, common = found
    try:
        head = (gitdir / "HEAD").read_text().strip()
    except OSError:
        return _ask_git(start)
    if (common / "reftable").is_dir():
        return _ask_git(start)
    for _ in range(5):  # a symbolic ref may point to another
        if not head.startswith("ref:"):
            return head if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", head) else _ask_git(start)
        ref = head[4:].strip()
        for folder in (gitdir, common):  # per-worktree refs first, then the shared ones
            try:
                head = (folder / ref).read_text().strip()
                break
            except OSError:
                continue
        else:
            packed = _packed(common, ref)
            if packed is None:
                return f"unborn {ref}"
            head = packed
    return _ask_git(start)


def _ask_git(start: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=start, capture_output=True, text=True, timeout=10)
        return out.stdout.strip() if out.returncode == 0 else f"git failed: {out.stderr.strip()[:200]}"
    except (OSError, subprocess.SubprocessError) as exc:
        return f"git failed: {exc}"


def inputs_fingerprint(config: SiteConfig, options: Mapping[str, object]) -> Inputs:
    """Everything a build reads, and how it was asked to build."""
    sources = [config.root / config.path, config.content_dir, config.templates_dir, config.static_dir, config.i18n_dir]
    extra = {
        "options": options,
        "base_url": config.base_url,
        "out": str(config.output_dir),
        "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
        "engine": engine_key(),
        # The dates of outdated originals and of the feeds' entries come from the history below this commit.
        "git": git_commit(config.root),
    }
    files = tree_fingerprint([p for p in sources if p.exists()])
    return Inputs(files.stamp + json.dumps(extra, sort_keys=True), files.racy, files.listing)


def _path(config: SiteConfig) -> Path:
    key = hashlib.sha256(str(config.output_dir).encode()).hexdigest()[:16]
    return config.cache_dir / f"manifest-{key}.json"


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


def saved(config: SiteConfig) -> dict[str, Any] | None:
    """What the last build recorded (see `record`), or None."""
    try:
        found = json.loads(_path(config).read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def is_up_to_date(
    config: SiteConfig,
    inputs: Inputs,
    files: list[tuple[str, int, int]] | None = None,
    last: dict[str, Any] | None = None,
) -> bool:
    """True when the last build had these inputs and its output is untouched since: the same time stamps,
    and the same contents in the files that were changed just before it looked. `files`: the output's files,
    if they were just walked; `last`: what the last build recorded, if it was just read (`saved`)."""
    last = saved(config) if last is None else last
    if last is None or last.get("inputs") != inputs.stamp:
        return False
    try:
        racy = [(str(path), str(digest)) for path, digest in last.get("racy", [])]
    except (TypeError, ValueError):
        return False
    return (
        all(content_of(path) == digest for path, digest in racy)
        and config.output_dir.is_dir()
        and last.get("output") == (output_fingerprint(config.output_dir) if files is None else files_fingerprint(files))
    )


def saved_problems(config: SiteConfig) -> list[Problem]:
    """The warnings of the build recorded last, to repeat them when nothing is rebuilt."""
    try:
        return [Problem(**p) for p in json.loads(_path(config).read_text()).get("problems", [])]
    except (OSError, ValueError, TypeError):
        return []


def record(
    config: SiteConfig, inputs: Inputs, problems: list[Problem], written: Iterable[tuple[str, int, int]]
) -> None:
    """Remember this build and the files it wrote (path, size, modification time), so that the next build
    can tell whether the output is still as it left it. Written atomically; a failure to write only costs the
    next build its shortcut."""
    path = _path(config)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
        tmp.write_text(
            json.dumps(
                {
                    "out": str(config.output_dir),
                    "inputs": inputs.stamp,
                    "racy": inputs.racy,
                    "output": files_fingerprint(written),
                    "problems": [p.as_dict() for p in problems],
                }
            )
        )
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
