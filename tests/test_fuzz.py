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

from mecasite.builder import render_site  # noqa: E402
from mecasite.config import load_config  # noqa: E402
from mecasite.problems import ContentError  # noqa: E402
from mecasite.typography import typography  # noqa: E402
from sitekit import write_site  # noqa: E402

FRAGMENTS = ["## ", "# ", "- ", "1. ", "> ", "**", "*", "_", "`", "```", "[", "]", "(", ")", "partner:acme",
             "action:fair", "page:home", "partner:nope", "#", "{: #x }", "<span lang=\"en\">", "</span>", "<a ",
             "<script>", "&amp;", "&#0;", "|", "---", "\n", "\n\n", "    ", "\t", "«", " : ", "\u00a0", "\ufeff",
             "\r\n", "é", "ß", "😀", "\\", "![i](x.png)", "<!--", "-->", "%", "{{", "}}", "{%", "%}"]
KEYS = ["title", "slug", "summary", "old_slugs", "source_hash", "titel", "slugs", "signature", "", "- x", "?"]
SCALARS = st.one_of(
    st.text(max_size=40), st.sampled_from(["no", "yes", "1.10", "01234", "2024-02-30", "~", "null", "[a, b]",
                                           "{a: 1}", "!!python/object/apply:os.system ['true']", "*a", "&a x",
                                           "'unclosed", '"unclosed', "x: y: z", "-", "|", ">"]))


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
@given(facts=st.dictionaries(st.sampled_from(["date", "partners", "related", "dates", "country"]), SCALARS,
                             max_size=4),
       body=markdown_text())
def test_any_neutral_file_and_body_builds_or_gives_our_error(project, facts, body):
    neutral = "".join(f"{k}: {v}\n" for k, v in facts.items())
    outcome_is_allowed(project, {"content/actions/fair/item.yaml": neutral,
                                 "content/actions/fair/fr.md": f'---\ntitle: "T"\nslug: salon\nsummary: "S"\n---\n{body}'})


@pytest.mark.parametrize("body", [
    "[" * 100_000, "`" * 100_000, "<a " * 50_000, "".join("  " * i + "- x\n" for i in range(400)),
    "> " * 5000 + "x", "*" * 100_000, "_" * 100_000, "[a](" * 20_000, "![" * 50_000,
])
def test_pathological_markdown_ends_quickly_with_a_clear_error_or_a_page(tmp_path, body):
    import time

    config = load_config(write_site(tmp_path, {}))
    (tmp_path / "content/actions/fair/en.md").write_text(f'---\ntitle: "T"\nslug: fair\nsummary: "S"\n---\n{body}')
    started = time.monotonic()
    try:
        render_site(config)
    except ContentError as exc:
        assert any(p.path == "content/actions/fair/en.md" and "too complex" in p.message for p in exc.problems)
    assert time.monotonic() - started < 15


NNBSP, NBSP = "\u202f", "\u00a0"
# French typography as first specified: three rules applied in turn (quadratic on long runs of spaces); the
# one-pass version must give the same text.
FR_RULES = ((re.compile(r"[ \u00a0\u202f]+([;!?])"), NNBSP + r"\1"), (re.compile(r"[ \u00a0\u202f]+([:»])"), NBSP + r"\1"),
            (re.compile(r"«[ \u00a0\u202f]+"), "«" + NBSP))


def typography_in_three_passes(text: str) -> str:
    for pattern, replacement in FR_RULES:
        text = pattern.sub(replacement, text)
    return text


@settings(max_examples=3_000, deadline=None, derandomize=True)
@given(text=st.text(st.sampled_from([" ", NBSP, NNBSP, ";", "!", "?", ":", "»", "«", "a", "\n"]), max_size=30))
def test_french_typography_in_one_pass_is_the_three_rules_in_turn(text):
    assert typography(text, "fr") == typography_in_three_passes(text)


@pytest.mark.parametrize("text,expected", [
    ("a" + " " * 30_000 + ":", "a" + NBSP + ":"),
    ("a" + " " * 30_000 + "b", "a" + " " * 30_000 + "b"),  # a run that ends in no sign stays as it is
    ("a" + " " * 30_000 + "b !", "a" + " " * 30_000 + "b" + NNBSP + "!"),
    ("a" + f" {NBSP}" * 15_000 + "?", "a" + NNBSP + "?"),
    ("a" + f" {NBSP}" * 15_000 + "b", "a" + f" {NBSP}" * 15_000 + "b"),
    ("«" + " " * 30_000 + "x" + " " * 30_000 + "»", "«" + NBSP + "x" + NBSP + "»"),
    (" !" * 30_000, (NNBSP + "!") * 30_000),
    ("a :" * 20_000, ("a" + NBSP + ":") * 20_000),
    ("« ;" * 20_000, ("«" + NBSP + ";") * 20_000),
])
def test_french_typography_on_its_worst_cases(text, expected):
    assert typography(text, "fr") == expected
    assert typography(text, "en") == text


@pytest.mark.slow
@settings(max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(page=language_file(), body=markdown_text())
def test_many_more_generated_files(project, page, body):
    outcome_is_allowed(project, {"content/actions/fair/en.md": page,
                                 "content/actions/fair/fr.md": f'---\ntitle: "T"\nslug: salon\nsummary: "S"\n---\n{body}'})
