"""A short route for plain prose, exact to Python-Markdown: the Markdown most bodies are written in.

Paragraphs, `##` to `######` headings, one-line list items (`- ` or `1. `), `*emphasis*`, `**strong**` and
`[links](target)`, and nothing else, are converted here with a few regular expressions, at a fraction of
Python-Markdown's cost, into the HTML Python-Markdown gives them (heading ids as `toc` makes them, our
typography and id links applied) as the cleaner (nh3) leaves it: only the tags written here, text escaped,
addresses with no scheme or a safe one. Any text using anything more, or anything whose reading is less than
obvious (nesting, odd spacing, lazy lines, an address the cleaner would drop), is declined and takes
Python-Markdown and the cleaner. The tests hold the output to both on the real content and generated text.
Texts reach this route only within limits.py's bounds, the same as Python-Markdown's. No I/O here, and no
Python-Markdown: a heading's id is made as `toc` makes it (`toc_slug`, `toc_unique`, held to `toc`'s own
functions by the tests), so that a build of prose and cached bodies never imports it (some 25 ms a run).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import TypeAlias

Heading: TypeAlias = tuple[int, str, str]  # (level, id, text)
Ref: TypeAlias = tuple[str, str]  # (kind, id) of an item linked to
Parts: TypeAlias = tuple[str, tuple[Heading, ...], tuple[Ref, ...]]  # (HTML before cleaning, headings, id references)

# Outside plain prose anywhere: raw HTML, escapes, code, tabs, carriage returns, Python-Markdown's placeholder
# characters and the syntax of `extra` (attribute lists, tables, fences); images, reference definitions and
# definition lists; entities. Every text is checked, so the checks are substring searches (a regular expression
# with alternatives costs ten times more); spaces at the start or end of a line (indented code, lazy list
# lines, hard line breaks) are checked line by line.
DECLINED_CHARS = tuple("<>\\`{}|~\t\r\x02\x03")
DECLINED_TEXT = ("![", "]:", "\n:")
ENTITY = re.compile(r"&(?:#|[A-Za-z0-9]+;)")
HEADING = re.compile(r"(#{2,6}) ([^\s#*_\[\]&][^\n#*_\[\]&]*)")
ITEM = {"ul": re.compile(r"- (\S[^\n]*)"), "ol": re.compile(r"\d+\. (\S[^\n]*)")}
ITEM_START = re.compile(r"- |\d+\. ")
# What may not start a paragraph or a list item's text, nor any line of a paragraph: it would start a
# heading, quote, list, rule or setext underline there.
SPECIAL_START = re.compile(r"[#>=+\-]|\*+(?:\s|$)|\d+[.)]")
SPECIAL_LINE = re.compile(r"\n(?:[#>=+\-]|\*+(?:\s|$)|\d+[.)])")
# Inline: a link whose text and target are plain, or a run of asterisks.
TOKEN = re.compile(r"\[([^\[\]()*_\n]+)\]\(([^()\s<>\"'\[\]*]+)\)|\*+")


# Addresses the cleaner (nh3) keeps as they are: with no scheme, or one it allows.
SCHEME = re.compile(r"[^/?#]*:")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
SAFE_SCHEME = re.compile(rf"https?://{_LABEL}(?:\.{_LABEL})*(?:[/?#]|$)|mailto:")
NBSP = "\u00a0"  # written as &nbsp;, as the cleaner writes it (typography puts it before : and inside « »)
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


class Declined(Exception):
    """Not plain prose after all (found while converting)."""


class ProseConverter:
    """Converts plain prose; `typeset(text, lang)` is the typography applied to every text node, and an id
    link (`kind:id#anchor`, kind in `kinds`) becomes `placeholder` + `kind/id#anchor`, as in the full route."""

    def __init__(self, kinds: frozenset[str], placeholder: str, typeset: Callable[[str, str], str]):
        self.kinds, self.placeholder, self.typeset = kinds, placeholder, typeset

    def convert(self, text: str, lang: str) -> Parts | None:
        """(HTML before cleaning, headings, id references) or None: not plain prose."""
        if not _plain(text):
            return None
        page = _Page(self, lang)
        try:
            blocks = [page.block(block.strip("\n")) for block in text.split("\n\n") if block.strip("\n")]
        except Declined:
            return None
        return "\n".join(blocks), tuple(page.headings), tuple(page.refs)


def _plain(text: str) -> bool:
    if any(char in text for char in DECLINED_CHARS) or any(part in text for part in DECLINED_TEXT):
        return False
    if CONTROL.search(text):
        return False
    if text.startswith(":") or ("&" in text and ENTITY.search(text)):
        return False
    return not any(line and (line[0].isspace() or line[-1].isspace()) for line in text.split("\n"))


class _Page:
    """One conversion: heading ids used, headings and references met in document order, the last block."""

    def __init__(self, converter: ProseConverter, lang: str):
        self.converter, self.lang = converter, lang
        self.ids: set[str] = set()
        self.headings: list[Heading] = []
        self.refs: list[Ref] = []
        self.last = ""

    def block(self, block: str) -> str:
        first = block[0]
        kind = "h" if first == "#" else "ul" if first == "-" else "ol" if first.isdigit() else "p"
        if kind in ("ul", "ol") and not ITEM_START.match(block):
            kind = "p"  # "2025 saw..."; "-x" is refused below
        if kind in ("ul", "ol") and self.last in ("ul", "ol"):
            raise Declined  # two lists one blank line apart make one loose list, with paragraphs in items
        self.last = kind
        if kind == "h":
            return self._heading(block)
        if kind == "p":
            if SPECIAL_START.match(block) or SPECIAL_LINE.search(block):
                raise Declined
            return f"<p>{self._inline(block)}</p>"
        return self._list(kind, block)

    def _heading(self, block: str) -> str:
        match = HEADING.fullmatch(block)
        if not match:
            raise Declined
        level, title = len(match.group(1)), match.group(2)
        ident = toc_unique(toc_slug(" ".join(title.split())), self.ids)
        self.headings.append((level, ident, title))
        return f'<h{level} id="{escape(ident)}">{self._text(title)}</h{level}>'

    def _list(self, kind: str, block: str) -> str:
        if kind == "ol" and not block.startswith("1. "):
            raise Declined  # numbered from elsewhere: <ol start="...">
        items = []
        for line in block.split("\n"):
            match = ITEM[kind].fullmatch(line)
            if not match or SPECIAL_START.match(match.group(1)):
                raise Declined
            items.append(f"<li>{self._inline(match.group(1))}</li>")
        return f"<{kind}>\n" + "\n".join(items) + f"\n</{kind}>"

    def _inline(self, span: str) -> str:
        """Links, and emphasis: runs of `*` or `**` paired in turn, none inside another, each opening before
        a letter and closing after one."""
        out: list[str] = []
        opened = ""
        start = 0
        for match in TOKEN.finditer(span):
            out.append(self._text(span[start : match.start()]))
            start = match.end()
            if match.group(1) is not None:
                out.append(self._link(match.group(1), match.group(2)))
                continue
            run = match.group(0)
            if len(run) > 2:
                raise Declined
            if not opened:
                if start == len(span) or span[start].isspace():
                    raise Declined
                opened = run
                out.append("<strong>" if run == "**" else "<em>")
            else:
                if run != opened or span[match.start() - 1].isspace():
                    raise Declined
                opened = ""
                out.append("</strong>" if run == "**" else "</em>")
        if opened:
            raise Declined
        out.append(self._text(span[start:]))
        return "".join(out)

    def _link(self, label: str, target: str) -> str:
        kind, colon, rest = target.partition(":")
        if colon and kind in self.converter.kinds:
            item_id, _, anchor = rest.partition("#")
            self.refs.append((kind, item_id))
            target = f"{self.converter.placeholder}{kind}/{item_id}" + (f"#{anchor}" if anchor else "")
        elif SCHEME.match(target) and not SAFE_SCHEME.match(target):
            raise Declined  # the cleaner drops such an address (javascript:...): let it
        return f'<a href="{escape(target)}">{self._text(label)}</a>'

    def _text(self, text: str) -> str:
        if not text:
            return ""
        if "[" in text or "]" in text or "_" in text:  # brackets outside links; underscores (emphasis)
            raise Declined
        return escape(self.converter.typeset(text, self.lang), quote=False).replace(NBSP, "&nbsp;")


_NOT_SLUG = re.compile(r"[^\w\s-]")
_SEPARATORS = re.compile(r"[-\s]+")
_NUMBERED = re.compile(r"^(.*)_([0-9]+)$")


def toc_slug(title: str) -> str:
    """What Python-Markdown's `toc.slugify_unicode(title, "-")` gives: word characters kept, in lower case."""
    return _SEPARATORS.sub("-", _NOT_SLUG.sub("", title).strip().lower())


def toc_unique(ident: str, ids: set[str]) -> str:
    """What `toc.unique(ident, ids)` gives, and adds to `ids`: `ident`, or the next free `ident_N`."""
    if ident in ids or not ident:
        numbered = _NUMBERED.match(ident)
        base, count = (numbered.group(1), int(numbered.group(2))) if numbered else (ident, 0)
        count += 1
        while f"{base}_{count}" in ids:
            count += 1
        ident = f"{base}_{count}"
    ids.add(ident)
    return ident
