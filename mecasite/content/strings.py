"""Interface strings (menus, labels) from translator-editable files, and CLDR data (dates, country and
language names) from Babel.

`i18n/<lang>.yaml` holds one language's strings; nested keys are joined with dots (`nav.actions`). The default
language's file is the reference: a key missing elsewhere is reported, and the default text is shown meanwhile,
never the key. This module reads the string files; everything else in it is pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton

from mecasite.config.settings import SiteConfig
from mecasite.problems import ERROR, WARNING, Collector
from mecasite.sources.fields import PartialDate
from mecasite.sources.files import SourceError, parse_yaml_file, read_text
from mecasite.sources.yamldoc import YamlDoc


class MissingString(KeyError):
    """A template asked for a key that the default language does not define."""


@dataclass(frozen=True)
class Strings:
    default: str
    table: Mapping[str, Mapping[str, str]]  # lang -> key -> text
    paths: Mapping[str, str]  # lang -> file, for messages
    lines: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (lang, key) -> line

    def get(self, lang: str, key: str) -> tuple[str, str]:
        """The text for `key` and the language it is in (the default one when `lang` lacks it)."""
        text = self.table.get(lang, {}).get(key)
        if text is not None:
            return text, lang
        text = self.table.get(self.default, {}).get(key)
        if text is None:
            raise MissingString(key)
        return text, self.default


def load_strings(config: SiteConfig, problems: Collector) -> Strings:
    """Every language's strings, with missing and unknown keys reported."""
    table: dict[str, dict[str, str]] = {}
    paths: dict[str, str] = {}
    lines: dict[tuple[str, str], int] = {}  # (lang, key) -> line
    for lang in config.codes:
        path = config.i18n_dir / f"{lang}.yaml"
        rel = config.rel(path)
        paths[lang] = rel
        table[lang] = _read(path, rel, lang, lines, problems)
    strings = Strings(config.default_language, MappingProxyType(table), MappingProxyType(paths), lines)
    _compare(strings, problems)
    return strings


def _read(path: Path, rel: str, lang: str, lines: dict[tuple[str, str], int], problems: Collector) -> dict[str, str]:
    if not path.is_file():
        problems.add(rel, 0, f"interface strings for '{lang}' not found", "copy the default language's file")
        return {}
    try:
        doc = parse_yaml_file(read_text(path)).meta
    except SourceError as exc:
        problems.add(rel, exc.line, exc.message, exc.hint, column=exc.column)
        return {}
    flat: dict[str, str] = {}
    _flatten(doc.data, (), flat, doc, rel, lang, lines, problems)
    return flat


def _flatten(
    data: Any,
    prefix: tuple[str, ...],
    flat: dict[str, str],
    doc: YamlDoc,
    rel: str,
    lang: str,
    lines: dict[tuple[str, str], int],
    problems: Collector,
) -> None:
    for key, value in data.items():
        path = prefix + (key,)
        if isinstance(value, dict):
            _flatten(value, path, flat, doc, rel, lang, lines, problems)
        elif isinstance(value, str):
            flat[".".join(path)] = value
            lines[(lang, ".".join(path))] = doc.pos(path).line
        else:
            problems.add(rel, doc.pos(path).line, f"string '{'.'.join(path)}' must be text", "write it in quotes")


def _compare(strings: Strings, problems: Collector) -> None:
    reference = strings.table.get(strings.default, {})
    for lang, table in strings.table.items():
        if lang == strings.default:
            continue
        for key in sorted(set(reference) - set(table)):
            problems.add(
                strings.paths[lang],
                0,
                f"missing interface string '{key}'",
                f"translate it from {strings.paths[strings.default]}",
                severity=ERROR,
                code="i18n-missing",
            )
        for key in sorted(set(table) - set(reference)):
            problems.add(
                strings.paths[lang],
                strings.lines.get((lang, key), 0),
                f"interface string '{key}' is not in the default language",
                "remove it, or add it to the default language too",
                severity=WARNING,
                code="i18n-unknown",
            )


@cache
def locale(lang: str) -> Locale:
    return Locale.parse(lang)


@lru_cache(maxsize=4096)  # list pages show hundreds of dates, most of them shared
def date_text(value: PartialDate, lang: str) -> str:
    """A partial date in the language's own long form: `3 mars 2010`, `März 2012`, `2012`."""
    if value.day:
        return format_date(value.first_day(), format="long", locale=locale(lang))
    if value.month:
        return format_skeleton("yMMMM", value.first_day(), locale=locale(lang))
    return str(value.year)


def country_name(code: str, lang: str) -> str:
    name: str = locale(lang).territories.get(code, code)
    return name


def language_name(code: str) -> str:
    """A language's name in itself, as a switcher shows it (`Deutsch`, `Français`)."""
    name = locale(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def language_in(code: str, lang: str) -> str:
    """The name of language `code` as written in `lang` (`anglais` in French), for running text."""
    name: str = locale(lang).languages.get(code, code)
    return name


_KEY_LITERAL = re.compile(r"""['"]([a-z0-9_]+(?:\.[a-z0-9_]+)*\.?)['"]""")


def check_unused(strings: Strings, used: set[str], template_sources: list[str], problems: Collector) -> None:
    """Warn about strings no template can show: neither looked up while rendering nor named in a template.

    A key named only in a branch this site never takes (the notice of a missing translation, say) is still
    used; a literal ending with a dot (`'share.' ~ key`) covers every key below it.
    """
    named = {m for source in template_sources for m in _KEY_LITERAL.findall(source)}
    prefixes = tuple(n for n in named if n.endswith("."))
    for key in sorted(strings.table.get(strings.default, {})):
        if key in used or key in named or key.startswith(prefixes or ("\0",)):
            continue
        problems.add(
            strings.paths[strings.default],
            strings.lines.get((strings.default, key), 0),
            f"interface string '{key}' is not used by any template",
            "remove it from every language, or show it in a template",
            severity=WARNING,
            code="i18n-unused",
        )
