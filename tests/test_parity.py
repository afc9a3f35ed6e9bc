"""The translation parity check (content/parity.py): its pure parts, a corpus of planted divergences (one per
kind, each with its exact message), acknowledgements, and the real content, which gives none."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest
from sitekit import REPO, write_site

from mecasite.build.pipeline import check_site
from mecasite.config.settings import load_config
from mecasite.content.loader import load_content
from mecasite.content.model import Text
from mecasite.content.parity import Fact, Names, check_parity, compare, facts, links, name_candidates, split_blocks
from mecasite.content.translations import digest, stamp
from mecasite.problems import Collector

FR = """\
Le 3 mars 2010, [Materalia](partner:materalia) et Surfmat ont créé [INTERMAT](action:intermat) avec 1 000 entreprises.

Compte tenu de leurs missions respectives, la Grande Région soutient le projet.

## Résultats

- Organisation d’événements communs.
- Un salon en 2015 à Liège.

> Une citation de Surfmat.

| Année | Projets |
|---|---|
| 2014 | 12 |
"""

EN = """\
On 3 March 2010, [Materalia](partner:materalia) and Surfmat created [INTERMAT](action:intermat) with 1,000 companies.

Given their respective missions, the Greater Region supports the project.

## Results

- Organisation of joint events.
- A fair in 2015 in Liège.

> A quote by Surfmat.

| Year | Projects |
|---|---|
| 2014 | 12 |
"""

NL = """\
Op 3 maart 2010 richtten [Materalia](partner:materalia) en Surfmat [INTERMAT](action:intermat) op, met 1.000 bedrijven.

Gezien hun respectieve opdrachten steunt de Grote Regio het project.

## Resultaten

- Organisatie van gezamenlijke evenementen.
- Een beurs in 2015 in Luik.

> Een citaat van Surfmat.

