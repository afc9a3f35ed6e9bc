"""The short route for plain prose gives exactly the HTML of the full route (Python-Markdown), or declines.

markdown_prose converts paragraphs, headings, simple lists, emphasis, links, code spans, one-paragraph
quotations and simple tables without Python-Markdown; these tests hold it to the full route's output (cleaned, with typography, heading ids and id links) on the real
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
from hypothesis import example, given, settings  # noqa: E402
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
        "Ref. `MEC-123` : `a_b*[c]&d` et *`x`* ou **`y`**.",
        "> Une citation : « oui » !\n> Sur deux lignes, avec [un lien](partner:materalia).",
        "| | | |\n|---|---|---:|\n| 2019 | réseau : oui | 12 |\n| 2020 | *b* | `c` |",
        "| Année | Lien |\n|:--|:-:|\n| 1. x | [M](action:intermat#results) |\n|  | - y |",
        "| one column |\n| --- |\n| a |",
        "- one\n    - inside *it*\n    - and [here](partner:materalia)\n- two\n    1. first\n        - deeper\n    2. second",
        "1. Un\n    - dedans\n2. Deux",
        "## Table\n\n| a | b |\n|-|-|\n| 1 | 2 |\n\n> quote\n\n- item\n\n> quote again\n\n| c |\n|-|\n| 3 |",
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
        "a ``double`` span",
        "` spaced `",
        "`unclosed",
        "`a` b`",
        "x `a|b` y",
        "[a `b`](c)",
        "## `code` heading",
        "```\nfenced\n```",
        "snake_case",
        "an ![image](x.png)",
        "[ref]: https://example.org",
        "line  \nbreak",
        "    indented code",
        "> a\n\n> b",
        "> a\nlazy",
        ">no space",
        "> > nested",
        "> - list in a quote",
        "> ## heading in a quote",
        "> Term\n> : a definition in a quote",  # extra's definition list
        "a\n> b",
        "- a > b",
        "| a |\n|---|",
        "| a | b |\n|---|---|\n| 1 |",
        "| a | b |\n|---|---|\n| 1 | 2 | 3 |",
        "a | b\n--|--\n1 | 2",
        "| a |\n| b |\n| c |",
        "| a |\n|:|\n| c |",
        "| `a|b` |\n|---|\n| c |",
        "| a |\n|---|\n| c |\ntext",
        "| a |\n|---|\n| c |\n\n| d [^1] |\n|---|\n| e |",
        "[x](a|b)",
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
        "- a\n  - two spaces: a lazy line",
        "- a\n        - eight spaces: code in the item",
        "- a\n    2. numbered from two",
        "- a\n    - b\n    1. another kind at one level",
        "para\n    - indented under a paragraph",
        "    - a list indented alone",
        "- a\n\n    - after a blank line",
        "- a\n    -x",
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


CODE = st.one_of(
    st.sampled_from(["MEC-123", "a_b", "*x*", "[l](partner:y)", "a & b", "« c »", "d : e", "f\u00a0g", "h|i"]),
    st.text(alphabet="ab *_[]()&:;!?é«»\u00a0|-#>", min_size=1, max_size=8),
)


@st.composite
def inline(draw):
    text = draw(word)
    kind = draw(st.integers(0, 11))
    if kind == 0:
        return f"*{text}*"
    if kind == 1:
        return f"**{text}**"
    if kind == 2:
        return f"[{text}]({draw(st.sampled_from(TARGETS))})"
    if kind == 3:
        return f"`{draw(CODE)}`"
    if kind == 4:  # a code span beside emphasis, or inside it
        return draw(st.sampled_from(["*`{}`*", "**`{}`**", "*{} `x`*", "`{}`*", "`x`{}"])).format(text)
    return text


line = st.lists(inline(), min_size=1, max_size=10).map(" ".join)
ALIGN = st.sampled_from(
    ["---", "-", ":--", "--:", ":-:", " --- ", ":---:"] * 3 + ["", " ", ":", "-:-", "-- -", "x", "=", "--x"]
)
CELL_WORD = st.sampled_from(["2019", "le", "réseau", "R&D", "a : b", "« c »", "d ?", "-", "1.", "#5", "é", "\u00a0f"])


@st.composite
def table(draw):
    """`| ... |` rows: a header (empty cells too), an alignment row, rows of inline text; now and then a row
    with a cell more or less, or without its borders."""
    columns = draw(st.integers(1, 4))
    cell = st.one_of(
        st.lists(CELL_WORD, min_size=1, max_size=3).map(" ".join),
        st.sampled_from(["", " "]),
        st.lists(inline(), min_size=1, max_size=2).map(" ".join),
    )
    rows = [[draw(cell) for _ in range(columns)]]
    rows.append([draw(ALIGN) for _ in range(columns)])
    for _ in range(draw(st.sampled_from([1, 2, 3, 1, 0]))):
        rows.append([draw(cell) for _ in range(columns + draw(st.sampled_from([0] * 8 + [1, -1])))])
    padding = draw(st.sampled_from([" ", "", "  "]))
    lines = ["|" + "|".join(f"{padding}{c}{padding}" for c in row) + "|" for row in rows]
    if draw(st.sampled_from([False] * 9 + [True])):
        lines[-1] = lines[-1].strip("|")
    return "\n".join(lines)


@st.composite
def nested(draw):
    """A list with lists in its items: each line at most one level deeper than the one above (now and then
    two, or two or three spaces), each level `- ` or numbered from 1 (now and then another kind, or another
    start)."""
    lines, depth, kinds = [], 0, {}
    for n in range(draw(st.integers(1, 6))):
        if n:
            depth = max(0, depth + draw(st.sampled_from([1, 0, -1, -2] * 8 + [2])))
        kind = kinds.setdefault(depth, draw(st.sampled_from(["-", "1."])))
        if draw(st.sampled_from([False] * 30 + [True])):
            kind = draw(st.sampled_from(["-", "1.", "2."]))
        kinds = {d: k for d, k in kinds.items() if d <= depth}
        indent = "    " * depth if draw(st.sampled_from([True] * 30 + [False])) else " " * draw(st.sampled_from([2, 3]))
        number = sum(1 for line in lines if line.startswith(indent) and not line[len(indent)] == " ") + 1
        marker = f"{number}." if kind == "1." else kind
        lines.append(f"{indent}{marker} {draw(line)}")
    return "\n".join(lines)


block = st.one_of(
    line,
    nested(),
    st.lists(line, min_size=1, max_size=3).map("\n".join),
    st.lists(line, min_size=1, max_size=3).map(lambda lines: "\n".join("> " + i for i in lines)),
    table(),
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


def test_generated_code_quotes_and_tables_take_the_short_route():
    """The same for each construct beyond plain prose: the generator must have the short route take it."""
    taken = {"<code>": 0, "<blockquote>": 0, "<table>": 0}

    @settings(max_examples=1000, deadline=None, derandomize=True)
    @given(document)
    def count(text):
        result = short(text, "fr")
        for tag in taken:
            taken[tag] += result is not None and tag in result[0]

    count()
    assert min(taken.values()) >= 20, taken


def test_generated_nested_lists_take_the_short_route_with_the_same_html():
    """Lists in list items, as `nested` makes them: compared with the full route, and taken often enough
    for the comparison to mean something."""
    taken = []

    @settings(max_examples=600, deadline=None, derandomize=True)
    @given(nested(), st.sampled_from(["fr", "en"]))
    def compare(text, lang):
        result = short(text, lang)
        if result is not None:
            assert result == full(text, lang)
        taken.append(result is not None and "\n</li>" in result[0])

    compare()
    assert sum(taken) >= 40, sum(taken)


# Blocks the short route declines, some of which another block's reading may depend on (mixed.py).
odd_block = st.one_of(
    st.tuples(line, st.sampled_from(["\n  ", "\n", "\n    ", "\n   "]), line).map(lambda p: "- " + "".join(p)),
    st.lists(line, min_size=1, max_size=3).map(lambda items: "\n".join("+ " + i for i in items)),
    st.lists(line, min_size=1, max_size=3).map(lambda items: "\n".join("* " + i for i in items)),
    st.tuples(line, line).map(lambda p: f"{p[0]}  \n{p[1]}"),
    st.tuples(line, st.sampled_from(["\n---", "\n===", "\n    ", "\n "]), line).map("".join),
    st.sampled_from(["---", "***", "#x", "1) un", "snake_case", "> a\nlazy", "    code", "  two", "a\n \nb", "x\t"]),
    line.map(lambda text: f"- {text}\n\n    more"),
    line.map(lambda text: f"{text} [x](partner:y) a_b"),  # declined after an id link was met
)
mixed_document = st.tuples(
    st.lists(st.one_of(block, block, odd_block), min_size=1, max_size=6), st.sampled_from(["\n\n"] * 4 + ["\n"])
).map(lambda parts: parts[1].join(parts[0]))


def converted(text: str, lang: str):
    result = FULL.convert(text, lang)
    return result.html, result.headings, result.refs


@settings(max_examples=800, deadline=None, derandomize=True)
@given(mixed_document, st.sampled_from(["fr", "en"]))
@example("- un\n  deux\n\n- trois", "fr")
@example("Texte.\n\n+ un\n\n- deux", "fr")
@example("## A\n\n#A\n\n## A", "en")
@example("> a\nlazy\n\n> b", "en")
@example("a\n \n- y\n\n- z", "en")  # a line of spaces is a blank line: the lists make one
@example("Voir [M](partner:materalia) et snake_case.", "fr")
@example("> *le*\n> : *le*", "fr")  # a definition list in a quotation: `extra`'s
def test_prose_with_odd_blocks_converts_as_the_full_route(text, lang):
    """Whatever route a text takes (short, mixed, full), the HTML, headings and id links are the full route's."""
    assert converted(text, lang) == full(text, lang)


