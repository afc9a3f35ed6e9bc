"""`site_config.yaml`: read, validated like content, into a frozen `SiteConfig`.

Every wrong value is an error naming its line; nothing silently falls back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from mecasite.problems import Collector, ContentError, Problem
from mecasite.sources.fields import Field, FieldError, to_bool, to_mapping, to_slug, to_text, validate
from mecasite.sources.files import SourceError, parse_yaml_file, read_text
from mecasite.sources.yamldoc import Path as KeyPath
from mecasite.sources.yamldoc import YamlDoc

SECTIONS = ("actions", "partners", "testimonials")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    default: bool = False
    locale: str = ""  # CLDR locale for dates and names (en_GB writes "3 March 2010"); the code by default


@dataclass(frozen=True)
class ShareLink:
    """A plain share URL; `{url}` and `{title}` are filled in, URL-encoded, per page."""

    key: str
    url: str


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    path: str
    base_url: str
    output_dir: Path
    languages: tuple[Language, ...]
    sections: Mapping[str, Mapping[str, str]]
    share: tuple[ShareLink, ...] = ()
    outdated_notice: bool = True
    search: bool = True  # a search page per language and its Pagefind index
    share_cards: bool = True  # a drawn share picture for each page without an image of its own
    content_dir: Path = field(default=Path("content"))
    templates_dir: Path = field(default=Path("templates"))
    static_dir: Path = field(default=Path("static"))
    i18n_dir: Path = field(default=Path("i18n"))
    output_from: str = "output_dir"  # where the output folder was given, for messages: `--out ..`
    # The preview (never a build or `check`): drafts are shown, and unfinished texts are warnings, not errors.
    preview: bool = False
    # Every base URL the site was given (the file's, then --base-url): a full address typed with any of them
    # is an address of this site (render/body_links.py).
    known_base_urls: tuple[str, ...] = ()

    @cached_property  # asked for hundreds of times a build, as is base_path
    def default_language(self) -> str:
        return next(lang.code for lang in self.languages if lang.default)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """Language codes, default first: the order of switchers and fallbacks."""
        return tuple(lang.code for lang in self.languages)

    def locale(self, code: str) -> str:
        """The CLDR locale of a language code: its configured `locale`, else the code itself."""
        return self._locales.get(code, code)

    @cached_property  # asked for on every page, by every date and size written (1.4 % of rendering searching)
    def _locales(self) -> dict[str, str]:
        return {lang.code: lang.locale for lang in reversed(self.languages) if lang.locale}

    def rel(self, path: Path) -> str:
        """A path as the editor sees it in messages: relative to the project, with forward slashes."""
        text, root = str(path), str(self.root)
        if text.startswith(root + os.sep):
            return text[len(root) + 1 :].replace(os.sep, "/")
        return path.as_posix()

    @property
    def cache_dir(self) -> Path:
        """What builds keep between runs (never published, never needed: deleting it costs only time)."""
        return self.root / ".cache"

    @cached_property
    def base_path(self) -> str:
        """The path part of `base_url`, always ending with `/` (`/international/`)."""
        return urlsplit(self.base_url).path

    def with_overrides(self, out: Path | None = None, base_url: str | None = None) -> SiteConfig:
        """The command line's --out and --base-url, checked like the file's values."""
        changed = replace(self, output_dir=Path(os.path.abspath(out)), output_from=f"--out {out}") if out else self
        if base_url is not None:
            try:
                known = (*changed.known_base_urls, changed.base_url)
                changed = replace(changed, base_url=to_base_url(base_url), known_base_urls=known)
            except FieldError as exc:
                raise ContentError([_problem("--base-url", exc)]) from None
        return changed


def _problem(where: str, exc: FieldError) -> Problem:
    return Problem(where, message=exc.message, hint=exc.hint)


def to_base_url(value: Any) -> str:
    text = to_text(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise FieldError(
            f"'{text}' is not an absolute http(s) address", "write it like https://example.org/international/"
        )
    return text if text.endswith("/") else text + "/"


def _known_locale(value: Any, what: str, hint: str) -> str:
    """`value` as text, if CLDR knows it as a locale."""
    text = to_text(value)
    try:
        Locale.parse(text)
    except (ValueError, UnknownLocaleError):
        raise FieldError(f"unknown {what} '{text}'", hint) from None
    return text


def to_language_code(value: Any) -> str:
    code = _known_locale(value, "language code", "use a code such as fr, en, nl, de")
    if not code.isalpha() or not code.islower():
        raise FieldError(f"language code '{code}' must be lowercase letters", "for example fr")
    return code


def to_locale(value: Any) -> str:
    return _known_locale(value, "locale", "use a CLDR locale such as en_GB or fr_BE")


def to_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise FieldError("expected a list ('- ' lines)")
    return value


def to_path(value: Any) -> Path:
    return Path(to_text(value))


TOP: Mapping[str, Field] = {
    "base_url": Field(to_base_url, True, "the published address, e.g. https://example.org/international/"),
    "output_dir": Field(to_path, False, "", Path("public")),
    "languages": Field(to_list, True, "a list of languages, the default one first"),
    "sections": Field(to_mapping, True, "the URL word of each section, per language"),
    "share": Field(to_list, False, "", []),
    "outdated_notice": Field(to_bool, False, "show a notice on translations whose original has changed", True),
    "search": Field(to_bool, False, "a search page per language, indexed with Pagefind", True),
    "share_cards": Field(to_bool, False, "draw a share picture for each page without an image of its own", True),
    "content_dir": Field(to_path, False, "", Path("content")),
    "templates_dir": Field(to_path, False, "", Path("templates")),
    "static_dir": Field(to_path, False, "", Path("static")),
    "i18n_dir": Field(to_path, False, "", Path("i18n")),
}
LANGUAGE: Mapping[str, Field] = {
    "code": Field(to_language_code, True, "a language code such as fr"),
    "name": Field(to_text, False, "the language's name in itself (CLDR's by default)"),
    "default": Field(to_bool, False, "", False),
    "locale": Field(lambda v: to_locale(v), False, "the CLDR locale for dates and names, e.g. en_GB", ""),
}
SHARE: Mapping[str, Field] = {
    "key": Field(to_slug, True, "a short name; its label is the interface string share.<key>"),
    "url": Field(to_text, True, "the share address with {url} (and optionally {title})"),
}


def load_config(path: Path) -> SiteConfig:
    """Read and validate the config file; ContentError lists every problem."""
    root = path.resolve().parent
    rel = path.name
    try:
        doc = parse_yaml_file(read_text(path)).meta
    except SourceError as exc:
        raise ContentError([_source_problem(rel, exc)]) from None
    problems = Collector()
    top = validate(doc, TOP, rel, problems)
    languages = _languages(doc, top["languages"] or [], rel, problems)
    codes = [lang.code for lang in languages]
    sections = _sections(doc, top["sections"] or {}, codes, rel, problems)
    share = tuple(
        ShareLink(**validate(doc, SHARE, rel, problems, ("share", i), "share field"))
        for i, _ in enumerate(top["share"] or [])
        if _is_mapping(doc, ("share", i), rel, problems)
    )
    problems.raise_errors()
    dirs = {k: root / top[k] for k in ("output_dir", "content_dir", "templates_dir", "static_dir", "i18n_dir")}
    where = (
        f"{rel}:{doc.pos(('output_dir',)).line}: output_dir"
        if "output_dir" in doc.data
        else f"{rel}: output_dir (public by default)"
    )
    return SiteConfig(
        root,
        rel,
        top["base_url"],
        languages=tuple(languages),
        sections=sections,
        share=share,
        outdated_notice=top["outdated_notice"],
        search=top["search"],
        share_cards=top["share_cards"],
        output_from=where,
        **dirs,
    )


def _source_problem(rel: str, exc: SourceError) -> Problem:
    return Problem(rel, exc.line, exc.column, exc.message, exc.hint)


def _is_mapping(doc: YamlDoc, path: KeyPath, rel: str, problems: Collector) -> bool:
    data = doc.data
    for key in path:
        data = data[key]
    if not isinstance(data, dict):
        problems.add(rel, doc.pos(path).line, f"'{'.'.join(map(str, path))}' must be fields (key: value lines)")
        return False
    return True


def _languages(doc: YamlDoc, items: list[Any], rel: str, problems: Collector) -> list[Language]:
    languages = []
    for i, _ in enumerate(items):
        if not _is_mapping(doc, ("languages", i), rel, problems):
            continue
        values = validate(doc, LANGUAGE, rel, problems, ("languages", i), "language field")
        if values["code"]:
            code = values["code"]
            name = values["name"] or _own_name(code)
            if not name:
                pos = doc.pos(("languages", i, "code"))
                problems.add(
                    rel,
                    pos.line,
                    f"language '{code}' has no name in CLDR",
                    "add 'name:' with the language's name in itself",
                    column=pos.column,
                )
            languages.append(Language(code, name or code, values["default"], values["locale"]))
    line = doc.pos(("languages",)).line
    codes = [lang.code for lang in languages]
    if len(set(codes)) != len(codes):
        problems.add(rel, line, "a language is listed twice", "list each language once")
    defaults = [lang for lang in languages if lang.default]
    if languages and len(defaults) != 1:
        problems.add(rel, line, f"exactly one language must have 'default: true' (found {len(defaults)})")
    return sorted(languages, key=lambda lang: not lang.default)


def _own_name(code: str) -> str | None:
    """The language's name in itself, from CLDR; None for the few locales it knows without one (pi, root)."""
    name = Locale.parse(code).get_display_name(code)
    return name.capitalize() if name else None


def _sections(
    doc: YamlDoc, data: dict[str, Any], codes: list[str], rel: str, problems: Collector
) -> dict[str, dict[str, str]]:
    schema = {name: Field(to_mapping, True, f"the URL word of '{name}' per language") for name in SECTIONS}
    values = validate(doc, schema, rel, problems, ("sections",), "section")
    sections: dict[str, dict[str, str]] = {}
    for name in SECTIONS:
        words = values.get(name) or {}
        lang_schema = {code: Field(to_slug, True, f"the URL word for {code}") for code in codes}
        sections[name] = validate(doc, lang_schema, rel, problems, ("sections", name), "language") if words else {}
    return sections
