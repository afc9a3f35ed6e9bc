"""Nothing unfinished is published, and every mistake in a link gets its fix (issue 14, §1 and part of §2).

TODO marks in a default-language text and `draft: true` items never reach the output of a build or `check`;
the preview shows both, marked. Links typed as addresses of the site are refused for their id form; anchors
written in a source text hold on every page showing it; a body's level-1 heading warns.
"""

from __future__ import annotations

from conftest import Built, Doc
from sitekit import text, tree_digest, write_site

from mecasite.build.pipeline import build, render_site
from mecasite.cli import main
from mecasite.config.settings import load_config
from mecasite.preview.overlay import PreviewInfo, inject
from mecasite.preview.server import preview_config
from mecasite.preview.session import Session
from mecasite.problems import ContentError

UNFINISHED = "write the text and remove the mark; to keep the item unpublished meanwhile, add 'draft: true' to "
DEMO = {
    "content/partners/demo/item.yaml": "country: BE\n",
    "content/partners/demo/fr.md": '---\ntitle: "TODO(write) demo"\nslug: demo\nsummary: "Un résumé."\n---\n'
    "Premier paragraphe TODO(write).\n\nTODO(translate) Deuxième, et TODO(write) encore.\n",
}
DRAFT_PARTNER = {
    "content/partners/wip/item.yaml": "country: LU\ndraft: true\n",
    "content/partners/wip/fr.md": text(
        "Partenaire secret", "secret", body="TODO(write) plus tard", old_slugs="[ancien]"
    ),
    "content/partners/wip/en.md": text("Secret partner", "secret-en"),
}


def run(config_path, *args, capsys) -> tuple[int, list[str]]:
    code = main([args[0], "--config", str(config_path), *args[1:]])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).splitlines()


def all_output(out) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file())


# -- TODO marks -------------------------------------------------------------------------------------------


def test_every_todo_mark_in_a_french_text_is_an_error_at_its_line_and_column(tmp_path, capsys):
    config = write_site(tmp_path, {})
    assert main(["build", "--config", str(config)]) == 0
    before = tree_digest(tmp_path / "public")
    (tmp_path / "content/partners/demo").mkdir()
    for rel, data in DEMO.items():
        (tmp_path / rel).write_text(data)
    expected = [
        f"content/partners/demo/fr.md:{line}:{column}: text not finished (still marked {mark}) "
        f"({UNFINISHED}content/partners/demo/item.yaml)"
        for line, column, mark in ((2, 9, "TODO(write)"), (6, 20, "TODO(write)"), (8, 1, "TODO(translate)"))
    ] + [
        "content/partners/demo/fr.md:8:30: text not finished (still marked TODO(write)) "
        f"({UNFINISHED}content/partners/demo/item.yaml)"
    ]
    for command in ("build", "check"):
        code, lines = run(config, command, capsys=capsys)
        assert code == 1
        assert [line for line in lines if "not finished" in line] == expected
    assert tree_digest(tmp_path / "public") == before  # nothing of it went live


def test_a_todo_mark_in_a_translation_falls_back_to_the_french_text(tmp_path, capsys):
    config = write_site(tmp_path, {"content/partners/acme/en.md": text("TODO(translate) Acme", "acme")})
    code, lines = run(config, "check", capsys=capsys)
    assert code == 0
    assert (
        "content/partners/acme/en.md:2: warning: translation not finished (still marked TODO(translate)) "
        "(translate the marked fields and text, then remove the marks; the source text is shown meanwhile)" in lines
    )
    built = render_site(load_config(config))
    assert not [path for path, data in built.files.items() if b"TODO(" in data]


def test_the_preview_warns_and_highlights_the_marks(tmp_path):
    config = preview_config(load_config(write_site(tmp_path, DEMO)), "127.0.0.1", 8123)
    update = Session(config).build()
    assert "content/partners/demo/fr.md:2:9: warning: text not finished (still marked TODO(write)) " in "\n".join(
        p.format() for p in update.problems
    )
    page = tmp_path / ".preview/site/fr/partenaires/demo/index.html"
    served = inject(page.read_bytes(), "/international/fr/partenaires/demo/", PreviewInfo(update.site), "").decode()
    doc = Doc(served)
    assert [m["text"] for m in doc.find_all("mark")][:2] == ["TODO(write)", "TODO(write)"]
    assert "<title>TODO(write) demo" in served  # the head's title is left as it is, never given markup


# -- drafts -----------------------------------------------------------------------------------------------


