"""The real content built into a temporary folder: every page, every language, parsed and checked."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from sitekit import REPO

from mecasite.build.links import scan
from mecasite.build.pipeline import render_site
from mecasite.config.settings import load_config
from mecasite.content.schemas import COLLECTIONS

LANGS = ("fr", "en", "nl", "de")
BASE = "/international/"
ATOM = "{http://www.w3.org/2005/Atom}"


def item_pages(site):
    """(collection, id) -> {lang: url} for every item page of the built site."""
    pages = {}
    for page in render_site(site.config).site.pages:
        if page.item:
            pages.setdefault(page.item, {})[page.lang] = BASE + page.url
    return pages


@pytest.fixture(scope="module")
def pages(real_site):
    return item_pages(real_site)


def test_every_item_has_a_page_in_every_language_with_its_own_slug(real_site, pages):
    content = REPO / "content"
    for collection in ("pages", "actions", "partners"):
        for folder in (content / collection).iterdir():
            urls = pages[(collection, folder.name)]
            assert set(urls) == set(LANGS)
            for lang, url in urls.items():
                assert url.startswith(f"{BASE}{lang}/")
                assert real_site.path(url).is_file()
    assert pages[("partners", "materalia")]["fr"] == "/international/fr/partenaires/materalia/"
    assert pages[("partners", "materalia")]["en"] == "/international/en/partners/materalia/"


def test_every_page_has_lang_title_description_canonical_and_alternates(real_site, pages):
    for (_collection, _item_id), urls in pages.items():
        for lang, url in urls.items():
            doc = real_site.doc(url)
            assert doc.find("html")["attrs"]["lang"] == lang
            assert doc.find("title")["text"].strip()
            assert doc.find("meta", name="description")["attrs"]["content"].strip()
            assert doc.find("link", rel="canonical")["attrs"]["href"] == "https://example.org" + url
            hreflangs = {
                e["attrs"]["hreflang"]: e["attrs"]["href"]
                for e in doc.find_all("link", rel="alternate")
                if e["attrs"].get("hreflang")
            }
            assert hreflangs == {
                **{code: "https://example.org" + u for code, u in urls.items()},
                # the homes' x-default is the root page that chooses a language (test_crawling.py)
                "x-default": "https://example.org" + (BASE if _item_id == "home" else urls["fr"]),
            }
            assert doc.find("meta", property="og:title")["attrs"]["content"]
            assert doc.find("meta", property="og:url")["attrs"]["content"] == "https://example.org" + url


def test_language_switcher_leads_to_the_same_page(real_site, pages):
    for urls in pages.values():
        for lang, url in urls.items():
            switcher = [
                a
                for a in real_site.doc(url).find_all("a")
                if "languages" in str(a["parents"]) or a["attrs"].get("hreflang")
            ]
            targets = {a["attrs"]["hreflang"]: a["attrs"]["href"] for a in switcher if a["attrs"].get("hreflang")}
            assert targets == urls
            current = [a for a in switcher if a["attrs"].get("aria-current") == "page"]
            assert [a["attrs"]["hreflang"] for a in current] == [lang]


def _menu(doc):
    """The main menu's entries: {address: aria-current} (the header's links that are not the switcher's)."""
    return {
        a["attrs"]["href"]: a["attrs"].get("aria-current")
        for a in doc.find_all("a")
        if a["parents"][-2:] == ["ul", "li"] and "header" in a["parents"] and "hreflang" not in a["attrs"]
    }


def test_the_menu_marks_the_page_itself_or_the_section_of_its_item(real_site, pages):
    """The menu is made once per language, kind and menu page (templates/_frame.html); every page still marks
    its own entry ("page") or its section's ("true"), and nothing else."""
    for lang in LANGS:
        menus = {}
        for (collection, _id), urls in pages.items():
            url = urls[lang]
            section = url.rsplit("/", 2)[0] + "/"
            menus[url] = menu = _menu(real_site.doc(url))
            if collection == "pages":
                assert {u: v for u, v in menu.items() if v} == {url: "page"}
            else:
                assert {u: v for u, v in menu.items() if v} == {section: "true"}
                assert {u: v for u, v in _menu(real_site.doc(section)).items() if v} == {section: "page"}
        assert len({tuple(menu) for menu in menus.values()}) == 1  # the same entries on every page
        assert len(next(iter(menus.values()))) == len([p for p in pages if p[0] == "pages"]) + 3


