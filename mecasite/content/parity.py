"""Translation parity: does a translation marked up to date still say, structurally, what its original says?

`source_hash` only proves that a translator looked at the current original; this module compares the two texts
and reports where they differ:

- blocks: paragraphs, headings (by level), list items, quotes, tables, code blocks and rules, split line by line
  and aligned with difflib on their kinds, so that a finding says where ("after the paragraph that starts ...");
- links: the same id links (`partner:x`, `action:y` ...) and the same external addresses;
- facts: the same numbers, years and dates, read in each language's way of writing them (3 mars 2010,
  3 March 2010, 3. März 2010 and 2010-03-03 are one date; 1 000, 1,000 and 1.000 one number);
- names: an item's title in the original must be in the translation, as it is or as that item's title in the
  translation's language; a word the original writes with a capital (not at a sentence start), in capitals, with
  an inner capital or a digit, or a short phrase in quotes, must be in the translation when another translation
  of the same item keeps it as it is, or (for a country) as CLDR names it in that language. So a word every
  translation translates (Belgique, PME, Conseil régional) is not a name, and German nouns, all capitalised,
  never count: only the original's words are looked for.

Title, summary and signature are compared for facts and names, the body for everything. A finding the
translator has checked is acknowledged in the translation's front matter, `parity_checked: [<code>]`: the code
joins the finding's own digest to a digest of both texts, so any change to either text expires it (and the
warning says so). Pure functions: the texts in, findings out; no I/O.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Iterable, Mapping, Sequence

from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names

from mecasite.config.settings import SiteConfig
from mecasite.content.model import Item, Model, Text
from mecasite.content.translations import UP_TO_DATE, digest, state_of
from mecasite.problems import WARNING, Collector

ACK_FIELD = "parity_checked"
CODE = "translation-parity"
FIELDS = ("title", "summary", "signature")  # compared for facts and names; the body for everything


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
        new_kind = (f"heading {len(heading.group(1))}" if heading else "rule" if _RULE.match(line)
                    else "list item" if _ITEM.match(line) else "quote" if _QUOTE.match(line) else "")
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
    rest = [line for line in lines[number + 1:] if line.strip()]
    return bool(rest) and rest[0].startswith(("  ", "\t")) and not _ITEM.match(rest[0])


_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")


def plain(text: str) -> str:
    """A block's words without Markdown marks: what a finding quotes."""
    text = _LINK_TARGET.sub("]", text)
    text = re.sub(r"^\s*(?:#{1,6}|>|[-*+]|\d+[.)])\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"[*_`\[\]]|<[^>]+>", "", text)
    return " ".join(text.split())


def opening(block: Block, words: int = 5) -> str:
    """The first words of a block, to say which one a finding means."""
    return " ".join(plain(block.text).split()[:words]) or block.kind


def describe(kind: str) -> str:
    """'heading 2' -> 'level-2 heading'."""
    if kind.startswith("heading "):
        return f"level-{kind.split()[1]} heading"
    return kind


def _a(kind: str) -> str:
    return f"an {describe(kind)}" if describe(kind)[0] in "aeiou" else f"a {describe(kind)}"


# --- findings ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """One divergence, at a line of the translation. `message` never names a line, so that it identifies the
    finding for its acknowledgement; `where` says where in the text it is, in words."""

    line: int
    message: str

    @property
    def key(self) -> str:
        return hashlib.sha256(self.message.encode("utf-8")).hexdigest()[:6]


def texts_stamp(source: Text, translation: Text) -> str:
    """A digest of both texts' words: an acknowledgement made with it expires when either changes."""
    return hashlib.sha256(f"{digest(source)}:{digest(translation)}".encode()).hexdigest()[:6]


def ack_code(finding: Finding, source: Text, translation: Text) -> str:
    """What the translator writes in `parity_checked` to acknowledge this finding for these two texts."""
    return f"{finding.key}-{texts_stamp(source, translation)}"


def after(blocks: Sequence[Block], index: int) -> str:
    """'after the paragraph that starts ...': the place before blocks[index], in words."""
    if index <= 0:
        return "at the start of the text"
    before = blocks[index - 1]
    return f"after the {describe(before.kind)} that starts '{opening(before)}'"


def _tokens(block: Block, lang: str) -> set[str]:
    """What a block says in any language: its links, facts and strongly written names (for aligning blocks)."""
    words = {w for w in _WORD.findall(block.text) if _is_strong(w)}
    return links(block.text) | {str(f) for f in facts(block.text, lang)} | words


def align(source: Sequence[Block], translation: Sequence[Block], source_lang: str = "fr",
          lang: str = "fr") -> list[tuple[int | None, int | None]]:
    """Pairs (source index, translation index), None for a block the other text has not: the alignment that
    pairs the most blocks of the same kind, preferring blocks that share links, facts and names."""
    n, m = len(source), len(translation)
    src_tokens = [_tokens(b, source_lang) for b in source]
    tr_tokens = [_tokens(b, lang) for b in translation]

    def pair(i: int, j: int) -> float:
        if source[i].kind != translation[j].kind:
            return 0.1  # one block in place of another: better said once than as one missing and one added
        shared, total = src_tokens[i] & tr_tokens[j], src_tokens[i] | tr_tokens[j]
        return 1 + (len(shared) / len(total) if total else 0.5)

    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + pair(i, j))
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n or j < m:
        if i < n and j < m and best[i][j] == best[i + 1][j + 1] + pair(i, j):
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif i < n and (j == m or best[i][j] == best[i + 1][j]):
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    return pairs


def compare_blocks(source: Sequence[Block], translation: Sequence[Block], source_path: str,
                   source_lang: str = "fr", lang: str = "fr") -> tuple[list[Finding], dict[int, int]]:
    """Findings for blocks added, missing or of another kind, and which translation block each source block
    corresponds to (for placing the other findings)."""
    findings: list[Finding] = []
    matched: dict[int, int] = {}
    next_j = 0  # the translation block after the place reached
    for i, j in align(source, translation, source_lang, lang):
        if i is not None and j is not None:
            matched[i] = j
            s, t = source[i], translation[j]
            if s.kind != t.kind:
                findings.append(Finding(t.line, f"this translation has {_a(t.kind)} where the original has "
                                        f"{_a(s.kind)} ('{opening(s)}', {source_path}:{s.line}), "
                                        f"{after(translation, j)}"))
            next_j = j + 1
        elif j is not None:
            findings.append(Finding(translation[j].line, f"this translation has {_a(translation[j].kind)} the "
                                    f"original has not ('{opening(translation[j])}'), {after(translation, j)}"))
            next_j = j + 1
        else:
            assert i is not None  # align() never pairs None with None
            s = source[i]
            line = translation[next_j - 1].line if next_j > 0 else (translation[0].line if translation else 1)
            findings.append(Finding(line, f"the original has {_a(s.kind)} this translation has not "
                                    f"('{opening(s)}', {source_path}:{s.line}), {after(translation, next_j)}"))
    return findings, matched


# --- links -------------------------------------------------------------------------------------------------

_ID_LINK = re.compile(r"^(?:partner|action|page|testimonial):[a-z0-9-]+(?:#[\w-]+)?$")
_URL = re.compile(r"(?:https?://|mailto:|www\.)[^\s<>()\"']+[^\s<>()\"'.,;:!?]")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)


def links(text: str) -> set[str]:
    """The id links and external addresses a text links to (Markdown links, reference definitions,
    autolinks and bare addresses)."""
    found = set(_LINK_TARGET.findall(text)) | set(_REF_DEF.findall(text))
    found |= set(_URL.findall(_LINK_TARGET.sub("]", _REF_DEF.sub("", text))))
    return {t for t in found if _ID_LINK.match(t) or _URL.fullmatch(t)}


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
    text = _URL.sub(" ", _LINK_TARGET.sub("] ", text))
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


def compare_facts(source: Set[Fact], translation: Set[Fact]) -> list[str]:
    """Messages for facts changed, missing or added; a changed one is said once ('2011 where ... 2010')."""
    missing, extra = sorted(source - translation), sorted(translation - source)
    messages = []
    for kind in ("date", "year", "number"):
        lost = [f for f in missing if f.kind == kind]
        added = [f for f in extra if f.kind == kind]
        for old, new in zip(lost, added):
            messages.append(f"this translation has {new} where the original has {old.value}")
        messages += [f"this translation lacks {f} that the original has" for f in lost[len(added):]]
        messages += [f"this translation has {f} that the original has not" for f in added[len(lost):]]
    return messages


# --- names -------------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]\w*(?:[-&][^\W_]\w*)*")
_QUOTED = re.compile(r"«\s*([^»]{1,60}?)\s*»|“([^”]{1,60})”|\"([^\"]{1,60})\"|„([^“”]{1,60})[“”]|‘([^’]{1,60})’")
_SENTENCE_END = re.compile(r"[.!?…]\s*$")


@lru_cache(maxsize=65536)
def _is_strong(word: str) -> bool:
    """Written like a name in every language: an inner capital, a digit, or capitals only."""
    return (any(c.isupper() for c in word[1:]) and not word[1:].replace("-", "").isupper()) or \
        any(c.isdigit() for c in word) or (len(word) > 1 and word.replace("-", "").isupper())


@lru_cache(maxsize=16384)  # pure, and asked of the same text once per word of another translation
def name_candidates(text: str) -> frozenset[str]:
    """Words the original writes like names: capitalised but not at a sentence start, in capitals, with an inner
    capital or a digit; and short phrases in quotes."""
    text = _URL.sub(" ", _LINK_TARGET.sub("] ", text))
    found: set[str] = set()
    for match in _QUOTED.finditer(text):
        phrase = next(g for g in match.groups() if g)
        if len(phrase.split()) <= 4:
            found.add(phrase.strip())
    for sentence_run in _runs(text):
        for match in _WORD.finditer(sentence_run):
            word = match.group()
            before = sentence_run[:match.start()].rstrip(" \u00a0\u202f«“\"„‘'([*_")
            starts = not before or _SENTENCE_END.search(before) is not None
            if word[0].isdigit() or re.fullmatch(r"[A-Z]&[A-Z]", word):
                continue  # a number (facts compare those); a two-word abbreviation (R&D) is translated (F&E)
            follows_name = re.search(r"(?<![\w&])[^\W_][\w&-]* $", sentence_run[:match.start()])
            if follows_name and _is_strong(follows_name.group().strip()) and not _is_strong(word):
                continue  # 'MecaTech Cluster': the name is MecaTech's, followed by what it is
            if _is_strong(word) or (word[0].isupper() and not starts):
                found.add(word)
    return frozenset(found)


def _runs(text: str) -> list[str]:
    """The text as runs that each begin a sentence: blocks, list items and headings, lines joined."""
    runs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        for i, line in enumerate(block.split("\n")):
            marker = re.match(r"^\s*(?:#{1,6}|>|[-*+]|\d+[.)])\s+", line)
            if i == 0 or marker:
                runs.append(line[marker.end():] if marker else line)
            else:
                runs[-1] += " " + line
    return runs


def has_name(text: str, name: str, exact: bool = False) -> bool:
    """The name as a word of the text (a German compound such as 'MecaTech-Cluster' or a genitive 's' is fine)."""
    if not name or name[1:] not in text:  # the cheap test first: most names are in no given block
        return False
    return _name_pattern(name, exact).search(text) is not None


@lru_cache(maxsize=4096)
def _name_pattern(name: str, exact: bool) -> re.Pattern[str]:
    first = re.escape(name[0]) if exact else f"[{re.escape(name[0].lower())}{re.escape(name[0].upper())}]"
    return re.compile(rf"(?<![\w&]){first}{re.escape(name[1:])}(?:s|’s|'s)?(?![\w&])")


def _core(phrase: str, original: str) -> list[str]:
    """The words that make a title recognisable whatever the word order, as the original's title has them too:
    'Business-Meets-Research Forum 2014' -> Business-Meets-Research, 2014 (Forum: translated, not a name)."""
    words = _WORD.findall(phrase)
    kept = set(_WORD.findall(original))
    return list(dict.fromkeys(w for w in words if (_is_strong(w) or w[0].isdigit() or w[0].isupper()) and w in kept
                              and (_is_strong(w) or w[0].isdigit() or w != words[0])))


def is_name_like(title: str) -> bool:
    """A title that is a name (Grande Région, Université de Grenoble), not a sentence about the item."""
    words = title.split()
    return "," not in title and len(words) <= 5 and all(w[0].isupper() or w[0].isdigit() or len(w) <= 3
                                                        for w in words)


@lru_cache(maxsize=16)
def _countries(lang: str) -> dict[str, str]:
    """Territory names of a language (CLDR), keyed by code."""
    try:
        return dict(Locale.parse(lang).territories)
    except (UnknownLocaleError, ValueError):
        return {}


@dataclass(frozen=True)
class Names:
    """What may stand for a name in each language: item titles, and country names from CLDR."""

    titles: Mapping[str, Mapping[str, str]]  # original title -> language -> that item's title in it
    default: str

    @cached_property
    def phrases(self) -> list[str]:
        """Names of several words looked for as a whole: name-like item titles and CLDR's country names."""
        countries = [name for code, name in _countries(self.default).items() if not code.isdigit() or code == "150"]
        return sorted({*filter(is_name_like, self.titles), *countries}, key=len, reverse=True)

    @cached_property
    def _by_first_word(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for phrase in self.phrases:  # longest first, and so in each list
            first = _WORD.match(phrase)
            index.setdefault(first.group() if first else phrase, []).append(phrase)
        return index

    def in_text(self, text: str) -> list[str]:
        """The phrases that may be in `text`, longest first: those whose first word it has (a few hundred
        phrases are not each searched for in every block)."""
        index = self._by_first_word
        found = {phrase for word in set(_WORD.findall(text)) for phrase in index.get(word, ())}
        return [phrase for phrase in self.phrases if phrase in found]

    def renderings(self, name: str, lang: str) -> tuple[str, ...]:
        """The ways `lang` may write the original's name: as it is, as an item's title, as CLDR's country."""
        ways = [name]
        if name in self.titles and lang in self.titles[name]:
            ways.append(self.titles[name][lang])
        for code, country in _countries(self.default).items():
            if country == name and code in _countries(lang):
                ways += [_countries(lang)[code], code]
        return tuple(ways)

    def found(self, text: str, name: str, lang: str) -> bool:
        """The name, or a rendering of it, or the core words of one of those, in the text."""
        for way in self.renderings(name, lang):
            core = _core(way, name) if name in self.titles else []
            if has_name(text, way) or (core and all(has_name(text, w) for w in core)):
                return True
        return False


def names_of(model: Model, default: str) -> Names:
    """The item titles of a model, for `compare`."""
    titles: dict[str, dict[str, str]] = {}
    for item in model.items.values():
        source = item.texts.get(default)
        if source and source.title:
            titles.setdefault(source.title, {}).update({lang: t.title for lang, t in item.texts.items() if t.title})
    return Names(titles, default)


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word)[:1].lower()


def _parts(text: str) -> list[str]:
    """The words of a text, compounds also split at their hyphens (INTERREG-Projekt: INTERREG, Projekt)."""
    words = _WORD.findall(text)
    return words + [part for w in words if "-" in w for part in w.split("-")]


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.replace("&", "").isupper()


def _translated_as(word: str, unexplained: list[str]) -> bool:
    """Whether a word the translation has, and the original has not, may be the name translated: an acronym for
    an acronym (R&D: F&E), else a word with the same first letter (Liège: Lüttich, Luik). Each serves once."""
    for i, candidate in enumerate(unexplained):
        if _is_acronym(word) == _is_acronym(candidate) and (_is_acronym(word) or _fold(word) == _fold(candidate)):
            del unexplained[i]
            return True
    return False


def kept(word: str, other: str, lang: str) -> bool:
    """Another translation writes the word as a name too: not at a sentence start, and in German (where every
    noun has a capital) only a word with an inner capital, a digit or capitals only."""
    if lang == "de" and not _is_strong(word):
        return False
    return word in name_candidates(other) or (_is_strong(word) and has_name(other, word))


def missing_names(source: str, translation: str, lang: str, others: Mapping[str, str], names: Names,
                  scope: str | None = None) -> list[str]:
    """The original's names that the translation lacks, in the order the original has them.

    Name-like item titles and country names are looked for always; other candidates when another translation
    keeps them as names (else every translation translates the word: it is a word of the language). A missing
    word is taken as translated when the translation's `scope` (the aligned block) has a capitalised word the
    original has not, beginning with the same letter (Liège: Lüttich, Luik)."""
    found: list[str] = []
    # The phrases, longest first (in the translation, 'The Greater Region' may be 'the Greater Region'); each is
    # then taken out, so that its words are not candidates on their own.
    rest = source
    for phrase in names.in_text(source):
        if has_name(rest, phrase, exact=True):
            rest = re.sub(rf"(?<!\w){re.escape(phrase)}", " ", rest)
            if not names.found(translation, phrase, lang):
                found.append(phrase)
    source_words = set(_parts(source))
    unexplained = [w for w in _parts(translation if scope is None else scope)
                   if len(w) > 1 and w[0].isupper() and w not in source_words]
    for word in sorted(name_candidates(rest)):
        if names.found(translation, word, lang):
            continue
        if not any(kept(word, other, other_lang) for other_lang, other in others.items()):
            continue
        if _translated_as(word, unexplained):
            continue
        found.append(word)
    return sorted(found, key=lambda n: (source.find(n), n))


# --- one translation ---------------------------------------------------------------------------------------

def compare(source: Text, translation: Text, others: Mapping[str, Text], names: Names) -> list[Finding]:
    """Every divergence between an original and its translation, each once, at a line of the translation.

    `others` are the item's other translations (for telling names from words), `names` the model's titles.
    """
    findings: list[Finding] = []
    lang = translation.lang
    for name in FIELDS:
        src, tr = str(source.fields.get(name) or ""), str(translation.fields.get(name) or "")
        if not src and not tr:
            continue
        line = translation.lines.get(name, 1)
        label = f"{name}: "
        findings += [Finding(line, label + m) for m in compare_facts(facts(src, source.lang), facts(tr, lang))]
        other_fields = {k: str(o.fields.get(name) or "") for k, o in others.items()}
        findings += [Finding(line, f"{label}this translation lacks the name '{n}' that the original has")
                     for n in missing_names(src, tr, lang, other_fields, names)]

    src_blocks = split_blocks(source.body, source.body_line)
    tr_blocks = split_blocks(translation.body, translation.body_line)
    block_findings, matched = compare_blocks(src_blocks, tr_blocks, source.path, source.lang, lang)
    findings += block_findings

    def place(text_in_source: str) -> tuple[int, str]:
        """The translation line matching the source block that holds a fact or name, and that block in words."""
        for i, block in enumerate(src_blocks):
            if text_in_source in block.text or text_in_source in plain(block.text):
                j = matched.get(i)
                where = f" (in the {describe(block.kind)} that starts '{opening(block)}')"
                return (tr_blocks[j].line if j is not None else translation.body_line), where
        return translation.body_line, ""

    def place_in_translation(text_in_translation: str) -> int:
        return next((b.line for b in tr_blocks if text_in_translation in b.text), translation.body_line)

    aligned_source = "\n\n".join(src_blocks[i].text for i in matched)
    aligned_translation = "\n\n".join(tr_blocks[j].text for j in matched.values())
    src_links, tr_links = links(aligned_source), links(aligned_translation)
    for target in sorted(src_links - tr_links):
        line, where = place(target)
        findings.append(Finding(line, f"this translation lacks the link to {target} that the original has{where}"))
    for target in sorted(tr_links - src_links):
        findings.append(Finding(place_in_translation(target),
                                f"this translation links to {target}, which the original does not"))

    src_facts, tr_facts = facts(aligned_source, source.lang), facts(aligned_translation, lang)
    for message in compare_facts(src_facts, tr_facts):
        findings.append(Finding(_fact_line(message, src_blocks, tr_blocks, matched, translation, source.lang, lang),
                                message))
    other_bodies = {k: o.body for k, o in others.items()}
    for i, block in enumerate(src_blocks):
        j = matched.get(i)
        if j is None:
            continue  # the missing block is reported already
        for name in missing_names(block.text, tr_blocks[j].text, lang, other_bodies, names):
            line = tr_blocks[j].line
            findings.append(Finding(line, f"this translation lacks the name '{name}' that the original has "
                                    f"(in the {describe(block.kind)} that starts '{opening(block)}')"))
    return findings


def _fact_line(message: str, src_blocks: Sequence[Block], tr_blocks: Sequence[Block], matched: Mapping[int, int],
               translation: Text, src_lang: str, lang: str) -> int:
    """The translation line of the block a fact finding is about: where the translation's or original's fact is."""
    values = re.findall(r"the (?:date|year|number) (\S+)|has (\S+)$", message)
    wanted = {v for pair in values for v in pair if v}
    for j, block in enumerate(tr_blocks):
        if any(f.value in wanted for f in facts(block.text, lang)):
            return block.line
    for i, block in enumerate(src_blocks):
        if any(f.value in wanted for f in facts(block.text, src_lang)) and matched.get(i) is not None:
            return tr_blocks[matched[i]].line
    return translation.body_line


# --- the check ---------------------------------------------------------------------------------------------

def acknowledged(text: Text) -> tuple[str, ...]:
    return tuple(text.fields.get(ACK_FIELD) or ())


def item_findings(config: SiteConfig, item: Item, names: Names) -> dict[str, list[tuple[Finding, str, bool]]]:
    """lang -> (finding, acknowledgement code, expired acknowledgement?) for every up-to-date translation of an
    item whose finding is not acknowledged."""
    default = config.default_language
    source = item.texts.get(default)
    result: dict[str, list[tuple[Finding, str, bool]]] = {}
    if source is None:
        return result
    for lang, text in item.texts.items():
        if lang == default or state_of(config, item, lang).status != UP_TO_DATE:
            continue
        others = {k: v for k, v in item.texts.items() if k not in (lang, default)}
        acks = acknowledged(text)
        kept = []
        for finding in compare(source, text, others, names):
            code = ack_code(finding, source, text)
            if code in acks:
                continue
            kept.append((finding, code, any(a.split("-")[0] == finding.key for a in acks)))
        if kept:
            result[lang] = kept
    return result


def check_parity(config: SiteConfig, model: Model, problems: Collector,
                 items: Iterable[Item] | None = None) -> dict[tuple[str, str, str], int]:
    """Warnings for up-to-date translations that differ from their original; returns (collection, id, lang) ->
    number of findings, for the dashboard. `items` limits the check to some items (the preview's edits)."""
    names = names_of(model, config.default_language)
    counts: dict[tuple[str, str, str], int] = {}
    for item in model.items.values() if items is None else items:
        for lang, found in item_findings(config, item, names).items():
            counts[(item.collection, item.id, lang)] = len(found)
            path = item.texts[lang].path
            for finding, code, expired in found:
                hint = (f"an acknowledgement of this finding expired: a text changed since; " if expired else "")
                problems.add(path, finding.line, finding.message,
                             f"{hint}check the translation against the original, or acknowledge this finding "
                             f"with '{ACK_FIELD}: [{code}]' in the front matter", severity=WARNING, code=CODE)
    return counts
