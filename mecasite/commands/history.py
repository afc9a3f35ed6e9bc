"""What changed in an original since its translation was made, for the translations dashboard.

A translation records the fingerprint of the original it was made from (`source_hash`, see
content/translations.py). The version with that fingerprint is looked up in git history, and compared word by
word with the original as it is now. Two git calls for the whole report, however many rows: one `git log`
listing the commits that changed each original, one `git cat-file --batch` reading those versions. Without git,
or outside a checkout, there is no history and the dashboard says so. Reads only; writes nothing.
"""

from __future__ import annotations

import difflib
import html
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mecasite.content.translations import TRACKED, file_digest, file_words
from mecasite.sources.files import SourceError, decode

GIT_TIMEOUT = 60  # seconds; a history that takes longer is left out, the report still written
CONTEXT = 12  # words of unchanged text kept on each side of a change


@dataclass(frozen=True)
class Change:
    """The original then and now: `diff` is HTML with <del> and <ins>, or empty with `reason` saying why."""

    commit: str = ""
    diff: str = ""
    reason: str = ""


def _git(root: Path, args: list[str], stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], input=stdin, capture_output=True, timeout=GIT_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _commits(root: Path, paths: Iterable[str]) -> dict[str, list[str]] | None:
    """path -> the commits that changed it, newest first: one `git log` for every path."""
    out = _git(root, ["log", "--format=%x01%H", "--name-only", "--relative", "--", *sorted(set(paths))])
    if out is None:
        return None
    found: dict[str, list[str]] = {}
    for entry in out.decode("utf-8", "replace").split("\x01")[1:]:
        commit, *names = entry.strip().split("\n")
        for name in names:
            if name:
                found.setdefault(name, []).append(commit)
    return found


def _blobs(root: Path, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
    """(commit, path) -> the file's bytes in that commit: one `git cat-file --batch` for all of them."""
    if not wanted:
        return {}
    out = _git(root, ["cat-file", "--batch"], "".join(f"{c}:./{p}\n" for c, p in wanted).encode())
    found: dict[tuple[str, str], bytes] = {}
    at = 0
    for key in wanted:
        end = (out or b"").find(b"\n", at)
        if out is None or end < 0:
            break
        header = out[at:end].split()
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[key] = out[end + 1 : end + 1 + size]
            at = end + 1 + size + 1
        else:  # "<name> missing": the file did not exist under that name in that commit
            at = end + 1
    return found


def changes_since(root: Path, wanted: Mapping[tuple[str, str], str]) -> dict[tuple[str, str], Change]:
    """For each (original's path, fingerprint a translation records) -> the original's text now, the change
    from the version with that fingerprint (the newest one, if several have it) to now."""
    commits = _commits(root, {path for path, _ in wanted})
    if commits is None:
        return {key: Change(reason="no git history here to find the version it was translated from") for key in wanted}
    versions = [(c, path) for path in sorted({p for p, _ in wanted}) for c in commits.get(path, [])]
    blobs = _blobs(root, versions)
    found: dict[tuple[str, str], tuple[str, str]] = {}  # (path, fingerprint) -> (commit, text)
    for (commit, path), data in blobs.items():
        try:
            text = decode(data)
        except SourceError:
            continue
        fingerprint = file_digest(text)
        if fingerprint and (path, fingerprint) in wanted and (path, fingerprint) not in found:
            found[(path, fingerprint)] = (commit, text)
    result = {}
    for key, now in wanted.items():
        if key not in found:
            result[key] = Change(
                reason="the version it was translated from is not in the git history (never committed)"
            )
            continue
        commit, then = found[key]
        result[key] = Change(commit, word_diff(readable(then), readable(now)))
    return result


def readable(file_text: str) -> str:
    """The words a translator translates: the tracked fields, then the body (layout and slug left out)."""
    words = file_words(file_text)
    if words is None:
        return file_text
    fields, body = words
    head = "".join(f"{name}: {value}\n" for name, value in zip(TRACKED, fields, strict=True) if value)
    return f"{head}\n{body.strip()}\n"


def word_diff(old: str, new: str) -> str:
    """HTML of `new` with the words removed since `old` in <del> and the added ones in <ins>; long unchanged
    stretches are cut to their first and last words."""
    a, b = re.findall(r"\s+|[^\s]+", old), re.findall(r"\s+|[^\s]+", new)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(html.escape(_shortened(a[i1:i2], first=i1 == 0, last=i2 == len(a))))
            continue
        if i2 > i1:
            parts.append(f"<del>{html.escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{html.escape(''.join(b[j1:j2]))}</ins>")
    return "".join(parts)


def _shortened(tokens: list[str], first: bool, last: bool) -> str:
    """Unchanged text: whole when short, else only the words next to the changes around it."""
    keep = 2 * CONTEXT  # tokens: words and the spaces between them
    if len(tokens) <= 2 * keep or (first and last):
        return "".join(tokens)
    head = "" if first else "".join(tokens[:keep]) + " …"
    tail = "" if last else "… " + "".join(tokens[-keep:])
    return head + (" " if head and tail else "") + tail
