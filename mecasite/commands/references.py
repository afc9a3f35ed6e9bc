"""Where an item is named, and the text edits that rename it or take it out, for `rename` and `delete`.

An item is named by the reference fields of `item.yaml` files (`partners: [materalia]`, `partner: materalia`,
see content/schemas.py REFERENCES) and by id links in bodies (`[x](partner:materalia#anchor)`, a reference
definition `[x]: partner:materalia`, an autolink). Edits are made on the text as the editor wrote it, at the
positions sources/yamldoc.py gives and the links as typed, so comments, quoting, order and line ends stay as
they were. Pure: no I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mecasite.content.schemas import COLLECTIONS, REFERENCES
from mecasite.sources.files import parse_markdown_file, parse_yaml_file

_TEXT = r"((?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)"  # a link's text: brackets nested once, escapes


@dataclass(frozen=True)
class Ref:
    """One place an item is named: `start:end` is the id as typed (inside its quotes, in a field)."""

    path: str
    line: int
    column: int
    start: int
    end: int
    field: str  # the item.yaml field, or "" for a link in a body
    in_list: bool  # a field's list entry, which --unlink can take out; a single field cannot lose its value
    typed: str  # what the editor reads: "partners: materalia", "[Materalia](partner:materalia)"


@dataclass(frozen=True)
class Edit:
    """A file's new text and how many places changed, for the one line the command prints about it."""

    path: str
    text: str
    count: int


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(lines[i]) + 1 for i in range(line - 1)) + column - 1


def _where(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def field_refs(path: str, text: str, collection: str, target: tuple[str, str]) -> list[Ref]:
    """The entries of an `item.yaml` of `collection` that name `target` (collection, id)."""
    fields = {f: into for f, into in REFERENCES.get(collection, {}).items() if into == target[0]}
    if not fields:
        return []
    doc = parse_yaml_file(text).meta
    data = doc.data if isinstance(doc.data, dict) else {}
    found = []
    for name in fields:
        value = data.get(name)
        entries = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, entry in entries:
            if entry != target[1]:
                continue
            key = (name,) if index is None else (name, index)
            pos = doc.values[key]
            start = _offset(text, pos.line, pos.column)
            start += text[start] in "'\""  # inside the quotes
            end = start + len(target[1])
            found.append(Ref(path, pos.line, pos.column, start, end, name, index is not None, f"{name}: {entry}"))
    return found


def _token(target: tuple[str, str]) -> re.Pattern[str]:
    """An id link's address as typed, `partner:materalia` (an anchor may follow, not more of an id)."""
    ref = COLLECTIONS[target[0]].ref
    return re.compile(rf"(?<![\w:/.-]){re.escape(ref)}:{re.escape(target[1])}(?![\w-])")


def body_refs(path: str, text: str, target: tuple[str, str]) -> list[Ref]:
    """The id links of a Markdown file (its body, not its front matter) that lead to `target`."""
    body_start = len(text) - len(parse_markdown_file(text).body)
    found = []
    for match in _token(target).finditer(text, body_start):
        line, column = _where(text, match.start())
        line_text = text.split("\n")[line - 1]
        typed = _typed_link(line_text, column - 1) or match.group()
        found.append(Ref(path, line, column, match.start(), match.end(), "", False, typed))
    return found


def _typed_link(line: str, at: int) -> str:
    """The whole link around the address at `at` in its line, as the editor typed it."""
    for match in re.finditer(r"(?<!!)\[" + _TEXT + r"\]\([^)]*\)|<[^>\s]+>|^ {0,3}\[[^\]]+\]:.*$", line):
        if match.start() <= at < match.end():
            return match.group()
    return ""


def renamed(text: str, refs: Iterable[Ref], new_id: str) -> str:
    """`text` with each reference's id replaced by `new_id` (fields and links alike: the id is what is typed)."""
    out, last = [], 0
    for ref in sorted(refs, key=lambda r: r.start):
        old_id = text[ref.start : ref.end].rpartition(":")[2]
        out += [text[last : ref.start], text[ref.start : ref.end][: -len(old_id)] + new_id]
        last = ref.end
    return "".join(out) + text[last:]


def without_entries(text: str, refs: Iterable[Ref]) -> str:
    """`text` with the list entries of `refs` taken out: `[a, b]` becomes `[a]`; a `- b` line goes."""
    for ref in sorted(refs, key=lambda r: r.start, reverse=True):
        start, end = ref.start, ref.end
        if text[start - 1 : start] in "'\"":
            start, end = start - 1, end + 1
        line_start = text.rfind("\n", 0, start) + 1
        if text[line_start:start].strip() == "-":  # a block list's entry: its whole line
            line_end = text.find("\n", end)
            text = text[:line_start] + text[len(text) if line_end < 0 else line_end + 1 :]
            continue
        after = re.match(r"\s*,[ \t]*", text[end:])
        before = re.search(r",\s*$", text[:start])
        if after:
            end += after.end()
        elif before:
            start = before.start()
        text = text[:start] + text[end:]
    return text


def unlinked(text: str, target: tuple[str, str]) -> str:
    """A Markdown file's text with every link to `target` made plain text: `[Materalia](partner:materalia)`
    becomes `Materalia`; a reference definition goes, and the links that used it keep their text. Whatever
    remains (an autolink, an image) is still found by `body_refs`."""
    token = _token(target).pattern
    title = r"""(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?"""
    inline = re.compile(r"(?<!!)\[" + _TEXT + r"\]\(\s*<?" + token + r"(?:#[^\s)>]*)?>?" + title + r"\s*\)")
    text = inline.sub(lambda m: m.group(1), text)
    definition = re.compile(r"^ {0,3}\[([^\]]+)\]:[ \t]*<?" + token + r"(?:#\S*)?>?" + title + r"[ \t]*(?:\n|$)", re.M)
    labels = [m.group(1) for m in definition.finditer(text)]
    text = definition.sub("", text)
    for label in labels:
        name = re.escape(label)
        text = re.sub(r"(?<!!)\[" + _TEXT + r"\]\[" + name + r"\]", lambda m: m.group(1), text, flags=re.I)
        text = re.sub(r"(?<![!\]])\[(" + name + r")\](?:\[\])?(?![(\[:])", lambda m: m.group(1), text, flags=re.I)
    return text
