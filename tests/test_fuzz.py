"""Property tests: generated front matter and Markdown, valid and broken, through the whole pipeline.

The only outcomes allowed are a built site or our own error (ContentError) whose every problem names a file.
2,000 examples run in the suite; `pytest -m slow` (by hand) runs 20,000 more.
"""

from __future__ import annotations

import re

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from sitekit import MARKDOWN_PIECES, write_site  # noqa: E402

from mecasite.build.pipeline import render_site  # noqa: E402
from mecasite.config.settings import load_config  # noqa: E402
from mecasite.markdown.typography import typography  # noqa: E402
from mecasite.problems import ContentError  # noqa: E402

FRAGMENTS = [
    *MARKDOWN_PIECES,
    "```",
    "partner:acme",
    "action:fair",
    "page:home",
    "partner:nope",
    "#",
    "{: #x }",
    '<span lang="en">',
    "</span>",
    "<a ",
    "<script>",
    "&#0;",
    " : ",
    "\xa0",
    "\ufeff",
    "ß",
    "😀",
    "![i](x.png)",
    "<!--",
    "-->",
    "%",
    "{{",
    "}}",
    "{%",
    "%}",
]
KEYS = ["title", "slug", "summary", "old_slugs", "source_hash", "titel", "slugs", "signature", "", "- x", "?"]
SCALARS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "no",
            "yes",
            "1.10",
            "01234",
            "2024-02-30",
            "~",
            "null",
            "[a, b]",
            "{a: 1}",
            "!!python/object/apply:os.system ['true']",
            "*a",
            "&a x",
            "'unclosed",
            '"unclosed',
            "x: y: z",
            "-",
            "|",
            ">",
        ]
    ),
)


@st.composite
def markdown_text(draw) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60))
    return "".join(parts)


@st.composite
def language_file(draw) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append("---")
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.sampled_from(KEYS))
        value = draw(SCALARS)
        lines.append(f"{key}: {value}" if draw(st.booleans()) else f"{key}: {value!r}")
    if draw(st.integers(0, 9)):
        lines.append("---")
    return "\n".join(lines) + "\n" + draw(markdown_text())


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    return load_config(write_site(root, {}))


def outcome_is_allowed(config, files: dict[str, str]) -> None:
    for rel, data in files.items():
        (config.root / rel).write_text(data, encoding="utf-8", errors="surrogatepass")
    try:
        render_site(config)
    except ContentError as exc:
        assert exc.problems and all(p.path for p in exc.problems)


EXAMPLES = 2_000


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(page=language_file())
def test_any_language_file_builds_or_gives_our_error(project, page):
    outcome_is_allowed(project, {"content/actions/fair/en.md": page})


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    facts=st.dictionaries(st.sampled_from(["date", "partners", "related", "dates", "country"]), SCALARS, max_size=4),
    body=markdown_text(),
)
def test_any_neutral_file_and_body_builds_or_gives_our_error(project, facts, body):
    neutral = "".join(f"{k}: {v}\n" for k, v in facts.items())
    outcome_is_allowed(
        project,
        {
            "content/actions/fair/item.yaml": neutral,
            "content/actions/fair/fr.md": f'---\ntitle: "T"\nslug: salon\nsummary: "S"\n---\n{body}',
        },
    )


LIMIT = "the text is too complex to convert: "
# Bodies that would make the converter slow or exhaust its stack, and what they give: a page, or our error at
# the body's line (the body starts on line 6 of the file) saying the limit. Bounds, never a clock: the same
# outcome on any machine.
PATHOLOGICAL = {
    "brackets": ("[" * 100_000, 6, "a run of more than 200 brackets"),
    "backticks": ("`" * 100_000, 6, "a run of more than 100 backticks"),
    "open tags": ("<a " * 50_000, 6, "more than 5,000 of the signs * _ [ ` & < |"),
    "tags within the signs": ("<a " * 1_001, 6, "more than 1,000 HTML tags, comments or <addresses>"),
    "autolinks": ("<http://a " * 1_001, 6, "more than 1,000 HTML tags, comments or <addresses>"),
    "nested list": (
        "".join("  " * i + "- x\n" for i in range(400)),
        134,
        "a line indented or quoted more than 256 levels deep",
    ),
    "nested quote": ("> " * 5000 + "x", 6, "list or quote markers nested more than 64 deep"),
    "nested quote lines": (
        "".join("> " * i + "x\n" for i in range(100)),
        6 + 64,
        "list or quote markers nested more than 64 deep",
    ),
    "stars": ("*" * 100_000, 6, "more than 5,000 of the signs * _ [ ` & < |"),
    "underscores": ("_" * 100_000, 6, "more than 5,000 of the signs * _ [ ` & < |"),
    "unclosed links": ("[a](" * 20_000, 6, "more than 5,000 of the signs * _ [ ` & < |"),
    "images": ("![" * 50_000, 6, "more than 5,000 of the signs * _ [ ` & < |"),
    "emphasis in one paragraph": ("*a* " * 3_000, 6, "more than 5,000 of the signs * _ [ ` & < |"),
    "table rows": ("a|b\n-|-\n" + "1|2\n" * 6_000, 6 + 5_000, "more than 5,000 of the signs * _ [ ` & < |"),
    "same heading": (
        "## a\n\n" * 600,
        6 + 1_000,
        "more than 500 headings (lines starting with # or underlined with = or -)",
    ),
    "setext headings": (
        "a\n=\n\n" * 600,
        6 + 1_501,
        "more than 500 headings (lines starting with # or underlined with = or -)",
    ),
    "blocks": ("a\n\n" * 6_000, 6 + 10_001, "more than 5,000 blank lines"),
    "abbreviations": (
        "".join(f"*[A{i}]: y\n" for i in range(101)) + "A1",
        6 + 100,
        "more than 100 abbreviations (*[...]: lines)",
    ),
    "footnotes": (
        "".join(f"x[^{i}]\n\n[^{i}]: y\n\n" for i in range(600)),
        6 + 2_000,
        "more than 1,000 footnote marks ([^...])",
    ),
    "long": ("word " * 50_000, 6, "longer than 200,000 characters"),
    "long on many lines": ("word\n" * 50_000, 6 + 40_000, "longer than 200,000 characters"),
    "nested HTML": ('<div markdown="1">\n' * 450 + "x" + "\n</div>" * 450, 6, "nested too deeply"),
    "spaces before a colon": ("Voici" + " " * 30_000 + ": la suite", 0, ""),
    "tabs": ("a" + "\t" * 100_000 + "b", 0, ""),
    "headings within the limit": ("## a\n\n" * 500, 0, ""),
    "signs within the limit": (" ".join(["*a*"] * 2_500), 0, ""),
}