def test_a_draft_never_reaches_the_output_of_a_build_or_a_check(tmp_path, capsys):
    config_path = write_site(tmp_path, DRAFT_PARTNER)
    code, lines = run(config_path, "check", capsys=capsys)
    assert code == 0 and not [line for line in lines if "wip" in line], lines
    config = load_config(config_path)
    build(config)
    data = all_output(tmp_path / "public")
    for word in (b"Partenaire secret", b"Secret partner", b"/secret", b"/ancien", b"TODO("):
        assert word not in data, word  # no page, card, map, feed, sitemap entry, redirect or host rule
    assert not (tmp_path / "public/fr/partenaires/secret").exists()
    out = tmp_path / "public"
    written = {path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()}
    index = {path for path in written if path.startswith("pagefind/")}  # made from the built pages, by a build
    assert render_site(config).files.keys() == written - index


def test_a_published_item_pointing_at_a_draft_is_an_error_where_it_points(tmp_path, capsys):
    hint = "publish it by removing 'draft: true' from content/partners/wip/item.yaml, "
    config = write_site(
        tmp_path, {**DRAFT_PARTNER, "content/actions/fair/item.yaml": "date: 2014-05-02\npartners: [acme, wip]\n"}
    )
    code, lines = run(config, "build", capsys=capsys)
    assert code == 1
    assert (
        f"content/actions/fair/item.yaml:2: partners: partner 'wip' is a draft, not published ({hint}or remove "
        "'wip' here)" in lines
    )
    config = write_site(
        tmp_path,
        {
            "content/actions/fair/item.yaml": "date: 2014-05-02\npartners: [acme]\n",
            "content/pages/home/fr.md": text("Accueil du site", body="Voir [le partenaire](partner:wip)."),
        },
    )
    code, lines = run(config, "check", capsys=capsys)
    assert code == 1
    assert (
        f"content/pages/home/fr.md:5:22: link to 'partner:wip', a draft that is not published ({hint}or write the "
        "name as plain text until it is)" in lines
    )


def test_the_preview_shows_a_draft_marked_as_such(tmp_path):
    files = {**DRAFT_PARTNER, "content/pages/home/fr.md": text("Accueil", body="Voir [le partenaire](partner:wip).")}
    config = preview_config(load_config(write_site(tmp_path, files)), "127.0.0.1", 8123)
    update = Session(config).build()
    warnings = [p.format() for p in update.problems]
    assert any(
        line.startswith("content/pages/home/fr.md:5:22: warning: link to 'partner:wip', a draft") for line in warnings
    )
    page = tmp_path / ".preview/site/fr/partenaires/secret/index.html"
    info = PreviewInfo(update.site)
    served = inject(page.read_bytes(), "/international/fr/partenaires/secret/", info, "").decode()
    assert Doc(served).find("span", class_="draft")["text"] == "Draft"
    assert "not published: a build leaves this item out (draft: true in content/partners/wip/item.yaml)" in served
    listing = tmp_path / ".preview/site/fr/partenaires/index.html"
    served = inject(listing.read_bytes(), "/international/fr/partenaires/", info, "").decode()
    assert 'a[href="/international/fr/partenaires/secret/"]::after' in served and 'content:" draft"' in served
    assert 'href="/international/fr/partenaires/secret/"' in served  # its card is there, tagged


# -- links typed as addresses ------------------------------------------------------------------------------


def test_an_address_of_the_site_is_refused_for_its_id_form(tmp_path, capsys):
    body = (
        "## Results\n\nSee [a](/international/fr/partenaires/acme/), [b](https://example.org/international/en/"
        "partners/acme/),\n[c](../../partners/acme/), [d](http://example.org/international/fr/actions/salon/#résultats)"
        ",\n[e](/international/en/partners/acmee/), [f](https://other.example/x), [g](/international/fr/partenaires/)."
    )
    config = write_site(tmp_path, {"content/actions/fair/en.md": text("The fair", "fair", body=body)})
    code, lines = run(config, "check", capsys=capsys)
    assert code == 1
    why = "an id link follows the language and survives a change of slug or address"
    assert [line for line in lines if line.startswith("content/")] == [
        "content/actions/fair/en.md:9:9: link typed as the address of a page of this site "
        f"'/international/fr/partenaires/acme/' (use [Acme](partner:acme): {why})",
        "content/actions/fair/en.md:9:51: link typed as the address of a page of this site "
        f"'https://example.org/international/en/partners/acme/' (use [Acme](partner:acme): {why})",
        "content/actions/fair/en.md:10:5: link typed as the address of a page of this site '../../partners/acme/' "
        f"(use [Acme](partner:acme): {why})",
        "content/actions/fair/en.md:10:32: link typed as the address of a page of this site "
        f"'http://example.org/international/fr/actions/salon/#résultats' (use [Le salon](action:fair#résultats): {why})",
        "content/actions/fair/en.md:11:5: broken link '/international/en/partners/acmee/': no such page (the closest "
        "ids: partner:acme; write the link as [text](partner:acme))",
    ]


