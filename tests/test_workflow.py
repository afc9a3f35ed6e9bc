"""The editor's workflow: translations that stay in step, scaffolding, renamed pages, files for static hosts."""

from __future__ import annotations

import json

from conftest import Built, Doc
from sitekit import text, write_site

from mecasite.build.pipeline import build
from mecasite.cli import main
from mecasite.config.settings import load_config

FAIR_FR = "content/actions/fair/fr.md"
FAIR_EN = "content/actions/fair/en.md"


def run(config_path, *args, capsys) -> tuple[int, str]:
    code = main([*args[:1], "--config", str(config_path), *args[1:]])
    out = capsys.readouterr()
    return code, out.out + out.err


def build_site(config_path) -> Built:
    config = load_config(config_path)
    build(config)
    return Built(config.output_dir, config)


def test_changing_the_source_makes_its_translations_outdated_until_refreshed(tmp_path, capsys):
    config_path = write_site(tmp_path, {})
    assert "outdated" not in run(config_path, "check", capsys=capsys)[1]
    source = tmp_path / FAIR_FR
    source.write_text(source.read_text().replace("Un salon.", "Un salon, deux conférences."))

    code, out = run(config_path, "check", "--strict", capsys=capsys)
    assert code == 1
    assert f"{FAIR_EN}:5: warning: translation outdated: {FAIR_FR} has changed since it was translated" in out
    assert "python build.py translate actions/fair --to en --refresh" in out
    notice = build_site(config_path).doc("/international/en/actions/fair/").find("p", class_="notice notice-outdated")
    assert "The original of this page, in French, has been updated" in notice["text"]

    assert run(config_path, "translate", "fair", "--to", "en", "--refresh", capsys=capsys)[0] == 0
    assert "outdated" not in run(config_path, "check", capsys=capsys)[1]
    doc = build_site(config_path).doc("/international/en/actions/fair/")
    assert not doc.find_all("p", class_="notice notice-outdated")


def test_a_slug_or_layout_change_in_the_source_does_not_outdate_translations(tmp_path, capsys):
    config_path = write_site(tmp_path, {})
    source = tmp_path / FAIR_FR
    source.write_text(source.read_text().replace("slug: salon", "slug: le-salon").replace("Un salon.", "Un salon.  "))
    code, out = run(config_path, "check", capsys=capsys)
    assert code == 0 and "outdated" not in out


def test_translate_creates_a_marked_file_and_the_site_falls_back_until_it_is_done(tmp_path, capsys):
    config_path = write_site(tmp_path, {})
    code, out = run(config_path, "translate", "actions/fair", "--to", "nl", capsys=capsys)
    assert code == 0 and "content/actions/fair/nl.md: created" in out
    created = (tmp_path / "content/actions/fair/nl.md").read_text()
    assert 'title: "TODO(translate) Le salon"' in created and "source_hash: " in created

    code, out = run(config_path, "check", "--strict", capsys=capsys)
    assert code == 1 and "content/actions/fair/nl.md:6: warning: translation not finished" in out
    doc = build_site(config_path).doc("/international/nl/acties/salon/")
    assert doc.find("h1")["text"] == "Le salon" and doc.find("h1")["attrs"]["lang"] == "fr"
    assert "TODO" not in doc.text()

    done = created.replace("TODO(translate) ", "").replace("Le salon", "De beurs").replace("slug: salon", "slug: beurs")
    done = "\n".join(line for line in done.split("\n") if "TODO" not in line).replace("Un salon.", "Een beurs.")
    (tmp_path / "content/actions/fair/nl.md").write_text(done)
    code, out = run(config_path, "check", capsys=capsys)
    assert code == 0 and "fair/nl.md" not in out
    doc = build_site(config_path).doc("/international/nl/acties/beurs/")
    assert doc.find("h1")["text"] == "De beurs" and "lang" not in doc.find("h1")["attrs"]


def test_translate_refuses_what_it_cannot_do(tmp_path, capsys):
    config_path = write_site(tmp_path, {})
    assert run(config_path, "translate", "fair", "--to", "en", capsys=capsys) == (
        1,
        "content/actions/fair/en.md: the translation already exists (edit it; once it matches the original, "
        "mark it up to date with --refresh)\n1 error, 0 warnings\n",
    )
    code, out = run(config_path, "translate", "fiar", "--to", "nl", capsys=capsys)
    assert code == 1 and "no item 'fiar' (did you mean 'fair'?)" in out
    code, out = run(config_path, "translate", "fair", "--to", "fr", capsys=capsys)
    assert code == 1 and "'fr' is the default language" in out
    code, out = run(config_path, "translate", "fair", "--to", "de", "--refresh", capsys=capsys)
    assert code == 1 and "no translation to refresh" in out


