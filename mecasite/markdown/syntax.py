"""Which of Python-Markdown's converters a text needs, told from its characters alone, without importing
Python-Markdown: a build whose bodies are all plain prose or in the cache never loads it (engine.py).

A text with none of the syntax `extra` reacts to converts identically without `extra`, by the lean converter.
A text whose only such syntax is `|` (a table) may still take the short route (prose.py); any other of it
goes to Python-Markdown.
"""

from __future__ import annotations

import re

# What `extra` reacts to, tables aside: footnotes, abbreviations, attribute lists, fenced code, raw HTML
# (Markdown in HTML), definition lists (a line starting with `:`, after spaces or a quotation's `>`: `extra`
# reads one inside a quotation or a list item too; any `\r`, which Python-Markdown turns into a line break, to
# be safe). A text with none of these, nor `|` (tables, and `\|`), converts identically without `extra`.
# Substring tests, and one expression that starts with a literal: an expression of alternatives costs ten
# times more.
EXTRA_SYNTAX = ("[^", "*[", "{", "```", "~~~", "<", "\r")
DEFINITION = re.compile(r"\n[ >]*:")
TABLES = "|"
# Each piece looked for only where its last sign occurs (a search for one sign costs a tenth of one for two).
_GUARDED = tuple((piece[-1], piece) for piece in EXTRA_SYNTAX)


def beyond_tables(text: str) -> bool:
    """The text uses syntax of `extra` other than tables: only Python-Markdown converts it."""
    if any(sign in text and piece in text for sign, piece in _GUARDED):
        return True
    return defines_terms(text)


def defines_terms(text: str) -> bool:
    """A line that `extra` may read as a definition (`: ...`), in a quotation or a list item too."""
    return ":" in text and (text.lstrip(" >").startswith(":") or DEFINITION.search(text) is not None)


def needs_extra(text: str) -> bool:
    return TABLES in text or beyond_tables(text)
