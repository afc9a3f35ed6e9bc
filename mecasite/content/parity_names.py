"""Parity, the names: which words the original writes as names, and whether a translation has each (as it is,
as the item's own title in that language, or as CLDR names a country). Pure: no I/O."""

from __future__ import annotations

import itertools
import operator
import re
import unicodedata
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TypeAlias

from mecasite.content.model import ItemKey, Model, Text
from mecasite.content.parity_blocks import LINK_TARGET, URL, country_phrases, territories

# --- names -------------------------------------------------------------------------------------------------

WORD = re.compile(r"[^\W_]\w*(?:[-&][^\W_]\w*)*")
_QUOTED = re.compile(r"«\s*([^»]{1,60}?)\s*»|“([^”]{1,60})”|\"([^\"]{1,60})\"|„([^“”]{1,60})[“”]|‘([^’]{1,60})’")
_SENTENCE_END = re.compile(r"[.!?…]\s*$")


@lru_cache(maxsize=65536)
def is_strong(word: str) -> bool:
    """Written like a name in every language: an inner capital, a digit, or capitals only."""
    return (
        (any(c.isupper() for c in word[1:]) and not word[1:].replace("-", "").isupper())
        or any(c.isdigit() for c in word)
        or (len(word) > 1 and word.replace("-", "").isupper())
    )


@lru_cache(maxsize=16384)  # pure, and asked of the same text once per word of another translation
def name_candidates(text: str) -> frozenset[str]:
    """Words the original writes like names: capitalised but not at a sentence start, in capitals, with an inner
    capital or a digit; and short phrases in quotes."""
    text = URL.sub(" ", LINK_TARGET.sub("] ", text))
    found: set[str] = set()
    for match in _QUOTED.finditer(text):
        phrase = next(g for g in match.groups() if g)
        if len(phrase.split()) <= 4:
            found.add(phrase.strip())
    for sentence_run in _runs(text):
        for match in WORD.finditer(sentence_run):
            word = match.group()
            before = sentence_run[: match.start()].rstrip(" \u00a0\u202f«“\"„‘'([*_")
            starts = not before or _SENTENCE_END.search(before) is not None
            if word[0].isdigit() or re.fullmatch(r"[A-Z]&[A-Z]", word):
                continue  # a number (facts compare those); a two-word abbreviation (R&D) is translated (F&E)
            follows_name = re.search(r"(?<![\w&])[^\W_][\w&-]* $", sentence_run[: match.start()])
            if follows_name and is_strong(follows_name.group().strip()) and not is_strong(word):
                continue  # 'MecaTech Cluster': the name is MecaTech's, followed by what it is
            if is_strong(word) or (word[0].isupper() and not starts):
                found.add(word)
    return frozenset(found)


def _runs(text: str) -> list[str]:
    """The text as runs that each begin a sentence: blocks, list items and headings, lines joined."""
    runs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        for i, line in enumerate(block.split("\n")):
            marker = re.match(r"^\s*(?:#{1,6}|>|[-*+]|\d+[.)])\s+", line)
            if i == 0 or marker:
                runs.append(line[marker.end() :] if marker else line)
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
    words = WORD.findall(phrase)
    kept = set(WORD.findall(original))
    return list(
        dict.fromkeys(
            w
            for w in words
            if (is_strong(w) or w[0].isdigit() or w[0].isupper())
            and w in kept
            and (is_strong(w) or w[0].isdigit() or w != words[0])
        )
    )


def is_name_like(title: str) -> bool:
    """A title that is a name (Grande Région, Université de Grenoble), not a sentence about the item."""
    words = title.split()
    return "," not in title and len(words) <= 5 and all(w[0].isupper() or w[0].isdigit() or len(w) <= 3 for w in words)


