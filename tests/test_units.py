"""Pure functions: YAML reading, field types, typography, dates and names, safe output paths."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mecasite.build.writer import WriteError, safe_relative
from mecasite.content.strings import country_name, date_text, language_name
from mecasite.markdown.typography import NBSP, NNBSP, typography
from mecasite.problems import WARNING, Collector, Problem
from mecasite.sources import yamldoc
from mecasite.sources.fields import FieldError, PartialDate, to_bool, to_countries, to_date, to_slug
from mecasite.sources.yamldoc import YamlError, parse_yaml


def test_yaml_keeps_every_scalar_a_string():
    doc = parse_yaml("lang: no\nversion: 1.10\nzip: 01234\nflag: yes\n")
    assert doc.data == {"lang": "no", "version": "1.10", "zip": "01234", "flag": "yes"}


def test_yaml_records_positions_of_values():
    doc = parse_yaml("a: 1\nlist:\n  - x\n  - y\n")
    assert doc.pos(("list", 1)).line == 4
    assert doc.keys[("list",)].line == 2


@pytest.mark.parametrize(
    "text, message, line",
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a' (first at line 1)", 3),
        ("a: &x [1]\nb: *x\n", "anchors and aliases (& and *) are not allowed", 1),
        ("a: !!python/object/apply:os.system [ls]\n", "YAML tags such as", 1),
        ('a: "open\n', "quoted text is not closed", 1),
    ],
)
def test_yaml_refuses_what_editors_should_not_write(text, message, line):
    with pytest.raises(YamlError) as caught:
        parse_yaml(text)
    assert caught.value.message.startswith(message)
    assert caught.value.line == line


def test_yaml_alias_bomb_is_refused_without_expanding():
    bomb = 'a: &a ["x","x"]\n' + "".join(
        f"{c}: &{c} [*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=False)
    )
    with pytest.raises(YamlError, match="anchors and aliases"):
        parse_yaml(bomb)


def test_yaml_tab_indentation_gets_a_hint():
    with pytest.raises(YamlError) as caught:
        parse_yaml("a:\n\tb: 1\n")
    assert caught.value.hint == "indent with spaces, not tabs"


def test_dates_accept_year_month_or_day_and_refuse_impossible_ones():
    assert to_date("2012") == PartialDate(2012)
    assert to_date("2010-03-03") == PartialDate(2010, 3, 3)
    with pytest.raises(FieldError, match="'2024-02-30' is not a real date"):
        to_date("2024-02-30")


def test_booleans_are_only_true_or_false():
    assert to_bool("true") is True
    with pytest.raises(FieldError, match="expected true or false, found 'no'"):
        to_bool("no")


def test_slugs_refuse_paths_and_odd_characters():
    assert to_slug("groupe-de-travail") == "groupe-de-travail"
    for bad in ("../x", "a/b", "%2e%2e", "Café", "a--b", "x" * 81, "a\x00"):
        with pytest.raises(FieldError):
            to_slug(bad)


def test_countries_one_or_several():
    assert to_countries("NL") == ("NL",)  # lowercase "nl" is refused with its fix: see test_fixes.py
    assert to_countries(["BE", "DE"]) == ("BE", "DE")


def test_french_typography_uses_non_breaking_spaces():
    assert typography("Résultats : « oui » ; non ! vraiment ?", "fr") == (
        f"Résultats{NBSP}: «{NBSP}oui{NBSP}» ; non{NNBSP}! vraiment{NNBSP}?".replace(" ;", f"{NNBSP};")
    )
    assert typography("Results: yes", "en") == "Results: yes"
    assert typography("http://example.org", "fr") == "http://example.org"


def test_cldr_dates_and_names_per_language():
    assert date_text(PartialDate(2010, 3, 3), "fr") == "3 mars 2010"
    assert date_text(PartialDate(2010, 3, 3), "de") == "3. März 2010"
    assert date_text(PartialDate(2012), "nl") == "2012"
    assert country_name("NL", "fr") == "Pays-Bas"
    assert country_name("DE", "nl") == "Duitsland"
    assert language_name("de") == "Deutsch"


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../b", "a\\b", "", "a/./b"])
def test_writer_refuses_paths_outside_the_output(bad):
    with pytest.raises(WriteError):
        safe_relative(bad)


def test_the_preview_carries_warnings_of_other_items_and_places_new_ones_in_order():
    """Collector.without drops the problems of the edited folders (a folder's prefix is not another's:
    x/ is not xy/), absorb adds an update's own problems once each, in sorted place."""
    last = Collector()
    paths = ["content/a/x/en.md", "content/a/x/fr.md", "content/a/xy/fr.md", "content/b/z/item.yaml", "i18n/fr.yaml"]
    last.extend(Problem(path, 1, message="old", severity=WARNING) for path in paths)
    last.problems.sort()
    carried = last.without(["content/b/z/", "content/a/x/"])
    assert [p.path for p in carried.problems] == ["content/a/xy/fr.md", "i18n/fr.yaml"]
    fresh = Collector()
    fresh.add("content/a/x/fr.md", 3, "new", severity=WARNING)
    fresh.add("content/a/xy/fr.md", 1, "old", severity=WARNING)  # still true: not repeated
    carried.absorb(fresh)
    assert [(p.path, p.line) for p in carried.problems] == [
        ("content/a/x/fr.md", 3),
        ("content/a/xy/fr.md", 1),
        ("i18n/fr.yaml", 1),
    ]
    assert last.problems[0].path == "content/a/x/en.md"  # the last build's collector is left as it was


