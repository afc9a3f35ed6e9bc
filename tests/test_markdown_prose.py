"""The short route for plain prose gives exactly the HTML of the full route (Python-Markdown), or declines.

markdown_prose converts paragraphs, headings, simple lists, emphasis and links without Python-Markdown; these
tests hold it to the full route's output (cleaned, with typography, heading ids and id links) on the real
content and on generated text, and check that it really takes most prose, so that they cannot pass by the
route declining everything.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import MARKDOWN_PIECES, REPO

from mecasite.content.schemas import REF_KINDS
from mecasite.markdown import convert as markdown_render
from mecasite.markdown.prose import ProseConverter, toc_slug, toc_unique
from mecasite.markdown.typography import typography

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

KINDS = frozenset(REF_KINDS)
PROSE = ProseConverter(KINDS, markdown_render.PLACEHOLDER, typography)
FULL = markdown_render.MarkdownRenderer(KINDS, None)


def short(text: str, lang: str):
    """The prose route's result, or None where it declines. It is used without the cleaner: it must be what
    the cleaner would leave."""
    result = PROSE.convert(text, lang)
    if result is not None:
        assert markdown_render.CLEANER.clean(result[0]) == result[0]
    return result


def full(text: str, lang: str):
    raw, headings, refs = FULL._convert_fully(text, lang, "full")
    return markdown_render.CLEANER.clean(raw), headings, refs


def test_the_real_content_takes_the_short_route_with_the_same_html():
    bodies = [
        (path.read_text(encoding="utf-8").split("---", 2)[-1].removeprefix("\n"), path.stem)
        for path in sorted(Path(REPO, "content").rglob("*.md"))
    ]
    taken = 0
    for body, lang in bodies:
        result = short(body, lang)
        if result is not None:
            taken += 1
            assert result == full(body, lang), body
    assert taken >= 0.9 * len(bodies)  # the real content is plain prose


@pytest.mark.parametrize(
    "text",
    [
        "Plain.",
        "## Heading\n\nText with *em*, **strong** and a [link](partner:materalia).",
        "- one\n- two [x](action:intermat#results)\n\nBetween.\n\n1. first\n2. second\n\nAfter.",
        "Line one\nline two; with: French signs! « quoted » ?",
        "R&D and Texas A&M (USA).",
        "## Same\n\n## Same\n\n### Same",
        "*[see](https://example.org/a_b?x=1&y=2)* here",
    ],
)
def test_plain_prose_takes_the_short_route(text):
    for lang in ("fr", "en"):
        result = short(text, lang)
        assert result is not None, text
        assert result == full(text, lang)


@pytest.mark.parametrize(
    "text",
    [
        "<b>raw</b>",
        "a `code` span",
        "snake_case",
        "an ![image](x.png)",
        "[ref]: https://example.org",
        "line  \nbreak",
        "    indented code",
        "> quote",
        "* star list",
        "+ plus list",
        "- a\n\n- loose",
        "3. numbered from three",
        "# Level one",
        "Setext\n===",
        "Text\n- lazy",
        "*a **b** c*",
        "***both***",
        "[not a link]",
        "&copy; entity",
        "a | table",
        "{: .attr }",
        "Term\n: definition",
        "\u00a0leading space",
        "* not emphasis *",
        "- ## heading in item",
        "## Heading ##",
        "## *styled* heading",
    ],
)
def test_anything_more_is_declined(text):
    assert short(text, "en") is None


WORDS = [
    "le",
    "Europe",
    "R&D",
    "(France)",
    "l'industrie",
    "2025",
    "a;",
    "b:",
    "c!",
    "d?",
    "«",
    "»",
    "é",
    "x_y",
    "&",
    "—",
    "'",
    '"',
    "!",
    "?",
    ":",
    ";",
    "*",
    "**",
    "1)",
    "100%",
    "#5",
    "-",
    "=",
    "3.",
]
TARGETS = [
    "partner:materalia",
    "action:intermat#results",
    "https://example.org/a_b?x=1&y=2",
    "#top",
    "page:approach",
    "mailto:a@b.c",
    "javascript:alert",
    "other/page/",
    "partner:",
]
word = st.one_of(st.sampled_from(WORDS), st.text(alphabet="abcdeéèàçßüö", min_size=1, max_size=8))


@st.composite
def inline(draw):
    text = draw(word)
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return f"*{text}*"
    if kind == 1:
        return f"**{text}**"
    if kind == 2:
        return f"[{text}]({draw(st.sampled_from(TARGETS))})"
    return text


line = st.lists(inline(), min_size=1, max_size=10).map(" ".join)
block = st.one_of(
    line,
    st.lists(line, min_size=1, max_size=3).map("\n".join),
    st.tuples(st.integers(1, 7), line).map(lambda h: "#" * h[0] + " " + h[1]),
    st.lists(line, min_size=1, max_size=4).map(lambda items: "\n".join("- " + i for i in items)),
    st.lists(line, min_size=1, max_size=4).map(lambda items: "\n".join(f"{n + 1}. {i}" for n, i in enumerate(items))),
)
document = st.tuples(st.lists(block, min_size=1, max_size=6), st.sampled_from(["\n\n", "\n\n\n", "\n"])).map(
    lambda parts: parts[1].join(parts[0])
)


@settings(max_examples=800, deadline=None, derandomize=True)
@given(document, st.sampled_from(["fr", "en", "de"]))
def test_generated_prose_converts_as_the_full_route(text, lang):
    result = short(text, lang)
    if result is not None:
        assert result == full(text, lang)


def test_generated_prose_mostly_takes_the_short_route():
    """The generator above must exercise the short route, or the comparison proves nothing."""
    taken = []

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(document)
    def count(text):
        taken.append(short(text, "en") is not None)

    count()
    assert sum(taken) >= 0.2 * len(taken)


FRAGMENTS = [
    *MARKDOWN_PIECES,
    "2. ",
    "]: ",
    "===",
    "  \n",
    ": ",
    "\n: ",
    "<b>",
    "&",
    "!",
    "![a](b)",
    "[a](b)",
    "[a][b]",
    "word",
    "two words",
    " ;",
    " :",
    " !",
    "[x](partner:y)",
    "*a*",
    "**b**",
    "* ",
    " *",
    "\xa0",
    "\u202f",
    "\x0c",
    "\u2028",
    "1)",
    "+ ",
    "-x",
    "#x",
    "a_b",
    "\n- ",
    "\n## ",
    "x.",
    " ",
    "'",
    '"',
]


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="ab *_[]()`<>&|\\:{}#!\n-1.", max_size=4)), max_size=30
    ),
    st.sampled_from(["fr", "en"]),
)
def test_any_text_converts_as_the_full_route_or_is_declined(parts, lang):
    text = "".join(parts)
    result = short(text, lang)
    if result is not None:
        assert result == full(text, lang)


ADDRESS = st.one_of(
    st.text(alphabet="abcXY019:/?#.&=%-+!$;,@é\u00a0", min_size=1, max_size=14),
    st.tuples(
        st.sampled_from(
            ["http://", "https://", "HTTPS://", "https:///", "mailto:", "javascript:", "data:", "partner:", "ftp://"]
        ),
        st.sampled_from(
            ["example.org", "a-b.c", "bücher.de", "1.2.3.4", "[::1]", "a..b", "-a.b", "a.b:80", "a.b:99999", "a", ""]
        ),
        st.sampled_from(["", "/", "/p?q=1&r=2#f", "#x", "?", "/ü/%20/%zz"]),
    ).map("".join),
)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(ADDRESS, st.sampled_from(["a", "R&D", "x\u00a0y", "« z »", "a : b"]), st.sampled_from(["fr", "en"]))
def test_a_link_keeps_its_address_only_where_the_cleaner_would(target, label, lang):
    text = f"See [{label}]({target}) ; end."
    result = short(text, lang)
    if result is not None:
        assert result == full(text, lang)


def test_the_renderer_takes_the_short_route_for_prose(monkeypatch):
    renderer = markdown_render.MarkdownRenderer(KINDS, None)
    monkeypatch.setattr(renderer, "_convert_fully", lambda *args: pytest.fail("took the full route"))
    converted = renderer.convert("## Title\n\nSee [Materalia](partner:materalia).", "en")
    assert converted.refs == (("partner", "materalia"),)
    assert converted.headings == ((2, "title", "Title"),)


# Plain prose beyond a limit of markdown_limits, and the same just within it: the short route would take
# each, so the limits must stop it there exactly as they stop Python-Markdown.
BEYOND_AND_WITHIN = {
    "size": ("word " * 40_000 + "word", "word " * 39_999 + "word"),
    "signs": (" ".join(["*a*"] * 2_501), " ".join(["*a*"] * 2_500)),  # 5,002 and 5,000 stars
    "headings": ("## a\n\n" * 501, "## a\n\n" * 500),
    "blank lines": ("a\n\n" * 5_001, "a\n\n" * 5_000),
}


@pytest.mark.parametrize("beyond,within", BEYOND_AND_WITHIN.values(), ids=BEYOND_AND_WITHIN.keys())
def test_both_routes_refuse_a_text_beyond_a_limit_alike(beyond, within):
    assert PROSE.convert(beyond, "fr") is not None and PROSE.convert(within, "fr") is not None  # plain prose
    with pytest.raises(markdown_render.TooComplex) as prose:
        FULL.convert(beyond, "fr")
    with pytest.raises(markdown_render.TooComplex) as python_markdown:
        FULL.convert(beyond + "\n\n<b>x</b>", "fr")  # raw HTML: Python-Markdown's route
    assert (prose.value.message, prose.value.line, prose.value.hint) == (
        python_markdown.value.message,
        python_markdown.value.line,
        python_markdown.value.hint,
    )
    assert FULL.convert(within, "fr").html.startswith(("<p>", "<h2"))  # within the limit: converted


HEADING_TITLES = [
    "Résultats",
    "Le salon Intermat 2027 : ce qu’il faut savoir",
    "Über uns – Straße & Co.",
    "  spaces   inside\tand out ",
    "a-b--c - d",
    "__init__ et _x_",
    "«\u00a0citation\u00a0»",
    "!!!",
    "",
    "titre_2",
    "日本語の見出し",
]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
@settings(max_examples=300, deadline=None)
def test_heading_slugs_are_python_markdowns(title):
    from markdown.extensions.toc import slugify_unicode

    assert toc_slug(title) == slugify_unicode(title, "-")


def test_heading_ids_are_made_unique_as_python_markdown_makes_them():
    from markdown.extensions.toc import slugify_unicode, unique

    ours: set[str] = set()
    theirs: set[str] = set()
    titles = HEADING_TITLES * 3 + ["titre", "titre_1", "titre", "titre_3", "titre_1", "x_9", "x_9", "x"]
    for title in titles:
        assert toc_unique(toc_slug(title), ours) == unique(slugify_unicode(title, "-"), theirs), title
    assert ours == theirs
    assert {"titre_2", "titre_3", "titre_4", "x_10", "_1", "résultats_2"} <= ours  # `_N` counts on from N


def test_a_build_of_prose_never_imports_python_markdown():
    """The prose route makes heading ids itself: a body without Markdown beyond prose needs no Markdown."""
    import subprocess
    import sys

    code = (
        "import sys; from mecasite.markdown.convert import MarkdownRenderer; "
        "r = MarkdownRenderer(frozenset({'partner'}), None); "
        "c = r.convert('## Un titre\\n\\nVoir [M](partner:m).\\n\\n## Un titre', 'fr'); "
        "print(c.headings, 'markdown' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "((2, 'un-titre', 'Un titre'), (2, 'un-titre_1', 'Un titre')) False"