class Originals:
    """Every item's original as one string, its body and fields joined by NUL, items too, for `naming`: one
    search of 5 MB finds a title in 2 ms at 2,500 items, a search per item took 8 (the title is prepared for
    each). Kept by Names between edits; an original that is another object is joined again, and the string
    made again only if it reads otherwise (an edit of a translation reads its item's folder again)."""

    def __init__(self) -> None:
        self.keys: list[ItemKey] = []  # the model's items, in its order
        self.texts: list[Text | None] = []  # their originals, the same objects as the model's
        self.pieces: list[str | None] = []  # each original's body and fields, joined
        self.sources: list[ItemKey] = []  # the items with an original, in the order of `joined`
        self.starts: list[int] = []  # where each begins in `joined`
        self.joined = ""
        self.found: dict[str, frozenset[ItemKey]] = {}  # title -> the items whose original has it, in `joined`
        self.index: dict[ItemKey, int] = {}  # each item's place in `keys`

    def of(self, model: Model, default: str, edited: Iterable[ItemKey] | None = None) -> Originals:
        """Itself, up to date with `model` (`edited`: the only items that may differ from the model it was last
        made for, when known: the others are not looked at)."""
        index, items = self.index, model.items
        if edited is not None and len(items) == len(self.keys) and all(k in index and k in items for k in edited):
            for key in edited:
                i, text = index[key], items[key].texts.get(default)
                if text is not self.texts[i]:
                    if (None if text is None else "\0".join(pieces(text))) != self.pieces[i]:
                        break  # the original reads otherwise: joined again
                    self.texts[i] = text
            else:
                return self
        keys, texts = list(items), [item.texts.get(default) for item in items.values()]
        if keys == self.keys and len(texts) == len(self.texts) and all(map(operator.is_, texts, self.texts)):
            return self
        was = dict(zip(self.keys, zip(self.texts, self.pieces, strict=True), strict=True))
        joined = [
            None if text is None else old[1] if (old := was.get(key)) and old[0] is text else "\0".join(pieces(text))
            for key, text in zip(keys, texts, strict=True)
        ]
        if keys != self.keys or joined != self.pieces:
            present = [(key, one) for key, one in zip(keys, joined, strict=True) if one is not None]
            self.sources = [key for key, _ in present]
            self.starts = list(itertools.accumulate((len(one) + 1 for _, one in present[:-1]), initial=0))
            self.joined, self.found = "\0".join(one for _, one in present), {}
        self.keys, self.texts, self.pieces = keys, texts, joined
        self.index = {key: i for i, key in enumerate(keys)}
        return self


def pieces(source: Text) -> tuple[str, ...]:
    """An original's body and its fields, where naming looks for a title."""
    return (source.body, *map(str, source.fields.values()))


@dataclass(frozen=True)
class Names:
    """What may stand for a name in each language: item titles, and country names from CLDR."""

    titles: Mapping[str, Mapping[str, str]]  # original title -> language -> that item's title in it
    default: str
    # original title -> the items that have it, for names_again (None: not known, names_again makes all again)
    owners: Mapping[str, frozenset[ItemKey]] | None = field(default=None, compare=False)
    # every item's original as one string, for parity_edits.naming (made when first asked for, kept between edits)
    originals: Originals = field(default_factory=Originals, compare=False, repr=False)
    since: tuple[weakref.ref[Names], frozenset[str]] | None = field(
        default=None, compare=False, repr=False
    )  # see names_again

    @cached_property
    def phrases(self) -> list[str]:
        """Names of several words looked for as a whole: name-like item titles and CLDR's country names."""
        return sorted(self._phrase_set, key=lambda phrase: (-len(phrase), phrase))

    @cached_property
    def _phrase_set(self) -> frozenset[str]:
        return frozenset(filter(is_name_like, self.titles)) | country_phrases(self.default)

    @cached_property
    def _by_first_word(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for phrase in self.phrases:  # longest first, and so in each list
            first = WORD.match(phrase)
            index.setdefault(first.group() if first else phrase, []).append(phrase)
        return index

    def in_text(self, text: str) -> list[str]:
        """The phrases that may be in `text`, longest first: those whose first word it has (a few hundred
        phrases are not each searched for in every block)."""
        index = self._by_first_word
        found = {phrase for word in set(WORD.findall(text)) for phrase in index.get(word, ())}
        return [phrase for phrase in self.phrases if phrase in found]

    def renderings(self, name: str, lang: str) -> tuple[str, ...]:
        """The ways `lang` may write the original's name: as it is, as an item's title, as CLDR's country."""
        ways = [name]
        if name in self.titles and lang in self.titles[name]:
            ways.append(self.titles[name][lang])
        for code, country in territories(self.default).items():
            if country == name and code in territories(lang):
                ways += [territories(lang)[code], code]
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
    owners: dict[str, set[ItemKey]] = {}
    for item in model.items.values():
        source = item.texts.get(default)
        if source and source.title:
            titles.setdefault(source.title, {}).update({lang: t.title for lang, t in item.texts.items() if t.title})
            owners.setdefault(source.title, set()).add(item.key)
    return Names(titles, default, {title: frozenset(keys) for title, keys in owners.items()})


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word)[:1].lower()


