"""The preview in a real browser: the open page reloads by itself, errors show over the last good page."""

from __future__ import annotations

import time

from test_serve import fetch, server, wait_for  # noqa: F401  (fixture)

CONNECTED = "() => !!(window.LiveReload && window.LiveReload.connector && window.LiveReload.connector.protocol >= 6)"


def open_page(browser, url):  # noqa: F811
    page = browser.new_page()
    page.goto(url)
    page.wait_for_function(CONNECTED, timeout=10_000)
    time.sleep(0.3)  # the socket joins the reload list once the handshake's last message arrives
    return page


def test_open_page_reloads_by_itself_shows_errors_and_clears_them(browser, server):  # noqa: F811
    root, base = server
    wait_for(lambda: "Site home" in fetch(base + "en/"))
    page = open_page(browser, base + "en/")
    assert page.locator("h1").inner_text() == "Site home"
    page.evaluate("window.notReloaded = true")

    source = root / "content/pages/home/en.md"
    good = source.read_text()
    source.write_text(good.replace("Site home", "Edited home"))
    page.wait_for_function("() => document.querySelector('h1').textContent === 'Edited home'", timeout=15_000)
    assert page.evaluate("window.notReloaded === undefined")  # a real reload, not a script edit

    source.write_text("---\ntitle: [broken\n---\n")
    overlay = page.locator("#preview-overlay")
    overlay.wait_for(timeout=15_000)
    assert "content/pages/home/en.md:2:8: list in [ ] is not closed" in overlay.inner_text()
    assert page.locator("h1").inner_text() == "Edited home"  # the last good page stays

    source.write_text(good.replace("Site home", "Fixed home"))
    page.wait_for_function("() => document.querySelector('h1').textContent === 'Fixed home'", timeout=15_000)
    assert page.locator("#preview-overlay").count() == 0


def test_preview_bar_shows_translation_state_and_every_language(browser, server):  # noqa: F811
    root, base = server
    wait_for(lambda: "Site home" in fetch(base + "en/"))
    page = browser.new_page()
    page.goto(base + "nl/acties/salon/")
    bar = page.locator("#preview-bar")
    assert "nl: missing" in bar.inner_text()
    bar.locator("a[hreflang=en]").click()
    page.wait_for_url(base + "en/actions/fair/")
    assert "en: up to date" in page.locator("#preview-bar").inner_text()


def test_many_quick_saves_end_with_the_final_text(browser, server):  # noqa: F811
    root, base = server
    wait_for(lambda: "Site home" in fetch(base + "en/"))
    page = open_page(browser, base + "en/")
    source = root / "content/pages/home/en.md"
    good = source.read_text()
    for i in range(200):
        if i % 3 == 0:  # an editor's atomic save: write a temporary file, rename it over the original
            tmp = source.with_name(".en.md.tmp")
            tmp.write_text(good.replace("Site home", f"Save {i}"))
            tmp.replace(source)
        elif i % 3 == 1:  # truncate, then write
            with open(source, "w") as f:
                f.flush()
                f.write(good.replace("Site home", f"Save {i}"))
        else:
            source.write_text(good.replace("Site home", f"Save {i}"))
        time.sleep(0.01 if i % 25 else 0.3)  # bursts of 25 saves, then a short pause
    page.wait_for_function("() => document.querySelector('h1').textContent === 'Save 199'", timeout=15_000)
