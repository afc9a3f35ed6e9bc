"""Languages on small sites: fallback when a translation is missing, interface strings, adding a language."""

from __future__ import annotations

import shutil

from conftest import Built, Doc
from sitekit import text, write_site

from mecasite.build.pipeline import build, render_site
from mecasite.cli import main
from mecasite.config.settings import load_config


def built(tmp_path, files, base_url=None) -> Built:
    config = load_config(write_site(tmp_path, files)).with_overrides(base_url=base_url)
    build(config)
    return Built(config.output_dir, config)


def test_missing_translation_shows_default_text_marked_and_noticed(tmp_path):
    site = built(tmp_path, {})
    doc = site.doc("/international/nl/acties/salon/")
    assert doc.find("html")["attrs"]["lang"] == "nl"
    assert doc.find("p", role="note")["text"].startswith("Deze pagina is nog niet in het Nederlands vertaald")
    assert doc.find("h1")["attrs"]["lang"] == "fr" and doc.find("h1")["text"] == "Le salon"
    assert "fr" in doc.find("h2", id="résultats")["langs"]
    hreflangs = {e["attrs"]["hreflang"] for e in doc.find_all("link", rel="alternate") if e["attrs"].get("hreflang")}
    assert "nl" not in hreflangs and "de" not in hreflangs
    assert doc.find("meta", name="robots")["attrs"]["content"] == "noindex"
    assert doc.find("link", rel="canonical")["attrs"]["href"] == "https://example.org/international/fr/actions/salon/"
    sitemap = (site.out / "sitemap.xml").read_text()
    assert "/nl/acties/salon/" not in sitemap and "/fr/actions/salon/" in sitemap


def test_translated_page_has_no_notice(tmp_path):
    doc = built(tmp_path, {}).doc("/international/en/actions/fair/")
    assert not doc.find_all("p", role="note")
    assert "lang" not in doc.find("h1")["attrs"]


def test_missing_interface_string_is_an_error_in_check(tmp_path, capsys):
    config = write_site(tmp_path, {})
    nl = tmp_path / "i18n/nl.yaml"
    nl.write_text(nl.read_text().replace("  undated: Andere acties\n", ""))
    assert main(["check", "--config", str(config)]) == 1
    assert (
        "i18n/nl.yaml: missing interface string 'actions.undated' (translate it from i18n/fr.yaml)"
        in capsys.readouterr().out
    )


def test_base_url_without_path(tmp_path):
    site = built(tmp_path, {}, base_url="https://intl.example.org")
    doc = site.doc("/fr/")
    assert doc.find("link", rel="canonical")["attrs"]["href"] == "https://intl.example.org/fr/"
    assert all(a["attrs"]["href"].startswith(("/", "http", "mailto", "#")) for a in doc.find_all("a"))


def test_adding_a_language_means_adding_files(tmp_path):
    config_path = write_site(tmp_path, {})
    neutral = {p: p.read_bytes() for p in (tmp_path / "content").rglob("item.yaml")}
    config = config_path.read_text().replace("  - code: de\n", "  - code: de\n  - code: es\n")
    config = (
        config.replace("de: aktionen}", "de: aktionen, es: acciones}")
        .replace("de: partner}", "de: partner, es: socios}")
        .replace("de: stimmen}", "de: stimmen, es: testimonios}")
    )
    config_path.write_text(config)
    shutil.copy(tmp_path / "i18n/en.yaml", tmp_path / "i18n/es.yaml")
    (tmp_path / "content/actions/fair/es.md").write_text(text("La feria", "feria"))
    site = Built(tmp_path / "public", load_config(config_path))
    build(site.config)
    assert site.doc("/international/es/acciones/feria/").find("h1")["text"] == "La feria"
    assert {p: p.read_bytes() for p in (tmp_path / "content").rglob("item.yaml")} == neutral


def test_links_between_items_follow_the_language(tmp_path):
    site = built(tmp_path, {})
    fr = [a["attrs"]["href"] for a in site.doc("/international/fr/").find_all("a") if a["text"] == "Acme"]
    en = [a["attrs"]["href"] for a in site.doc("/international/en/").find_all("a") if a["text"] == "Acme"]
    assert "/international/fr/partenaires/acme/" in fr and "/international/en/partners/acme/" in en