def test_new_scaffolds_items_that_build_and_are_flagged_until_written(tmp_path, capsys):
    config_path = write_site(tmp_path, {})
    assert run(config_path, "new", "action", "trade-mission", capsys=capsys)[0] == 0
    assert run(config_path, "new", "partner", "agoria", "--country", "be", capsys=capsys)[0] == 0
    assert run(config_path, "new", "testimonial", "agoria", capsys=capsys)[0] == 0
    assert (tmp_path / "content/partners/agoria/item.yaml").read_text().count("country: BE") == 1
    code, out = run(config_path, "check", capsys=capsys)
    assert code == 1, out  # nothing unfinished is published: every mark is an error, at its line and column
    hint = "write the text and remove the mark; to keep the item unpublished meanwhile, add 'draft: true' to "
    assert (
        "content/actions/trade-mission/fr.md:3:9: text not finished (still marked TODO(write)) "
        f"({hint}content/actions/trade-mission/item.yaml)" in out.splitlines()
    )
    assert sum("text not finished" in line for line in out.splitlines()) == 8  # title, summary, body of each
    assert run(config_path, "build", capsys=capsys)[0] == 1
    for folder in ("actions/trade-mission", "partners/agoria", "testimonials/agoria"):
        neutral = tmp_path / "content" / folder / "item.yaml"
        neutral.write_text(neutral.read_text() + "draft: true\n")
    code, out = run(config_path, "check", capsys=capsys)
    assert code == 0 and "TODO" not in out, out
    site = build_site(config_path)
    assert not site.path("/international/fr/actions/trade-mission/").exists()
    assert not [path for path in site.out.rglob("*") if path.is_file() and b"TODO(" in path.read_bytes()]

    code, out = run(config_path, "new", "partner", "agoria", "--country", "BE", capsys=capsys)
    assert code == 1 and "content/partners/agoria: this item already exists" in out
    code, out = run(config_path, "new", "partner", "« »", "--country", "BE", capsys=capsys)
    assert code == 1 and "'« »' cannot be an id" in out  # no plain form; "Agoria SA" becomes agoria-sa
    code, out = run(config_path, "new", "partner", "x", capsys=capsys)
    assert code == 1 and "a new partner needs its country" in out


def test_translations_report_lists_every_item_and_language(tmp_path, capsys):
    config_path = write_site(tmp_path, {"content/partners/acme/nl.md": text("TODO(translate) Acme", "acme")})
    source = tmp_path / FAIR_FR
    source.write_text(source.read_text().replace("Un salon.", "Un autre salon."))
    code, out = run(config_path, "translations", capsys=capsys)
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("actions/fair"))
    assert row.split()[1:] == ["source", "outdated", "missing", "missing"]
    report = json.loads((tmp_path / "reports/translations.json").read_text())
    states = {(i["collection"], i["id"], i["lang"]): i["status"] for i in report["items"]}
    assert states[("partners", "acme", "nl")] == "fallback"
    assert states[("partners", "acme", "en")] == "up to date"
    assert report["summary"]["en"]["outdated"] == 1
    html = Doc((tmp_path / "reports/translations.html").read_text())
    cells = [td["text"].split("\n")[0] for td in html.find_all("td")]  # the state, in the words of `check`
    assert cells.count("translation outdated") == 1 and cells.count("translation not finished") == 1
    assert not (tmp_path / "public").exists()  # the report is not part of the site


def test_the_translations_report_marks_drafts(tmp_path, capsys):
    """A draft is listed with its translations, which are wanted too, and marked as not published, in the
    table, the JSON and the dashboard; the other items are not."""
    config_path = write_site(tmp_path, {"content/actions/fair/item.yaml": "date: 2014-05-02\ndraft: true\n"})
    code, out = run(config_path, "translations", capsys=capsys)
    assert code == 0
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if "/" in line.split(" ", 1)[0]}
    assert rows["actions/fair"] == ["(draft)", "source", "up", "to", "date", "missing", "missing"]
    assert rows["partners/acme"][0] == "source"
    report = json.loads((tmp_path / "reports/translations.json").read_text())
    drafts = {(i["collection"], i["id"]) for i in report["items"] if i["draft"]}
    assert drafts == {("actions", "fair")}
    html = Doc((tmp_path / "reports/translations.html").read_text())
    marked = [th["text"] for th in html.find_all("th") if "draft: not published" in th["text"]]
    assert len(marked) == 1 and marked[0].startswith("actions/fair")