| Jaar | Projecten |
|---|---|
| 2014 | 12 |
"""

NAMES = Names(
    MappingProxyType({"Grande Région": {"fr": "Grande Région", "en": "Greater Region", "nl": "Grote Regio"}}), "fr"
)


def text(lang: str, body: str, **fields) -> Text:
    """A text as the loader makes it: front matter on lines 2.., the body from line 6."""
    fields = {"title": "INTERMAT", "summary": "", **fields}
    return Text(
        lang,
        f"content/actions/intermat/{lang}.md",
        MappingProxyType(fields),
        body,
        6,
        MappingProxyType({"title": 2, "summary": 4}),
    )


def findings(en_body: str, **fields) -> list[str]:
    source = text("fr", FR, summary="Créé le 3 mars 2010 par Materalia et Surfmat.")
    translation = text("en", en_body, **{"summary": "Created on 3 March 2010 by Materalia and Surfmat.", **fields})
    others = {"nl": text("nl", NL, summary="Opgericht op 3 maart 2010 door Materalia en Surfmat.")}
    return [f"{translation.path}:{f.line}: {f.message}" for f in compare(source, translation, others, NAMES)]


# --- the pure parts ------------------------------------------------------------------------------------------


def test_blocks_have_kinds_and_lines():
    blocks = split_blocks(FR, 6)
    assert [(b.kind, b.line) for b in blocks] == [
        ("paragraph", 6),
        ("paragraph", 8),
        ("heading 2", 10),
        ("list item", 12),
        ("list item", 13),
        ("quote", 15),
        ("table", 17),
    ]
    fenced = split_blocks("Texte.\n\n```\n# pas un titre\n\n- ni une liste\n```\n<!-- note -->\n", 1)
    assert [b.kind for b in fenced] == ["paragraph", "code block"]


@pytest.mark.parametrize(
    "lang, written",
    [
        ("fr", "le 3 mars 2010"),
        ("en", "on 3 March 2010"),
        ("en", "on March 3, 2010"),
        ("de", "am 3. März 2010"),
        ("nl", "op 3 maart 2010"),
        ("en", "on 2010-03-03"),
    ],
)
def test_dates_are_one_fact_in_every_language(lang, written):
    assert facts(written, lang) == {Fact("date", "2010-03-03")}


@pytest.mark.parametrize("written", ["1 000", "1,000", "1.000", "1\u202f000"])
def test_thousands_are_one_number(written):
    assert facts(f"{written} entreprises en 2015", "fr") == {Fact("number", "1000"), Fact("year", "2015")}


def test_link_targets_are_not_facts_and_links_are_found():
    body = "Voir [le salon](action:metamorphoses-2015) et <https://example.org/a> ou https://example.org/b."
    assert facts(body, "fr") == set()
    assert links(body) == {"action:metamorphoses-2015", "https://example.org/a", "https://example.org/b"}


def test_name_candidates_skip_sentence_starts_and_keep_inner_capitals():
    found = name_candidates("Le projet de Surfmat. Ensuite MecaTech présente « Business meets Research » en R&D.")
    assert found == {"Surfmat", "MecaTech", "Business meets Research", "Business", "Research"}


def test_the_corpus_translations_match_their_original():
    assert findings(EN) == []


# --- planted divergences: one per kind, each with its exact message ------------------------------------------

PLANTED = {
    "missing paragraph": (
        EN.replace("Given their respective missions, the Greater Region supports the project.\n\n", ""),
        [
            "content/actions/intermat/en.md:6: the original has a paragraph this translation has not ('Compte tenu "
            "de leurs missions', content/actions/intermat/fr.md:8), after the paragraph that starts "
            "'On 3 March 2010, Materalia'"
        ],
    ),
    "extra heading": (
        EN.replace("> A quote", "## Extra\n\n> A quote"),
        [
            "content/actions/intermat/en.md:15: this translation has a level-2 heading the original has not "
            "('Extra'), after the list item that starts 'A fair in 2015 in'"
        ],
    ),
    "a list item more": (
        EN.replace("- A fair", "- A visit.\n- A fair"),
        [
            "content/actions/intermat/en.md:13: this translation has a list item the original has not ('A visit.'), "
            "after the list item that starts 'Organisation of joint events.'"
        ],
    ),
    "missing quote": (
        EN.replace("> A quote by Surfmat.\n\n", ""),
        [
            "content/actions/intermat/en.md:13: the original has a quote this translation has not ('Une citation de "
            "Surfmat.', content/actions/intermat/fr.md:15), after the list item that starts 'A fair in 2015 in'"
        ],
    ),
    "missing table": (
        EN.split("| Year")[0],
        [
            "content/actions/intermat/en.md:15: the original has a table this translation has not ('| Année | "
            "Projets |', content/actions/intermat/fr.md:17), after the quote that starts 'A quote by Surfmat.'"
        ],
    ),
    "missing id link": (
        EN.replace("[Materalia](partner:materalia)", "Materalia"),
        [
            "content/actions/intermat/en.md:6: this translation lacks the link to partner:materalia that the original "
            "has (in the paragraph that starts 'Le 3 mars 2010, Materalia')"
        ],
    ),
    "extra external address": (
        EN.replace("the project.", "the project (https://example.org/region)."),
        [
            "content/actions/intermat/en.md:8: this translation links to https://example.org/region, which the "
            "original does not"
        ],
    ),
    "changed year": (
        EN.replace("in 2015", "in 2016"),
        ["content/actions/intermat/en.md:13: this translation has the year 2016 where the original has 2015"],
    ),
    "changed number": (
        EN.replace("1,000", "1,200"),
        ["content/actions/intermat/en.md:6: this translation has the number 1200 where the original has 1000"],
    ),
    "changed date": (
        EN.replace("3 March 2010", "4 March 2010"),
        [
            "content/actions/intermat/en.md:6: this translation has the date 2010-03-04 where the original has "
            "2010-03-03"
        ],
    ),
    "missing proper name": (
        EN.replace("and Surfmat created", "and its partner created"),
        [
            "content/actions/intermat/en.md:6: this translation lacks the name 'Surfmat' that the original has (in "
            "the paragraph that starts 'Le 3 mars 2010, Materalia')"
        ],
    ),
    "name translated otherwise than by its item's title": (
        EN.replace("Greater Region", "Great Region"),
        [
            "content/actions/intermat/en.md:8: this translation lacks the name 'Grande Région' that the original has "
            "(in the paragraph that starts 'Compte tenu de leurs missions')"
        ],
    ),
}


@pytest.mark.parametrize("kind", PLANTED)
def test_each_planted_divergence_is_caught_with_its_message(kind):
    body, expected = PLANTED[kind]
    assert sorted(findings(body)) == sorted(expected)


def test_a_name_may_be_translated_as_its_items_title():
    assert "Greater Region" in EN and "Grande Région" not in EN
    assert findings(EN) == []


def test_title_and_summary_are_compared_for_facts_and_names():
    assert findings(EN, summary="Created on 3 March 2011 by Materalia.") == [
        "content/actions/intermat/en.md:4: summary: this translation has the date 2011-03-03 where the original "
        "has 2010-03-03",
        "content/actions/intermat/en.md:4: summary: this translation lacks the name 'Surfmat' that the original has",
    ]


# --- in the build: warnings at the translation's file and line, acknowledgements --------------------------


def _site(tmp_path: Path, en_body: str, ack: str = "") -> Path:
    extra = f"parity_checked: [{ack}]\n" if ack else ""
    return write_site(
        tmp_path,
        {
            "content/actions/fair/fr.md": '---\ntitle: "Le salon"\nslug: salon\nsummary: "Un salon."\n---\n'
            "Le salon de 2014 réunit Surfmat et [Acme](partner:acme).\n",
            "content/actions/fair/en.md": f'---\ntitle: "The fair"\nslug: fair\nsummary: "A fair."\n{extra}---\n'
            f"{en_body}\n",
            "content/actions/fair/nl.md": '---\ntitle: "De beurs"\nslug: beurs\nsummary: "Een beurs."\n---\n'
            "De beurs van 2014 brengt Surfmat en [Acme](partner:acme) samen.\n",
        },
    )


def _parity(config_path: Path) -> list:
    return [
        p
        for p in check_site(load_config(config_path))
        if p.code == "translation-parity" and p.path.startswith("content/actions/fair/")
    ]


def test_check_warns_at_the_translations_line_and_an_acknowledgement_silences_exactly_its_finding(tmp_path):
    body = "The 2015 fair brings together Acme."  # a changed year and a missing name (and link)
    found = _parity(_site(tmp_path / "a", body))
    assert [(p.path, p.line, p.severity, p.message) for p in found] == [
        ("content/actions/fair/en.md", 7, "warning", "this translation has the year 2015 where the original has 2014"),
        (
            "content/actions/fair/en.md",
            7,
            "warning",
            "this translation lacks the link to partner:acme that the "
            "original has (in the paragraph that starts 'Le salon de 2014 réunit')",
        ),
        (
            "content/actions/fair/en.md",
            7,
            "warning",
            "this translation lacks the name 'Surfmat' that the original "
            "has (in the paragraph that starts 'Le salon de 2014 réunit')",
        ),
    ]
    code = found[0].hint.split("parity_checked: [")[1].split("]")[0]
    left = _parity(_site(tmp_path / "b", body, ack=code))
    assert [p.message for p in left] == [p.message for p in found[1:]]
    assert all("expired" not in p.hint for p in left)


def test_an_acknowledgement_expires_when_either_text_changes(tmp_path):
    body = "The 2015 fair brings together Surfmat and [Acme](partner:acme)."
    code = _parity(_site(tmp_path / "a", body))[0].hint.split("parity_checked: [")[1].split("]")[0]
    assert _parity(_site(tmp_path / "b", body, ack=code)) == []
    changed = _parity(_site(tmp_path / "c", body + " Welcome.", ack=code))  # the translation changed
    assert [p.message for p in changed] == ["this translation has the year 2015 where the original has 2014"]
    assert "an acknowledgement of this finding expired" in changed[0].hint
    config = _site(tmp_path / "d", body, ack=code)  # the original changed, the translation re-stamped
    fr = tmp_path / "d/content/actions/fair/fr.md"
    fr.write_text(fr.read_text().replace("réunit", "rassemble"))
    en = tmp_path / "d/content/actions/fair/en.md"
    source = load_content(load_config(config), Collector()).get("actions", "fair").texts["fr"]
    en.write_text(stamp(en.read_text(), digest(source)))
    expired = _parity(config)
    assert [p.message for p in expired] == ["this translation has the year 2015 where the original has 2014"]
    assert "expired" in expired[0].hint


def test_outdated_translations_are_not_compared(tmp_path):
    config = _site(tmp_path, "The 2015 fair brings together Acme.")
    fr = tmp_path / "content/actions/fair/fr.md"
    fr.write_text(fr.read_text().replace("réunit", "rassemble"))
    assert _parity(config) == []


def test_the_real_content_gives_no_finding():
    config = load_config(REPO / "site_config.yaml")
    problems = Collector()
    assert check_parity(config, load_content(config, problems), problems) == {}
    assert [p.format() for p in problems.problems if p.code == "translation-parity"] == []
    model = load_content(config, Collector())
    compared = sum(1 for item in model.items.values() for lang in item.texts if lang != "fr")
    assert compared > 50  # the check ran over the translations, it did not skip them


def test_the_dashboard_shows_the_findings_next_to_the_state():
    from mecasite.commands.report import as_json, dashboard
    from mecasite.content.translations import all_states

    config = load_config(REPO / "site_config.yaml")
    states = all_states(config, load_content(config, Collector()))
    parity = {("partners", "materalia", "de"): 2}
    assert dashboard(config, states).count("parity findings</span>") == 0
    assert dashboard(config, states, parity).count('>up to date <span class="parity">2 parity findings</span>') == 1
    assert '"parity_findings": 2' in as_json(config, states, parity)
