"""Every mistake gets its fix: a message naming the file, line and column the editor wrote, what is wrong, and
the corrected value (issue 14, §2). Each case is a small site from sitekit with one mistake in it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sitekit import REPO, text, write_site

from mecasite.cli import main
from mecasite.commands.scaffold import new_item
from mecasite.config.settings import load_config
from mecasite.content.loader import load_content
from mecasite.problems import Collector, ContentError

ACTION = "content/actions/fair/item.yaml"
PARTNER = "content/partners/acme/item.yaml"


def action_dated(date: str) -> dict[str, str]:
    return {ACTION: f"date: {date}\npartners: [acme]\n"}


CASES = {
    "old country code": (
        {PARTNER: "country: UK\n"},
        f"{PARTNER}:1:10: field 'country': 'UK' is not a country code (did you mean GB (United Kingdom)?)",
    ),
    "a grouping, not a country": (
        {PARTNER: "country: [BE, EU]\n"},
        f"{PARTNER}:1:15: field 'country': 'EU' (European Union) is not a country "
        "(write each country it stands for, e.g. [BE, DE, FR, LU])",
    ),
    "lowercase country code": (
        {PARTNER: "country: nl\n"},
        f"{PARTNER}:1:10: field 'country': country codes are written in capitals, found 'nl' (write NL (Netherlands))",
    ),
    "country written by name": (
        {PARTNER: "country: Pays-Bas\n"},
        f"{PARTNER}:1:10: field 'country': expected a two-letter ISO country code, found 'Pays-Bas' "
        "(write NL (Netherlands))",
    ),
    "unknown country code": (
        {PARTNER: "country: XY\n"},
        f"{PARTNER}:1:10: field 'country': 'XY' is not a country code "
        "(use the ISO 3166 code of the country, e.g. BE, FR, NL)",
    ),
    "date with slashes": (
        action_dated("12/05/2016"),
        f"{ACTION}:1:7: field 'date': expected a date, found '12/05/2016' "
        "(write 2016-05-12: 12 May 2016, day first as in Belgium)",
    ),
    "date with dots": (
        action_dated("12.05.2016"),
        f"{ACTION}:1:7: field 'date': expected a date, found '12.05.2016' "
        "(write 2016-05-12: 12 May 2016, day first as in Belgium)",
    ),
    "date with hyphens, day first": (
        action_dated("12-05-2016"),
        f"{ACTION}:1:7: field 'date': expected a date, found '12-05-2016' "
        "(write 2016-05-12: 12 May 2016, day first as in Belgium)",
    ),
    "date in words": (
        action_dated("12 mai 2016"),
        f"{ACTION}:1:7: field 'date': expected a date, found '12 mai 2016' "
        "(write 2016-05-12: 12 May 2016, day first as in Belgium)",
    ),
    **{
        f"a month alone: {typed}": (
            action_dated(typed),
            f"{ACTION}:1:7: field 'date': expected a date, found '{typed}' "
            "(write 2016-05 for May 2016: the field takes YYYY-MM-DD, YYYY-MM or YYYY)",
        )
        for typed in ("May 2016", "mai 2016", "mei 2016", "Mai 2016", "05/2016")
    },
    "impossible date, day first": (
        action_dated("31/02/2016"),
        f"{ACTION}:1:7: field 'date': '31/02/2016' is not a real date "
        "(dates are read day first, as in Belgium: check the day and the month)",
    ),
    "slug with an accent": (
        {"content/actions/fair/fr.md": text("Le salon", "été")},
        "content/actions/fair/fr.md:3:7: field 'slug': invalid slug 'été' "
        "(write ete: a slug is lowercase letters a-z, digits and single hyphens, at most 80 characters)",
    ),
    "id with capitals and a space": (
        {ACTION: "partners: [Flanders Make]\n"},
        f"{ACTION}:1:12: field 'partners': invalid id 'Flanders Make' "
        "(write flanders-make: ids are folder names: lowercase a-z, digits, hyphens)",
    ),
    "folder with an accent": (
        {"content/partners/société/item.yaml": "country: BE\n", "content/partners/société/fr.md": text("S", "s")},
        "content/partners/société: 'société' is not an item folder "
        "(rename it societe: each item is a folder named with lowercase a-z, digits and hyphens)",
    ),
    "quote inside single quotes": (
        {"content/actions/fair/fr.md": "---\ntitle: 'L'action'\nslug: salon\nsummary: Un salon.\n---\nTexte.\n"},
        "content/actions/fair/fr.md:2:10: the quote ' inside text quoted with ' ends the text too early "
        """(double it: 'L''action', or use the other kind of quotes: "L'action")""",
    ),
    "quote inside double quotes": (
        {PARTNER: "country: BE\n", "content/partners/acme/en.md": '---\ntitle: "The "best" fair"\n---\n'},
        'content/partners/acme/en.md:2:13: the quote " inside text quoted with " ends the text too early '
        """(put a backslash before it: "The \\"best\\" fair", or use the other kind of quotes: 'The "best" fair')""",
    ),
    "a neutral field in a language file": (
        {"content/actions/fair/fr.md": text("Le salon", "salon", date="2016-05-12")},
        "content/actions/fair/fr.md:5:1: field 'date' belongs in content/actions/fair/item.yaml "
        "(move the line there: it is the same in every language)",
    ),
    "a text field in item.yaml": (
        {PARTNER: "country: NL\ntitle: Acme\n"},
        f"{PARTNER}:2:1: field 'title' belongs in each language's file (fr.md, ...) "
        "(move the line there: it is written in each language)",
    ),
    "the fingerprint is not offered as a field": (
        {"content/partners/acme/en.md": text("Acme", "acme", source="fr.md")},
        "content/partners/acme/en.md:5:1: unknown field 'source' (allowed: old_slugs, parity_checked, slug, summary, "
        "title)",
    ),
}


@pytest.mark.parametrize("files, expected", CASES.values(), ids=CASES.keys())
def test_each_mistake_has_its_fix(tmp_path, capsys, files, expected):
    config = write_site(tmp_path, files)
    assert main(["build", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert expected in err.splitlines(), err
    assert "Traceback" not in err


def test_a_correct_country_code_still_shows_its_name_in_each_language(tmp_path):
    from conftest import Built

    from mecasite.build.pipeline import build

    config = load_config(
        write_site(tmp_path, {PARTNER: "country: NL\n", "content/partners/acme/nl.md": text("Acme", "acme")})
    )
    build(config)
    site = Built(tmp_path / "public", config)
    names = {
        lang: site.doc(f"/international/{lang}/{section}/acme/").find("span", class_="country")["text"]
        for lang, section in (("fr", "partenaires"), ("en", "partners"), ("nl", "partners"))
    }
    assert names == {"fr": "Pays-Bas", "en": "Netherlands", "nl": "Nederland"}


def test_new_makes_the_plain_id_of_a_name_and_says_so(tmp_path):
    config = load_config(write_site(tmp_path, {}))
    model = load_content(config, Collector())
    created = new_item(config, model, "partner", "Flanders Make", country="BE")
    assert created.message == (
        "content/partners/flanders-make/: created item.yaml and fr.md; fill in the parts marked TODO(write) "
        "(the id of 'Flanders Make' is flanders-make: other texts link to it as (partner:flanders-make))"
    )
    assert 'title: "TODO(write) Flanders Make"' in (tmp_path / "content/partners/flanders-make/fr.md").read_text()
    problems = Collector()
    assert load_content(config, problems).get("partners", "flanders-make") is not None
    assert not problems.errors
    with pytest.raises(ContentError) as refused:
        new_item(config, model, "partner", "« »", country="BE")
    assert refused.value.problems[0].format() == (
        "« »: '« »' cannot be an id (use lowercase letters a-z, digits and hyphens, e.g. texas-am-university)"
    )


def test_build_py_outside_its_virtual_environment_says_how_to_install(tmp_path):
    """`python -S` leaves out site-packages, as a system Python without the libraries would."""
    result = subprocess.run(
        [sys.executable, "-S", str(REPO / "build.py"), "check"], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"build.py: the libraries the site is built with are not installed for {sys.executable} (missing: jinja2, "
        "markdown, pyyaml, babel, nh3, livereload, tornado). Install them once with `make serve` (it creates .venv "
        "and previews the site), or with `python3 -m venv .venv && .venv/bin/pip install -e .`; then run "
        "`.venv/bin/python build.py ...`\n"
    )
