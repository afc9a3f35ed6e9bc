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

import hashlib
import json
import os
from collections.abc import Iterable
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from mecasite.build.watch import Watch
from mecasite.config.engine import PACKAGE
from mecasite.config.settings import SiteConfig

MARKER = ".mecasite-output"
MARKER_NOTE = (
    "This folder was made by the MecaTech site generator (python build.py build or serve).\n"
    "The next build replaces it whole: keep no file of your own in it.\n"
)
NEW_FOLDER = "choose a new or empty folder, e.g. public/"
FOREIGN_SHOWN = 5  # foreign files named in a refusal; the rest are counted

Entry = tuple[str, int, int]  # (path relative to the output folder, size, modification time in ns)


class RefusedOutput(Exception):
    """An output folder the build must not replace: the message says why and what to do (exit code 2)."""


def is_marked(folder: Path) -> bool:
    """True when a build of this generator made `folder` (it holds the marker)."""
    try:
        with open(folder / MARKER, encoding="utf-8") as f:
            return f.read(len(MARKER_NOTE) + 1) == MARKER_NOTE
    except (OSError, UnicodeDecodeError):
        return False


def write_marker(folder: Path) -> None:
    with open(folder / MARKER, "w", encoding="utf-8") as f:
        f.write(MARKER_NOTE)


class Ledger:
    """Where the files the last build wrote into each output folder are recorded, under the project's cache.

    The ledger is what lets a build tell its own files from a file an editor put in the output folder. Where
    it is missing (the cache was deleted, the folder copied) the marker alone vouches for the folder. It is
    kept out of the output, so that the output of a build depends on the sources alone.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, out: Path) -> Path:
        key = hashlib.sha256(os.fsencode(os.path.realpath(out))).hexdigest()[:16]
        return self.folder / f"{key}.files"

    def read(self, out: Path) -> dict[str, set[tuple[int, int]]] | None:
        """path -> the (size, mtime) a build wrote it with, in the settled ledger and in one still pending (a
        build killed around its swap leaves either site in place: both are its own); None if unknown. Read
        only: a build reads one ledger up to three times, so the last reading is kept while its files' inode,
        size and time stamp stay the same (a ledger is replaced or appended to, never rewritten in place)."""
        stamps = self.stamps(out)
        cached = _READ.get(str(self.path(out)))
        if cached is not None and cached[0] == stamps:
            return cached[1]
        files = self._read(out)
        _READ[str(self.path(out))] = (stamps, files)
        return files

    def stamps(self, out: Path) -> tuple[tuple[int, int, int] | None, ...]:
        """The inode, size and time stamp of `out`'s ledgers, settled and pending: the same while they are."""
        return tuple(_stamp(ledger) for ledger in (self.path(out), self._pending(out)))

    def _read(self, out: Path) -> dict[str, set[tuple[int, int]]] | None:
        files: dict[str, set[tuple[int, int]]] = {}
        found = False
        for ledger in (self.path(out), self._pending(out)):
            try:
                lines = ledger.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            found = True
            for entry in _entries(lines):
                if not isinstance(entry, list) or len(entry) != 3:  # the header
                    continue
                path, size, mtime = entry
                if size is None:
                    files.pop(path, None)
                else:
                    files.setdefault(path, set()).add((size, mtime))
        return files if found else None

    def write(self, out: Path, entries: Iterable[Entry] = (), text: str = "") -> None:
        """The files a build is about to swap into `out`, pending until `settle` (its first line names the
        folder), as entries or as the `text` of another folder's ledger (a folder moved whole). What an earlier
        pending ledger knew is kept; ledgers of folders now gone are removed (builds into temporary folders
        would otherwise leave theirs behind forever)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._forget_gone()
        pending = self._pending(out)
        if pending.exists():  # a build killed around its swap: either site may be in place
            with open(self.path(out), "a", encoding="utf-8") as f:
                f.write(pending.read_text(encoding="utf-8"))
        head = json.dumps({"out": os.path.realpath(out)}, ensure_ascii=False) + "\n"
        tmp = pending.with_name(f".{pending.name}.tmp-{os.getpid()}")
        tmp.write_text(head + text + "".join(_line(*e) for e in entries), encoding="utf-8")
        os.replace(tmp, pending)

    def text(self, out: Path) -> str | None:
        """`out`'s ledgers, settled and pending, as text that `write` takes for another folder (its header
        lines are skipped when read); None if unknown. What `read` gives, without parsing ten thousand lines."""
        parts = []
        for ledger in (self.path(out), self._pending(out)):
            try:
                text = ledger.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            parts.append(text if text.endswith("\n") else text + "\n")
        return "".join(parts) if parts else None

    def settle(self, out: Path) -> None:
        """The swap is done: the pending ledger is now the one."""
        os.replace(self._pending(out), self.path(out))

    def _pending(self, out: Path) -> Path:
        return self.path(out).with_suffix(".pending")

    def _forget_gone(self) -> None:
        for ledger in [*self.folder.glob("*.files"), *self.folder.glob("*.pending")]:  # a pending one alone too
            try:
                with open(ledger, encoding="utf-8") as f:
                    out = json.loads(f.readline()).get("out")
            except (OSError, ValueError, AttributeError):
                out = None
            if not out or not os.path.isdir(out):
                ledger.with_suffix(".files").unlink(missing_ok=True)
                ledger.with_suffix(".pending").unlink(missing_ok=True)

    def append(self, out: Path, entries: Iterable[tuple[str, int | None, int | None]]) -> None:
        """O(edit): the preview records what it rewrote or removed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.path(out), "a", encoding="utf-8") as f:
            f.write("".join(_line(*e) for e in entries))


