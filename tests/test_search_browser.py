"""Search in a real headless Chromium, on the real content: each language searches its own index, by
keyboard, announced to screen readers, with axe-core at zero; without JavaScript the search page lists
every action and partner."""

from __future__ import annotations

import json

from test_visitor import BASE, axe_source, site  # noqa: F401  (fixtures: the served site, axe-core)

AXE_TAGS = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']"


def results(page) -> list[str]:
    page.wait_for_selector(".search-list li a", timeout=15000)
    return page.eval_on_selector_all(".search-list li a", "links => links.map(a => a.getAttribute('href'))")


def test_a_partners_name_on_de_finds_the_german_pages(site, browser):  # noqa: F811
    page = browser.new_page()
    page.goto(site["origin"] + BASE + "de/search/?q=Luxinnovation")
    found = results(page)
    assert BASE + "de/partner/luxinnovation/" in found
    assert all(href.startswith(BASE + "de/") for href in found), found
    assert "Luxinnovation" in page.locator(".search-status").inner_text()
    assert page.locator("html").get_attribute("lang") == "de"
    page.close()


def test_a_french_word_on_fr_finds_french_pages_by_keyboard(site, browser):  # noqa: F811
    page = browser.new_page()
    page.goto(site["origin"] + BASE + "fr/")
    for _ in range(3):  # skip link, brand, then the header's search link
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "search-link"
    page.keyboard.press("Enter")
    page.wait_for_url(site["origin"] + BASE + "fr/search/")
    page.keyboard.press("Tab")  # the skip link...
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # ...then the first field of the main content: the search box
    assert page.evaluate("document.activeElement.id") == "search-input"
    assert page.evaluate("document.activeElement.labels[0].textContent") == "Mots à rechercher"
    page.keyboard.type("compétitivité")
    page.keyboard.press("Enter")
    found = results(page)
    assert found and all(href.startswith(BASE + "fr/") for href in found), found
    assert page.locator(".search-status").get_attribute("role") == "status"
    assert "compétitivité" in page.locator(".search-status").inner_text()
    assert "q=comp" in page.url  # the address keeps the query: the result list can be shared or reloaded
    page.close()


def test_no_accessibility_violation_with_the_search_open(site, browser, axe_source):  # noqa: F811
    page = browser.new_page()
    for lang, word in (("fr", "Materalia"), ("de", "Werkstoffe")):
        page.goto(site["origin"] + BASE + f"{lang}/search/?q={word}")
        results(page)
        page.add_script_tag(content=axe_source)
        result = page.evaluate(
            f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {AXE_TAGS}}}, resultTypes: ['violations']}})"
        )
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        assert not violations, json.dumps(violations)[:2000]
    page.close()


def test_without_javascript_the_search_leads_to_every_action_and_partner(site, browser):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site["origin"] + BASE + "nl/")
    page.click(".search-link")
    page.fill("#search-input", "Materalia")
    page.click(".search-form button")
    page.wait_for_url("**/nl/search/?q=Materalia")
    links = page.eval_on_selector_all(".search-browse a", "links => links.map(a => a.getAttribute('href'))")
    assert BASE + "nl/partners/materalia/" in links and BASE + "nl/acties/intermat/" in links
    assert len(links) == 9 + 14
    context.close()
