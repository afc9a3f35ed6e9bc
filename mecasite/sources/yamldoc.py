"""Strict YAML reading: plain data plus the position of every value, for error messages.

We build the tree from parser events ourselves instead of using PyYAML's constructors because:
- every scalar stays a string (YAML 1.1 turns `no` into False and `1.10` into 1.1; the schema decides types);
- duplicate keys are errors naming both lines (PyYAML silently keeps the last);
- tags (`!!python/object/apply`) are refused, never executed; anchors and aliases are refused, so alias
  bombs cost nothing;
- nesting depth is bounded.
The simple lines most fields are written in (`key: value`, `key: "text"`, `key: [a, b]`) are read without the
parser, to the same data and positions; anything else goes to it. No file I/O here: callers pass text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import yaml

try:  # libyaml's parser is several times faster; the pure-Python one behaves the same.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 32
NULLS = {"", "~", "null", "Null", "NULL"}

Path: TypeAlias = tuple[str | int, ...]  # a key path into the document: ("partners", 2)


@dataclass(frozen=True)
class Pos:
    """1-based line and column, as editors count them."""

    line: int
    column: int


class YamlError(Exception):
    """Malformed YAML, with the position an editor should look at."""

    def __init__(self, message: str, line: int = 0, column: int = 0, hint: str = ""):
        super().__init__(message)
        self.message, self.line, self.column, self.hint = message, line, column, hint


@dataclass
class YamlDoc:
    """The document's data and, for each key path, where its value (and its key) stand."""

    data: Any
    values: dict[Path, Pos] = field(default_factory=dict)
    keys: dict[Path, Pos] = field(default_factory=dict)

    def pos(self, path: Path) -> Pos:
        """Where to point for `path`: its value, else its key, else the nearest parent."""
        while True:
            found = self.values.get(path) or self.keys.get(path)
            if found or not path:
                return found or Pos(1, 1)
            path = path[:-1]


def _pos(mark: Any, line_offset: int) -> Pos:
    return Pos(mark.line + 1 + line_offset, mark.column + 1)


def _hint_for(problem: str, line_text: str) -> str:
    if "\t" in line_text:
        return "indent with spaces, not tabs"
    if problem.startswith("quoted text is not closed"):
        return "close the quote with the same mark it opened with, \" or '"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be put in double quotes"
    return ""


