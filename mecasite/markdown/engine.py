"""Python-Markdown, set up to do as little work per text as its output allows.

Converting bodies is most of a clean build's work, so three things are trimmed, none of which changes the HTML
(tests compare against stock Python-Markdown on a corpus):

- `extra`'s extensions (tables, footnotes, definition lists, abbreviations, attribute lists, fenced code,
  Markdown in HTML) cost a third of a conversion, yet each acts only on text containing its own syntax. A text
  without any of it is converted by a lean converter; the others by the full one.
- The inline pass tries every inline pattern on every piece of text. A pattern whose regular expression needs a
  character absent from the text cannot match, so it is not tried.
- Heading ids are set here, as the `toc` extension sets them, without the table of contents `toc` also builds
  and serializes for every text.

Imported (with Python-Markdown) only when a text needs the full route: convert.py's prose route and the cache
serve the others.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree

import markdown
from markdown import inlinepatterns, util
from markdown.extensions.toc import remove_fnrefs, render_inner_html, slugify_unicode, strip_tags, unique
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from mecasite.markdown.prose import Heading, Ref
from mecasite.markdown.typography import typography

LEAN = ["sane_lists"]
FULL = ["extra", "sane_lists"]  # for the texts syntax.needs_extra picks

# Inline patterns, by registered name, and what must occur in a text for their expression to match there.
# Patterns not listed (from other extensions) are always tried.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[^",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
    "strong_em": ("*",),
    "not_strong": ("*", "_"),
}


class SkippingInlineProcessor(InlineProcessor):
    """Python-Markdown's inline pass, trying only the patterns a text can match.

    Overrides the private `__handleInline` loop (name-mangled), keeping its logic; if a Python-Markdown release
    renames it, this override is simply not called and conversions stay correct, only slower (a test notices).
    """

    _patterns: list[inlinepatterns.Pattern] = []
    _needs: list[tuple[str, ...]] = []

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        registry = self.inlinePatterns
        if len(self._patterns) != len(registry):  # once (indexing the registry sorts it, every time)
            self._patterns = [registry[i] for i in range(len(registry))]  # type: ignore[misc]  # the stubs say the registry holds tree processors
            self._needs = [()] * len(registry)
            for name, triggers in TRIGGERS.items():
                if name in registry:
                    self._needs[registry.get_index_for_name(name)] = triggers
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        if isinstance(data, util.AtomicString):
            return data
        patterns, needs = self._patterns, self._needs
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]  # private: the stubs do not declare it
        start = 0
        while patternIndex < len(patterns):
            needed = needs[patternIndex]
            if needed:
                for trigger in needed:
                    if trigger in data:
                        break
                else:  # no trigger in the text: the pattern cannot match
                    patternIndex, start = patternIndex + 1, 0
                    continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


class HeadingIds(Treeprocessor):
    """Gives each heading the id the `toc` extension would: its text, slugified, unique within the body."""

    def run(self, root: etree.Element) -> None:
        used = {el.attrib["id"] for el in root.iter() if "id" in el.attrib}
        for el in root.iter():
            if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and "id" not in el.attrib:
                el.set("id", unique(slugify_unicode(self._name(el), "-"), used))

    def _name(self, el: etree.Element) -> str:
        text = el.text or ""
        if len(el) == 0 and not any(c in text for c in "&<\x02\x03"):
            return " ".join(text.split())  # what the full route below gives for plain text, without serializing
        return html.unescape(strip_tags(render_inner_html(remove_fnrefs(el), self.md)))


def converter(extensions: list[str]) -> markdown.Markdown:
    """A reusable Markdown instance with the faster inline pass and heading ids (treeprocessors registered
    below priority 5 see the ids)."""
    md = markdown.Markdown(extensions=extensions, output_format="html")
    md.treeprocessors.register(SkippingInlineProcessor(md), "inline", 20)
    md.treeprocessors.register(HeadingIds(md), "heading-ids", 5)  # where `toc` runs: after attribute lists
    return md


SKIP_TEXT = {"code", "pre"}


class Links(Treeprocessor):
    """Rewrites id links, applies typography to text, and records headings."""

    def __init__(self, md: markdown.Markdown, kinds: frozenset[str], placeholder: str):
        super().__init__(md)
        self.kinds, self.placeholder = kinds, placeholder
        self.lang = ""
        self.reset()

    def reset(self) -> None:
        self.headings: list[Heading] = []
        self.refs: list[Ref] = []

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a":
                self._link(element)
            if element.tag in ("h2", "h3", "h4", "h5", "h6"):
                self.headings.append((int(element.tag[1]), element.get("id", ""), "".join(element.itertext())))
            if element.tag not in SKIP_TEXT:
                element.text = typography(element.text or "", self.lang) or element.text
            element.tail = typography(element.tail or "", self.lang) or element.tail

    def _link(self, element: etree.Element) -> None:
        """An id link becomes a placeholder address, filled in per page by convert.link (so conversions can be
        cached whatever the target's URL is in each language)."""
        href = element.get("href", "")
        kind, colon, rest = href.partition(":")
        if not colon or kind not in self.kinds:
            return
        item_id, _, anchor = rest.partition("#")
        self.refs.append((kind, item_id))
        element.set("href", f"{self.placeholder}{kind}/{item_id}" + (f"#{anchor}" if anchor else ""))


def linking_converter(
    extensions: list[str], kinds: frozenset[str], placeholder: str
) -> tuple[markdown.Markdown, Links]:
    """A converter (`converter`) whose id links become placeholders, with the tree processor that records them."""
    md = converter(extensions)
    links = Links(md, kinds, placeholder)
    md.treeprocessors.register(links, "mecasite-links", 1)
    return md, links