def test_check_reports_broken_anchor(tmp_path, capsys):
    config = write_site(tmp_path, {"content/pages/home/fr.md": text("Accueil", body="[x](action:fair#nowhere)")})
    assert main(["check", "--config", str(config)]) == 1
    assert (
        "content/pages/home/fr.md:5:5: broken link 'action:fair#nowhere': no anchor '#nowhere' on that page "
        "(anchors there: #résultats)" in capsys.readouterr().out
    )


def test_render_site_writes_nothing(tmp_path):
    config = load_config(write_site(tmp_path, {}))
    render_site(config)
    assert not (tmp_path / "public").exists()


def test_root_page_sends_visitors_to_their_language_without_needing_javascript(tmp_path):
    root = Doc((built(tmp_path, {}).out / "index.html").read_text())
    links = [a["attrs"]["href"] for a in root.find_all("a")]
    assert links == ["/international/fr/", "/international/en/", "/international/nl/", "/international/de/"]
    assert "navigator.languages" in root.find("script")["text"]


def test_editor_backup_and_swap_files_are_not_content(tmp_path):
    site = built(
        tmp_path,
        {
            "content/actions/fair/en.md~": "old",
            "content/actions/fair/.en.md.swp": "x",
            "content/actions/fair/#en.md#": "x",
            "content/actions/fair/4913": "",
        },
    )
    assert site.doc("/international/en/actions/fair/").find("h1")["text"] == "The fair"


def test_an_interface_string_no_template_shows_is_a_warning(tmp_path, capsys):
    config_path = write_site(tmp_path, {})
    fr = tmp_path / "i18n/fr.yaml"
    fr.write_text(fr.read_text() + "extra:\n  unused: Jamais affiché\n")
    for lang in ("en", "nl", "de"):
        other = tmp_path / f"i18n/{lang}.yaml"
        other.write_text(other.read_text() + "extra:\n  unused: Never shown\n")
    assert main(["check", "--config", str(config_path)]) == 0
    assert main(["check", "--strict", "--config", str(config_path)]) == 1
    line = len(fr.read_text().splitlines())
    assert (
        f"i18n/fr.yaml:{line}: warning: interface string 'extra.unused' is not used by any template"
        in capsys.readouterr().out
    )


def test_the_strings_of_a_page_the_configuration_leaves_out_are_not_unused(tmp_path, capsys):
    """With `search: false` the search page is not built; its title and description are still the site's
    strings (turning search on again shows them), so the check has nothing to say about them."""
    config_path = write_site(tmp_path, {})
    config_path.write_text(config_path.read_text() + "search: false\n")
    assert main(["check", "--config", str(config_path)]) == 0
    assert "is not used by any template" not in capsys.readouterr().out


def test_a_broken_link_shown_in_several_languages_is_reported_once(tmp_path, capsys):
    config = write_site(
        tmp_path,
        {
            "content/actions/fair/fr.md": text("Le salon", "salon", body="[x](partner:nope)"),
            "content/actions/fair/en.md": None,
        },
    )
    assert main(["check", "--config", str(config)]) == 1
    err = capsys.readouterr().out
    assert err.count("link to unknown item 'partner:nope'") == 1  # not once per fallback page


def test_a_broken_anchor_in_a_fallback_copy_is_reported_once_with_its_languages(tmp_path, capsys):
    """The French text is shown on the nl and de pages too (they have no translation): the anchor fails on
    each, and the editor reads one line, at the file and column typed, naming the pages."""
    config = write_site(
        tmp_path,
        {
            "content/actions/fair/fr.md": text(
                "Le salon", "salon", body="## Résultats\n\nVoir [Acme](partner:acme#histoire)."
            )
        },
    )
    assert main(["check", "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert (
        "content/actions/fair/fr.md:8:13: broken link 'partner:acme#histoire': no anchor '#histoire' on that "
        "page (and on the de, nl pages, which show this text as a fallback) (that page has no headings to link to)"
        in out.splitlines()
    )
    assert out.count("broken link") == 1
