"""The previous output, kept beside the live one to become the next incremental build's staging folder.

After a swap, the folder put aside holds the site of the build before: after an incremental build, mostly
hard links to the files it shares with the new one; after a full build, a copy of the site's size. The
writer keeps it as `.<output>.spare`, with its own ledger. A build after an edit (records.py) starts from it
instead of an empty folder: a file it still shares with the live output (the same inode) stays as it is,
any other is unlinked, and only what is rendered again is written. No page folder is made again, and no
old site is deleted in the background while the next build runs.

A spare is used only when its ledger knows every file in it. One holding a file its ledger does not know
(or a symbolic link, or no marker) is never used and never deleted; one whose ledger went with the cache is
not used but may be replaced, its marker vouching for it as for an output folder. Pure bookkeeping on
paths: the writer does the moving and the deleting.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mecasite.build.output_folder import MARKER, Ledger, is_marked

SPARE = ".spare"


def spare_path(out: Path) -> Path:
    return out.parent / f".{out.name}{SPARE}"


@dataclass
class Tree:
    """The files below a folder (path -> inode, size, mtime) and its folders ("" for itself)."""

    files: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    folders: set[str] = field(default_factory=lambda: {""})
    # The paths where it holds the live output's own file, the same inode (`sharing`; None: not known,
    # Staging.keep asks the file system).
    shared: set[str] | None = None
    _folded: dict[str, set[str]] | None = None  # case-folded path -> the paths, files and folders (case_twins)
    _one_case: bool | None = None  # no two of its paths differ only in case (case_twins)


Found = Callable[[], Tree | None]  # `usable`, asked beside the build (uptodate.py), its answer when called


def walk(root: Path) -> Tree:
    """Every file and folder below `root`, links not followed, the marker left out."""
    tree = Tree()
    stack = [(os.fspath(root), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    tree.folders.add(f"{prefix}{entry.name}")
                    stack.append((entry.path, f"{prefix}{entry.name}/"))
                elif not (prefix == "" and entry.name == MARKER):
                    st = entry.stat(follow_symlinks=False)
                    tree.files[f"{prefix}{entry.name}"] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return tree


def sharing(out: Path, ledger: Ledger) -> Tree | None:
    """`usable`, with the paths where the spare's file is the live one (the same inode as at that path in
    `out`): a build after an edit keeps those as they are. Asked beside the build (uptodate.py), so that the
    10,000 `stat`s of a large site (0.06 s) are made on the other core while the content loads. A live file
    replaced since is not the build's: the check before the swap refuses it."""
    tree = usable(out, ledger)
    if tree is not None:
        live = os.fspath(out)
        tree.shared = {path for path, (inode, _, _) in tree.files.items() if _inode(f"{live}/{path}") == inode}
    return tree


def _inode(path: str) -> int | None:
    try:
        return os.lstat(path).st_ino
    except OSError:
        return None


def usable(out: Path, ledger: Ledger) -> Tree | None:
    """The spare of `out` when every file in it is one a build wrote, as its ledger says; else None."""
    spare = _marked(out)
    known = ledger.read(spare) if spare else None
    return _known(spare, known) if spare and known is not None else None


def disposable(out: Path, ledger: Ledger) -> bool:
    """Whether the spare of `out` may be deleted: a marked folder whose files are all a build's by its
    ledger, or whose ledger went with the cache (the marker alone vouches then, as for an output folder:
    output_folder.py). Never used in that second case: its files are not known."""
    spare = _marked(out)
    if spare is None:
        return False
    known = ledger.read(spare)
    return known is None or _known(spare, known) is not None


def _marked(out: Path) -> Path | None:
    """The spare of `out` if it is a folder (not a link) carrying the marker."""
    spare = spare_path(out)
    return spare if not spare.is_symlink() and spare.is_dir() and is_marked(spare) else None


def _known(spare: Path, known: dict[str, set[tuple[int, int]]]) -> Tree | None:
    """The spare's files and folders when the ledger `known` has every file (its size and mtime)."""
    try:
        tree = walk(spare)
    except OSError:
        return None
    if any((size, mtime) not in known.get(path, ()) for path, (_, size, mtime) in tree.files.items()):
        return None
    return tree


def stale(tree: Tree, written: set[str]) -> tuple[list[str], list[str]]:
    """What a recycled staging folder still holds that the build did not write or keep: its files, and the
    folders that are then left empty, deepest first (to remove in that order)."""
    files = sorted(path for path in tree.files if path not in written)
    needed = {""}
    for path in written:
        folder = path.rpartition("/")[0]
        while folder not in needed:
            needed.add(folder)
            folder = folder.rpartition("/")[0]
    folders = sorted(tree.folders - needed, key=lambda f: (-f.count("/"), f))
    return files, folders


def in_the_way(tree: Tree, path: str) -> tuple[list[str], list[str]]:
    """What the spare holds where `path` goes that is of the other kind: its file where a folder of `path`
    goes (a file that became a folder since), or its folder at `path` with all below it (a folder that
    became a file), folders deepest first. A path of one kind in both, the usual case, costs two lookups."""
    files = []
    folder = path.rpartition("/")[0]
    while folder and folder not in tree.folders:
        if folder in tree.files:
            files.append(folder)
        folder = folder.rpartition("/")[0]
    if path not in tree.folders:
        return files, []
    inside, folders = _subtree(tree, path)
    return files + inside, folders


def case_twins(tree: Tree, path: str) -> tuple[list[str], list[str]]:
    """What the spare holds under another case where `path` or one of its folders goes (`Logo.png` for
    `logo.png`, `Media/` for `media/`): on a file system that ignores case (macOS, Windows) it would take the
    new file's place, or give the published folder its old name; elsewhere it would be pruned anyway. Its
    files, and its folders with all below them, deepest first. A file of the spare, in a spare whose paths
    all differ in more than case (the usual case), has none: one lookup instead of a look at each folder."""
    if tree._one_case is None:
        every = [*tree.files, *tree.folders]
        tree._one_case = len({known.casefold() for known in every}) == len(every)
    if tree._one_case and path in tree.files:
        return [], []
    if tree._folded is None:
        tree._folded = {}
        for known in [*tree.files, *tree.folders]:
            tree._folded.setdefault(known.casefold(), set()).add(known)
    files: list[str] = []
    folders: list[str] = []
    parts = path.split("/")
    for depth in range(1, len(parts) + 1):
        if folders:  # a twin folder found above: all below it goes with it
            break
        here = "/".join(parts[:depth])
        for twin in sorted(tree._folded.get(here.casefold(), set()) - {here}):
            if twin in tree.files:
                files.append(twin)
            elif twin in tree.folders:
                inside, gone = _subtree(tree, twin)
                files += inside
                folders += gone
    return files, folders


def _subtree(tree: Tree, folder: str) -> tuple[list[str], list[str]]:
    """The files below `folder`, and it with the folders below it, deepest first (to remove in that order)."""
    below = f"{folder}/"
    files = [p for p in tree.files if p.startswith(below)]
    return files, sorted((f for f in tree.folders if f == folder or f.startswith(below)), key=lambda f: -f.count("/"))
