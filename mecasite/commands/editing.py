"""What `rename` and `delete` share: finding an item's references on disk, writing the edited files as they were
written (line ends, BOM), keeping translations' stamps true, and moving or removing a folder through git when
the project is a git checkout and the folder is tracked (so `git status` shows a rename).

Every path written or moved is checked to be inside `content/`: these commands never touch anything else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from mecasite.build.writer import write_file_atomic
from mecasite.commands.references import Ref, body_refs, field_refs
from mecasite.config.settings import SiteConfig
from mecasite.content.model import Item, ItemKey, Model, Text
from mecasite.content.translations import HASH_FIELD, digest, stamp
from mecasite.problems import ContentError, Problem
from mecasite.sources.corrections import plain_form
from mecasite.sources.fields import ID_RE, RESERVED
from mecasite.sources.files import decode, parse_markdown_file


@dataclass(frozen=True)
class Done:
    """What a command changed, one line per file, for the editor to review with `git diff`."""

    lines: tuple[str, ...]


def fail(path: str, message: str, hint: str = "", line: int = 0, column: int = 0) -> ContentError:
    return ContentError([Problem(path, line, column, message, hint)])


def check_word(value: str, what: str, where: str) -> str:
    """An id or slug as typed, or an error giving its plain form."""
    if ID_RE.match(value) and value not in RESERVED and len(value) <= 80:
        return value
    plain = plain_form(value)
    hint = f"use '{plain}'" if plain and plain not in RESERVED else "use lowercase letters a-z, digits and hyphens"
    raise fail(where, f"invalid {what} '{value}'", hint)


def files_of(item: Item) -> Iterator[tuple[str, Text | None]]:
    """An item's files as the project names them: its item.yaml, then each text (drafts too)."""
    yield item.path, None
    for text in (*item.texts.values(), *item.drafts.values()):
        yield text.path, text


def read(config: SiteConfig, rel: str) -> str:
    return decode((config.root / rel).read_bytes())


def references(config: SiteConfig, model: Model, target: ItemKey) -> list[Ref]:
    """Every place outside the item itself that names it, in file order."""
    found: list[Ref] = []
    for item in model.items.values():
        if item.key == target:
            continue
        for rel, text in files_of(item):
            source = read(config, rel)
            found += body_refs(rel, source, target) if text else field_refs(rel, source, item.collection, target)
    return sorted(found, key=lambda r: (r.path, r.start))


def restamped(config: SiteConfig, model: Model, edited: Mapping[str, str]) -> dict[str, str]:
    """The edits, plus the translations whose original was edited: those that were up to date with it stay so
    (an id in a link is not a change a translator must see)."""
    result = dict(edited)
    for item in model.items.values():
        source = item.texts.get(config.default_language)
        if source is None or source.path not in edited:
            continue
        before, after = digest(source), digest(replace(source, body=parse_markdown_file(edited[source.path]).body))
        if before == after:
            continue
        for rel, text in files_of(item):
            if text and text is not source and text.fields.get(HASH_FIELD) == before:
                result[rel] = stamp(result.get(rel) or read(config, rel), after)
    return result


def inside_content(config: SiteConfig, path: Path) -> Path:
    """`path` if it lies in the content folder (no link leading out); these commands write nowhere else."""
    real, content = Path(os.path.realpath(path)), Path(os.path.realpath(config.content_dir))
    if not real.is_relative_to(content) or real == content:
        raise fail(config.rel(path), "outside the content folder: not changed")
    return path


def write(config: SiteConfig, rel: str, text: str) -> None:
    """Write an edited file with the line ends and BOM it had."""
    path = inside_content(config, config.root / rel)
    raw = path.read_bytes() if path.exists() else b""
    if b"\r\n" in raw:
        text = text.replace("\n", "\r\n")
    data = text.encode()
    write_file_atomic(path, b"\xef\xbb\xbf" + data if raw.startswith(b"\xef\xbb\xbf") else data)


def _git(config: SiteConfig, *args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(["git", "-C", str(config.root), *args], capture_output=True, text=True, check=False)
    except OSError:  # no git on this machine: plain file operations
        return None


def tracked(config: SiteConfig, folder: Path) -> bool:
    """Whether git tracks a file of `folder` (the project being a git checkout)."""
    done = _git(config, "ls-files", "-z", "--", os.path.relpath(folder, config.root))
    return bool(done and done.returncode == 0 and done.stdout)


def move(config: SiteConfig, old: Path, new: Path) -> str:
    """Move an item folder, with `git mv` when git tracks it; says how."""
    inside_content(config, old), inside_content(config, new)
    if tracked(config, old):
        done = _git(config, "mv", "--", os.path.relpath(old, config.root), os.path.relpath(new, config.root))
        if done and done.returncode == 0:
            return " (git mv)"
    os.rename(old, new)
    return ""


def remove(config: SiteConfig, folder: Path) -> str:
    """Delete an item folder, with `git rm` for what git tracks; says how."""
    inside_content(config, folder)
    how = ""
    if tracked(config, folder):
        done = _git(config, "rm", "-r", "-q", "-f", "--", os.path.relpath(folder, config.root))
        how = " (git rm)" if done and done.returncode == 0 else ""
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder)
    return how


def folder_of(config: SiteConfig, key: ItemKey) -> Path:
    return config.content_dir / key[0] / key[1]


def show(config: SiteConfig, key: ItemKey) -> str:
    """`content/partners/materalia/`, as the editor sees the folder."""
    return f"{config.rel(folder_of(config, key))}/"
