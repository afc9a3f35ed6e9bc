"""The trimmed Markdown set-up converts exactly as stock Python-Markdown with `extra`, `sane_lists` and `toc`.

markdown_engine skips work it can prove useless (extensions for syntax a text lacks, inline patterns whose
trigger character is absent, the table of contents); these tests hold it to identical HTML, on hand-picked
cases for every piece of syntax, on the real content, and on generated text.
"""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import InlineProcessor
from sitekit import MARKDOWN_PIECES, REPO

from mecasite.markdown import engine as markdown_engine
from mecasite.markdown.syntax import needs_extra

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CASES = [
    "Plain paragraph.\n\nAnother one, with a line  \nbreak.",
    "## Heading\n\n## Heading\n\n### Heading_1\n\n# Heading",  # duplicate ids get suffixes
    "## *Emphasis* in a **heading** with `code` & <b>bold</b>\n\n## Caf\u00e9 &amp; cr\u00e8me",
    "## Heading {#custom}\n\nParagraph {: .x }",
    "Term\n: Definition\n\n  : not one",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\nescaped \\| pipe",
    "Text with a footnote[^1].\n\n[^1]: The note.\n\n## Heading[^1]",
    "*[HTML]: Hyper Text\n\nHTML is here.",
    "```\ncode *not emphasis*\n```\n\n~~~python\nx = 1\n~~~",
    '<div markdown="1">*inside*</div>\n\n<span>raw *inline*</span> <!-- comment -->',
    "[link](https://example.org) ![image](x.png) [ref][r] [r] ![img][r]\n\n[r]: https://example.org/r",
    "<https://example.org> <someone@example.org> &copy; &#169; AT&T",
    "Escapes: \\*not\\* \\_not\\_ \\[not\\] \\`not\\`",
    "snake_case_word and 2*3*4 and _em_ and __strong__ and ***both***",
    "- a\n- b\n\n1. one\n2. two\n\n> quote\n> - item",
    "Windows\r\nline\r\n: endings\r\n",
    "    indented code with *stars*\n\nText",
    "Setext heading\n==============\n\nAnother\n-------",
    "> *Term*\n> : its definition\n\n- item\n\n    Term\n    : definition",
]


def stock() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["extra", "sane_lists", "toc"],
        output_format="html",
        extension_configs={"toc": {"slugify": slugify_unicode, "permalink": False}},
    )


def trimmed(text: str, converters={}) -> str:  # noqa: B006 - converters built once, reused like the builder
    kind = "full" if needs_extra(text) else "lean"
    if kind not in converters:
        converters[kind] = markdown_engine.converter(markdown_engine.FULL if kind == "full" else markdown_engine.LEAN)
    return converters[kind].reset().convert(text)


@pytest.mark.parametrize("text", CASES)
def test_every_piece_of_syntax_converts_as_stock(text):
    assert trimmed(text) == stock().convert(text)


def test_text_without_extra_syntax_takes_the_lean_converter():
    assert not needs_extra("## Title\n\nSome *text* with a [link](partner:x).\n\n- item")
    for text in (
        "a | b",
        "x[^1]",
        "*[A]: b",
        "{#id}",
        "```",
        "~~~",
        "<b>",
        "Term\n: def",
        "Term\n   : def",
        ": first",
        "> Term\n> : def",  # a definition list inside a quotation
        "> > Term\n> > : def",
        "- item\n\n    Term\n    : def",  # inside a list item
        "> : first",
        "a\rb",
    ):
        assert needs_extra(text), text


def test_the_real_content_converts_as_stock():
    bodies = [
        path.read_text(encoding="utf-8").split("---", 2)[-1] for path in sorted(Path(REPO, "content").rglob("*.md"))
    ]
    assert len(bodies) > 20
    md = stock()
    for body in bodies:
        assert trimmed(body) == md.reset().convert(body)


def test_the_inline_override_still_hooks_into_python_markdown():
    """The skipping inline pass overrides a private, name-mangled method: if a release renames it, the
    override would silently stop working (correct but slower). This notices."""
    assert hasattr(InlineProcessor, "_InlineProcessor__handleInline")
    assert hasattr(InlineProcessor, "_InlineProcessor__applyPattern")
    md = markdown_engine.converter(markdown_engine.LEAN)
    inline = md.treeprocessors["inline"]
    calls = []
    original = inline._InlineProcessor__applyPattern
    inline._InlineProcessor__applyPattern = lambda *args: calls.append(args[0]) or original(*args)
    md.convert("plain words only\n\nand *one* emphasis")
    tried = {type(pattern).__name__ for pattern in calls}
    assert tried == {"DelimiterProcessor"}, tried  # only `em_strong` could match anything here
    assert set(markdown_engine.TRIGGERS) >= {
        item for item in ("backtick", "escape", "link", "html", "entity", "em_strong") if item in md.inlinePatterns
    }


FRAGMENTS = [
    *MARKDOWN_PIECES,
    "__",
    "``",
    "```",
    "~~~",
    "[^1]",
    "[^1]: ",
    "*[",
    "]: ",
    "{: #x }",
    "{#y}",
    "===",
    "  \n",
    ": ",
    "\n: ",
    "<b>",
    "</b>",
    '<div markdown="1">',
    "</div>",
    "<!--",
    "-->",
    "&",
    "&#38;",
    "\\|",
    "\\*",
    "!",
    "![a](b)",
    "[a](b)",
    "[a][b]",
    "[b]: http://x",
    "<http://x>",
    "<a@b.c>",
    "\r",
    "word",
    "two words",
    "»",
]


@settings(max_examples=600, deadline=None, derandomize=True)
@given(
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="ab *_[]()`<>&|\\:{}#!\n", max_size=6)), max_size=40
    )
)
def test_generated_text_converts_as_stock(parts):
    text = "".join(parts)
    assert trimmed(text) == stock().convert(text)
