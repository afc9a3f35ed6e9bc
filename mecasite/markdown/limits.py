"""Bounds on what a body may contain, so that converting it takes bounded work on any machine.

Python-Markdown is linear on most text but not on all of it. Measured by hand (see the commit that added
this module), it is quadratic in the number of inline matches in one paragraph (emphasis, links, entities,
code spans), in table rows, in headings with the same name (their ids are made unique by counting up), in
abbreviations and footnotes, in raw HTML tags and autolinks, and in blocks; nesting lists and quotes makes
each line cost more, and nesting deep enough exhausts the stack. So instead of a clock, which would refuse
on a slow machine what a fast one accepts, the input is bounded: its size, and counts of exactly those
constructs, each limit far above what real content uses (the largest body today has 2,722 characters, 15
signs, 5 headings). Both conversion routes (prose.py, Python-Markdown) are behind this one gate, so
they refuse the same texts with the same message.

Every check is a substring count or a regular-expression scan, linear in the text; the line of the first
construct beyond a limit is looked for only when a count is over it. No I/O here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

PREFIX = "the text is too complex to convert: "


class TooComplex(Exception):
    """A body beyond one of the limits: `message` says which, `hint` how to stay within it, `line` (in the
    body, from 1) where the limit is passed."""

    def __init__(self, message: str, line: int = 0, hint: str = ""):
        super().__init__(message)
        self.message, self.line, self.hint = message, line, hint


@dataclass(frozen=True)
class Run:
    """A run too long, or nesting too deep, on one line: refused at the first match of `pattern`."""

    needles: tuple[str, ...]  # one of these must occur for the pattern to match (a fast pre-check)
    pattern: re.Pattern[str]
    what: str
    hint: str


@dataclass(frozen=True)
class Count:
    """At most `limit` matches of `pattern` in a body; `signs` counted first with str.count (an upper
    bound when `exact` is false, the count itself when it is true)."""

    signs: tuple[str, ...]
    pattern: re.Pattern[str]
    limit: int
    what: str
    hint: str
    exact: bool = False


MAX_CHARS = 200_000
SPLIT = "split it into several items or pages"
RUNS = (
    Run(
        ("[" * 200, "]" * 200, "(" * 200),
        re.compile(r"\[{200,}|\]{200,}|\({200,}"),
        "a run of more than 200 brackets",
        "write fewer brackets in a row",
    ),
    Run(
        ("`" * 100,),
        re.compile(r"`{100,}"),
        "a run of more than 100 backticks",
        "three backticks open a code block; a run of more is never needed",
    ),
    # Line starts are found by a literal newline (which the regex engine skips to) rather than `^`.
    Run(
        (),
        re.compile(r"\n(?:[ \t]*(?:[-*+>]|\d+[.)])[ \t]+){64,}"),
        "list or quote markers nested more than 64 deep",
        "nest lists and quotes at most 64 levels deep",
    ),
    Run(
        (),
        re.compile(r"\n[ \t>]{256,}"),
        "a line indented or quoted more than 256 levels deep",
        "indent lines by fewer than 256 spaces, tabs or '>'",
    ),
)
COUNTS = (
    Count(
        tuple("*_[`&<|"),
        re.compile(r"[*_\[`&<|]"),
        5_000,
        "more than 5,000 of the signs * _ [ ` & < |",
        SPLIT,
        exact=True,
    ),
    Count(("<",), re.compile(r"<[A-Za-z!]"), 1_000, "more than 1,000 HTML tags, comments or <addresses>", SPLIT),
    Count(("\n",), re.compile(r"\n[ \t]*(?=\n)"), 5_000, "more than 5,000 blank lines", SPLIT),
    Count(
        ("\n",),
        re.compile(r"\n[ \t>]*(?:#|=+[ \t]*(?=\n|$)|-+[ \t]*(?=\n|$))"),
        500,
        "more than 500 headings (lines starting with # or underlined with = or -)",
        SPLIT,
    ),
    Count(
        ("*[",),
        re.compile(r"\*\["),
        100,
        "more than 100 abbreviations (*[...]: lines)",
        "define fewer abbreviations, or split the text",
        exact=True,
    ),
    Count(
        ("[^",),
        re.compile(r"\[\^"),
        1_000,
        "more than 1,000 footnote marks ([^...])",
        "use fewer footnotes, or split the text",
        exact=True,
    ),
)


def check_complexity(text: str) -> None:
    """Raise TooComplex for a body beyond a limit: the first in this order (size, runs, counts)."""
    if len(text) > MAX_CHARS:
        raise TooComplex(f"{PREFIX}longer than {MAX_CHARS:,} characters", text.count("\n", 0, MAX_CHARS) + 1, SPLIT)
    lined = "\n" + text  # so that the first line starts with a newline too
    for run in RUNS:
        if run.needles and not any(needle in text for needle in run.needles):
            continue
        match = run.pattern.search(lined)
        if match:
            raise TooComplex(PREFIX + run.what, _line(lined, match.start() + 1), run.hint)
    for count in COUNTS:
        if len(text) <= count.limit or sum(text.count(sign) for sign in count.signs) <= count.limit:
            continue  # (a text no longer than the limit holds no more matches than that: nothing to count)
        beyond = next(islice(count.pattern.finditer(lined), count.limit, None), None)
        if beyond:
            raise TooComplex(
                PREFIX + count.what, _line(lined, beyond.start() + (beyond.group()[0] == "\n")), count.hint
            )


def _line(lined: str, position: int) -> int:
    """The line (from 1) of `position` in the text with its leading newline."""
    return max(lined.count("\n", 0, position), 1)
