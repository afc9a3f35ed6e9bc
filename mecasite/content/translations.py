"""Translation tracking: which version of its source each translation was made from.

A translation's front matter carries `source_hash`, the digest of the default-language text it was translated
from, written by `build.py translate` (never by hand). When the source text changes, the digest no longer
matches and the translation is *outdated*. A translation file that still holds the `TODO(translate)` marks
written by `translate` is *unfinished*: the site keeps showing the source text (a *fallback*) until it is done.
A default-language text still marked `TODO(write)` or `TODO(translate)` has nothing to fall back on: each mark
is an error for a build and `check` (a warning in the preview), unless the item is a draft (`draft: true`).

Pure functions on the model, plus the small text edits `translate --refresh` makes to a file's front matter.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from mecasite.config.settings import SiteConfig
from mecasite.content.model import Item, Model, Text
from mecasite.problems import ERROR, WARNING, Collector
from mecasite.sources.files import SourceError, parse_markdown_file

TODO = "TODO(translate)"  # written by `translate` in a new translation
TODO_WRITE = "TODO(write)"  # written by `new` in a new item's first text
MARK = re.compile(r"TODO\((?:translate|write)\)")
HASH_FIELD = "source_hash"
# Front-matter fields that carry the words a translator changes; `slug` is per language, not translated text.
TRACKED = ("title", "summary", "signature")

SOURCE = "source"
UP_TO_DATE = "up to date"
OUTDATED = "outdated"
MISSING = "missing"
FALLBACK = "fallback"
STATES = (SOURCE, UP_TO_DATE, OUTDATED, FALLBACK, MISSING)
# What `check` calls each state, in its messages and on the translations dashboard alike.
WORDS = {
    SOURCE: "original",
    UP_TO_DATE: "up to date",
    OUTDATED: "translation outdated",
    FALLBACK: "translation not finished",
    MISSING: "missing translation",
}


def digest(text: Text) -> str:
    """A short, stable fingerprint of the words of a text (front matter layout and slug do not count). Kept
    in the text's memo: a build after an edit loads most texts with theirs (build/records.py)."""
    found = text.memo.get("digest")
    if found is None:
        found = text.memo["digest"] = _digest(tuple(text.fields.get(name) or "" for name in TRACKED), text.body)
    return found


@lru_cache(maxsize=4096)  # each source is compared with each of its translations
def _digest(words: tuple[str, ...], body: str) -> str:
    tracked = dict(zip(TRACKED, words, strict=False))
    body = "\n".join(line.rstrip() for line in body.strip().split("\n"))
    data = json.dumps(tracked, sort_keys=True, ensure_ascii=False) + "\n" + body
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:12]


def file_words(file_text: str) -> tuple[tuple[str, ...], str] | None:
    """The tracked fields and the body of a text file's content, as `digest` reads them from the model (for a
    version read from git history); None if it does not parse."""
    try:
        doc = parse_markdown_file(file_text)
    except SourceError:
        return None
    data = doc.meta.data if isinstance(doc.meta.data, dict) else {}
    return tuple(v.strip() if isinstance(v := data.get(name), str) else "" for name in TRACKED), doc.body


def file_digest(file_text: str) -> str | None:
    """`digest` of a text file's content, without loading it into the model."""
    words = file_words(file_text)
    return _digest(*words) if words else None


def is_unfinished(text: Text) -> bool:
    """True while a text still holds a TODO mark from `translate` or `new`."""
    return bool(MARK.search(text.body)) or any(MARK.search(str(text.fields.get(name) or "")) for name in TRACKED)


def find_marks(
    file_lines: list[str],
    fields: Mapping[str, object],
    starts: Mapping[str, tuple[int, int]],
    body: str,
    body_line: int,
) -> tuple[tuple[int, int, str], ...]:
    """(line, column, mark) of every TODO mark in a text's words: the tracked fields' values (as typed, from
    where each value starts) and the body. Comments of the front matter do not count: they explain the marks."""
    found = []
    for name in TRACKED:
        in_value = MARK.search(str(fields.get(name) or ""))
        if name in starts and in_value:
            line, column = starts[name]
            typed = file_lines[line - 1] if 0 < line <= len(file_lines) else ""
            hits = list(MARK.finditer(typed, max(column - 1, 0)))
            found += [(line, m.start() + 1, m.group()) for m in hits] or [(line, column, in_value.group())]
    if MARK.search(body):  # most bodies have none: not searched line by line (every text is read each build)
        for offset, typed in enumerate(body.split("\n")):
            found += [(body_line + offset, m.start() + 1, m.group()) for m in MARK.finditer(typed)]
    return tuple(sorted(found))


