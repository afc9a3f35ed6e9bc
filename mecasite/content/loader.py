"""Loading `content/` into the typed model, with every problem of every file collected.

Layout: `content/<collection>/<id>/item.yaml` plus one `<lang>.md` per language. The folder name is the
item's id: stable across languages and used by references. This module reads files; it renders nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

from mecasite.config.settings import SiteConfig
from mecasite.content.attachments import FILES_HINT, is_attachment
from mecasite.content.model import Item, ItemKey, Model, Text
from mecasite.content.redirects import FILE as REDIRECTS
from mecasite.content.redirects import load_gone
from mecasite.content.schemas import COLLECTIONS, Collection
from mecasite.content.translations import find_marks, is_unfinished
from mecasite.problems import Collector, did_you_mean
from mecasite.sources.fields import ID_RE, RESERVED, plain_of, validate
from mecasite.sources.files import (
    Document,
    SourceError,
    is_editor_junk,
    parse_markdown_file,
    parse_yaml_file,
    read_text,
)

NEUTRAL = "item.yaml"
Types = Mapping[str, int]  # an item folder's entries: name -> file type bits (`stat.S_IFMT` of their `lstat`)


def load_content(config: SiteConfig, problems: Collector) -> Model:
    """Every item under the content folder (and the deleted ones' addresses), in one process; problems are collected, not raised. (The build
    reads a large site in two processes, see build/reading.py: it calls `item_folders` and `load_items`.)"""
    items = load_items(config, item_folders(config, problems), problems)
    return Model(MappingProxyType(items), load_gone(config, problems))


def item_folders(config: SiteConfig, problems: Collector) -> list[tuple[str, Path]]:
    """(collection, folder) of every item, in id order; unknown collections are reported."""
    root = config.content_dir
    if not root.is_dir():
        problems.add(config.rel(root), 0, "content folder not found", "create it or set content_dir")
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if not is_editor_junk(p.name) and p.name != REDIRECTS):
        if folder.name not in COLLECTIONS or not folder.is_dir():
            problems.add(
                config.rel(folder),
                0,
                f"unknown collection '{folder.name}'",
                did_you_mean(folder.name, list(COLLECTIONS)),
            )
            continue
        found += [(folder.name, item_dir) for item_dir in sorted(folder.iterdir()) if not is_editor_junk(item_dir.name)]
    return found


def load_items(config: SiteConfig, folders: list[tuple[str, Path]], problems: Collector) -> dict[ItemKey, Item]:
    items = {}
    for collection, item_dir in folders:
        item = load_item(config, COLLECTIONS[collection], item_dir, problems)
        if item:
            items[item.key] = item
    return items


def inside(config: SiteConfig, path: Path) -> bool:
    """False for a symlink (the path or a folder above it) that leads out of the project: its content is never
    read. Only symbolic links are resolved: a plain file in a plain folder is inside without asking."""
    root = config.root
    current = path
    while current != root and current.parent != current:
        if os.path.islink(current):
            return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))
        current = current.parent
    return current == root


def load_item(
    config: SiteConfig, collection: Collection, item_dir: Path, problems: Collector, walked: Types | None = None
) -> Item | None:
    """One item folder read. `walked`: its entries as a walk of the content folder saw them, through real
    folders only (so the folder itself is one, and inside the project when the content folder is): no call
    to the file system but to read the files (at 10,000 pages, 25,000 fewer)."""
    rel = config.rel(item_dir)
    if (walked is None and not item_dir.is_dir()) or not ID_RE.match(item_dir.name) or item_dir.name in RESERVED:
        problems.add(
            rel,
            0,
            f"'{item_dir.name}' is not an item folder",
            _folder_hint(item_dir.name),
        )
        return None
    if walked is None and not inside(config, item_dir):
        problems.add(rel, 0, "symbolic link leading outside the project", "replace it with a real folder")
        return None
    types = walked if walked is not None else _types(item_dir)
    files = {name: item_dir / name for name in types if not is_editor_junk(name)}
    neutral = files.pop(NEUTRAL, None)
    if neutral is None:
        problems.add(f"{rel}/{NEUTRAL}", 0, "missing file", f"every item needs an {NEUTRAL}, even an empty one")
        return None
    facts = _read(config, neutral, parse_yaml_file, problems, stat.S_ISLNK(types[NEUTRAL]))
    if facts is None:
        return None
    per_language = (f"each language's file ({config.default_language}.md, ...)", "it is written in each language")
    misplaced = {name: per_language for name, field in collection.text.items() if not field.internal}
    values = validate(facts.meta, collection.neutral, config.rel(neutral), problems, elsewhere=misplaced)
    texts, drafts, attached = {}, {}, {}
    for name, path in sorted(files.items()):
        link = stat.S_ISLNK(types[name])
        if is_attachment(name):
            if link and not inside(config, path):
                problems.add(
                    config.rel(path), 0, "symbolic link leading outside the project", "replace it with a real file"
                )
            elif path.is_file() if link else stat.S_ISREG(types[name]):
                attached[name] = config.rel(path)
            continue
        text = _load_text(config, collection, path, problems, link)
        if text and text.lang != config.default_language and is_unfinished(text):
            drafts[text.lang] = text
        elif text:
            texts[text.lang] = text
    lines = {k: facts.meta.pos((k,)).line for k in values}
    return Item(
        collection.name,
        item_dir.name,
        config.rel(neutral),
        MappingProxyType(values),
        MappingProxyType(texts),
        MappingProxyType(lines),
        MappingProxyType(drafts),
        MappingProxyType(attached),
    )


def _folder_hint(name: str) -> str:
    rule = "each item is a folder named with lowercase a-z, digits and hyphens"
    plain = plain_of(name)
    return f"rename it {plain}: {rule}" if plain and plain != name and plain not in RESERVED else rule


def _types(folder: Path) -> dict[str, int]:
    """A folder's entries: name -> file type bits, as `lstat` gives them, from the folder's listing itself
    (no call per entry where the file system tells the types, as Linux's do)."""
    with os.scandir(folder) as entries:
        return {entry.name: _type(entry) for entry in entries}


def _type(entry: os.DirEntry[str]) -> int:
    if entry.is_symlink():
        return stat.S_IFLNK
    if entry.is_file(follow_symlinks=False):
        return stat.S_IFREG
    return stat.S_IFDIR if entry.is_dir(follow_symlinks=False) else 0


def _load_text(config: SiteConfig, collection: Collection, path: Path, problems: Collector, link: bool) -> Text | None:
    rel = config.rel(path)
    lang, dot, ext = path.name.partition(".")
    if ext != "md" or lang not in config.codes:
        hint = (
            did_you_mean(lang, list(config.codes))
            if ext == "md"
            else f"texts are named {config.codes[0]}.md, ...; beside them an item may hold {FILES_HINT}"
        )
        problems.add(rel, 0, f"unexpected file '{path.name}'", hint)
        return None
    raw: list[str] = []

    def parse(file_text: str) -> Document:
        raw.append(file_text)  # kept for the columns of TODO marks in the front matter
        return parse_markdown_file(file_text)

    doc = _read(config, path, parse, problems, link)
    if doc is None:
        return None
    neutral = (f"{rel.rsplit('/', 1)[0]}/{NEUTRAL}", "it is the same in every language")
    fields = validate(doc.meta, collection.text, rel, problems, elsewhere=dict.fromkeys(collection.neutral, neutral))
    if collection.name == "pages" and not fields.get("slug"):
        fields.pop("slug", None)
    positions = {k: doc.meta.pos((k,)) for k in fields}
    lines = {k: pos.line for k, pos in positions.items()}
    starts = {k: (pos.line, pos.column) for k, pos in positions.items()}
    marks = find_marks(raw[0].split("\n"), fields, starts, doc.body, doc.body_line)
    return Text(lang, rel, MappingProxyType(fields), doc.body, doc.body_line, MappingProxyType(lines), marks)


def _read(
    config: SiteConfig, path: Path, parse: Callable[[str], Document], problems: Collector, link: bool
) -> Document | None:
    """A file of an item folder already found inside the project: only the file itself can still lead out
    (`link`: it is a symbolic link)."""
    rel = config.rel(path)
    if link and not inside(config, path):
        problems.add(rel, 0, "symbolic link leading outside the project", "replace it with a real file")
        return None
    try:
        return parse(read_text(path))
    except SourceError as exc:
        problems.add(rel, exc.line, exc.message, exc.hint, column=exc.column)
        return None