def test_an_address_of_a_static_file_is_refused_for_its_static_form(tmp_path, capsys):
    body = "See [the logo](/international/static/favicon.svg) and [the style](https://example.org/international/static/site.css)."
    config = write_site(tmp_path, {"content/actions/fair/en.md": text("The fair", "fair", body=body)})
    code, lines = run(config, "check", capsys=capsys)
    assert code == 1
    assert [line for line in lines if line.startswith("content/")] == [
        "content/actions/fair/en.md:7:16: link typed as the address of a static file of this site "
        "'/international/static/favicon.svg' (write it as [text](static:favicon.svg): the site adds its base path)",
        "content/actions/fair/en.md:7:67: link typed as the address of a static file of this site "
        "'https://example.org/international/static/site.css' (write it as [text](static:site.css): the site adds its "
        "base path)",
    ]


def test_an_address_with_another_base_url_is_read_as_the_site_too(tmp_path, capsys):
    body = "See [a](https://example.org/international/en/partners/acme/)."
    config = write_site(tmp_path, {"content/actions/fair/en.md": text("The fair", "fair", body=body)})
    code = main(["check", "--config", str(config), "--format", "text"])
    assert code == 1
    assert "use [Acme](partner:acme)" in capsys.readouterr().out
    cfg = load_config(config).with_overrides(base_url="https://pages.example/site/")
    try:
        render_site(cfg)
    except ContentError as exc:
        assert "link typed as the address of a page of this site" in str(exc)
    else:
        raise AssertionError("the file's base URL is still the site's after --base-url")


# -- anchors and headings ----------------------------------------------------------------------------------


def test_an_anchor_right_in_the_source_holds_on_every_page_showing_it(tmp_path):
    files = {
        "content/actions/fair/de.md": text("Die Messe", "messe", body="## Ergebnisse\n\nEine Messe."),
        "content/partners/acme/fr.md": text("Acme", "acme", body="Voir [les résultats](action:fair#résultats)."),
    }
    config = load_config(write_site(tmp_path, files))
    build(config)
    built = Built(config.output_dir, config)
    german = built.doc("/international/de/aktionen/messe/")
    heading = german.find("h2", id="ergebnisse")
    assert german.find("span", id="résultats")["parents"][-1] == "h2" and heading["text"] == "Ergebnisse"
    ids = [e["attrs"]["id"] for e in german.elements if "id" in e["attrs"]]
    assert len(ids) == len(set(ids))
    link = built.doc("/international/de/partner/acme/").find("a", href="/international/de/aktionen/messe/#résultats")
    assert link["text"] == "les résultats"  # the French text on /de/ leads to the German page, anchor and all


def test_a_missing_anchor_lists_the_anchors_of_that_page_closest_first(tmp_path, capsys):
    files = {
        "content/actions/fair/fr.md": text("Le salon", "salon", body="## Résultats\n\n## Contexte\n\nUn salon."),
        "content/partners/acme/fr.md": text("Acme", "acme", body="Voir [les résultats](action:fair#resultat)."),
    }
    code, lines = run(write_site(tmp_path, files), "check", capsys=capsys)
    assert code == 1
    assert (
        "content/partners/acme/fr.md:6:22: broken link 'action:fair#resultat': no anchor '#resultat' on that page "
        "(and on the de, nl pages, which show this text as a fallback) (anchors there: #résultats, #contexte)" in lines
    )


def test_a_level_one_heading_in_a_body_warns_at_its_line(tmp_path, capsys):
    body = "# Titre\n\nTexte.\n\n```\n# un commentaire\n```\n\nAutre titre\n===\n"
    config = write_site(tmp_path, {"content/partners/acme/fr.md": text("Acme", "acme", body=body)})
    code, lines = run(config, "check", capsys=capsys)
    assert code == 0
    hint = "(start it with '##', and its sub-headings with '###')"
    found = [line for line in lines if "level-1 heading in the text" in line]
    assert found == [
        "content/partners/acme/fr.md:6:1: warning: level-1 heading in the text: the page title is already the "
        f"page's heading {hint}",
        "content/partners/acme/fr.md:14:1: warning: level-1 heading in the text: the page title is already the "
        f"page's heading {hint}",
    ]