def test_no_interface_key_is_ever_shown(real_site):
    keys = set()
    for path in (REPO / "i18n").glob("*.yaml"):
        from mecasite.sources.files import parse_yaml_file, read_text

        data = parse_yaml_file(read_text(path)).meta.data
        keys |= {f"{a}.{b}" for a, v in data.items() if isinstance(v, dict) for b in v}
    for path in real_site.html_files():
        text = path.read_text()
        shown = [k for k in keys if f">{k}<" in text or f'"{k}"' in text]
        assert not shown, (path, shown)


def test_breadcrumbs_and_share_links(real_site, pages):
    url = pages[("actions", "intermat")]["fr"]
    doc = real_site.doc(url)
    crumbs = doc.find("nav", **{"aria-label": "Vous êtes ici"})
    assert "Accueil" in crumbs["text"] and "Actions" in crumbs["text"] and "INTERMAT" in crumbs["text"]
    shares = [a["attrs"]["href"] for a in doc.find_all("a") if "aside" in a["parents"]]
    assert any(
        h.startswith("https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fexample.org") for h in shares
    )
    assert any(h.startswith("mailto:?subject=") for h in shares)
    assert not any(e["attrs"].get("src", "").startswith("http") for e in doc.find_all("script"))


def test_actions_list_is_a_timeline_newest_first(real_site):
    doc = real_site.doc(f"{BASE}en/actions/")
    years = [e["text"] for e in doc.find_all("h2") if "timeline-year" in str(e) or e["attrs"].get("id", "").isdigit()]
    numbers = [int(y) for y in years if y.isdigit()]
    assert numbers == sorted(numbers, reverse=True) and numbers[0] == 2015 and numbers[-1] == 2010
    times = [e["attrs"]["datetime"] for e in doc.find_all("time")]
    assert times == sorted(times, reverse=True)
    assert "2010-03-03" in times


def test_partners_are_grouped_by_localised_country(real_site):
    fr = [
        e["text"]
        for e in real_site.doc(f"{BASE}fr/partenaires/").find_all("h2")
        if e["attrs"].get("id", "").startswith("country-")
    ]
    de = [
        e["text"]
        for e in real_site.doc(f"{BASE}de/partner/").find_all("h2")
        if e["attrs"].get("id", "").startswith("country-")
    ]
    assert "Pays-Bas" in fr and "Suisse" in fr and "Espagne" in fr
    assert "Niederlande" in de and "Schweiz" in de
    assert fr[-1] == "Transfrontalier"


def test_partner_page_shows_its_testimonial_and_derived_actions(real_site, pages):
    doc = real_site.doc(pages[("partners", "materalia")]["fr"])
    quote = doc.find("blockquote")
    assert quote["attrs"]["lang"] == "en"
    assert quote["text"].strip().startswith("The three clusters of the Grande Région")
    assert "President of the Materalia Cluster" not in doc.find("cite")["text"]  # the French signature
    assert "Materalia" in doc.find("cite")["text"]
    action_links = {a["attrs"]["href"] for a in doc.find_all("a")}
    for action in ("intermat", "medical-devices-working-group", "intermat-gr", "vitamin", "metamorphoses-2015"):
        assert pages[("actions", action)]["fr"] in action_links
    translation = [e for e in doc.find_all("div") if "quote-translation" in e["attrs"].get("class", "")]
    assert translation and "Traduit de la version en anglais" in translation[0]["text"]


def test_signatures_follow_the_speaker(real_site):
    en = real_site.doc(f"{BASE}en/testimonials/")
    signatures = {fig["attrs"]["id"]: fig["text"] for fig in en.find_all("figure")}
    assert "President of the Materalia Cluster" in signatures["testimonial-materalia"]
    assert "Luxinnovation" in signatures["testimonial-luxinnovation"]
    assert "Programme Director, High Tech NL" in signatures["testimonial-high-tech-nl"]


