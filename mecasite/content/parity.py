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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mecasite.config.settings import SiteConfig
from mecasite.content.model import Item, ItemKey, Model, Text
from mecasite.content.parity_blocks import (  # noqa: F401
    Block,
    Fact,
    a_or_an,
    after,
    compare_facts,
    describe,
    fact_line,
    facts,
    links,
    opening,
    plain,
    split_blocks,
)
from mecasite.content.parity_edits import titles_kept
from mecasite.content.parity_names import (  # noqa: F401
    WORD,
    Asked,
    Names,
    Others,
    answers_again,
    is_strong,
    missing_names,
    name_candidates,
    names_of,
)
from mecasite.content.translations import UP_TO_DATE, digest, state_of
from mecasite.problems import WARNING, Collector

ACK_FIELD = "parity_checked"
CODE = "translation-parity"
FIELDS = ("title", "summary", "signature")  # compared for facts and names; the body for everything


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


def _tokens(block: Block, lang: str) -> set[str]:
    """What a block says in any language: its links, facts and strongly written names (for aligning blocks)."""
    words = {w for w in WORD.findall(block.text) if is_strong(w)}
    return links(block.text) | {str(f) for f in facts(block.text, lang)} | words


def align(
    source: Sequence[Block], translation: Sequence[Block], source_lang: str = "fr", lang: str = "fr"
) -> list[tuple[int | None, int | None]]:
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


def compare_blocks(
    source: Sequence[Block], translation: Sequence[Block], source_path: str, source_lang: str = "fr", lang: str = "fr"
) -> tuple[list[Finding], dict[int, int]]:
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
                findings.append(
                    Finding(
                        t.line,
                        f"this translation has {a_or_an(t.kind)} where the original has "
                        f"{a_or_an(s.kind)} ('{opening(s)}', {source_path}:{s.line}), "
                        f"{after(translation, j)}",
                    )
                )
            next_j = j + 1
        elif j is not None:
            findings.append(
                Finding(
                    translation[j].line,
                    f"this translation has {a_or_an(translation[j].kind)} the "
                    f"original has not ('{opening(translation[j])}'), {after(translation, j)}",
                )
            )
            next_j = j + 1
        else:
            assert i is not None  # align pairs each block with a block or None, never None with None
            s = source[i]
            line = translation[next_j - 1].line if next_j > 0 else (translation[0].line if translation else 1)
            findings.append(
                Finding(
                    line,
                    f"the original has {a_or_an(s.kind)} this translation has not "
                    f"('{opening(s)}', {source_path}:{s.line}), {after(translation, next_j)}",
                )
            )
    return findings, matched


# --- one translation ---------------------------------------------------------------------------------------


def compare(
    source: Text, translation: Text, others: Mapping[str, Text], names: Names, asked: Asked | None = None
) -> list[Finding]:
    """Every divergence between an original and its translation, each once, at a line of the translation.

    `others` are the item's other translations (for telling names from words), `names` the model's titles;
    `asked` gains what was asked of the others, per field ("" for the bodies), for `compared`.
    """
    asked = {} if asked is None else asked
    findings: list[Finding] = []
    lang = translation.lang
    for name in FIELDS:
        src, tr = str(source.fields.get(name) or ""), str(translation.fields.get(name) or "")
        if not src and not tr:
            continue
        line = translation.lines.get(name, 1)
        label = f"{name}: "
        findings += [Finding(line, label + m) for m in compare_facts(facts(src, source.lang), facts(tr, lang))]
        other_fields = Others({k: str(o.fields.get(name) or "") for k, o in others.items()}, asked.setdefault(name, {}))
        findings += [
            Finding(line, f"{label}this translation lacks the name '{n}' that the original has")
            for n in missing_names(src, tr, lang, other_fields, names)
        ]

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
        findings.append(
            Finding(place_in_translation(target), f"this translation links to {target}, which the original does not")
        )

    src_facts, tr_facts = facts(aligned_source, source.lang), facts(aligned_translation, lang)
    for message in compare_facts(src_facts, tr_facts):
        findings.append(
            Finding(fact_line(message, src_blocks, tr_blocks, matched, translation, source.lang, lang), message)
        )
    other_bodies = Others({k: o.body for k, o in others.items()}, asked.setdefault("", {}))
    for i, block in enumerate(src_blocks):
        j = matched.get(i)
        if j is None:
            continue  # the missing block is reported already
        for name in missing_names(block.text, tr_blocks[j].text, lang, other_bodies, names):
            line = tr_blocks[j].line
            findings.append(
                Finding(
                    line,
                    f"this translation lacks the name '{name}' that the original has "
                    f"(in the {describe(block.kind)} that starts '{opening(block)}')",
                )
            )
    return findings