def test_generated_odd_blocks_often_take_the_mixed_route():
    """The comparison above must exercise prose with odd blocks, or it proves nothing."""
    from mecasite.markdown.mixed import prose_parts

    taken = []

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(mixed_document)
    def count(text):
        taken.append(prose_parts(PROSE, text, "en") is not None)

    count()
    assert sum(taken) >= 60, sum(taken)


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
    "`",
    "`x`",
    "` ",
    "> ",
    "\n> ",
    "|",
    "| ",
    " |",
    "|---|",
    "|:-:|",
    "\n|",
    "|\n",
    "| a | b |\n|---|---|\n",
    "\n    - ",
    "\n    1. ",
    "\n        - ",
    "\n  - ",
    "    ",
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
    table = "Voir `MEC-1` :\n\n> Cité.\n\n| a | b |\n|---|--:|\n| [M](partner:materalia) | 2 |"
    converted = renderer.convert(table, "fr")  # a table is syntax of `extra`, yet takes the short route
    assert converted.html == full(table, "fr")[0]
    assert converted.refs == (("partner", "materalia"),)


def test_a_table_beside_other_syntax_of_extra_takes_python_markdown():
    renderer = markdown_render.MarkdownRenderer(KINDS, None)
    taken = []
    fully = renderer._convert_fully
    renderer._convert_fully = lambda text, lang, converter: taken.append(converter) or fully(text, lang, converter)
    text = "| a | b |\n|---|---|\n| 1 | 2 |\n\nA footnote[^1].\n\n[^1]: Here."
    html = renderer.convert(text, "en").html
    assert html == full(text, "en")[0] and "<sup" in html
    text = "a | b, not a table"
    assert renderer.convert(text, "en").html == "<p>a | b, not a table</p>"
    assert taken == ["full", "full"]  # `|` outside a table still needs `extra`'s converter


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


