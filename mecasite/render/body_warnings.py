"""Warnings about a body's own text, given where the body is converted (views.py): a level-one heading, which
the page's title already is. Pure: problems go to the collector handed in.
"""

from __future__ import annotations

import re

from mecasite.content.model import Text
from mecasite.problems import WARNING, Collector

_LEVEL_ONE = re.compile(r" {0,3}#(?:[ \t]|$)")
_HASH = re.compile(r"#(?=[ \t]|$)", re.MULTILINE)  # a `#` that may open a heading: what may be level one
_SETEXT_ONE = re.compile(r" {0,3}=+[ \t]*$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def warn_level_one(text: Text, problems: Collector) -> None:
    """A warning at each level-1 heading of a body (`# Title`, or a line underlined with `===`): the page
    title is the page's one h1."""
    if "=" not in text.body and not _any_level_one(text.body):
        return  # no line to warn at (fences only take warnings away)
    fence, previous = "", ""
    for offset, line in enumerate(text.body.split("\n")):
        opened = _FENCE.match(line)
        if fence:
            fence = "" if opened and opened.group(1).startswith(fence) else fence
        elif opened:
            fence = opened.group(1)
        elif _LEVEL_ONE.match(line) or (_SETEXT_ONE.match(line) and previous.strip()):
            at = offset if _LEVEL_ONE.match(line) else offset - 1
            problems.add(
                text.path,
                text.body_line + at,
                "level-1 heading in the text: the page title is already the page's heading",
                "start it with '##', and its sub-headings with '###'",
                1,
                severity=WARNING,
                code="heading",
            )
        previous = "" if fence else line


def _any_level_one(body: str) -> bool:
    """Whether a line starts with `#` after at most three spaces, then a space or its end: searched from each
    such `#` back to its line's start, since an expression that starts with a literal is searched for twice
    as fast as one that starts with `^` (12 -> 6 us a body)."""
    for match in _HASH.finditer(body):
        start = body.rfind("\n", 0, match.start()) + 1
        if match.start() - start <= 3 and not body[start : match.start()].strip(" "):
            return True
    return False