@pytest.mark.parametrize("body,line,limit", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_markdown_gives_our_error_at_its_line_or_a_page(tmp_path, body, line, limit):
    config = load_config(write_site(tmp_path, {}))
    (tmp_path / "content/actions/fair/fr.md").write_text(f'---\ntitle: "T"\nslug: salon\nsummary: "S"\n---\n{body}')
    if not limit:
        page = render_site(config).files["fr/actions/salon/index.html"].decode()
        assert "Voici&nbsp;: la suite" in page if body.startswith("Voici") else "<main" in page
        return
    with pytest.raises(ContentError) as raised:
        render_site(config)
    assert [(p.path, p.line, p.message) for p in raised.value.problems] == [
        ("content/actions/fair/fr.md", line, LIMIT + limit)
    ]
    assert raised.value.problems[0].hint  # how to stay within it


NNBSP, NBSP = "\u202f", "\u00a0"
# French typography as first specified: three rules applied in turn (quadratic on long runs of spaces); the
# one-pass version must give the same text.
FR_RULES = (
    (re.compile(r"[ \u00a0\u202f]+([;!?])"), NNBSP + r"\1"),
    (re.compile(r"[ \u00a0\u202f]+([:»])"), NBSP + r"\1"),
    (re.compile(r"«[ \u00a0\u202f]+"), "«" + NBSP),
)


def typography_in_three_passes(text: str) -> str:
    for pattern, replacement in FR_RULES:
        text = pattern.sub(replacement, text)
    return text


@settings(max_examples=3_000, deadline=None, derandomize=True)
@given(text=st.text(st.sampled_from([" ", NBSP, NNBSP, ";", "!", "?", ":", "»", "«", "a", "\n"]), max_size=30))
def test_french_typography_in_one_pass_is_the_three_rules_in_turn(text):
    assert typography(text, "fr") == typography_in_three_passes(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("a" + " " * 30_000 + ":", "a" + NBSP + ":"),
        ("a" + " " * 30_000 + "b", "a" + " " * 30_000 + "b"),  # a run that ends in no sign stays as it is
        ("a" + " " * 30_000 + "b !", "a" + " " * 30_000 + "b" + NNBSP + "!"),
        ("a" + f" {NBSP}" * 15_000 + "?", "a" + NNBSP + "?"),
        ("a" + f" {NBSP}" * 15_000 + "b", "a" + f" {NBSP}" * 15_000 + "b"),
        ("«" + " " * 30_000 + "x" + " " * 30_000 + "»", "«" + NBSP + "x" + NBSP + "»"),
        (" !" * 30_000, (NNBSP + "!") * 30_000),
        ("a :" * 20_000, ("a" + NBSP + ":") * 20_000),
        ("« ;" * 20_000, ("«" + NBSP + ";") * 20_000),
    ],
)
def test_french_typography_on_its_worst_cases(text, expected):
    assert typography(text, "fr") == expected
    assert typography(text, "en") == text


@pytest.mark.slow
@settings(max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(page=language_file(), body=markdown_text())
def test_many_more_generated_files(project, page, body):
    outcome_is_allowed(
        project,
        {
            "content/actions/fair/en.md": page,
            "content/actions/fair/fr.md": f'---\ntitle: "T"\nslug: salon\nsummary: "S"\n---\n{body}',
        },
    )
