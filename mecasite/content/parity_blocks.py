"""Parity, the parts of a text: its blocks (with their lines), its links, and its facts (dates, years, numbers,
read in each language's way of writing them). Pure: no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names

from mecasite.content.model import Text

# --- blocks ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One block of a Markdown body: its kind ("paragraph", "heading 2", "list item" ...), first line, text."""

    kind: str
    line: int
    text: str


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:\s+|$)")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_QUOTE = re.compile(r"^ {0,3}>")
_RULE = re.compile(r"^ {0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$|^\s*\|\s*:?-+:?\s*\|\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@lru_cache(maxsize=32)  # the preview's edits split the same original again and again (2 ms at 300 words)
def split_blocks(body: str, first_line: int = 1) -> tuple[Block, ...]:
    """The blocks of a body, each with the file line it starts on (`first_line` is the body's first line).

    A small line-based splitter that follows Markdown's block rules where the content uses them; HTML
    comments are notes for editors and do not count.
    """
    body = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), body)
    lines = body.split("\n")
    blocks: list[Block] = []
    current: list[str] = []
    kind, start = "", 0
    fence = ""

    def flush() -> None:
        nonlocal current, kind
        if current:
            blocks.append(Block(kind, first_line + start, "\n".join(current).strip()))
        current, kind = [], ""

    for number, line in enumerate(lines):
        if fence:
            current.append(line)
            if line.strip().startswith(fence):
                fence = ""
                flush()
            continue
        fenced = _FENCE.match(line)
        if fenced:
            flush()
            fence, kind, start, current = fenced.group(1), "code block", number, [line]
            continue
        if not line.strip():
            if kind != "list item" or not _continues_item(lines, number):
                flush()
            continue
        heading = _HEADING.match(line)
        new_kind = (
            f"heading {len(heading.group(1))}"
            if heading
            else "rule"
            if _RULE.match(line)
            else "list item"
            if _ITEM.match(line)
            else "quote"
            if _QUOTE.match(line)
            else ""
        )
        if kind == "paragraph" and _TABLE_RULE.match(line) and "|" in current[-1] and len(current) == 1:
            kind = "table"
        if new_kind and not (new_kind == "quote" and kind == "quote"):
            flush()
            kind, start, current = new_kind, number, [line]
            if new_kind.startswith("heading") or new_kind == "rule":
                flush()
            continue
        if not kind:
            kind, start = "paragraph", number
        current.append(line)
    flush()
    return tuple(blocks)


def _continues_item(lines: list[str], number: int) -> bool:
    """A blank line inside a list item: the item goes on when the next text is indented under it."""
    rest = [line for line in lines[number + 1 :] if line.strip()]
    return bool(rest) and rest[0].startswith(("  ", "\t")) and not _ITEM.match(rest[0])


LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")