_READ: dict[str, tuple[tuple[tuple[int, int, int] | None, ...], dict[str, set[tuple[int, int]]] | None]] = {}


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _line(path: str, size: int | None, mtime: int | None) -> str:
    """One entry as a line of JSON, `[path, size, mtime]`: the path quoted by the json module's own C
    function (a `json.dumps` per file cost 0.1 s for each ledger at 10,000 pages)."""
    return f"[{encode_basestring(path)}, {_number(size)}, {_number(mtime)}]\n"


def _number(value: int | None) -> str:
    return "null" if value is None else str(int(value))


def _entries(lines: list[str]) -> list[Any]:
    """The ledger's lines parsed: in one call (ten thousand calls cost 0.1 s), or line by line when one was
    cut short by a crash (its file is then foreign: the safe side)."""
    try:
        return list(json.loads("[" + ",".join(lines) + "]"))
    except ValueError:
        parsed = []
        for line in lines:
            try:
                parsed.append(json.loads(line))
            except ValueError:
                continue
        return parsed


def files_below(root: Path, watch: Watch | None = None) -> list[Entry]:
    """Every file (and link) below `root`, not followed, with its size and mtime; the marker left out. A walk of
    ten thousand files: plain strings and a stack, no Path object per folder. `watch`: each folder is watched
    before it is listed (watch.py)."""
    found: list[Entry] = []
    stack = [(os.fspath(root), "")]
    while stack:
        folder, prefix = stack.pop()
        if watch is not None:
            watch.folder(folder)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, f"{prefix}{entry.name}/"))
            elif not (prefix == "" and entry.name == MARKER):
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                found.append((f"{prefix}{entry.name}", st.st_size, st.st_mtime_ns))
    return found


def foreign_files(folder: Path, ledger: Ledger, files: list[Entry] | None = None) -> list[str] | None:
    """The files in `folder` that no build wrote, or changed since: [] when a build made all of it; None
    when no build of this generator made the folder (it has no marker)."""
    if not is_marked(folder):
        return None
    known = ledger.read(folder)
    if known is None:
        return []
    walked = files_below(folder) if files is None else files
    return sorted(path for path, size, mtime in walked if (size, mtime) not in known.get(path, ()))


def replace_refusal(out: Path, ledger: Ledger, files: list[Entry] | None = None) -> tuple[str, str] | None:
    """Why `out` must not be replaced and what to do, or None: it does not exist, is empty, or is all a
    build's own."""
    if not os.path.lexists(out):
        return None
    if out.is_symlink() or not out.is_dir():
        return ("which is a symbolic link" if out.is_symlink() else "which is a file, not a folder"), NEW_FOLDER
    try:
        with os.scandir(out) as entries:
            if next(entries, None) is None:
                return None
    except OSError as exc:
        return f"which cannot be read ({exc.strerror})", NEW_FOLDER
    foreign = foreign_files(out, ledger, files)
    if foreign is None:
        return f"which holds files that no build of this site made (it has no {MARKER} marker)", NEW_FOLDER
    if foreign:
        named = ", ".join(foreign[:FOREIGN_SHOWN]) + (
            f" and {len(foreign) - FOREIGN_SHOWN} more" if len(foreign) > FOREIGN_SHOWN else ""
        )
        return (
            f"which holds {len(foreign)} file{'s' * (len(foreign) != 1)} that the last build did not "
            f"write or that changed since: {named}"
        ), "move them out of it or delete them, then build again"
    return None


# -- the rules --------------------------------------------------------------------------------------------


def ledger(config: SiteConfig) -> Ledger:
    """Where the files each build wrote are recorded: beside the project's other caches."""
    return Ledger(config.cache_dir / "outputs")


def check_output(config: SiteConfig) -> list[Entry]:
    """Raise RefusedOutput (one line, exit code 2) when `config.output_dir` must not be replaced; else return
    the files it holds (walked once: the manifest's "nothing changed" test reads the same list)."""
    out = Path(os.path.abspath(config.output_dir))
    real = Path(os.path.realpath(out))
    protected = _protected(config, real)
    files = files_below(real) if not protected and real.is_dir() and not real.is_symlink() else []
    refusal = (protected, NEW_FOLDER) if protected else replace_refusal(real, ledger(config), files)
    if refusal:
        reason, advice = refusal
        shown = f"'{_shown(out, config)}'" + (f" (a link to '{_shown(real, config)}')" if real != out else "")
        raise RefusedOutput(f"{config.output_from}: refusing to replace {shown}, {reason} ({advice})")
    return files


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
    return [
        (config.content_dir, "the content folder"),
        (config.templates_dir, "the templates folder"),
        (config.static_dir, "the static files folder"),
        (config.i18n_dir, "the interface strings folder"),
        (PACKAGE, "the generator's own code"),
        (config.root / ".git", "the project's git repository"),
        (config.cache_dir, "the build cache"),
    ]


def _shown(path: Path, config: SiteConfig) -> str:
    """A path as the editor knows it: relative to the project, or to the home folder (`~/sites`)."""
    root, home = Path(os.path.realpath(config.root)), Path(os.path.realpath(Path.home()))
    for base, prefix in ((root, ""), (home, "~/")):
        if path != base and path.is_relative_to(base):
            return prefix + path.relative_to(base).as_posix()
    return "~" if path == home else path.as_posix()
