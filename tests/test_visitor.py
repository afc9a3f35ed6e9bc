"""What a visitor meets, in a real headless Chromium: language switching, the root redirect, phones and
desktops, keyboard use, accessibility (axe-core) and valid HTML (Nu Html Checker), on the real content.

Screenshots of the overview, a partner and an action page, in two languages and two widths, are written to
`screenshots/` (ignored by git) for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import threading

import pytest
from sitekit import REPO

from mecasite.build.pipeline import build
from mecasite.config.settings import load_config

LANGS = ("fr", "en", "nl", "de")
BASE = "/international/"
TOOLS = REPO / ".tools" / "node_modules"
SHOTS = REPO / "screenshots"
# One page of each kind, by its path in French; the others are found through the hreflang alternates.
KINDS = {
    "home": "fr/",
    "page": "fr/notre-approche/",
    "actions": "fr/actions/",
    "action": "fr/actions/intermat/",
    "partners": "fr/partenaires/",
    "partner": "fr/partenaires/materalia/",
    "testimonials": "fr/temoignages/",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real content built for a local server at /international/, served on a free loopback port."""
    root = tmp_path_factory.mktemp("visitor")
    config = load_config(REPO / "site_config.yaml").with_overrides(
        out=root / "international", base_url="http://127.0.0.1/international/"
    )
    build(config, force=True)
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"out": root / "international", "origin": f"http://127.0.0.1:{server.server_address[1]}"}
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def alternates(page) -> dict[str, str]:
    return page.eval_on_selector_all(
        "link[rel=alternate][hreflang]",
        "els => Object.fromEntries(els.map(e => [e.hreflang, new URL(e.href).pathname]))",
    )


@pytest.fixture(scope="module")
def pages(site, browser):  # noqa: F811
    """kind -> {lang: path}, read from each French page's hreflang alternates."""
    page = browser.new_page()
    result = {}
    for kind, path in KINDS.items():
        page.goto(site["origin"] + BASE + path)
        found = alternates(page)
        result[kind] = {lang: found.get(lang, BASE + path) for lang in LANGS}
    page.close()
    return result


def every_page(pages):
    for kind, by_lang in pages.items():
        for lang, path in by_lang.items():
            yield kind, lang, path
    for lang in LANGS:
        yield "404", lang, f"{BASE}{lang}/404.html"


def test_the_language_switcher_leads_to_the_same_page(site, browser, pages):  # noqa: F811
    page = browser.new_page()
    for kind, lang, path in every_page(pages):
        if kind == "404":
            continue
        for target in LANGS:
            if target == lang:
                continue
            page.goto(site["origin"] + path)
            page.click(f".languages a[hreflang={target}]")
            page.wait_for_load_state()
            assert page.evaluate("location.pathname") == pages[kind][target], (kind, lang, target)
            assert page.evaluate("document.documentElement.lang") == target
    page.close()


@pytest.mark.parametrize("locale,expected", [("de-DE", "de"), ("nl-BE", "nl"), ("en-GB", "en"), ("ja-JP", "fr")])
def test_the_root_page_sends_a_browser_to_its_language(site, browser, locale, expected):  # noqa: F811
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(site["origin"] + BASE)
    page.wait_for_url(f"{site['origin']}{BASE}{expected}/")
    context.close()


