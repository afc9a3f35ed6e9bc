"""Markdown to safe HTML, returned as a value: the HTML, its headings and the internal references it used.

Links between items are written with ids (`[Materalia](partner:materalia)`) and turned into the URL of the
target page in the page's language, so that a slug can change without breaking links. The HTML is then cleaned
with an allow-list (nh3), whatever the editor pasted. No I/O here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from html import escape, unescape
from typing import TYPE_CHECKING, Any, Protocol

import nh3

from mecasite.config.engine import engine_key
from mecasite.markdown.limits import PREFIX, TooComplex, check_complexity
from mecasite.markdown.mixed import has_heading, prose_parts
from mecasite.markdown.prose import Heading, Parts, ProseConverter, Ref
from mecasite.markdown.syntax import TABLES, beyond_tables
from mecasite.markdown.typography import typography

if TYPE_CHECKING:
    import markdown

    from mecasite.markdown.engine import Links

# Resolves ("partner", "materalia", "") to a URL, or None when no such item exists.
RefResolver = Callable[[str, str], "str | None"]

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ATTRIBUTES = {
    "*": {"id", "lang", "title", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
}
SCHEMES = {"http", "https", "mailto"}
CLEANER = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel=None)  # built once


@dataclass(frozen=True)
class Rendered:
    html: str
    headings: tuple[Heading, ...]
    refs: tuple[Ref, ...]  # items linked to
    bad_refs: tuple[str, ...]  # references to items that do not exist


PLACEHOLDER = "https://ref.mecasite.invalid/"
_PLACED = re.compile(r'\shref="' + re.escape(PLACEHOLDER) + r'([a-z]+)/([^"#]*)(#[^"]*)?"')
# The same without the space before it: an expression that starts with a literal is searched for some five
# times faster; each match is then checked for the space ` href=` always has in the cleaner's HTML.
_PLACED_AT = re.compile(_PLACED.pattern.removeprefix(r"\s"))


def spaced(pattern: re.Pattern[str], html: str) -> list[re.Match[str]] | None:
    r"""The matches of `pattern`, which starts with a literal, when each follows a space: then they are what the
    same pattern with `\s` before it finds. None when one does not (only that slower pattern can say)."""
    found = list(pattern.finditer(html))
    return found if all(html[m.start() - 1 : m.start()].isspace() for m in found) else None


@dataclass(frozen=True)
class Converted:
    """A body converted and cleaned, with id links still as placeholders: the same in every page language."""

    html: str
    headings: tuple[Heading, ...]
    refs: tuple[Ref, ...]


def link(converted: Converted, resolver: RefResolver) -> Rendered:
    """Fill in the id links for one page; a link to an item that does not exist loses its address."""
    bad: list[str] = []

    def fill(match: re.Match[str]) -> str:
        kind, item_id, anchor = match.group(1), unescape(match.group(2)), match.group(3) or ""
        url = resolver(kind, item_id)
        if url is None:
            bad.append(f"{kind}:{item_id}{unescape(anchor)}")
            return ""
        return f' href="{escape(url)}{anchor}"'

    html = converted.html
    spots = spaced(_PLACED_AT, html) if PLACEHOLDER in html else []
    if spots is not None:  # the same matches as _PLACED's
        parts: list[str] = []
        start = 0
        for spot in spots:
            parts += (html[start : spot.start() - 1], fill(spot))
            start = spot.end()
        html = "".join(parts) + html[start:] if spots else html
    else:  # an address in some other HTML: the expression itself
        html = _PLACED.sub(fill, html)
    return Rendered(html, converted.headings, converted.refs, tuple(bad))


def keep_anchors(rendered: Rendered, source: tuple[Heading, ...], taken: frozenset[str]) -> Rendered:
    """A translation's body that also answers to its source's heading anchors, so that a link written in the
    source text (`action:intermat#résultats`) works on every page showing that text as a fallback: an empty
    `<span id>` inside the matching heading (same position, when both have as many headings), else at the top.
    Ids the translation has already, or the page's own (`taken`), are not repeated."""
    own = {h[1] for h in rendered.headings}
    missing = [(i, h[1]) for i, h in enumerate(source) if h[1] not in own and h[1] not in taken]
    if not missing:
        return rendered
    html, top = rendered.html, []
    for index, anchor in missing:
        span = f'<span id="{escape(anchor)}"></span>'
        heading = rendered.headings[index] if len(source) == len(rendered.headings) else None
        opening = f'<h{heading[0]} id="{escape(heading[1])}">' if heading else ""
        if opening and opening in html:
            html = html.replace(opening, opening + span, 1)
        else:
            top.append(span)
    return replace(rendered, html="".join(top) + html)


def cache_salt(kinds: frozenset[str]) -> bytes:
    """What a cached conversion depends on besides the text and its language: the engine and its libraries
    (engine.py's key: this code, typography, Python-Markdown, nh3...), and which link kinds become
    placeholders (`[x](partner:y)` is a link to an item only where `partner` is a kind)."""
    return f"{engine_key()}\0{','.join(sorted(kinds))}\0{PLACEHOLDER}".encode()


