"""Which of Python-Markdown's converters a text needs, told from its characters alone, without importing
Python-Markdown: a build whose bodies are all plain prose or in the cache never loads it (engine.py).

A text with none of the syntax `extra` reacts to converts identically without `extra`, by the lean converter.
"""

from __future__ import annotations

# What `extra` reacts to: footnotes, abbreviations, attribute lists, fenced code, tables (and `\|`), raw HTML
# (Markdown in HTML), definition lists (a line starting with `:`; any
# `\r`, which Python-Markdown turns into a line break, to be safe). A text with none of these converts
# identically without `extra`. Substring tests: a regular expression costs ten times more.
EXTRA_SYNTAX = ("[^", "*[", "{", "```", "~~~", "|", "<", "\n:", "\n :", "\n  :", "\n   :", "\r")


def needs_extra(text: str) -> bool:
    return any(syntax in text for syntax in EXTRA_SYNTAX) or text.lstrip(" ").startswith(":")