def test_intermat_is_dated_in_each_language(real_site, pages):
    expected = {"fr": "3 mars 2010", "en": "3 March 2010", "nl": "3 maart 2010", "de": "3. März 2010"}
    for lang, text in expected.items():
        time = real_site.doc(pages[("actions", "intermat")][lang]).find("time")
        assert time["attrs"]["datetime"] == "2010-03-03" and time["text"] == text


def test_current_fact_awex_replaces_ofi(real_site, pages):
    for lang in LANGS:
        text = real_site.doc(pages[("pages", "approach")][lang]).text()
        assert "AWEX" in text


def test_404_root_sitemap_robots_and_feeds(real_site):
    for lang in LANGS:
        doc = real_site.doc(f"{BASE}{lang}/404.html")
        assert doc.find("html")["attrs"]["lang"] == lang
        assert doc.find("meta", name="robots")["attrs"]["content"] == "noindex"
    root = real_site.doc(BASE)
    links = {a["attrs"]["hreflang"]: a["attrs"]["href"] for a in root.find_all("a") if a["attrs"].get("hreflang")}
    assert links == {lang: f"{BASE}{lang}/" for lang in LANGS}
    sitemap = ET.parse(real_site.out / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = sitemap.findall("s:url", ns)
    assert len(urls) > 4 * 20
    for url in urls:
        alternates = {link.get("hreflang") for link in url.findall("x:link", ns)}
        assert alternates == set(LANGS) | {"x-default"}
    assert not (real_site.out / "robots.txt").exists()  # below a path: crawlers would not read it (test_crawling)
    feed = ET.parse(real_site.out / "en/actions/atom.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(list((REPO / "content/actions").iterdir()))
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_every_internal_link_uses_the_base_path(real_site):
    for path in real_site.html_files():
        if path.name == "index.html" and path.parent == real_site.out:
            continue
        from conftest import Doc

        doc = Doc(path.read_text())
        for element in doc.elements:
            for attr in ("href", "src"):
                value = element["attrs"].get(attr)
                if value and not urlsplit(value).scheme and not value.startswith("#"):
                    assert value.startswith(BASE), (path, value)


def test_the_link_check_reads_every_link_and_anchor_a_parser_finds(real_site):
    """The build checks links with a regular expression (attributes written after one space); an HTML parser
    must find no link or anchor it misses, on any page of the real site."""
    from conftest import Doc

    for path in real_site.html_files():
        html = path.read_text()
        found, ids, links = scan(html), set(), set()
        for element in Doc(html).elements:
            for name, value in element["attrs"].items():
                if name in ("id", "name") and value:
                    ids.add(value)
                elif name in ("href", "src") and value and ":" not in value.split("/", 1)[0]:
                    links.add(value)
        assert (found.ids, found.links) == (ids, links), path


def test_no_template_writes_an_attribute_the_link_check_would_not_read():
    """An `href` right after a line break or a tab would escape the link check: templates put a space first."""
    for template in sorted((REPO / "templates").iterdir()):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            assert not re.search(r'(?:^|[\t\f])(?:id|name|href|src)="', line), f"{template.name}:{number}"


def test_quotes_in_another_language_are_marked(real_site):
    doc = real_site.doc(f"{BASE}de/stimmen/")
    for quote in doc.find_all("blockquote"):
        assert quote["attrs"]["lang"] == "en"
    assert all(
        e["attrs"].get("lang") == e["attrs"]["hreflang"] for e in doc.find_all("a") if e["attrs"].get("hreflang")
    )


def test_real_content_passes_strict_check():
    from mecasite.cli import main

    assert main(["check", "--strict", "--config", str(REPO / "site_config.yaml")]) == 0


def test_build_is_deterministic(tmp_path):
    outputs = []
    for name in ("a", "b"):
        config = load_config(REPO / "site_config.yaml").with_overrides(out=tmp_path / name)
        outputs.append(render_site(config).files)
    assert outputs[0] == outputs[1]
    assert json.dumps(sorted(outputs[0])) == json.dumps(sorted(outputs[1]))


def test_collections_are_documented_in_readme():
    readme = (REPO / "README.md").read_text()
    for collection in COLLECTIONS:
        assert f"content/{collection}/" in readme