@given(st.lists(st.text(alphabet="aZéİßñΣς12_-'", min_size=1, max_size=6), min_size=1, max_size=5).map(" ".join))
@settings(max_examples=300, deadline=None)
def test_heading_slugs_of_plain_words_are_python_markdowns(title):
    """Most titles are words and single spaces: toc_slug makes them without its expressions."""
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


@pytest.mark.parametrize(
    "body,lines",
    [
        ("# Titre\n\nTexte.", [1]),  # no `=`: the one scan finds it
        ("Texte.\n\n   # Titre", [3]),
        ("Texte.\n\n#Titre\n\n## Deux\n\n    # code", []),
        ("```\n# commentaire\n```\n\n#\n\nTitre\n===", [5, 7]),  # `=`: line by line, fences and setext
        ("Voir [x](https://example.org/?a=1).\n\n# Titre", [3]),
    ],
)
def test_a_level_one_heading_warns_with_or_without_the_quick_scan(body, lines):
    """warn_level_one (render/body_links.py) skips its line-by-line reading of a body with no `=` and no line
    starting with `#`: the warnings stay where the reading puts them."""
    from mecasite.content.model import Text
    from mecasite.problems import Collector
    from mecasite.render.body_warnings import warn_level_one

    problems = Collector()
    text = Text(lang="fr", path="content/x/y/fr.md", fields={}, body=body, body_line=1, lines={})
    warn_level_one(text, problems)
    assert [p.line for p in problems.problems] == lines