# --- the check ---------------------------------------------------------------------------------------------

Compared = dict[tuple[ItemKey, str], tuple[Text, Text, Names, Asked, list[Finding]]]


def compared(
    kept: Compared | None, item: Item, source: Text, text: Text, others: Mapping[str, Text], names: Names
) -> list[Finding]:
    """compare(), or what it gave before (`kept`, which gains it) for the same texts and titles if the others answer
    what it asked them the same: a body edit compares its translation again, not the item's others too."""
    before = kept.get((item.key, text.lang)) if kept is not None else None
    same = before is not None and before[:2] == (source, text) and titles_kept(before[2], names, text.lang)
    if before is not None and same and answers_again(before[3], others, FIELDS):
        asked, found = before[3], before[4]  # kept with these titles, for the next edit's
    else:
        asked, found = {}, []
        found = compare(source, text, others, names, asked)
    (kept if kept is not None else {})[(item.key, text.lang)] = (source, text, names, asked, found)
    return found


def item_findings(
    config: SiteConfig, item: Item, names: Names, comparisons: Compared | None = None
) -> dict[str, list[tuple[Finding, str, bool]]]:
    """lang -> (finding, acknowledgement code, expired acknowledgement?) for every up-to-date translation of an
    item whose finding is not acknowledged (`comparisons`: see `compared`)."""
    default = config.default_language
    source = item.texts.get(default)
    result: dict[str, list[tuple[Finding, str, bool]]] = {}
    if source is None:
        return result
    for lang, text in item.texts.items():
        if lang == default or state_of(config, item, lang).status != UP_TO_DATE:
            continue
        others = {k: v for k, v in item.texts.items() if k not in (lang, default)}
        acks = tuple(text.fields.get(ACK_FIELD) or ())  # the findings acknowledged
        kept = []
        for finding in compared(comparisons, item, source, text, others, names):
            code = ack_code(finding, source, text)
            if code in acks:
                continue
            kept.append((finding, code, any(a.split("-")[0] == finding.key for a in acks)))
        if kept:
            result[lang] = kept
    return result


def check_parity(
    config: SiteConfig,
    model: Model,
    problems: Collector,
    items: Iterable[Item] | None = None,
    names: Names | None = None,
    comparisons: Compared | None = None,
) -> dict[tuple[str, str, str], int]:
    """Warnings for up-to-date translations that differ from their original; returns (collection, id, lang) ->
    number of findings, for the dashboard. `items` limits the check to some items (the preview's edits),
    `names` are the model's titles (names_of) and `comparisons` those made before (`compared`) when the caller
    keeps them between edits."""
    names = names or names_of(model, config.default_language)
    counts: dict[tuple[str, str, str], int] = {}
    for item in model.items.values() if items is None else items:
        for lang, found in item_findings(config, item, names, comparisons).items():
            counts[(item.collection, item.id, lang)] = len(found)
            path = item.texts[lang].path
            for finding, code, expired in found:
                hint = "an acknowledgement of this finding expired: a text changed since; " if expired else ""
                problems.add(
                    path,
                    finding.line,
                    finding.message,
                    f"{hint}check the translation against the original, or acknowledge this finding "
                    f"with '{ACK_FIELD}: [{code}]' in the front matter",
                    severity=WARNING,
                    code=CODE,
                )
    return counts
