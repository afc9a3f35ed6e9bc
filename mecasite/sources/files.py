"""Reading source files from disk: the one place content bytes become text.

Guards editors' files against what word processors and other platforms do to them: a UTF-8 byte order mark
and CRLF line ends are accepted (the file builds exactly like the clean one), other encodings are refused
with the byte offset of the first bad byte, and huge files are refused before they are parsed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mecasite.sources.yamldoc import YamlDoc, YamlError, parse_yaml

MAX_BYTES = 1_000_000
FENCE = "---"


class SourceError(Exception):
    """A file that cannot be read as a source; carries what the editor needs to fix it."""

    def __init__(self, message: str, line: int = 0, column: int = 0, hint: str = ""):
        super().__init__(message)
        self.message, self.line, self.column, self.hint = message, line, column, hint


@dataclass(frozen=True)
class Document:
    """A parsed source: its front matter (or whole YAML file) and its Markdown body."""

    meta: YamlDoc
    body: str = ""
    body_line: int = 1


def is_editor_junk(name: str) -> bool:
    """Files editors and their tools leave beside the real ones (hidden, backups, swap and temporary files):
    never content, never a reason to rebuild."""
    return (
        name.startswith((".", "#", "~"))
        or name.endswith(("~", ".swp", ".swx", ".tmp", ".bak", ".part"))
        or name == "4913"
    )


def decode(data: bytes) -> str:
    """UTF-8 text with the BOM dropped and line ends made `\\n`."""
    if len(data) > MAX_BYTES:
        raise _too_large(len(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"not UTF-8 text (bad byte 0x{data[exc.start]:02x} at byte offset {exc.start})",
            line,
            hint="save the file as UTF-8 in your editor",
        ) from exc
    if "\x00" in text:
        raise SourceError("file contains a NUL character", hint="save the file as UTF-8 text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _too_large(size: int) -> SourceError:
    return SourceError(
        f"file is too large ({size:,} bytes; the limit is {MAX_BYTES:,})",
        hint="split it into several items or remove pasted binary data",
    )


def read_text(path: Path) -> str:
    """The file's text, or a SourceError saying why not. Read with the descriptor's calls alone (a file object
    adds four system calls a file, 50,000 at 10,000 pages), and never much beyond the limit."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            chunks: list[bytes] = []
            size = 0
            while chunk := os.read(fd, READ_SIZE):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_BYTES:
                    raise _too_large(os.fstat(fd).st_size)
        finally:
            os.close(fd)
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror}") from exc
    return decode(b"".join(chunks))


READ_SIZE = 1 << 16  # a text is read in one call, and a second that finds its end


def parse_yaml_file(text: str) -> Document:
    """A YAML-only source (neutral facts, config, interface strings)."""
    if not text.strip():
        return Document(parse_yaml("{}"))
    return Document(_parse(text, 0))


def parse_markdown_file(text: str) -> Document:
    """A Markdown source with YAML front matter between `---` lines."""
    if not text.strip():
        raise SourceError("file is empty", 1, hint="start it with front matter between two '---' lines")
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise SourceError(
            "front matter missing", 1, 1, hint="the file must start with a '---' line, then the fields, then '---'"
        )
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() == FENCE:
            meta = _parse("\n".join(lines[1:number]), 1)
            return Document(meta, "\n".join(lines[number + 1 :]), number + 2)
    raise SourceError("front matter is not closed", 1, 1, hint="add a '---' line after the last field")


def _parse(text: str, offset: int) -> YamlDoc:
    try:
        doc = parse_yaml(text, offset)
    except YamlError as exc:
        raise SourceError(exc.message, exc.line, exc.column, exc.hint) from exc
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        raise SourceError(
            "expected fields (key: value lines), found a list or a single value",
            doc.pos(()).line,
            hint="write one 'field: value' per line",
        )
    return doc