# --- the simple lines read without the parser -----------------------------------------------------------


def _same_reading(text: str, offset: int = 0) -> bool:
    """True when the short reading took `text`; then it must be the parser's, data and positions alike."""
    short = yamldoc._simple(text, offset)
    if short is None:
        return False
    full = yamldoc.parsed(text, offset)
    assert (short.data, short.values, short.keys) == (full.data, full.values, full.keys), text
    return True


def test_the_real_front_matter_is_read_without_the_parser_as_the_parser_reads_it():
    from sitekit import REPO

    from mecasite.sources.files import FENCE

    taken = 0
    files = sorted((REPO / "content").rglob("*.md")) + sorted((REPO / "content").rglob("item.yaml"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            text = text.split(f"\n{FENCE}\n", 1)[0].removeprefix(f"{FENCE}\n")
        taken += _same_reading(text, 1)
    assert taken >= len(files) // 2  # most of it: the short reading is not a dead branch


PIECES = ["#", ":", ": ", "'", '"', "\\", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">", "%", "@", "`", "?", "~",
          "\t", "\u2028", "\u0085", "\ufeff", "\u00a0", "  ", "null", "Null", "yes", "😀", "_", "/", "+"]  # fmt: skip
SAFE = ["a", "Z", "0", "9", " ", ".", "-", "é", "’", "😀", "word", "2014-03-01"]


def _values(pieces: list[str]):
    words = st.lists(st.sampled_from(pieces), max_size=5).map("".join)
    return st.one_of(
        words,
        words.map(lambda w: f'"{w}"'),
        st.lists(words, max_size=3).map(lambda ws: "[" + ", ".join(ws) + "]"),
        st.lists(words, max_size=3).map(lambda ws: "[" + ",".join(ws) + "]"),
    )


KEYS = ["title", "slug", "a", "b-c", "_x", "null"]
simple = st.tuples(st.sampled_from(KEYS), _values(SAFE))
tricky = st.tuples(st.sampled_from([*KEYS, "1a", "-k", "k k"]), _values(SAFE + PIECES))
lines = st.one_of(simple, simple, simple, tricky).map(lambda kv: f"{kv[0]}: {kv[1]}")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(lines, lines, lines, st.sampled_from(["", "# note", "k:", "  - x"])), min_size=1, max_size=4))
def test_any_lines_read_without_the_parser_are_read_as_the_parser_reads_them(generated):
    text = "\n".join(generated) + "\n"
    try:
        _same_reading(text)
    except YamlError:  # the parser refused what the short reading took: a difference
        raise AssertionError(f"the short reading took what the parser refuses: {text!r}") from None


@pytest.mark.parametrize(
    "text",
    ['title: "Le salon"\nslug: le-salon\npartners: [acme, b2b]\ndate: 2014\n', "a: null\nb: [x, Null]\nc: []\n",
     'a: ""\nb: "  spaced  "\nc: Déjà vu’s 2.0\n', "a: one  two", "# why\na: b\n\n# d: e\nc: [x]\n\n",
     "a: 😀 ok\nb: [é, 😀]\n"],
)  # fmt: skip
def test_simple_lines_are_read_without_the_parser(text):
    assert _same_reading(text, 1)


@pytest.mark.parametrize(
    "text",
    ["a: b # note\n", "a: 'b'\n", 'a: "b"c"\n', 'a: "b\\"c"\n', 'a: "b\\nc"\n', "a: b: c\n", "a: [b,c]\n", "a: 1\na: 2\n",
     "a:\n", "a: ~\n", "a: b\tc\n", "a: b\u2028c\n", "a: \u2029b\n", "a: \ufeffb\n", "a: b \n", "#\tnote\na: b\n", "# only a comment\n", ""],
)  # fmt: skip
def test_anything_else_is_left_to_the_parser(text):
    assert yamldoc._simple(text, 0) is None
