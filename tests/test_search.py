"""The search index (Pagefind) and the search pages, without a browser: what is indexed, the page that works
without JavaScript, the index made before the swap and reused while the pages stay the same, the preview's
refresh. tests/test_search_browser.py searches in Chromium."""

from __future__ import annotations

import json

import pytest
from sitekit import tree_digest, write_site

from mecasite.build import search_index
from mecasite.build.output_folder import check_output
from mecasite.build.pipeline import build
from mecasite.cli import main
from mecasite.config.settings import load_config
from mecasite.preview.session import Session

LANGS = ("fr", "en", "nl", "de")


def test_one_index_per_language_of_the_pages_worth_finding(real_site):
    entry = json.loads((real_site.out / "pagefind/pagefind.js").with_name("pagefind-entry.json").read_text())
    assert sorted(entry["languages"]) == sorted(LANGS)
    searchable = [p for p in real_site.html_files() if b"data-pagefind-body" in p.read_bytes()]
    for lang in LANGS:
        pages = [p for p in searchable if p.relative_to(real_site.out).parts[0] == lang]
        assert entry["languages"][lang]["page_count"] == len(pages) > 20
    assert not list((real_site.out / "pagefind").glob("pagefind-ui.*"))  # Pagefind's own UI is not shipped


def test_only_main_content_is_indexed_and_fallback_copies_are_left_out(real_site, tmp_path):
    doc = real_site.doc("/international/de/partner/materalia/")
    main_el = doc.find("main")
    assert "data-pagefind-body" in main_el["attrs"]
    assert "data-pagefind-ignore" in doc.find("aside", **{"class": "share"})["attrs"]
    for url in ("/international/fr/404.html", "/international/fr/search/"):
        assert "data-pagefind-body" not in real_site.doc(url).find("main")["attrs"]
    config = write_site(tmp_path, {})  # the action has no Dutch text: /nl/ shows the French one
    build(load_config(config))
    copy = (tmp_path / "public/nl/acties/salon/index.html").read_text()
    assert "data-pagefind-body" not in copy and 'rel="canonical"' in copy
    entry = json.loads((tmp_path / "public/pagefind/pagefind-entry.json").read_text())
    assert (
        "nl" not in entry["languages"]
        or entry["languages"]["nl"]["page_count"] < entry["languages"]["fr"]["page_count"]
    )


def test_the_header_leads_to_a_search_page_that_works_without_javascript(real_site):
    for lang, title in (("fr", "Rechercher"), ("de", "Suche")):
        doc = real_site.doc(f"/international/{lang}/actions/" if lang == "fr" else "/international/de/aktionen/")
        (link,) = doc.find_all("a", **{"class": "search-link"})
        assert link["attrs"]["href"] == f"/international/{lang}/search/" and link["text"].strip() == title
        search = real_site.doc(link["attrs"]["href"])
        form = search.find("form", role="search")
        assert form["attrs"]["action"] == f"/international/{lang}/search/" and form["attrs"]["method"] == "get"
        label = search.find("label")
        assert search.find("input", type="search")["attrs"]["id"] == label["attrs"]["for"]
        assert "noindex" in search.find("meta", name="robots")["attrs"]["content"]
        browse = {a["attrs"]["href"] for a in search.find_all("a") if "section" in a["parents"]}
        assert len(browse) == 9 + 14  # every action and every partner
        assert f"/international/{lang}/{'partenaires' if lang == 'fr' else 'partner'}/materalia/" in browse
    assert (
        "Cache-Control: public, max-age=31536000, immutable"
        in (real_site.out / "_headers").read_text().split("pagefind/index/*")[1]
    )


@pytest.fixture
def runs(monkeypatch):
    """How many times Pagefind ran."""
    count = {"n": 0}
    real = search_index._run

    def counting(*args):
        count["n"] += 1
        real(*args)

    monkeypatch.setattr(search_index, "_run", counting)
    return count