def body_digest(text: str, lang: str, salt: bytes) -> bytes:
    """The cache key of a conversion: the text, its language (typography) and everything else it read."""
    return hashlib.sha256(salt + f"\0{lang}\0{text}".encode()).digest()


class ConversionCache(Protocol):
    """What the converter asks of a cache of conversions by digest (the build's is build/markdown_cache.py)."""

    def get(self, digest: bytes) -> tuple[Any, ...] | None: ...
    def put(self, digest: bytes, value: tuple[Any, ...]) -> None: ...
    def flush(self) -> None: ...
    def close(self) -> None: ...
    def prune(self, live: Callable[[], Iterable[bytes]], slack: float = 2.0, most: int | None = None) -> None: ...


class MarkdownRenderer:
    """Reusable converters (building a `Markdown` instance per page costs more than the page): the short
    route for plain prose (prose.py), and Python-Markdown for the rest, lean or with `extra` for the texts
    that use its syntax (engine.py). Python-Markdown is imported and its converters built on the first text
    that needs them: a build whose bodies are plain prose or cached never does (some 50 ms of a real build)."""

    def __init__(self, kinds: frozenset[str], cache: ConversionCache | None = None):
        self.cache = cache
        self.kinds = kinds
        self.salt = cache_salt(frozenset(kinds))
        self._converters: dict[str, tuple[markdown.Markdown, Links]] = {}
        self.prose = ProseConverter(kinds, PLACEHOLDER, typography)  # most texts: see prose.py

    def _convert_fully(self, text: str, lang: str, converter: str) -> Parts:
        """Python-Markdown (a converter with or without `extra`), on a text within the limits (limits.py).
        The stack is the one bound they leave to Python: nesting (of HTML, definition lists) deep enough
        to exhaust it is refused as too deep."""
        if converter not in self._converters:
            from mecasite.markdown import engine

            extensions = engine.FULL if converter == "full" else engine.LEAN
            self._converters[converter] = engine.linking_converter(extensions, self.kinds, PLACEHOLDER)
        md, links = self._converters[converter]
        md.reset()
        links.reset()
        links.lang = lang
        try:
            raw = md.convert(text)
        except RecursionError:
            raise TooComplex(
                f"{PREFIX}nested too deeply", 0, "nest lists, quotes and HTML elements less deeply"
            ) from None
        return raw, tuple(links.headings), tuple(links.refs)

    def _mixed(self, text: str, lang: str) -> Converted | None:
        """Prose with odd blocks (mixed.py): only those converted by Python-Markdown, a tenth of the text's
        cost where one list item of ten is wrapped. None where the text must be converted whole."""
        found = prose_parts(self.prose, text, lang)
        if found is None:
            return None
        parts, headings = found
        html: list[str] = []
        refs: list[Ref] = []
        for converted, block, found_refs in parts:
            if converted is None:
                raw, _, found_refs = self._convert_fully(block, lang, "full" if TABLES in block else "lean")
                if has_heading(raw):
                    return None
                converted = CLEANER.clean(raw)
            html.append(converted)
            refs += found_refs
        return Converted("\n".join(html), headings, tuple(refs))

    def save(self) -> None:
        """Write the conversions the cache still holds in memory."""
        if self.cache:
            self.cache.flush()

    def close(self) -> None:
        """Before a fork (the cache's connection must not cross it) and when done."""
        if self.cache:
            self.cache.close()

    def prune(self, texts: Callable[[], Iterable[tuple[str, str]]], count: int | None = None) -> None:
        """Let the cache forget conversions of texts that are no longer (`texts()`: (body, language); `count`:
        how many there are, so that nothing is hashed while the cache is small enough)."""
        if self.cache:
            self.cache.prune(lambda: (body_digest(body, lang, self.salt) for body, lang in texts()), most=count)

    def render(self, text: str, lang: str, resolver: RefResolver) -> Rendered:
        """The body as safe HTML for one page (its id links resolved with `resolver`)."""
        return link(self.convert(text, lang), resolver)

    def convert(self, text: str, lang: str) -> Converted:
        """Plain prose is converted again each time (a cache lookup would cost about as much); other texts
        are kept in the cache. Both routes are behind the same limits: TooComplex beyond them."""
        check_complexity(text)
        beyond = beyond_tables(text)  # a simple table may take the short route; the rest of `extra` may not
        prose = None if beyond else self.prose.convert(text, lang)
        if prose is not None:  # written as the cleaner would leave it (prose.py; the tests hold it to that)
            return Converted(*prose)
        digest = body_digest(text, lang, self.salt) if self.cache else b""
        cached = self.cache.get(digest) if self.cache else None
        if cached is not None and len(cached) == 3:
            return Converted(*cached)
        converted = None if beyond else self._mixed(text, lang)
        if converted is None:
            raw, headings, refs = self._convert_fully(text, lang, "full" if beyond or TABLES in text else "lean")
            converted = Converted(CLEANER.clean(raw), headings, refs)
        if self.cache:
            self.cache.put(digest, (converted.html, converted.headings, converted.refs))
        return converted