def todo_line(text: Text) -> int:
    """The first line holding a TODO mark, for the editor to jump to."""
    for name in TRACKED:
        if MARK.search(str(text.fields.get(name) or "")):
            return text.lines.get(name, 1)
    for offset, line in enumerate(text.body.split("\n")):
        if MARK.search(line):
            return text.body_line + offset
    return 1


@dataclass(frozen=True)
class State:
    """The state of one item in one language."""

    collection: str
    id: str
    lang: str
    status: str
    path: str  # the translation file (existing or to create)
    source: str  # the default-language file it is translated from
    line: int = 0

    def as_dict(self) -> dict[str, str]:
        return {
            "collection": self.collection,
            "id": self.id,
            "lang": self.lang,
            "status": self.status,
            "path": self.path,
            "source": self.source,
        }


def item_folder(item: Item) -> str:
    return item.path.rsplit("/", 1)[0]


def state_of(config: SiteConfig, item: Item, lang: str, drafts: Mapping[str, Text] | None = None) -> State:
    """Where the item stands in `lang`. `drafts` are its unfinished texts, kept out of `item.texts`."""
    return _state(config, item, lang, *_status(config, item, lang, drafts))


def _status(config: SiteConfig, item: Item, lang: str, drafts: Mapping[str, Text] | None) -> tuple[str, int]:
    """`state_of`'s status, and the line to show: what a build asks of ten thousand texts, without a State."""
    default = config.default_language
    if lang == default:
        return SOURCE, 0
    if drafts and lang in drafts:
        return FALLBACK, todo_line(drafts[lang])
    text = item.texts.get(lang)
    if text is None:
        return MISSING, 0
    source = item.texts.get(default)
    if source is None or text.fields.get(HASH_FIELD) == digest(source):
        return UP_TO_DATE, 0
    return OUTDATED, text.lines.get(HASH_FIELD, 1)


def _state(config: SiteConfig, item: Item, lang: str, status: str, line: int) -> State:
    default, folder = config.default_language, item_folder(item)
    source = item.texts.get(default)
    source_path = source.path if source else f"{folder}/{default}.md"
    return State(item.collection, item.id, lang, status, f"{folder}/{lang}.md", source_path, line)


def all_states(config: SiteConfig, model: Model) -> list[State]:
    """Every item in every language, in a stable order: the translation table."""
    return [state_of(config, item, lang, dict(item.drafts)) for item in model.items.values() for lang in config.codes]


def check_translations(
    config: SiteConfig,
    model: Model,
    problems: Collector,
    items: Iterable[Item] | None = None,
    everything: bool = True,
) -> list[State]:
    """Warnings for what a translator still has to do; the site builds meanwhile, with fallbacks. A TODO mark
    in a default-language text is an error (`unfinished_source`). Returns the states found, for `outdated`.

    `items` limits the check to some items (the preview re-checks only the ones an edit changed). Without
    `everything`, only the states with something to do are returned (a build needs no more, and making ten
    thousand of them was most of this check's time).
    """
    default = config.default_language
    states = []
    for item in model.items.values() if items is None else items:
        source = item.texts.get(default)
        if source:
            unfinished_source(config, item, source, problems)
        for lang in config.codes:
            status, line = _status(config, item, lang, item.drafts)
            if not everything and status in (SOURCE, UP_TO_DATE):
                continue
            state = _state(config, item, lang, status, line)
            states.append(state)
            message, hint = finding(state)
            if message:
                problems.add(
                    state.path,
                    state.line,
                    message,
                    hint,
                    severity=WARNING,
                    code=f"translation-{state.status.replace(' ', '-')}",
                )
    return states


