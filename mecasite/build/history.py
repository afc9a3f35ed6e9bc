"""When each source file last changed, from git: one `git log` for any number of files.

From the commits, not the files' modification times, so that every clone builds the same pages. One process
walks the history newest first and stops as soon as every asked-for file has its date: a site whose French was
just revised (every translation outdated) costs one fork, not one per file (5 s at 10,000 pages).

A build starts that process early (`start_for_texts`, from the command line, as soon as the first walk of the
content has listed the texts): git walks the history while the build reads the content and imports what
renders, and the build's own call reads the answer (on the real site, 15 to 30 ms of waiting for git gone).
It asks for every text, of which the build needs the actions' and the outdated translations' sources: the
same walk of the history, which stops once those have their dates.
"""

from __future__ import annotations

import datetime as dt
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


def last_changed(root: Path, paths: Iterable[str]) -> dict[str, dt.date | None]:
    """path -> the date of the last commit that changed it (None: not committed, or not a git checkout).

    `paths` are relative to `root`, with forward slashes, as git prints them with `--relative`. The process
    started for `root` (`start`) is read when it was asked for all of them; else a new one runs.
    """
    wanted = set(paths)
    found: dict[str, dt.date | None] = dict.fromkeys(wanted)
    if not wanted:
        return found
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
    """`start` for every text file (`*.md`) that the build's first walk listed in the content folder."""
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
