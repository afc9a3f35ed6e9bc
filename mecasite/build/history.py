"""When each source file last changed, from git: one `git log` for any number of files.

From the commits, not the files' modification times, so that every clone builds the same pages. One process
walks the history newest first and stops as soon as every asked-for file has its date: a site whose French was
just revised (every translation outdated) costs one fork, not one per file (5 s at 10,000 pages).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable
from pathlib import Path

_COMMIT = "\x1e"  # starts each commit's line (the record separator, never in a file name), then its files


def last_changed(root: Path, paths: Iterable[str]) -> dict[str, dt.date | None]:
    """path -> the date of the last commit that changed it (None: not committed, or not a git checkout).

    `paths` are relative to `root`, with forward slashes, as git prints them with `--relative`.
    """
    wanted = set(paths)
    found: dict[str, dt.date | None] = dict.fromkeys(wanted)
    if not wanted:
        return found
    missing = set(wanted)
    # The files themselves, unless so many that the command line would be too long: then their top folders.
    specs = sorted(wanted) if sum(map(len, wanted)) < 64_000 else sorted({path.split("/")[0] for path in wanted})
    try:
        process = subprocess.Popen(
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
        return found
    assert process.stdout is not None
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
        process.stdout.close()
        process.kill()
        process.wait()
    return found


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