def unfinished_source(config: SiteConfig, item: Item, source: Text, problems: Collector) -> None:
    """Every TODO mark left in a default-language text, each at its line and column: an error, since the
    text would go live as it is (a warning in the preview, which shows the marks highlighted)."""
    marks = (source.marks or ((todo_line(source), 0, TODO_WRITE),)) if is_unfinished(source) else ()
    for line, column, mark in marks:
        problems.add(
            source.path,
            line,
            f"text not finished (still marked {mark})",
            f"write the text and remove the mark; to keep the item unpublished meanwhile, add 'draft: true' "
            f"to {item.path}",
            column,
            severity=WARNING if config.preview else ERROR,
            code="text-unfinished",
        )


def finding(state: State) -> tuple[str, str]:
    """What `check` says of a state, and what to do about it; ("", "") when there is nothing to do."""
    if state.status in (SOURCE, UP_TO_DATE):  # most texts: no message to make
        return "", ""
    command = f"python build.py translate {state.collection}/{state.id} --to {state.lang}"
    if state.status == MISSING:
        return (
            f"{WORDS[MISSING]} ({state.lang})",
            f"the page shows the source text until it exists; create it with: {command}",
        )
    if state.status == FALLBACK:
        return (
            f"{WORDS[FALLBACK]} (still marked {TODO})",
            "translate the marked fields and text, then remove the marks; the source text is shown meanwhile",
        )
    if state.status == OUTDATED:
        return (
            f"{WORDS[OUTDATED]}: {state.source} has changed since it was translated",
            f"bring the text up to date, then run: {command} --refresh",
        )
    return "", ""


# --- editing a translation file's front matter (used by `translate`) ---------------------------------------

_HASH_LINE = re.compile(rf"^{HASH_FIELD}\s*:.*$", re.MULTILINE)


def stamp(file_text: str, value: str) -> str:
    """The file with its `source_hash` set to `value`, every other byte kept as the translator wrote it."""
    lines = file_text.split("\n")
    end = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() == "---"), None)
    if not lines or lines[0].rstrip() != "---" or end is None:
        raise ValueError("the file has no front matter between '---' lines")
    entry = f"{HASH_FIELD}: {value}"
    for i in range(1, end):
        if _HASH_LINE.match(lines[i]):
            lines[i] = entry
            return "\n".join(lines)
    lines.insert(end, entry)
    return "\n".join(lines)


def yaml_quote(value: str) -> str:
    """A YAML double-quoted scalar: safe for any text an editor wrote."""
    return json.dumps(value, ensure_ascii=False)


def scaffold_translation(source: Text, lang: str, language_name: str, with_slug: bool) -> str:
    """A new translation file: the source's words to replace, each marked, and the source's digest."""
    lines = [
        "---",
        f"# Translation into {language_name}. Replace every text marked {TODO} with its translation,",
        "# then remove the marks. Until then the site shows the original text in this language.",
        f"# {HASH_FIELD} records the version of the original this was translated from: do not edit it;",
        "# `python build.py translate ... --refresh` updates it after you bring the text up to date.",
    ]
    for name in TRACKED:
        value = source.fields.get(name)
        if value:
            lines.append(f"{name}: {yaml_quote(f'{TODO} {value}')}")
    if with_slug and source.slug:
        lines.append(f"slug: {source.slug}  # the last URL segment, in {language_name} words")
    lines += [
        f"{HASH_FIELD}: {digest(source)}",
        "---",
        f"<!-- {TODO}: replace the text below with its translation into {language_name}, then delete this line. -->",
        source.body.strip(),
        "",
    ]
    return "\n".join(lines)


def summary(states: Iterable[State]) -> dict[str, dict[str, int]]:
    """Counts per language and status, for the report's header."""
    counts: dict[str, dict[str, int]] = {}
    for state in states:
        row = counts.setdefault(state.lang, {s: 0 for s in STATES})
        row[state.status] += 1
    return counts


def outdated(states: Iterable[State]) -> dict[tuple[str, str, str], str]:
    """(collection, id, lang) -> source file, for every translation shown although its source changed."""
    return {(s.collection, s.id, s.lang): s.source for s in states if s.status == OUTDATED}