def test_an_old_slug_keeps_its_address_working(tmp_path):
    site = build_site(write_site(tmp_path, {FAIR_EN: text("The fair", "fair", old_slugs="[trade-fair]")}))
    moved = site.doc("/international/en/actions/trade-fair/")
    assert moved.find("meta", name="robots")["attrs"]["content"] == "noindex"
    assert moved.find("link", rel="canonical")["attrs"]["href"] == "https://example.org/international/en/actions/fair/"
    assert (
        moved.find("meta", **{"http-equiv": "refresh"})["attrs"]["content"] == "0; url=/international/en/actions/fair/"
    )
    assert (
        "/international/en/actions/trade-fair/  /international/en/actions/fair/  301"
        in (site.out / "_redirects").read_text().splitlines()
    )
    assert "trade-fair" not in (site.out / "sitemap.xml").read_text()
    assert "/international/en/actions/fair/" in {
        a["attrs"]["href"] for a in site.doc("/international/en/actions/").find_all("a")
    }


def test_an_old_slug_may_not_take_another_page_address(tmp_path, capsys):
    config_path = write_site(
        tmp_path,
        {
            "content/partners/acme/en.md": text("Acme", "acme", old_slugs="[fair]"),
            "content/actions/other/item.yaml": "",
            "content/actions/other/fr.md": text("Autre", "autre"),
            "content/actions/other/en.md": text("Other", "other", old_slugs="[fair]"),
        },
    )
    code, out = run(config_path, "check", capsys=capsys)
    assert code == 1 and "2 pages on one URL '/en/actions/fair/'" in out


def parse_redirects(path) -> list[tuple[str, str, str, str]]:
    rules = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            source, target, status, *condition = line.split()
            rules.append((source, target, status, " ".join(condition)))
    return rules


def test_host_rule_files_match_the_built_output(tmp_path):
    site = build_site(write_site(tmp_path, {FAIR_EN: text("The fair", "fair", old_slugs="[trade-fair]")}))
    base = "/international/"

    def exists(url: str) -> bool:
        rel = url.removeprefix(base)
        return (site.out / rel / "index.html").is_file() if rel.endswith("/") or not rel else (site.out / rel).is_file()

    rules = parse_redirects(site.out / "_redirects")
    assert rules, "no rules"
    for source, target, status, _condition in rules:
        assert source.startswith(base) and exists(target), (source, target)
        assert status in ("301", "302!", "404")
    languages = {condition.removeprefix("Language="): target for _, target, status, condition in rules if condition}
    assert languages == {"en": f"{base}en/", "nl": f"{base}nl/", "de": f"{base}de/"}
    not_found = {source: target for source, target, status, _ in rules if status == "404"}
    assert not_found[f"{base}de/*"] == f"{base}de/404.html" and not_found[f"{base}*"] == f"{base}404.html"
    assert list(not_found)[-1] == f"{base}*"  # rules apply in order: the catch-all comes last

    headers = (site.out / "_headers").read_text()
    assert f"{base}static/*\n  Cache-Control: public, max-age=31536000, immutable" in headers
    assert (site.out / ".nojekyll").is_file()
    root_404 = site.doc("/international/404.html")
    assert [li["attrs"]["lang"] for li in root_404.find_all("li")] == ["fr", "en", "nl", "de"]
    assert {a["attrs"]["href"] for a in root_404.find_all("a")} == {f"{base}{c}/" for c in ("fr", "en", "nl", "de")}


def test_a_second_build_with_nothing_changed_writes_nothing(tmp_path, capsys):
    config_path = write_site(tmp_path, {})
    assert run(config_path, "build", capsys=capsys)[0] == 0
    out = tmp_path / "public"
    before = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.rglob("*")}
    folder = out.stat().st_ino
    code, printed = run(config_path, "build", capsys=capsys)
    assert code == 0 and "nothing changed since the last build" in printed
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.rglob("*")} == before
    assert out.stat().st_ino == folder

    (out / "en/index.html").write_text("tampered")  # changed by hand: never overwritten
    code, printed = run(config_path, "build", capsys=capsys)
    assert code == 2 and "changed since: en/index.html" in printed
    assert (out / "en/index.html").read_text() == "tampered"
    (out / "en/index.html").unlink()  # the output changed: rebuild
    assert "nothing changed" not in run(config_path, "build", capsys=capsys)[1]
    assert "Site home" in (out / "en/index.html").read_text()
    edit = tmp_path / FAIR_EN  # a source changed: rebuild
    edit.write_text(edit.read_text().replace("A fair.", "A big fair."))
    assert "nothing changed" not in run(config_path, "build", capsys=capsys)[1]
    assert "A big fair." in (out / "en/actions/fair/index.html").read_text()


