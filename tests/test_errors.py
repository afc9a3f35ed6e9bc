"""Broken content and config: each mistake gives its own clear message, all at once, exit 1, no traceback,
and the previous output folder is left exactly as it was."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sitekit import REPO, minimal_files, quote, text, tree_digest, write_site

from mecasite.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], capture_output=True, text=True, cwd=REPO)


# What a template can read of an item (render/view_data.py ItemView), as a mistake's message lists it.
ITEM_HAS = (
    "actions, countries, date, date_text, html, id, key, lang, linked, partners, picture, quotes, related, summary, "
    "title, url, website"
)

CASES = {
    "unknown field with a suggestion": (
        {"content/partners/acme/item.yaml": "country: NL\ncontry: BE\n"},
        "content/partners/acme/item.yaml:2:1: unknown field 'contry' (did you mean 'country'?)",
    ),
    "missing required field": (
        {"content/partners/acme/item.yaml": "# no country\n"},
        "content/partners/acme/item.yaml:1: missing required field 'country' "
        "(ISO code(s) of the country, e.g. FR or [BE, DE])",
    ),
    "wrong type": (
        {"content/actions/fair/item.yaml": "date: [2014]\npartners: [acme]\n"},
        "content/actions/fair/item.yaml:1:7: field 'date': expected a date, found a list "
        "(write YYYY-MM-DD, YYYY-MM or YYYY)",
    ),
    "impossible date": (
        {"content/actions/fair/item.yaml": "date: 2014-02-30\npartners: [acme]\n"},
        "content/actions/fair/item.yaml:1:7: field 'date': '2014-02-30' is not a real date "
        "(check the day and the month)",
    ),
    "unknown reference": (
        {"content/actions/fair/item.yaml": "partners: [acme, acmee]\n"},
        "content/actions/fair/item.yaml:1: partners: unknown partner 'acmee' (did you mean 'acme'?)",
    ),
    "duplicate key": (
        {"content/partners/acme/item.yaml": "country: NL\ncountry: BE\n"},
        "content/partners/acme/item.yaml:2:1: duplicate key 'country' (first at line 1) (keep one of the two lines)",
    ),
    "malformed YAML in front matter": (
        {"content/partners/acme/en.md": '---\ntitle: "Acme\nslug: acme\n---\nBody\n'},
        "content/partners/acme/en.md:2:8: quoted text is not closed "
        "(close the quote with the same mark it opened with, \" or ')",
    ),
    "front matter not closed": (
        {"content/partners/acme/en.md": "---\ntitle: Acme\nslug: acme\nsummary: x\nBody\n"},
        "content/partners/acme/en.md:1:1: front matter is not closed (add a '---' line after the last field)",
    ),
    "two pages on one URL": (
        {"content/partners/other/item.yaml": "country: BE\n", "content/partners/other/fr.md": text("Autre", "acme")},
        "content/partners/acme/fr.md: 2 pages on one URL '/fr/partenaires/acme/': content/partners/acme/fr.md, "
        "content/partners/other/fr.md (give each a different slug)",
    ),
    "unknown language file": (
        {"content/partners/acme/eng.md": text("Acme", "acme")},
        "content/partners/acme/eng.md: unexpected file 'eng.md' (did you mean 'en'?)",
    ),
    "link to an unknown item": (
        {"content/pages/home/fr.md": text("Accueil", body="Voir [Acme](partner:acme-corp).")},
        "content/pages/home/fr.md:5:13: link to unknown item 'partner:acme-corp' (did you mean 'acme'?)",
    ),
    "swapped signature": (
        {"content/testimonials/acme/fr.md": quote("Présidente, Globex", "Excellent travail.")},
        "content/testimonials/acme/fr.md:2: signature 'Présidente, Globex' does not name the partner 'Acme' "
        "that this testimonial is shown with (check who speaks in the quote; 'partner: acme' is set in "
        "content/testimonials/acme/item.yaml)",
    ),
    "not UTF-8": (
        {"content/partners/acme/en.md": b"---\ntitle: Caf\xe9\n---\n"},
        "content/partners/acme/en.md:2: not UTF-8 text (bad byte 0xe9 at byte offset 14) "
        "(save the file as UTF-8 in your editor)",
    ),
    "unknown config key": (
        {"site_config.yaml": minimal_files()["site_config.yaml"] + "ouput_dir: out\n"},
        "site_config.yaml:18:1: unknown field 'ouput_dir' (did you mean 'output_dir'?)",
    ),
    "bad base_url": (
        {
            "site_config.yaml": minimal_files()["site_config.yaml"].replace(
                "https://example.org/international/", "example.org"
            )
        },
        "site_config.yaml:1:11: field 'base_url': 'example.org' is not an absolute http(s) address "
        "(write it like https://example.org/international/)",
    ),
    "language CLDR has no name for": (
        {
            "site_config.yaml": minimal_files()["site_config.yaml"].replace(
                "  - code: de\n", "  - code: de\n  - code: pi\n"
            )
        },
        "site_config.yaml:11:11: language 'pi' has no name in CLDR (add 'name:' with the language's name in itself)",
    ),
    "unknown interface string in a template": (
        {
            "templates/404.html": '{% extends "base.html" %}{% block content %}\n<p>{{ t("nope.key") }}</p>\n'
            "{% endblock %}\n"
        },
        "templates/404.html:2: unknown interface string 'nope.key' (add it to i18n/fr.yaml)",
    ),
    "undefined template variable": (
        {
            "templates/404.html": '{% extends "base.html" %}{% block content %}\n<p>{{ pgae.title }}</p>\n'
            "{% endblock %}\n"
        },
        "templates/404.html:2: template error: 'pgae' is undefined",
    ),
    # The frame's shared parts see only what they are handed: a page's own value there is a mistake.
    "a page's value in the frame's shared parts": (
        {
            "templates/_frame.html": (REPO / "templates/_frame.html")
            .read_text()
            .replace('href="{{ home_url }}"', 'href="{{ page.url }}"')
        },
        "templates/_frame.html:14: template error: 'page' is undefined",
    ),
    # A feed's entry is a template of its own, rendered once per action: its mistake is reported at its line.
    "undefined variable in a feed entry": (
        {
            "templates/_atom_entry.xml": (REPO / "templates/_atom_entry.xml")
            .read_text()
            .replace("{{ action.summary }}", "{{ action.sumary }}")
        },
        "templates/_atom_entry.xml:6: template error: an item has no attribute 'sumary' (it has: " + ITEM_HAS + ")",
    ),
    # A list's card is rendered from the item's view: its mistake names what an item has, not a Python class.
    "undefined attribute in a list card": (
        {
            "templates/_action_card.html": (REPO / "templates/_action_card.html")
            .read_text()
            .replace("{{ item.title }}", "{{ item.titel }}")
        },
        "templates/_action_card.html:4: template error: an item has no attribute 'titel' (it has: " + ITEM_HAS + ")",
    ),
}


@pytest.mark.parametrize("files, expected", CASES.values(), ids=CASES.keys())
def test_each_mistake_has_its_message(tmp_path, capsys, files, expected):
    config = write_site(tmp_path, files)
    assert main(["build", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert expected in err.splitlines(), err
    assert "Traceback" not in err


def test_all_errors_are_reported_at_once(tmp_path, capsys):
    config = write_site(
        tmp_path,
        {
            "content/partners/acme/item.yaml": "contry: NL\n",
            "content/actions/fair/item.yaml": "date: 2014-13-01\npartners: [acme]\n",
        },
    )
    assert main(["check", "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert "unknown field 'contry'" in out
    assert "missing required field 'country'" in out
    assert "'2014-13-01' is not a real date" in out
    assert "3 errors, " in out


def test_failed_build_leaves_previous_output_untouched(tmp_path):
    config = write_site(tmp_path, {})
    assert main(["build", "--config", str(config)]) == 0
    before = tree_digest(tmp_path / "public")
    (tmp_path / "content/partners/acme/item.yaml").write_text("country: Netherlands\n")
    assert main(["build", "--config", str(config)]) == 1
    assert tree_digest(tmp_path / "public") == before
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_command_line_exit_codes_and_no_traceback(tmp_path):
    config = write_site(tmp_path, {"content/partners/acme/item.yaml": "country: [\n"})
    broken = run_cli("build", "--config", str(config))
    assert broken.returncode == 1
    assert "Traceback" not in broken.stderr
    assert broken.stderr.startswith("content/partners/acme/item.yaml:")
    usage = run_cli("build", "--no-such-option")
    assert usage.returncode == 2
    assert run_cli("--help").returncode == 0


@pytest.mark.parametrize("command", ["build", "check", "serve", "translations", "translate", "new"])
def test_every_subcommand_has_help(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert "--config" in result.stdout and "--base-url" in result.stdout


def test_no_message_names_a_generated_file(tmp_path, capsys):
    """A body's broken link is at the content file, line and column; a template's own at the template and the
    line holding it; an extension refusing a body at the content file. Never at a page of public/."""
    config = write_site(
        tmp_path,
        {
            "content/actions/fair/fr.md": text(
                "Le salon", "salon", body="## Résultats\n\nVoir [nulle part](/international/fr/nulle-part/).\n"
            ),
            "content/actions/fair/en.md": text(
                "The fair", "fair", body="## Results\n\n```{ .python linenums=True }\nx = 1\n```\n"
            ),
        },
    )
    home = tmp_path / "templates" / "home.html"
    lines = home.read_text().splitlines()
    lines.insert(2, '<a href="/international/no-such-page/">x</a>')
    home.write_text("\n".join(lines) + "\n")
    assert main(["build", "--config", str(config)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert (
        "content/actions/fair/fr.md:8:19: broken link '/international/fr/nulle-part/': no such page (link to "
        "another page of the site with its id: [text](partner:id), (action:id) or (page:id))" in err
    )
    assert (
        "content/actions/fair/en.md:7: this text could not be converted: cannot serialize True (type bool) "
        "(check the Markdown's special syntax ({: ...} attributes, fences, tables))" in err
    )
    assert (
        "templates/home.html:3: broken link '/international/no-such-page/': no such page (fix the link in the "
        "template)" in err
    )
    assert not [line for line in err if "public/" in line or "index.html" in line]