@given(st.text(alphabet="# \t\n=x`", max_size=40))
@example("x\n   # y")
@example("    # code")
@example("#\t")
@settings(max_examples=500, deadline=None)
def test_the_quick_scan_skips_only_bodies_without_a_level_one_heading(body):
    """A `=` line after an empty line warns of nothing, but makes warn_level_one read line by line: the
    warnings are the same with and without it."""
    from mecasite.content.model import Text
    from mecasite.problems import Collector
    from mecasite.render.body_warnings import warn_level_one

    found = []
    for text in (body, body + "\n\n="):
        problems = Collector()
        warn_level_one(Text(lang="fr", path="x/fr.md", fields={}, body=text, body_line=1, lines={}), problems)
        found.append([p.line for p in problems.problems])
    assert found[0] == found[1]


_TO = markdown_render.PLACEHOLDER
HTML_PIECES = [' href="', 'href="', '\nhref="', _TO, "partner/", "acme", "x y", '"', "#a", "<a", ">", " ", "é"]
HTML_PIECES += [f'{before}href="{_TO}partner/{name}"' for before in (" ", "\n", "x", "") for name in ("acme", "no#a")]


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=16).map("".join))
def test_links_are_found_and_filled_as_the_expressions_with_their_space_find_them(html):
    """convert.link and body_links.hrefs search for `href="` without the space before it (five times faster),
    and fall back on the expression with it when a match has none: the same result on any HTML."""
    import re

    from mecasite.render.body_links import _HREF, hrefs

    assert hrefs(html) == _HREF.findall(html)
    resolve = {"acme": "/fr/partenaires/acme/"}.get
    bad: list[str] = []

    def fill(match):  # convert.link before the faster search
        url = resolve(match.group(2))
        if url is None:
            bad.append(f"{match.group(1)}:{match.group(2)}{match.group(3) or ''}")
            return ""
        return f' href="{url}{match.group(3) or ""}"'

    expected = re.compile(markdown_render._PLACED.pattern).sub(fill, html)
    rendered = markdown_render.link(markdown_render.Converted(html, (), ()), lambda kind, item_id: resolve(item_id))
    assert (rendered.html, rendered.bad_refs) == (expected, tuple(bad))


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="ab *[]()`|\n_:", max_size=5)), max_size=20))
def test_the_tokens_are_those_of_the_one_expression(parts):
    """prose._tokens looks for each token by its first sign: the matches of TOKEN, its three expressions in one."""
    from mecasite.markdown.prose import TOKEN, _tokens

    span = "".join(parts)
    assert [m.span() for m in _tokens(span)] == [m.span() for m in TOKEN.finditer(span)]