def test_no_page_scrolls_sideways_on_a_phone_and_desktops_use_the_width(site, browser, pages):  # noqa: F811
    phone = browser.new_page(viewport={"width": 375, "height": 740})
    desktop = browser.new_page(viewport={"width": 1280, "height": 900})
    for kind, lang, path in every_page(pages):
        phone.goto(site["origin"] + path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, (kind, lang)
        desktop.goto(site["origin"] + path)
        main_width = desktop.evaluate("document.querySelector('main').getBoundingClientRect().width")
        assert main_width >= 1000, (kind, lang, main_width)
    phone.close()
    desktop.close()


def test_screenshots_for_a_person_to_look_at(site, browser, pages):  # noqa: F811
    SHOTS.mkdir(exist_ok=True)
    for kind in ("home", "partner", "action"):
        for lang in ("fr", "de"):
            for width in (375, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(site["origin"] + pages[kind][lang])
                target = SHOTS / f"{kind}-{lang}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                assert target.stat().st_size > 10_000
                page.close()


def test_keyboard_users_get_a_skip_link_visible_focus_and_the_switcher(site, browser, pages):  # noqa: F811
    page = browser.new_page()
    page.goto(site["origin"] + pages["partner"]["de"])
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect(),
        s = getComputedStyle(e); return {cls: e.className, href: e.getAttribute('href'), top: r.top,
        left: r.left, outline: s.outlineStyle, width: s.outlineWidth}; }""")
    assert "skip" in focused["cls"] and focused["href"] == "#main"
    assert focused["left"] >= 0 and focused["top"] >= 0 and focused["outline"] != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    reached = set()
    page.goto(site["origin"] + pages["partner"]["de"])
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.getAttribute('hreflang')"))
    assert {"fr", "en", "nl"} <= reached
    page.keyboard.press("Shift+Tab")
    page.close()


def test_foreign_words_are_marked_with_their_language(site, browser, pages):  # noqa: F811
    page = browser.new_page()
    page.goto(site["origin"] + pages["partner"]["fr"])
    assert page.eval_on_selector("blockquote", "e => e.closest('[lang]').lang") == "en"
    names = page.eval_on_selector_all(".languages a", "els => els.map(e => [e.hreflang, e.lang])")
    assert all(code == lang for code, lang in names)
    page.close()


@pytest.fixture(scope="module")
def axe_source():
    path = TOOLS / "axe-core" / "axe.min.js"
    if not path.exists():
        pytest.fail("axe-core is not installed: run the README's test command (make test), which installs it")
    return path.read_text()


def test_no_accessibility_violations_on_any_page_type_in_any_language(site, browser, pages, axe_source):  # noqa: F811
    page = browser.new_page()
    found = {}
    for kind, lang, path in every_page(pages):
        page.goto(site["origin"] + path)
        page.add_script_tag(content=axe_source)
        result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})""")
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        if violations:
            found[(kind, lang)] = violations
    page.close()
    assert not found, json.dumps({f"{k[0]}/{k[1]}": v for k, v in found.items()}, indent=1)[:3000]


def test_every_page_is_valid_html(site):
    jar = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.exists():
        pytest.fail("vnu-jar is not installed: run the README's test command (make test), which installs it")
    result = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--skip-non-html", "--format", "gnu", str(site["out"])],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[:4000]


def test_no_request_leaves_the_site(site, browser, pages):  # noqa: F811
    page = browser.new_page()
    requested, failed, errors = [], [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    for _kind, _lang, path in every_page(pages):
        page.goto(site["origin"] + path)
        page.wait_for_load_state("networkidle")
    page.close()
    assert requested and all(url.startswith(site["origin"] + "/") for url in requested), sorted(
        {url for url in requested if not url.startswith(site["origin"])}
    )
    assert not failed and not errors, (failed[:5], errors[:5])  # a favicon included


def test_partner_and_action_pages_print_cleanly_on_a4(site, browser, pages, tmp_path):  # noqa: F811
    page = browser.new_page()
    for kind in ("partner", "action"):
        page.goto(site["origin"] + pages[kind]["fr"])
        page.emulate_media(media="print")
        hidden = page.evaluate("""() => ['.main-nav', '.languages', '.share', '.skip-link', '.breadcrumbs']
            .map(s => document.querySelector(s)).filter(Boolean)
            .map(e => getComputedStyle(e).display)""")
        assert hidden and all(value == "none" for value in hidden)
        assert page.evaluate("document.querySelector('h1').getBoundingClientRect().height") > 0
        pdf = tmp_path / f"{kind}.pdf"
        page.pdf(path=str(pdf), format="A4")
        pages_printed = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
        assert 1 <= pages_printed <= 4, pages_printed
    page.close()


def test_pages_work_without_javascript(site, browser, pages):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(site["origin"] + BASE)
    assert page.evaluate("location.pathname") == BASE  # no script ran: the visitor chooses
    page.click("a[hreflang=de]")
    page.wait_for_url(site["origin"] + pages["home"]["de"])
    page.click(".main-nav a >> nth=3")  # the partners list, through the menu
    assert page.locator("h1").inner_text() == "Partner"
    assert page.locator("img.partner-map").is_visible()
    context.close()
