"""Prose with odd blocks: a text the short route declines as a whole for one block or two (a list item
wrapped onto a second line, a `+` list, a hard line break) converted block by block, the odd ones alone by
Python-Markdown, the others by the short route, into the HTML Python-Markdown gives the whole text.

That holds where no block changes how another is read. So the text holds none of the signs that reach
across blocks (`prose.plain_signs`: raw HTML, fences, reference definitions, footnotes...) and no line of
spaces alone; an odd block does not start with a space (code, or a list item's second paragraph); two lists,
or two quotations, one blank line apart, make one in Python-Markdown: a text with one of them odd is
declined; and an odd block's HTML holds no heading, whose id depends on the others'. The tests hold the
result to Python-Markdown's on generated text. No I/O here, and no Python-Markdown: the caller converts the
odd blocks (convert.py).
"""

from __future__ import annotations

import re

from mecasite.markdown.prose import Declined, Heading, Page, ProseConverter, Ref, plain_lines, plain_signs

# A block's kind as Python-Markdown may read it when the short route does not: a list, a quotation, other.
_LIST = re.compile(r"[-*+] |\d+\.(?: |$)")
_LISTS = ("ul", "ol")  # as prose.py names them: a list after an odd one is declined there too
_SPACES_LINE = re.compile(r"(?:^|\n)[ ]+(?:\n|$)")

Part = tuple[str | None, str, tuple[Ref, ...]]  # (its HTML, None for an odd block; its source; its id links)


def prose_parts(converter: ProseConverter, text: str, lang: str) -> tuple[list[Part], tuple[Heading, ...]] | None:
    """The text's blocks, those of plain prose converted, and the headings met; None for a text that cannot
    be read block by block (see above) or has no odd block."""
    if not plain_signs(text) or _SPACES_LINE.search(text):
        return None
    page = Page(converter, lang)
    parts: list[Part] = []
    odd = False
    for block in (part.strip("\n") for part in text.split("\n\n")):
        if not block:
            continue
        before, previous = len(page.refs), page.last
        try:
            if not plain_lines(block):
                raise Declined
            html = page.block(block)
            parts.append((html, block, tuple(page.refs[before:])))
        except Declined:
            kind = "ul" if _LIST.match(block) else "q" if block[0] == ">" else "p"
            if block[0].isspace() or (kind in _LISTS and previous in _LISTS) or kind == previous == "q":
                return None
            page.last = kind
            parts.append((None, block, ()))  # (the id links it met before declining are in no part)
            odd = True
    return (parts, tuple(page.headings)) if odd else None


def has_heading(html: str) -> bool:
    """An odd block's HTML with a heading in it: its id may depend on the other headings."""
    return _HEADING.search(html) is not None


_HEADING = re.compile(r"<h[1-6][ >]")
