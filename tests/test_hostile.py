"""Hostile content: script-injection payloads through every field and template context find no executable sink.

The corpus mixes classic payloads with those from published advisories (Hugo's unescaped front matter in
attributes and JSON, Jinja's attribute and format-string escapes, Markdown link and attr_list tricks).
Each payload goes into a title, a summary, a slug-free text field (signature), a body and a link; the built
pages are parsed and every element, attribute and URL is checked.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from sitekit import quote, text, write_site

from mecasite.build.pipeline import render_site
from mecasite.config.settings import load_config
from mecasite.problems import ContentError

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=//evil.example/x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=//evil.example/x onerror=alert(1)>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<link rel=stylesheet href=http://evil.example/x.css>",
    "<meta http-equiv=refresh content='0;url=http://evil.example'>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    '"><script>alert(1)</script>',
    "'><img src=//evil.example/x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "{{ 7*7 }}{% raw %}{{ config }}{% endraw %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{0.__class__}",
    'paragraph {: onclick="alert(1)" }',
    "## Heading {: onmouseover=alert(1) }",
    "[x](http://example.org){: onclick=alert(1) }",
    '<span lang="en" onclick="alert(1)">x</span>',
    '<a href="#" style="background:url(javascript:alert(1))">x</a>',
]

EVENT = re.compile(r"^on", re.I)
BAD_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.I)
SINKS = {"script", "iframe", "object", "embed", "style", "form", "svg", "math", "base", "input", "body", "details"}


class Sinks(HTMLParser):
    """Collects anything a browser would execute or load: scripts, handlers, script URLs, frames."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.depth_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.depth_body = True
            if any(EVENT.match(name) for name, _ in attrs):
                self.found.append(f"<body {attrs}>")
            return
        if self.depth_body and tag in SINKS - {"body"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if EVENT.match(name):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "data", "formaction", "xlink:href") and value and BAD_URL.match(value):
                self.found.append(f"<{tag} {name}={value}>")
            if name == "style" and value and "url(" in value:
                self.found.append(f"<{tag} style>")
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "refresh" and self.depth_body:
            self.found.append("<meta refresh>")


def sinks_in(html: str) -> list[str]:
    parser = Sinks()
    parser.feed(html)
    return parser.found


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    files = {}
    body = "\n\n".join(PAYLOADS)
    joined = " ".join(p.replace('"', "'").replace("\\", "") for p in PAYLOADS[:12])
    for i, payload in enumerate(PAYLOADS):
        folder = f"content/actions/x{i:02d}"
        files[f"{folder}/item.yaml"] = "date: 2020\npartners: [acme]\n"
        safe = json.dumps(payload, ensure_ascii=False)  # any text survives YAML as a quoted string
        files[f"{folder}/fr.md"] = f"---\ntitle: {safe}\nslug: x{i:02d}\nsummary: {safe}\n---\n{payload}\n"
        files[f"{folder}/en.md"] = f"---\ntitle: {safe}\nslug: x{i:02d}\nsummary: {safe}\n---\n{body}\n"
    files["content/testimonials/acme/fr.md"] = quote(f"Directeur, Acme {joined}", body)
    files["content/testimonials/acme/en.md"] = quote(f"Director, Acme {joined}", body)
    files["content/partners/acme/fr.md"] = text("Acme", "acme", summary="<script>alert(1)</script>", body=body)
    config = load_config(write_site(root, files))
    return render_site(config).files


def test_the_corpus_has_the_expected_size():
    assert len(PAYLOADS) >= 30


def test_no_page_contains_an_executable_sink(hostile_site):
    checked = 0
    for path, data in hostile_site.items():
        if not path.endswith(".html"):
            continue
        html = data.decode()
        found = sinks_in(html)
        # The templates' own inline script on the root page is the only script; it holds no content.
        found = [f for f in found if not (path in ("index.html", "404.html") and f == "<script>")]
        if path.endswith("/search/index.html"):  # the search page's own form and its script (static/search.js)
            assert found == ["<form>", "<input>", "<script>"], (path, found[:5])
            assert html.count("<script") == 2 and '<script type="module" src="/international/static/search.js' in html
            continue
        assert not found, (path, found[:5])
        checked += 1
    assert checked > len(PAYLOADS) * 4


def test_payloads_are_shown_as_text_not_dropped_from_titles(hostile_site):
    page = hostile_site["en/actions/x00/index.html"].decode()
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'content="&lt;script&gt;alert(1)&lt;/script&gt;"' in page  # meta description, escaped


def test_template_syntax_in_content_is_never_evaluated(hostile_site):
    page = hostile_site["fr/actions/x30/index.html"].decode()
    assert "{{ 7*7 }}" in page and "49" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "__subclasses__" in hostile_site["fr/actions/x31/index.html"].decode()


def test_feeds_and_sitemap_stay_well_formed(hostile_site):
    import xml.etree.ElementTree as ET

    for path, data in hostile_site.items():
        if path.endswith((".xml",)):
            ET.fromstring(data)  # raises on a broken document


def test_legitimate_markup_survives(tmp_path):
    body = (
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n![Logo](https://example.org/logo.png)\n\n"
        '<figure><img src="https://example.org/x.png" alt="x"><figcaption>Cap</figcaption></figure>\n\n'
        'Un mot <span lang="en">cluster</span>.\n\n[Site](https://example.org/)'
    )
    files = render_site(
        load_config(write_site(tmp_path, {"content/actions/fair/fr.md": text("Le salon", "salon", body=body)}))
    ).files
    html = files["fr/actions/salon/index.html"].decode()
    for fragment in (
        "<table>",
        '<img alt="Logo" src="https://example.org/logo.png"',
        "<figcaption>Cap",
        '<span lang="en">cluster</span>',
        'href="https://example.org/"',
    ):
        assert fragment in html, fragment


def test_a_template_typo_is_an_error_not_an_empty_string(tmp_path):
    config = load_config(write_site(tmp_path, {}))
    template = tmp_path / "templates/action.html"
    template.write_text(template.read_text().replace("{{ item.html }}", "{{ item.htlm }}"))
    with pytest.raises(ContentError, match=r"templates/action\.html:\d+: template error: .*htlm"):
        render_site(config)