def test_check_speaks_json_for_tools(tmp_path, capsys):
    config_path = write_site(tmp_path, {"content/actions/fair/item.yaml": "date: 2014-05-02\npartners: [acmee]\n"})
    code, out = run(config_path, "check", "--format", "json", capsys=capsys)
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    error = next(p for p in report["problems"] if p["severity"] == "error")
    assert error == {
        "path": "content/actions/fair/item.yaml",
        "line": 2,
        "column": 0,
        "severity": "error",
        "code": "content",
        "message": "partners: unknown partner 'acmee'",
        "hint": "did you mean 'acme'?",
    }
    warnings = [p for p in report["problems"] if p["severity"] == "warning"]
    assert all(p["path"] and p["code"].startswith("translation-") for p in warnings)


def test_converted_bodies_are_cached_and_links_still_follow_renamed_pages(tmp_path, capsys):
    import marshal
    import sqlite3

    from sitekit import tree_digest

    # Bodies with more than plain prose (`_emphasis_`, a table): Python-Markdown converts them, once.
    rich = " _Rich_ text.\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    config_path = write_site(
        tmp_path,
        {
            "content/pages/home/fr.md": text("Accueil du site", body="Voir [Acme](partner:acme)." + rich),
            "content/pages/home/en.md": text("Site home", body="See [Acme](partner:acme)." + rich),
            "content/actions/fair/en.md": text("The fair", "fair", body="## Results\n\nA _fair_."),
        },
    )
    assert run(config_path, "build", capsys=capsys)[0] == 0
    cache = tmp_path / ".cache/markdown.sqlite"
    with sqlite3.connect(cache) as db:
        rows = db.execute("SELECT digest, data FROM bodies").fetchall()
    assert len(rows) == 3  # every such body converted once, on disk; plain prose is quicker to convert again
    first = tree_digest(tmp_path / "public")
    assert run(config_path, "build", "--force", capsys=capsys)[0] == 0  # from the cache: the same bytes
    assert tree_digest(tmp_path / "public") == first

    with sqlite3.connect(cache) as db:  # what the cache holds is what the pages show: it is really read
        for digest, data in rows:
            html, headings, refs = marshal.loads(data)
            db.execute(
                "UPDATE bodies SET data = ? WHERE digest = ?",
                (marshal.dumps((html.replace("<p>", "<p>FROM-CACHE ", 1), headings, refs)), digest),
            )
    assert run(config_path, "build", "--force", capsys=capsys)[0] == 0
    assert "FROM-CACHE" in (tmp_path / "public/en/index.html").read_text()

    acme = tmp_path / "content/partners/acme/en.md"
    acme.write_text(acme.read_text().replace("slug: acme", "slug: acme-corp"))
    assert run(config_path, "build", capsys=capsys)[0] == 0
    home = (tmp_path / "public/en/index.html").read_text()
    assert 'href="/international/en/partners/acme-corp/"' in home  # the home body's link, from the cache
    for entry in tmp_path.glob(".cache/markdown.sqlite*"):
        entry.write_bytes(b"\x00broken" * 100)  # a damaged cache is converted again, never trusted
    assert run(config_path, "build", "--force", capsys=capsys)[0] == 0
    home = (tmp_path / "public/en/index.html").read_text()
    assert 'href="/international/en/partners/acme-corp/"' in home and "FROM-CACHE" not in home
    with sqlite3.connect(cache) as db:  # and rebuilt
        assert db.execute("SELECT count(*) FROM bodies").fetchone()[0] == 3


def test_the_markdown_cache_forgets_texts_that_are_gone(tmp_path):
    from mecasite.build.markdown_cache import BodyCache

    cache = BodyCache(tmp_path / "cache.sqlite")
    digests = [bytes([i % 256, i // 256]) for i in range(400)]
    for digest in digests:
        cache.put(digest, ("<p>x</p>", (), ()))
    cache.prune(lambda: digests[:300])  # few stale entries: kept, pruning costs more than they do
    assert all(cache.get(d) for d in digests)
    asked = []
    cache.prune(lambda: asked.append(1) or digests[:50], most=200)  # 400 is no more than 2 x 200 + 100
    assert not asked and all(cache.get(d) for d in digests)  # so the texts are not even hashed
    cache.prune(lambda: digests[:50], most=50)
    assert [d for d in digests if cache.get(d)] == digests[:50]
