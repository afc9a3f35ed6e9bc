"""When each source file last changed, from git: one `git log` for any number of files.

From the commits, not the files' modification times, so that every clone builds the same pages. One process
walks the history newest first and stops as soon as every asked-for file has its date: a site whose French was
just revised (every translation outdated) costs one fork, not one per file (5 s at 10,000 pages).

A build starts that process early (`start_for_texts`, from the command line, as soon as the first walk of the
content has listed the texts): git walks the history while the build reads the content and imports what
renders, and the build's own call reads the answer (on the real site, 15 to 30 ms of waiting for git gone).
It asks for every text, of which the build needs the actions' and the outdated translations' sources: the
same walk of the history, which stops once those have their dates.

The dates found are kept in `.cache/` with the commit they were read below (`cache`): while the same commit
is checked out, the history below it is the same, and a build after an edit runs no git at all (the texts
listed and git's answer read were 20 ms of it at 10,000 pages).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mecasite.build.manifest import Listed
    from mecasite.config.settings import SiteConfig

_COMMIT = "\x1e"  # starts each commit's line (the record separator, never in a file name), then its files
_STARTED: dict[str, tuple[frozenset[str], subprocess.Popen[str]]] = {}  # project -> the files, the process
CACHE = "history.json"  # in the cache folder: {"commit": ..., "dates": {path: "YYYY-MM-DD" or null}}
_READ: dict[str, tuple[str, dict[str, dt.date | None]]] = {}  # cache file -> (commit, dates) read for the call


def last_changed(
    root: Path, paths: Iterable[str], cache: Path | None = None, keep: bool = True
) -> dict[str, dt.date | None]:
    """path -> the date of the last commit that changed it (None: not committed, or not a git checkout).

    `paths` are relative to `root`, with forward slashes, as git prints them with `--relative`. Answered by
    `cache` (a file) when it holds them all for the commit checked out; else the process started for `root`
    (`start`) is read when it was asked for all of them, or a new one runs, and (with `keep`) the dates found
    are added to `cache`.
    """
    wanted = set(paths)
    if not wanted:
        return {}
    commit, known = _cached(root, cache)
    if wanted <= known.keys():
        forget()
        return {path: known[path] for path in wanted}
    found = _from_git(root, wanted)
    if cache is not None and keep and commit:
        _keep(cache, commit, {**known, **found})
    return found


def _from_git(root: Path, wanted: set[str]) -> dict[str, dt.date | None]:
    found: dict[str, dt.date | None] = dict.fromkeys(wanted)
    started, process = _STARTED.pop(str(root), (frozenset(), None))
    if process is not None and not wanted <= started:
        _stop(process)
        process = None
    process = process or _log(root, wanted)
    if process is None:  # no git on this machine
        return found
    assert process.stdout is not None
    missing = set(wanted)
    date: dt.date | None = None
    try:
        for line in process.stdout:
            line = line.rstrip("\n")
            if line.startswith(_COMMIT):
                date = _date(line[1:])
            elif line in missing:
                found[line] = date
                missing.discard(line)
                if not missing:
                    break  # the rest of the history cannot change a date already found
    finally:
        _stop(process)
    return found


def start(root: Path, paths: Iterable[str]) -> None:
    """Start now the `git log` that `last_changed(root, <some of paths>)` will read."""
    forget()
    wanted = frozenset(paths)
    process = _log(root, wanted) if wanted else None
    if process is not None:
        _STARTED[str(root)] = (wanted, process)


def start_for_texts(config: SiteConfig, listing: Mapping[str, Listed]) -> None:
    """`start` for every text file (`*.md`) that the build's first walk listed in the content folder; none
    when the dates the last build found hold for the commit checked out (`last_changed` reads them)."""
    cache = config.cache_dir / CACHE
    commit, known = _cached(config.root, cache)
    if known:
        forget()
        _READ[str(cache)] = (commit, known)  # for the build's own call, which need not read it again
        return
    content, root = os.fspath(config.content_dir) + os.sep, os.fspath(config.root) + os.sep
    texts = []
    for folder, entries in listing.items():
        if folder.startswith(content):
            # config.rel's rule on strings: a Path per file cost 80 ms for 10,000 texts, on the way to the build
            inside = folder[len(root) :].replace(os.sep, "/") if folder.startswith(root) else Path(folder).as_posix()
            texts += [f"{inside}/{name}" for name, st in entries if name.endswith(".md") and stat.S_ISREG(st.st_mode)]
    start(config.root, texts)


def forget() -> None:
    """Stop a process started for a call that was not made (a build that stopped before asking)."""
    for _, process in _STARTED.values():
        _stop(process)
    _STARTED.clear()
    _READ.clear()


def _log(root: Path, wanted: frozenset[str] | set[str]) -> subprocess.Popen[str] | None:
    # The files themselves, unless so many that the command line would be too long: then their top folders.
    specs = sorted(wanted) if sum(map(len, wanted)) < 64_000 else sorted({path.split("/")[0] for path in wanted})
    try:
        return subprocess.Popen(
            ["git", "-c", "core.quotePath=off", "log", "--format=%x1e%cs", "--name-only", "--relative"]
            + ["--no-renames", "--", *specs],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
        )
    except OSError:  # no git on this machine
        return None


def _cached(root: Path, cache: Path | None) -> tuple[str, dict[str, dt.date | None]]:
    """(the commit checked out, the dates `cache` holds for it: none when it was written below another)."""
    stashed = _READ.pop(str(cache), None) if cache is not None else None  # by `start_for_texts`, for this call
    if stashed is not None:
        return stashed
    commit = _commit(root)
    if cache is None or not commit:
        return commit, {}
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if str(data["commit"]) != commit:
            return commit, {}
        return commit, {str(path): _date(day) if day else None for path, day in data["dates"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return commit, {}


def _commit(root: Path) -> str:
    """The commit checked out, and the shallow boundary of a shallow clone (deepening it changes dates below
    the same commit); "" where the history cannot be told (no repository, a branch with no commit yet)."""
    from mecasite.build.manifest import git_commit, git_dir  # here: a build that asks for no date needs neither

    commit, found = git_commit(root), git_dir(root)
    if not commit or commit.startswith(("unborn", "git failed")) or found is None:
        return ""
    try:
        shallow = (found[1] / "shallow").read_bytes()
    except OSError:
        return commit
    return f"{commit} shallow {hashlib.sha256(shallow).hexdigest()[:16]}"


def _keep(cache: Path, commit: str, dates: Mapping[str, dt.date | None]) -> None:
    """The dates written to `cache`, atomically; a failure only costs the next build a `git log`."""
    tmp = cache.with_name(f"{cache.name}.tmp-{os.getpid()}")
    data = {"commit": commit, "dates": {path: day.isoformat() if day else None for path, day in dates.items()}}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        tmp.unlink(missing_ok=True)


def _stop(process: subprocess.Popen[str]) -> None:
    if process.stdout is not None:
        process.stdout.close()
    process.kill()
    process.wait()


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