def test_a_build_with_the_same_pages_reuses_the_index(tmp_path, runs):
    config = load_config(write_site(tmp_path, {}))
    build(config)
    index = tree_digest(tmp_path / "public/pagefind")
    build(config, force=True)  # everything rendered again, the same pages: the index of .cache/
    assert runs["n"] == 1 and tree_digest(tmp_path / "public/pagefind") == index
    (tmp_path / "content/partners/acme/en.md").write_text("---\ntitle: Acme Works\nslug: acme\nsummary: S.\n---\nB.\n")
    build(config)
    assert runs["n"] == 2 and tree_digest(tmp_path / "public/pagefind") != index
    assert len(list((tmp_path / ".cache/pagefind").iterdir())) == 2


def test_a_failed_indexer_fails_the_build_and_leaves_the_output_untouched(tmp_path, monkeypatch, capsys):
    config_path = write_site(tmp_path, {})
    assert main(["build", "--config", str(config_path)]) == 0
    before = tree_digest(tmp_path / "public")
    (tmp_path / "content/partners/acme/en.md").write_text("---\ntitle: Acme Two\nslug: acme\nsummary: S.\n---\nB.\n")
    monkeypatch.setattr(search_index, "COMMAND", ("false",))
    capsys.readouterr()
    assert main(["build", "--config", str(config_path)]) == 1
    err = capsys.readouterr().err
    assert (
        "site_config.yaml: the search index could not be made: Pagefind failed: exit code 1 "
        "(Pagefind comes with the dependencies (pagefind[bin] in pyproject.toml): install them again with make)"
    ) in err
    assert tree_digest(tmp_path / "public") == before


def test_the_preview_refreshes_the_index_after_an_edit(tmp_path, runs):
    config = load_config(write_site(tmp_path, {})).with_overrides(out=tmp_path / "preview")
    session = Session(config)
    session.build()
    old = {p.name for p in (tmp_path / "preview/pagefind/index").iterdir()}
    assert session.refresh_index() and runs["n"] == 1  # nothing changed: the index is the one of the build
    (tmp_path / "content/partners/acme/en.md").write_text("---\ntitle: Zyxwidget\nslug: acme\nsummary: S.\n---\nB.\n")
    session.update([tmp_path / "content/partners/acme/en.md"])
    assert session.refresh_index() and runs["n"] == 2
    new = {p.name for p in (tmp_path / "preview/pagefind/index").iterdir()}
    newest = max((tmp_path / ".cache/pagefind").iterdir(), key=lambda p: p.stat().st_mtime)
    assert new == {p.name for p in (newest / "index").iterdir()}  # the new chunks in place...
    assert old - new  # ...and the stale ones gone
    check_output(config)  # every file is in the ledger: the next build may replace the folder


def test_the_key_follows_the_indexed_pages_only():
    pages = {"fr/a/index.html": b"<main data-pagefind-body>x</main>", "fr/b/index.html": b"<main>y</main>"}
    other = {**pages, "fr/b/index.html": b"<main>z</main>"}  # a page Pagefind does not index changed
    key = search_index.pages_key(pages, pages.__getitem__)
    assert key == search_index.pages_key(other, other.__getitem__)
    assert key != search_index.pages_key(pages, lambda p: pages[p].replace(b"x", b"w"))


def test_a_kept_index_is_read_whole_in_the_order_of_its_paths_without_the_unused_interfaces(tmp_path):
    """The bundle kept in the cache, read at every build that reuses it: every file below its folder, in the
    order sorted paths give (a folder's files before a sibling named like it with a dot), Pagefind's own
    interfaces left out, and nothing reached through a link."""
    folder = tmp_path / "pagefind" / "k"
    for rel in ("pagefind.js", "fragment/fr_1.pf_fragment", "fragment.x", "fragment-a", "index/de_1.pf_index"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(rel.encode())
    (folder / "pagefind-ui.js").write_text("unused")
    (tmp_path / "elsewhere").write_text("not ours")
    (folder / "index/link").symlink_to(tmp_path / "elsewhere")
    files = search_index.bundle(tmp_path, tmp_path / "site", "k")
    assert list(files) == [
        f"pagefind/{p.relative_to(folder).as_posix()}"
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and not p.name.startswith("pagefind-ui")
    ]
    assert list(files) == [
        "pagefind/fragment/fr_1.pf_fragment",
        "pagefind/fragment-a",
        "pagefind/fragment.x",
        "pagefind/index/de_1.pf_index",
        "pagefind/pagefind.js",
    ]
    assert files["pagefind/fragment.x"] == b"fragment.x"
