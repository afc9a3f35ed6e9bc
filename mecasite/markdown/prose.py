"""A short route for plain prose, exact to Python-Markdown: the Markdown most bodies are written in.

Paragraphs, `##` to `######` headings, one-line list items (`- ` or `1. `, and lists nested in an item by four
spaces more), `*emphasis*`, `**strong**`, `[links](target)`, `code spans`, a one-paragraph quotation (every line
`> `) and simple tables (`|` at both ends of every line, an alignment row, the same number of cells in every
row, plain inline text in them), and nothing else, are converted here with a few regular expressions, at a
fraction of Python-Markdown's cost, into the HTML Python-Markdown gives them (heading ids as `toc` makes them,
our typography and id links applied) as the cleaner (nh3) leaves it: only the tags written here, text
escaped, addresses with no scheme or a safe one, no alignment (the cleaner drops `style`). Any text using
anything more, or anything whose reading is less than obvious (other nesting, odd spacing, lazy lines, an
address the cleaner would drop), is declined and takes Python-Markdown and the cleaner. The tests hold the
output to both on the real content and generated text.
Texts reach this route only within limits.py's bounds, the same as Python-Markdown's. No I/O here, and no
Python-Markdown: a heading's id is made as `toc` makes it (`toc_slug`, `toc_unique`, held to `toc`'s own
functions by the tests), so that a build of prose and cached bodies never imports it (some 25 ms a run).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import escape
from typing import TypeAlias

from mecasite.markdown.syntax import defines_terms

Heading: TypeAlias = tuple[int, str, str]  # (level, id, text)
Ref: TypeAlias = tuple[str, str]  # (kind, id) of an item linked to
Parts: TypeAlias = tuple[str, tuple[Heading, ...], tuple[Ref, ...]]  # (HTML before cleaning, headings, id references)

# Outside plain prose anywhere: raw HTML, escapes, tabs, carriage returns, Python-Markdown's placeholder
# characters and the syntax of `extra` (attribute lists, fences, footnotes); images, reference definitions,
# definition lists and runs of backticks; entities; `>` but at the start of a quotation's line (`_plain`).
# Every text is checked, so the checks are substring searches (a regular expression with alternatives costs
# ten times more); spaces at the start or end of a line (indented code, lazy list lines, hard line breaks) are
# checked line by line. Backticks and `|` left outside a code span or a table's cells are refused in `_text`.
DECLINED_CHARS = tuple("<\\{}~\t\r\x02\x03")
# Each two-sign piece is looked for only where its rarer sign occurs (a search for one sign costs a tenth).
DECLINED_TEXT = (("!", "!["), ("]", "]:"), ("`", "``"), ("^", "[^"))  # and definitions: syntax.defines_terms
ENTITY = re.compile(r"&(?:#|[A-Za-z0-9]+;)")
HEADING = re.compile(r"(#{2,6}) ([^\s#*_\[\]&][^\n#*_\[\]&]*)")
ITEM = {"ul": re.compile(r"- (\S[^\n]*)"), "ol": re.compile(r"\d+\. (\S[^\n]*)")}
ITEM_START = re.compile(r"- |\d+\. ")
NESTED_ITEM = re.compile(r"(?:    )+(?:- |\d+\. )\S")  # the only lines that may start with a space
# What may not start a paragraph or a list item's text, nor any line of a paragraph: it would start a
# heading, quote, list, rule or setext underline there.
SPECIAL_START = re.compile(r"[#>=+\-]|\*+(?:\s|$)|\d+[.)]")
SPECIAL_LINE = re.compile(r"\n(?:[#>=+\-]|\*+(?:\s|$)|\d+[.)])")
# Inline: a code span on one line, a link whose text and target are plain (no backtick: Python-Markdown reads
# code spans first), or a run of asterisks; each starts with its own sign (`_tokens`).
CODE = re.compile(r"`([^`\n|]+)`")
LINK = re.compile(r"\[([^\[\]()*_`|\n]+)\]\(([^()\s<>\"'\[\]*`|]+)\)")
TOKENS = {"`": CODE, "[": LINK, "*": re.compile(r"\*+")}
TOKEN = re.compile("|".join(token.pattern for token in TOKENS.values()))  # what `_tokens` finds, in one
SIGN = re.compile(r"[`\[*]")
# A cell of a table's alignment row (`---`, `:--`, `--:`, `:-:`).
ALIGNMENT = re.compile(r" *:?-+:? *")


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
        page = Page(self, lang)
        try:
            blocks = [page.block(block) for block in (part.strip("\n") for part in text.split("\n\n")) if block]
        except Declined:
            return None
        return "\n".join(blocks), tuple(page.headings), tuple(page.refs)


def _plain(text: str) -> bool:
    return plain_signs(text) and plain_lines(text)


def plain_signs(text: str) -> bool:
    """No sign anywhere in the text that plain prose never holds (what may change another block's reading)."""
    if any(char in text for char in DECLINED_CHARS) or any(s in text and part in text for s, part in DECLINED_TEXT):
        return False
    if not text.replace("\n", "").isprintable() and CONTROL.search(text):
        return False  # (control characters are not printable: most texts need no search)
    if defines_terms(text) or ("&" in text and ENTITY.search(text)):
        return False
    return not (">" in text and ">" in ("\n" + text).replace("\n> ", "\n"))  # `>` but starting a quote's line


def plain_lines(text: str) -> bool:
    """No line starting or ending with a space, but a nested list's items."""
    return not any(
        line and (line[-1].isspace() or line[0].isspace() and not NESTED_ITEM.match(line)) for line in text.split("\n")
    )


class Page:
    """One conversion: heading ids used, headings and references met in document order, the last block."""

    def __init__(self, converter: ProseConverter, lang: str):
        self.converter, self.lang, self.typeset = converter, lang, converter.typeset
        self.ids: set[str] = set()
        self.headings: list[Heading] = []
        self.refs: list[Ref] = []
        self.last = ""

    def block(self, block: str) -> str:
        first = block[0]
        kind = KINDS.get(first, "ol" if first.isdigit() else "p")
        if kind in ("ul", "ol") and not ITEM_START.match(block):
            kind = "p"  # "2025 saw..."; "-x" is refused below
        if kind == "q" == self.last or kind in ("ul", "ol") and self.last in ("ul", "ol"):
            raise Declined  # two lists (quotations) one blank line apart make one, with paragraphs in it
        self.last = kind
        if kind == "h":
            return self._heading(block)
        if kind == "p":
            return self._paragraph(block)
        if kind == "q":
            return self._quote(block)
        if kind == "t":
            return self._table(block)
        return self._list(block)

    def _paragraph(self, block: str) -> str:
        if SPECIAL_START.match(block) or SPECIAL_LINE.search(block) or block[0] == " " or "\n " in block:
            raise Declined  # (an indented line: code, or a list item's lazy line, which `_plain` let through)
        return f"<p>{self._inline(block)}</p>"

    def _quote(self, block: str) -> str:
        """One paragraph, every line of it starting with `> ` (`_plain` refuses `>` elsewhere)."""
        lines = block.split("\n")
        if not all(line.startswith("> ") and not line[2].isspace() for line in lines):
            raise Declined  # a lazy line, ">x"; "> " alone ends in a space, refused already
        lines = [line[2:] for line in lines]
        inner = "\n".join(lines)
        return f"<blockquote>\n{self._paragraph(inner)}\n</blockquote>"

    def _table(self, block: str) -> str:
        """A header row, an alignment row and at least one row more, each `| ... |` with as many cells; the
        alignment is dropped by the cleaner, so it is not written."""
        rows = [_cells(line) for line in block.split("\n")]
        if len(rows) < 3 or any(len(row) != len(rows[0]) for row in rows):
            raise Declined
        if not all(ALIGNMENT.fullmatch(cell) for cell in rows[1]):
            raise Declined
        head = "".join(f"<th>{self._inline(cell.strip(' '))}</th>\n" for cell in rows[0])
        body = "".join(
            "<tr>\n" + "".join(f"<td>{self._inline(cell.strip(' '))}</td>\n" for cell in row) + "</tr>\n"
            for row in rows[2:]
        )
        return f"<table>\n<thead>\n<tr>\n{head}</tr>\n</thead>\n<tbody>\n{body}</tbody>\n</table>"

    def _heading(self, block: str) -> str:
        match = HEADING.fullmatch(block)
        if not match:
            raise Declined
        level, title = len(match.group(1)), match.group(2)
        ident = toc_unique(toc_slug(" ".join(title.split())), self.ids)
        self.headings.append((level, ident, title))
        return f'<h{level} id="{escape(ident)}">{self._text(title)}</h{level}>'

    def _list(self, block: str) -> str:
        """One-line items (`- ` or `1. `, numbered from 1), each level one kind, a list nested under an item
        by four spaces more, as Python-Markdown writes it: `<li>text<ul>...</ul>` then a line with `</li>`."""
        lines = []
        for line in block.split("\n"):
            text = line.lstrip(" ")
            if (len(line) - len(text)) % 4:
                raise Declined  # two spaces: a lazy line of the item above, not a list in it
            lines.append(((len(line) - len(text)) // 4, text))
        return self._level(lines, 0, 0)[0]

    def _level(self, lines: list[tuple[int, str]], at: int, depth: int) -> tuple[str, int]:
        """The list at `depth` that starts at line `at`, and the line after it."""
        kind = "ol" if lines[at][1][0].isdigit() else "ul"
        if kind == "ol" and not lines[at][1].startswith("1. "):
            raise Declined  # numbered from elsewhere: <ol start="...">
        items = []
        while at < len(lines) and lines[at][0] == depth:
            match = ITEM[kind].fullmatch(lines[at][1])
            if not match or SPECIAL_START.match(match.group(1)):
                raise Declined
            text, at = self._inline(match.group(1)), at + 1
            if at < len(lines) and lines[at][0] > depth:
                if lines[at][0] != depth + 1:
                    raise Declined  # eight spaces more: code inside the item
                inner, at = self._level(lines, at, depth + 1)
                items.append(f"<li>{text}{inner}\n</li>")
            else:
                items.append(f"<li>{text}</li>")
        return f"<{kind}>\n" + "\n".join(items) + f"\n</{kind}>", at

    def _inline(self, span: str) -> str:
        """Code spans, links, and emphasis: runs of `*` or `**` paired in turn, none inside another, each
        opening before a letter and closing after one."""
        if "*" not in span and "[" not in span and "`" not in span:
            return self._text(span)  # most list items, a table's cells
        out: list[str] = []
        opened = ""
        start = 0
        for match in _tokens(span):
            if start < match.start():
                out.append(self._text(span[start : match.start()]))
            start = match.end()
            sign = span[match.start()]
            if sign == "`":
                out.append(_code(match.group(1)))
                continue
            if sign == "[":
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
        if "[" in text or "]" in text or "_" in text or "`" in text or "|" in text:
            raise Declined  # brackets outside links; underscores (emphasis); backticks, `|` outside code, tables
        text = self.typeset(text, self.lang)
        if "&" in text:  # the one sign to escape: `<` is refused, `>` only starts a quotation's line
            text = text.replace("&", "&amp;")
        return text.replace(NBSP, "&nbsp;") if NBSP in text else text


KINDS = {"#": "h", "-": "ul", ">": "q", "|": "t"}  # a block's kind by its first character (digits: "ol")


def _tokens(span: str) -> Iterator[re.Match[str]]:
    """What `TOKEN.finditer(span)` finds, three times faster: the next sign that may start a token, then the
    one expression starting with it (the engine tries an expression of alternatives at every position)."""
    start = 0
    while (sign := SIGN.search(span, start)) is not None:
        match = TOKENS[span[sign.start()]].match(span, sign.start())
        if match is None:
            start = sign.start() + 1
            continue
        yield match
        start = match.end()


def _cells(line: str) -> list[str]:
    """A table row's cells, between its borders (`_inline` refuses a cell with a `|` in a code span)."""
    if len(line) < 2 or line[0] != "|" or line[-1] != "|":
        raise Declined
    return line[1:-1].split("|")


def _code(code: str) -> str:
    """A code span as Python-Markdown writes it, untouched by typography; spaces around it (which it strips)
    are declined."""
    if code[0].isspace() or code[-1].isspace():
        raise Declined
    return "<code>" + escape(code, quote=False).replace(NBSP, "&nbsp;") + "</code>"


_NOT_SLUG = re.compile(r"[^\w\s-]")
_SEPARATORS = re.compile(r"[-\s]+")
_NUMBERED = re.compile(r"^(.*)_([0-9]+)$")


def toc_slug(title: str) -> str:
    """What Python-Markdown's `toc.slugify_unicode(title, "-")` gives: word characters kept, in lower case.
    A title of words (letters and digits) and single spaces, as most are, needs neither expression."""
    if title.replace(" ", "").isalnum() and "  " not in title and title[0] != " " != title[-1]:
        return title.lower().replace(" ", "-")
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