class _Builder:
    """Turns the parser's event stream into plain dicts, lists and strings."""

    def __init__(self, events: Any, line_offset: int):
        self.events = events
        self.offset = line_offset
        self.doc = YamlDoc(None)

    def build(self) -> YamlDoc:
        documents = 0
        for event in self.events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlError("more than one YAML document", *self._at(event), hint="remove the extra '---' line")
                self.doc.data = self._node(next(self.events), (), 0)
        return self.doc

    def _at(self, event: Any) -> tuple[int, int]:
        pos = _pos(event.start_mark, self.offset)
        return pos.line, pos.column

    def _check(self, event: Any) -> None:
        if getattr(event, "anchor", None) or isinstance(event, yaml.AliasEvent):
            raise YamlError(
                "anchors and aliases (& and *) are not allowed", *self._at(event), hint="write the value out in full"
            )
        tag = getattr(event, "tag", None)
        if tag and tag != "!":
            raise YamlError(
                f"YAML tags such as '{tag}' are not allowed",
                *self._at(event),
                hint="remove the tag; write a plain value",
            )

    def _node(self, event: Any, path: Path, depth: int) -> Any:
        self._check(event)
        if depth > MAX_DEPTH:
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", *self._at(event))
        self.doc.values[path] = _pos(event.start_mark, self.offset)
        if isinstance(event, yaml.ScalarEvent):
            plain = not event.style
            return None if plain and event.value in NULLS else event.value
        if isinstance(event, yaml.SequenceStartEvent):
            return self._sequence(path, depth)
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(path, depth)
        raise YamlError("unexpected YAML content", *self._at(event))  # pragma: no cover

    def _sequence(self, path: Path, depth: int) -> list[Any]:
        items: list[Any] = []
        for event in self.events:
            if isinstance(event, yaml.SequenceEndEvent):
                return items
            items.append(self._node(event, path + (len(items),), depth + 1))
        raise YamlError("unterminated list")  # pragma: no cover - the parser reports it first

    def _mapping(self, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for event in self.events:
            if isinstance(event, yaml.MappingEndEvent):
                return result
            self._check(event)
            if not isinstance(event, yaml.ScalarEvent):
                raise YamlError("a key must be a plain word", *self._at(event))
            key, key_pos = event.value, _pos(event.start_mark, self.offset)
            if key in result:
                first = self.doc.keys[path + (key,)]
                raise YamlError(
                    f"duplicate key '{key}' (first at line {first.line})",
                    key_pos.line,
                    key_pos.column,
                    hint="keep one of the two lines",
                )
            self.doc.keys[path + (key,)] = key_pos
            result[key] = self._node(next(self.events), path + (key,), depth + 1)
        raise YamlError("unterminated mapping")  # pragma: no cover


# The lines most fields are written in, read without the parser (which costs 40 us a front matter, a fifth of
# reading a text): `key: value`, the value plain words, text in double quotes with no quote or backslash
# inside, or a list of plain words in [ ]; comment lines and empty ones. Anything else, or any character a
# YAML reader could take another way (`#` after a value, `:`, quotes, tabs...), and the parser reads the text:
# tests hold both to the same data and positions. A line must be printable as Python reads it, which leaves
# out what YAML refuses or reads as a line break (controls, U+2028, a BOM...); beyond ASCII the expressions
# then accept any character (`[^\x00-\x7f]`: a class of ranges beyond it took 46 ms to compile).
_OTHER = r"[^\x00-\x7f]"
_PLAIN = rf"(?:[A-Za-z0-9]|{_OTHER})(?:(?:[A-Za-z0-9 ._/+\-]|{_OTHER})*(?:[A-Za-z0-9._/+\-]|{_OTHER}))?"
_WORD = rf"(?:[A-Za-z0-9]|{_OTHER})(?:[A-Za-z0-9._/+\-]|{_OTHER})*"
_LINE = re.compile(rf'([A-Za-z_][A-Za-z0-9_-]*): (?:("[^"\\]*")|(\[(?:{_WORD}(?:, {_WORD})*)?\])|({_PLAIN}))')
_LIST_WORD = re.compile(_WORD)


def _simple(text: str, offset: int) -> YamlDoc | None:
    """`text` read as the parser reads it, when every line is one of the simple forms above; else None."""
    doc = YamlDoc({})
    data, values, keys = doc.data, doc.values, doc.keys
    for number, line in enumerate(text.split("\n"), offset + 1):
        match = _LINE.fullmatch(line) if line.isprintable() else None
        if match is None:
            if not line or line.startswith("#") and line.isprintable():  # empty, or a comment
                continue
            return None
        if not data:
            values[()] = Pos(number, 1)
        key, quoted, listed, plain = match.groups()
        if key in data:
            return None  # the parser's message names both lines
        keys[(key,)] = Pos(number, 1)
        column = len(key) + 3
        values[(key,)] = Pos(number, column)
        if quoted is not None:
            data[key] = quoted[1:-1]
        elif listed is not None:
            items: list[str | None] = []
            for word in _LIST_WORD.finditer(listed):
                values[(key, len(items))] = Pos(number, column + word.start())
                items.append(None if word.group() in NULLS else word.group())
            data[key] = items
        else:
            data[key] = None if plain in NULLS else plain
    return doc if data else None


def parse_yaml(text: str, line_offset: int = 0) -> YamlDoc:
    """Parse `text`; `line_offset` shifts reported lines (front matter starts on line 2)."""
    return _simple(text, line_offset) or parsed(text, line_offset)


def parsed(text: str, line_offset: int = 0) -> YamlDoc:
    """`parse_yaml` by the parser alone, whatever the text."""
    try:
        return _Builder(iter(yaml.parse(text, Loader=_Loader)), line_offset).build()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "malformed YAML").strip()
        if "quoted scalar" in str(exc.context) and exc.context_mark:
            mark, problem = exc.context_mark, "quoted text is not closed"  # point at the opening quote
        elif "flow sequence" in str(exc.context) and exc.context_mark:
            mark, problem = exc.context_mark, "list in [ ] is not closed"  # point at the opening bracket
        elif "flow mapping" in str(exc.context) and exc.context_mark:
            mark, problem = exc.context_mark, "fields in { } are not closed"
        lines = text.splitlines()
        opened = _unclosed_quote(lines, mark.line if mark else len(lines))
        if opened is not None and problem != "quoted text is not closed":
            # A quote left open swallows the next lines until the next quote; the parser stumbles later.
            mark, problem = yaml.Mark("", 0, opened[0], opened[1], None, 0), "quoted text is not closed"
        line_text = lines[mark.line] if mark and mark.line < len(lines) else ""
        inner = _quote_inside(line_text) if mark and problem != "quoted text is not closed" else None
        if mark and inner:
            column, problem, hint = inner
            return _raise(problem, Pos(mark.line + 1 + line_offset, column + 1), hint)
        pos = _pos(mark, line_offset) if mark else Pos(0, 0)
        hint = UNCLOSED_HINTS.get(problem) or _hint_for(f"{problem} {exc.context}", line_text)
        return _raise(problem, pos, hint)
    except yaml.YAMLError as exc:
        raise YamlError(f"malformed YAML: {exc}") from exc