def _parts(text: str) -> list[str]:
    """The words of a text, compounds also split at their hyphens (INTERREG-Projekt: INTERREG, Projekt)."""
    words = WORD.findall(text)
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
    if lang == "de" and not is_strong(word):
        return False
    return word in name_candidates(other) or (is_strong(word) and has_name(other, word))


Asked: TypeAlias = dict[str, dict[str, bool]]  # field ("" for the bodies) -> word -> kept as a name by another


class Others:
    """An item's other translations (one field of each, or their bodies) as missing_names asks them: does one of
    them keep a word as a name? Each answer is kept in `asked`, so that a comparison can be kept as long as the
    others answer it the same (parity.compared)."""

    def __init__(self, texts: Mapping[str, str], asked: dict[str, bool] | None = None):
        self.texts, self.asked = texts, {} if asked is None else asked

    def keep(self, word: str) -> bool:
        found = self.asked.get(word)
        if found is None:
            found = self.asked[word] = any(kept(word, other, lang) for lang, other in self.texts.items())
        return found


def answers_again(asked: Mapping[str, Mapping[str, bool]], others: Mapping[str, Text], fields: Iterable[str]) -> bool:
    """Whether the other translations `others` answer what was `asked` (field, "" for the bodies -> word ->
    kept as a name) as they did."""
    for scope in ("", *fields):
        words = asked.get(scope)
        if words:
            texts = {k: str(o.fields.get(scope) or "") if scope else o.body for k, o in others.items()}
            if any(Others(texts).keep(word) != answer for word, answer in words.items()):
                return False
    return True


def missing_names(
    source: str, translation: str, lang: str, others: Mapping[str, str] | Others, names: Names, scope: str | None = None
) -> list[str]:
    """The original's names that the translation lacks, in the order the original has them.

    Name-like item titles and country names are looked for always; other candidates when another translation
    keeps them as names (else every translation translates the word: it is a word of the language). A missing
    word is taken as translated when the translation's `scope` (the aligned block) has a capitalised word the
    original has not, beginning with the same letter (Liège: Lüttich, Luik)."""
    found: list[str] = []
    keeps = others if isinstance(others, Others) else Others(others)
    # The phrases, longest first (in the translation, 'The Greater Region' may be 'the Greater Region'); each is
    # then taken out, so that its words are not candidates on their own.
    rest = source
    for phrase in names.in_text(source):
        if has_name(rest, phrase, exact=True):
            rest = re.sub(rf"(?<!\w){re.escape(phrase)}", " ", rest)
            if not names.found(translation, phrase, lang):
                found.append(phrase)
    source_words = set(_parts(source))
    unexplained = [
        w
        for w in _parts(translation if scope is None else scope)
        if len(w) > 1 and w[0].isupper() and w not in source_words
    ]
    for word in sorted(name_candidates(rest)):
        if names.found(translation, word, lang):
            continue
        if not keeps.keep(word):
            continue
        if _translated_as(word, unexplained):
            continue
        found.append(word)
    return sorted(found, key=lambda n: (source.find(n), n))
