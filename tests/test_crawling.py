"""What crawlers and feed readers read: the root chooser as the homes' x-default, robots.txt only at the
root of a host, and feed dates from the commits that changed each text, never invented."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

import pytest
from sitekit import text, write_site
from test_stale import git, needs_git

from mecasite.build.pipeline import build, render_site
from mecasite.cli import main
from mecasite.config.settings import load_config

ROOT = "https://example.org/international/"
LANGS = ("fr", "en", "nl", "de")
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
ATOM = "{http://www.w3.org/2005/Atom}"


def hreflangs(doc) -> dict[str, str]:
    return {
        e["attrs"]["hreflang"]: e["attrs"]["href"]
        for e in doc.find_all("link", rel="alternate")
        if "hreflang" in e["attrs"]
    }


def test_the_root_chooser_is_the_x_default_of_every_home_and_lists_them(real_site):
    homes = {lang: f"{ROOT}{lang}/" for lang in LANGS}
    for lang in LANGS:
        assert hreflangs(real_site.doc(f"/international/{lang}/")) == {**homes, "x-default": ROOT}
    assert hreflangs(real_site.doc("/international/")) == {**homes, "x-default": ROOT}
    other = hreflangs(real_site.doc("/international/de/partner/"))
    assert other["x-default"] == f"{ROOT}fr/partenaires/"  # not a home: the default language's page


def test_the_sitemap_agrees(real_site):
    sitemap = ET.parse(real_site.out / "sitemap.xml").getroot()
    entries = {
        url.find("s:loc", NS).text: {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
        for url in sitemap.findall("s:url", NS)
    }
    homes = {lang: f"{ROOT}{lang}/" for lang in LANGS}
    assert entries[ROOT] == {**homes, "x-default": ROOT}
    for home in homes.values():
        assert entries[home] == {**homes, "x-default": ROOT}
    assert entries[f"{ROOT}en/partners/"]["x-default"] == f"{ROOT}fr/partenaires/"


def test_robots_txt_only_at_the_root_of_a_host_else_the_line_to_add_is_printed(tmp_path, capsys):
    below = write_site(tmp_path / "below", {})
    assert main(["build", "--config", str(below)]) == 0
    assert not (tmp_path / "below/public/robots.txt").exists()
    out = capsys.readouterr().out
    assert out.count("Sitemap:") == 1
    assert out.splitlines()[-2:] == [
        "robots.txt: the site is served below /international/, where crawlers do not read robots.txt; add this "
        "line to the robots.txt at the root of the host:",
        "Sitemap: https://example.org/international/sitemap.xml",
    ]
    at_root = write_site(tmp_path / "root", {})
    assert main(["build", "--config", str(at_root), "--base-url", "https://example.org/"]) == 0
    robots = (tmp_path / "root/public/robots.txt").read_text()
    assert "Sitemap: https://example.org/sitemap.xml" in robots
    assert "Sitemap:" not in capsys.readouterr().out


def feed(out, lang="fr", section="actions"):
    root = ET.parse(out / f"{lang}/{section}/atom.xml").getroot()
    return root.find(f"{ATOM}updated").text, [
        (e.find(f"{ATOM}title").text, e.find(f"{ATOM}updated").text) for e in root.findall(f"{ATOM}entry")
    ]


UNDATED = {
    "content/actions/talk/item.yaml": "partners: [acme]\n",
    "content/actions/talk/fr.md": text("Une conférence", "conference"),
}


@needs_git
def test_feed_entries_are_dated_by_the_last_commit_that_changed_their_text(tmp_path):
    write_site(tmp_path, UNDATED)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "site", date="2021-03-04T12:00:00+00:00")
    fair = tmp_path / "content/actions/fair/en.md"
    fair.write_text(fair.read_text().replace("A fair.", "A fair, two talks."))
    git(tmp_path, "commit", "-q", "-am", "fair", date="2022-05-06T12:00:00+00:00")
    build(load_config(tmp_path / "site_config.yaml"))
    # The dated action (2014) first, the undated one after it; each with its own text's commit.
    assert feed(tmp_path / "public", "en") == (
        "2022-05-06T00:00:00Z",
        [("The fair", "2022-05-06T00:00:00Z"), ("Une conférence", "2021-03-04T00:00:00Z")],
    )
    assert feed(tmp_path / "public", "fr") == (
        "2021-03-04T00:00:00Z",
        [("Le salon", "2021-03-04T00:00:00Z"), ("Une conférence", "2021-03-04T00:00:00Z")],
    )


@needs_git
def test_an_entry_never_committed_gets_the_feeds_date_not_one_of_its_own(tmp_path):
    write_site(tmp_path, {})
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "site", date="2021-03-04T12:00:00+00:00")
    write_site(tmp_path, UNDATED)  # a new action, not committed yet
    build(load_config(tmp_path / "site_config.yaml"))
    assert feed(tmp_path / "public")[1][-1] == ("Une conférence", "2021-03-04T00:00:00Z")


def test_without_history_no_date_is_invented(tmp_path, monkeypatch):
    config = write_site(tmp_path, UNDATED)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    files = render_site(load_config(config).with_overrides(out=tmp_path / "out")).files
    root = ET.fromstring(files["fr/actions/atom.xml"])
    dates = {e.text for e in root.iter(f"{ATOM}updated")}
    assert dates == {"1970-01-01T00:00:00Z"}  # the epoch: unknown; never the actions' own 2014-05-02
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    files = render_site(load_config(config).with_overrides(out=tmp_path / "out")).files
    assert {e.text for e in ET.fromstring(files["fr/actions/atom.xml"]).iter(f"{ATOM}updated")} == {
        "2020-09-13T00:00:00Z"
    }


@pytest.mark.parametrize("lang, section", [("fr", "actions"), ("en", "actions"), ("nl", "acties"), ("de", "aktionen")])
def test_real_feeds_invent_no_date(real_site, lang, section):
    updated, entries = feed(real_site.out, lang, section)
    assert all(not when.startswith("2015-01-01") for _, when in entries)
    assert max(when for _, when in entries) == updated


def test_the_partners_map_is_one_fingerprinted_file_with_its_text_in_the_page(real_site):
    svg = (real_site.out / "static/partner-map.svg").read_bytes()
    digest = hashlib.sha256(svg).hexdigest()[:10]
    ET.fromstring(svg)  # well-formed, standalone
    assert b"<title" not in svg  # no words: one file for every language
    for url, word in (("/international/fr/partenaires/", "Belgique"), ("/international/de/partner/", "Belgien")):
        doc = real_site.doc(url)
        assert not doc.find_all("svg")
        (img,) = doc.find_all("img", **{"class": "partner-map"})
        assert img["attrs"]["src"] == f"/international/static/partner-map.svg?v={digest}"
        assert img["attrs"]["alt"].strip() and img["parents"][-1] == "figure"
        legend = " ".join(e["text"] for e in doc.find_all("ul", **{"class": "map-legend"}))
        assert word in legend  # the text equivalent stays in the page, in its language
    headers = (real_site.out / "_headers").read_text()
    assert "/international/static/*\n  Cache-Control: public, max-age=31536000, immutable" in headers


def test_the_map_file_follows_the_partners_countries(tmp_path):
    def built(country: str) -> tuple[bytes, str]:
        config = write_site(tmp_path / country, {"content/partners/acme/item.yaml": f"country: {country}\n"})
        files = render_site(load_config(config).with_overrides(out=tmp_path / country / "out")).files
        return files["static/partner-map.svg"], files["fr/partenaires/index.html"].decode()

    (nl_svg, nl_page), (pt_svg, pt_page) = built("NL"), built("PT")
    assert nl_svg != pt_svg
    assert hashlib.sha256(nl_svg).hexdigest()[:10] in nl_page
    assert hashlib.sha256(pt_svg).hexdigest()[:10] in pt_page