def _unclosed_quote(lines: list[str], upto: int) -> tuple[int, int] | None:
    """(line, column) of the first value that opens a double quote and does not close it on its line."""
    for number, line in enumerate(lines[: upto + 1]):
        key, sep, value = line.partition(": ")
        stripped = value.strip() if sep else line.strip().removeprefix("- ")
        if stripped.startswith('"') and not (
            len(stripped) > 1 and stripped.rstrip().endswith('"') and not stripped.rstrip().endswith('\\"')
        ):
            return number, line.index('"')
    return None


def _quote_inside(line: str) -> tuple[int, str, str] | None:
    """(0-based column, message, hint) for a quoted value that a quote of its own kind ends too early, as in
    `title: 'L'action'`. The hint gives the value both ways: the quote doubled (escaped in "..."), or the
    text in the other kind of quotes."""
    key, sep, _ = line.partition(": ")
    start = len(key) + len(sep) if sep else len(line) - len(line.lstrip().removeprefix("- ").lstrip())
    value = line[start:].strip()
    start = line.find(value, start)
    mark = value[:1]
    if mark not in ("'", '"'):
        return None
    end = _closing(value, mark)
    if end is None or not value[end + 1 :].strip() or value[end + 1 :].lstrip().startswith("#"):
        return None
    inner = value[1:-1] if value.endswith(mark) else value[1:]
    if mark == "'":
        text = inner.replace("''", "'")
        same, how, other = "'" + text.replace("'", "''") + "'", "double it", '"'
    else:
        text = inner.replace('\\"', '"')
        same, how, other = '"' + text.replace('"', '\\"') + '"', "put a backslash before it", "'"
    hint = f"{how}: {same}"
    if other not in text:
        hint += f", or use the other kind of quotes: {other}{text}{other}"
    return start + end, f"the quote {mark} inside text quoted with {mark} ends the text too early", hint


def _closing(value: str, mark: str) -> int | None:
    """Where the quoted text that opens `value` ends, as YAML reads it ('' and \\" do not end it)."""
    i = 1
    while i < len(value):
        if mark == "'" and value.startswith("''", i):
            i += 2
            continue
        if mark == '"' and value[i] == "\\":
            i += 2
            continue
        if value[i] == mark:
            return i
        i += 1
    return None


UNCLOSED_HINTS = {
    "quoted text is not closed": "close the quote with the same mark it opened with, \" or '",
    "list in [ ] is not closed": "close it with ']', or put text that starts with '[' in double quotes",
    "fields in { } are not closed": "close it with '}', or put text that starts with '{' in double quotes",
}


def _raise(problem: str, pos: Pos, hint: str) -> YamlDoc:
    raise YamlError(problem, pos.line, pos.column, hint)
