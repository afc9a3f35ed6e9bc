"""JSON-LD on every page: valid JSON-LD (expanded by pyld against a schema.org context kept beside the tests,
nothing fetched), only schema.org terms, each type's required properties, breadcrumbs as shown, and facts
from the model only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pyld import jsonld
from sitekit import text, write_site

from mecasite.build.pipeline import render_site
from mecasite.config.settings import load_config
from mecasite.render.jsonld import script_text

SCHEMA = "https://schema.org/"
CONTEXT_FILE = Path(__file__).with_name("schemaorg-context.jsonld")
TERMS = set(json.loads(CONTEXT_FILE.read_text())["@context"]) - {"@version", "schema"}
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
# What each type must have: schema.org requires nothing formally; these are Google's required properties
# (Organization, CreativeWork and WebPage: a name, else nothing identifies them).
REQUIRED = {
    "Organization": {"name"},
    "WebPage": {"name", "url", "inLanguage"},
    "CollectionPage": {"name", "url", "inLanguage"},
    "BreadcrumbList": {"itemListElement"},
    "ListItem": {"position", "name", "item"},
    "PostalAddress": {"addressCountry"},
    "CreativeWork": {"name"},
    "Event": {"name", "startDate", "location"},
}


def loader(url, options=None):
    """pyld's document loader: the schema.org context from the file beside the tests, anything else refused."""
    if url.rstrip("/") != SCHEMA.rstrip("/"):
        raise ValueError(f"no network in tests: {url}")
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(CONTEXT_FILE.read_text())}


def data_of(html: str) -> dict:
    scripts = SCRIPT.findall(html)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def nodes(value):
    """Every node object (a dict with @type) in the data, nested ones too."""
    if isinstance(value, dict):
        if "@type" in value:
            yield value
        for v in value.values():
            yield from nodes(v)
    elif isinstance(value, list):
        for v in value:
            yield from nodes(v)


def validate(data: dict) -> list[dict]:
    """Expand with pyld; check every key is a schema.org term and every type has what it requires."""
    for node in nodes(data):
        assert node["@type"] in REQUIRED, node["@type"]
        unknown = set(node) - TERMS - {"@type", "@id"}
        assert not unknown, (node["@type"], unknown)
        missing = REQUIRED[node["@type"]] - set(node)
        assert not missing, (node["@type"], missing)
    expanded = jsonld.expand(data, {"documentLoader": loader})
    for node in expanded:
        assert all(key.startswith(("@", SCHEMA)) for key in node), node
    return expanded


@pytest.fixture(scope="module")
def real(real_site):
    return real_site


def test_every_page_has_valid_json_ld_with_the_cluster(real):
    pages = [p for p in real.html_files() if p.name != "404.html" or p.parent != real.out]
    assert len(pages) > 100
    for path in pages:
        html = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:  # an old address sending visitors on: no page of its own
            continue
        data = data_of(html)
        expanded = validate(data)
        types = {t for node in expanded for t in node.get("@type", ())}
        assert SCHEMA + "Organization" in types, path
        cluster = data["@graph"][0]
        assert cluster == {
            "@type": "Organization",
            "@id": "https://example.org/international/#organization",
            "name": "MecaTech Cluster",
            "url": "https://example.org/international/",
        }


def test_partner_is_an_organization_in_its_countries_without_invented_facts(real):
    data = data_of((real.out / "de/partner/grossregion/index.html").read_text(encoding="utf-8"))
    org = data["@graph"][-1]
    assert org["@type"] == "Organization"
    assert org["@id"] == "https://example.org/international/fr/partenaires/grande-region/#organization"
    assert [a["addressCountry"] for a in org["address"]] == ["BE", "DE", "FR", "LU"]
    assert set(org) == {"@type", "@id", "name", "description", "address"}  # no website, no street: none given
    page = data["@graph"][1]
    assert page["inLanguage"] == "de" and page["mainEntity"] == {"@id": org["@id"]}
    assert page["translationOfWork"] == {"@id": "https://example.org/international/fr/partenaires/grande-region/"}


def test_dated_action_is_a_creative_work_with_its_date_and_original_lists_translations(real):
    data = data_of((real.out / "fr/actions/intermat/index.html").read_text(encoding="utf-8"))
    work = data["@graph"][-1]
    assert work["@type"] == "CreativeWork"  # no place in the sources: an Event would need a location
    assert work["temporalCoverage"] == "2010-03-03"
    assert [m["name"] for m in work["mentions"]] == ["Materalia", "Surfmat"]
    assert "startDate" not in work and "location" not in work
    translations = {t["@id"] for t in data["@graph"][1]["workTranslation"]}
    assert translations == {
        "https://example.org/international/en/actions/intermat/",
        "https://example.org/international/nl/acties/intermat/",
        "https://example.org/international/de/aktionen/intermat/",
    }


def test_breadcrumb_list_matches_the_visible_breadcrumbs(real):
    for url in ("/international/nl/partners/materalia/", "/international/en/actions/", "/international/fr/404.html"):
        doc = real.doc(url)
        data = data_of(real.path(url).read_text(encoding="utf-8"))
        crumbs = next(n for n in data["@graph"] if n["@type"] == "BreadcrumbList")["itemListElement"]
        assert [c["position"] for c in crumbs] == list(range(1, len(crumbs) + 1))
        visible = [e for e in doc.elements if e["tag"] == "li" and "nav" in e["parents"] and "ol" in e["parents"]]
        assert [c["name"] for c in crumbs] == [e["text"].strip() for e in visible]
        links = [
            e["attrs"]["href"]
            for e in doc.elements
            if e["tag"] == "a" and "ol" in e["parents"] and "nav" in e["parents"]
        ]
        assert [c["item"] for c in crumbs[:-1]] == ["https://example.org" + href for href in links]
        assert crumbs[-1]["item"] == "https://example.org" + url
    home = data_of((real.out / "en/index.html").read_text(encoding="utf-8"))
    assert not any(n["@type"] == "BreadcrumbList" for n in home["@graph"])  # the home page shows none


def test_fallback_copy_is_in_its_real_language_and_claims_no_translation(tmp_path):
    config = write_site(tmp_path, {})  # the action has no Dutch text: /nl/ shows the French one
    site = render_site(load_config(config).with_overrides(out=tmp_path / "out"))
    (html,) = [data.decode() for path, data in site.files.items() if re.fullmatch(r"nl/acties/[^/]+/index.html", path)]
    page = data_of(html)["@graph"][1]
    assert page["inLanguage"] == "fr"
    assert "translationOfWork" not in page and "workTranslation" not in page


def test_a_title_cannot_end_the_script_element(tmp_path):
    hostile = "A </script><script>alert(1)</script> <!-- title"
    config = write_site(tmp_path, {"content/actions/fair/fr.md": text(hostile.replace('"', ""), "salon")})
    site = render_site(load_config(config).with_overrides(out=tmp_path / "out"))
    html = site.files["fr/actions/salon/index.html"].decode()
    script = SCRIPT.findall(html)[0]
    assert "<" not in script
    assert data_of(html)["@graph"][1]["name"] == hostile
    assert str(script_text({"a": "</x>"})) == '{"a":"\\u003c/x>"}'