def plain(text: str) -> str:
    """A block's words without Markdown marks: what a finding quotes."""
    text = LINK_TARGET.sub("]", text)
    text = re.sub(r"^\s*(?:#{1,6}|>|[-*+]|\d+[.)])\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"[*_`\[\]]|<[^>]+>", "", text)
    return " ".join(text.split())


def opening(block: Block, words: int = 5) -> str:
    """The first words of a block, to say which one a finding means."""
    return " ".join(plain(block.text).split()[:words]) or block.kind


def after(blocks: Sequence[Block], index: int) -> str:
    """'after the paragraph that starts ...': the place before blocks[index], in words."""
    if index <= 0:
        return "at the start of the text"
    before = blocks[index - 1]
    return f"after the {describe(before.kind)} that starts '{opening(before)}'"


def describe(kind: str) -> str:
    """'heading 2' -> 'level-2 heading'."""
    if kind.startswith("heading "):
        return f"level-{kind.split()[1]} heading"
    return kind


def a_or_an(kind: str) -> str:
    return f"an {describe(kind)}" if describe(kind)[0] in "aeiou" else f"a {describe(kind)}"


# --- links -------------------------------------------------------------------------------------------------

_ID_LINK = re.compile(r"^(?:partner|action|page|testimonial):[a-z0-9-]+(?:#[\w-]+)?$")
URL = re.compile(r"(?:https?://|mailto:|www\.)[^\s<>()\"']+[^\s<>()\"'.,;:!?]")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)


def links(text: str) -> set[str]:
    """The id links and external addresses a text links to (Markdown links, reference definitions,
    autolinks and bare addresses)."""
    found = set(LINK_TARGET.findall(text)) | set(_REF_DEF.findall(text))
    found |= set(URL.findall(LINK_TARGET.sub("]", _REF_DEF.sub("", text))))
    return {t for t in found if _ID_LINK.match(t) or URL.fullmatch(t)}


# --- facts -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Fact:
    """A number, year or date, normalised: ("date", "2010-03-03"), ("year", "2010"), ("number", "1000")."""

    kind: str
    value: str

    def __str__(self) -> str:
        return f"the {self.kind} {self.value}"


@lru_cache(maxsize=16)
def _months(lang: str) -> dict[str, int]:
    """Month names of a language, lower-cased, from CLDR (wide and abbreviated forms)."""
    names: dict[str, int] = {}
    try:
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=lang).items():
                names[name.lower().rstrip(".")] = number
    except (UnknownLocaleError, ValueError):
        pass
    return names


@lru_cache(maxsize=16)
def _date_patterns(lang: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    months = "|".join(sorted(map(re.escape, _months(lang) | _months("en")), key=len, reverse=True))
    day_first = re.compile(rf"(?<!\d)(\d{{1,2}})(?:er|st|nd|rd|th|e|\.)?\s+({months})\.?\s+(\d{{4}})(?!\d)", re.I)
    month_first = re.compile(rf"(?<![\w])({months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.I)
    month_year = re.compile(rf"(?<![\w])({months})\.?\s+(\d{{4}})(?!\d)", re.I)
    return day_first, month_first, month_year


_DIGIT = re.compile(r"\d")
_ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})(?:-(\d{2}))?(?![\d-])")
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:([ \u00a0\u202f.,])\d{3})(?:\2\d{3})*|\d+)(?:[.,](\d+))?(?![\d])")


@lru_cache(maxsize=16384)  # pure, and asked of the same block for each translation and each alignment
def facts(text: str, lang: str) -> frozenset[Fact]:
    """The dates, years and numbers of a text; link targets and addresses do not count."""
    if not _DIGIT.search(text):
        return frozenset()  # every date, year and number has a digit: most blocks need no pattern at all
    text = URL.sub(" ", LINK_TARGET.sub("] ", text))
    found: set[Fact] = set()
    months = _months(lang) | _months("en")

    def date(year: str, month: int, day: str | None = None) -> str:
        found.add(Fact("date", f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")))
        return " "

    day_first, month_first, month_year = _date_patterns(lang)
    text = _ISO_DATE.sub(lambda m: date(m[1], int(m[2]), m[3]), text)
    text = day_first.sub(lambda m: date(m[3], months[m[2].lower()], m[1]), text)
    text = month_first.sub(lambda m: date(m[3], months[m[1].lower()], m[2]), text)
    text = month_year.sub(lambda m: date(m[2], months[m[1].lower()]), text)
    for match in _NUMBER.finditer(text):
        whole, decimals = re.sub(r"\D", "", match.group(1)), match.group(3)
        value = str(int(whole)) + (f".{decimals}" if decimals else "")
        is_year = not decimals and len(whole) == 4 and 1800 <= int(whole) <= 2100 and match.group(2) is None
        found.add(Fact("year" if is_year else "number", value))
    return frozenset(found)


def compare_facts(source: frozenset[Fact], translation: frozenset[Fact]) -> list[str]:
    """Messages for facts changed, missing or added; a changed one is said once ('2011 where ... 2010')."""
    missing, extra = sorted(source - translation), sorted(translation - source)
    messages = []
    for kind in ("date", "year", "number"):
        lost = [f for f in missing if f.kind == kind]
        added = [f for f in extra if f.kind == kind]
        for old, new in zip(lost, added, strict=False):
            messages.append(f"this translation has {new} where the original has {old.value}")
        messages += [f"this translation lacks {f} that the original has" for f in lost[len(added) :]]
        messages += [f"this translation has {f} that the original has not" for f in added[len(lost) :]]
    return messages


def fact_line(
    message: str,
    src_blocks: Sequence[Block],
    tr_blocks: Sequence[Block],
    matched: Mapping[int, int],
    translation: Text,
    src_lang: str,
    lang: str,
) -> int:
    """The translation line of the block a fact finding is about: where the translation's or original's fact is
    (`matched`: the source's blocks -> the translation's)."""
    values = re.findall(r"the (?:date|year|number) (\S+)|has (\S+)$", message)
    wanted = {v for pair in values for v in pair if v}
    for _j, block in enumerate(tr_blocks):
        if any(f.value in wanted for f in facts(block.text, lang)):
            return block.line
    for i, block in enumerate(src_blocks):
        if any(f.value in wanted for f in facts(block.text, src_lang)) and matched.get(i) is not None:
            return tr_blocks[matched[i]].line
    return translation.body_line


# --- countries -------------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def territories(lang: str) -> dict[str, str]:
    """Territory names of a language (CLDR), keyed by code."""
    try:
        return dict(Locale.parse(lang).territories)
    except (UnknownLocaleError, ValueError):
        return {}


@lru_cache(maxsize=16)
def country_phrases(lang: str) -> frozenset[str]:
    """CLDR's country names in a language, and Europe's (150), not the other regions."""
    return frozenset(name for code, name in territories(lang).items() if not code.isdigit() or code == "150")
