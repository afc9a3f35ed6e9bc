"""Problems found in sources or output, as data: the one error type editors ever see.

A `Problem` names a file, a line and a column where there is one, says what is wrong and how to fix it.
Code that finds problems collects them; `ContentError` carries a batch of them to the command line,
which prints them all at once. No I/O here.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding. `path` is relative to the project root, for the editor to open."""

    path: str
    line: int = 0
    column: int = 0
    message: str = ""
    hint: str = ""
    severity: str = ERROR
    code: str = "content"

    def location(self) -> str:
        """`file:line:column`, leaving out what is unknown."""
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return where

    def format(self) -> str:
        """The one-line message an editor reads."""
        prefix = "" if self.severity == ERROR else "warning: "
        text = f"{self.location()}: {prefix}{self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_dict(self) -> dict[str, str | int]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def _path(problem: Problem) -> str:
    return problem.path


class ContentError(Exception):
    """Raised with every problem that stopped the build; the CLI prints them, never a traceback."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = sorted(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


@dataclass
class Collector:
    """Gathers problems so that a build reports all of them, not just the first, and each only once: the
    same text is rendered on several pages (a fallback shows it in every language), and render processes
    each report what they met."""

    problems: list[Problem] = field(default_factory=list)
    _seen: set[Problem] = field(default_factory=set, repr=False, compare=False)

    def add(
        self,
        path: str,
        line: int,
        message: str,
        hint: str = "",
        column: int = 0,
        severity: str = ERROR,
        code: str = "content",
    ) -> None:
        self.extend([Problem(path, line, column, message, hint, severity, code)])

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            if problem not in self._seen:
                self._seen.add(problem)
                self.problems.append(problem)

    def without(self, prefixes: Iterable[str]) -> Collector:
        """A collector of the problems whose path starts with none of `prefixes`, from this one's sorted list
        (as `absorb` keeps it): each prefix's problems are found by bisection and its set is made from this
        one's, so no problem is hashed or even looked at again. The preview carries tens of thousands of
        warnings through each update; hashing them was most of its time."""
        dropped: list[Problem] = []
        spans = []
        for prefix in sorted(set(prefixes)):
            start = bisect.bisect_left(self.problems, prefix, key=_path)
            end = bisect.bisect_left(self.problems, prefix + "\U0010ffff", key=_path)
            dropped += self.problems[start:end]
            spans.append((start, end))
        mine, at = [], 0
        for start, end in spans:
            mine += self.problems[at:start] if start > at else []
            at = max(at, end)
        result = Collector()
        result.problems, result._seen = mine + self.problems[at:], self._seen.difference(dropped)
        return result

    def absorb(self, other: Collector) -> None:
        """Add `other`'s problems that are new here, each in its place in this (sorted) list."""
        for problem in other.problems:
            if problem not in self._seen:
                self._seen.add(problem)
                bisect.insort(self.problems, problem)

    def replace_all(self, problems: Iterable[Problem]) -> None:
        """The problems, as a later pass rewrote them (several merged into one, say)."""
        self.problems = list(problems)
        self._seen = set(self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def raise_errors(self) -> None:
        """Stop here if anything so far is an error: later stages need a sound model."""
        if self.errors:
            raise ContentError(self.errors)


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """A hint naming the closest known word, or listing the allowed ones."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed: " + ", ".join(sorted(choices)) if choices else ""
