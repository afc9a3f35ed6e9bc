"""Structured data (schema.org JSON-LD) for every page, made from the model and nothing else. Pure: no I/O.

Each page carries one `@graph`: the cluster as an `Organization` (the same `@id` on every page, so search
engines see one organisation), the page itself (`WebPage`, or `CollectionPage` for a list) with its
`inLanguage` and, for an item's text, `translationOfWork` (a translation, pointing at the default language's
page) or `workTranslation` (the original, pointing at its translations), the `BreadcrumbList` the page shows,
and what the page is about:

- a partner: an `Organization` with `address.addressCountry` (one `PostalAddress` per country; the sources
  give no street, town or postcode) and `sameAs` its `website` fact once partners have one (none today);
- an action: a `CreativeWork`, never an `Event`. An `Event` needs a `location` (Google's required properties
  are name, startDate and location), and the sources name no place for any action: they say what was done
  and when, not where. The action's date, as precise as the source gives it (ISO 8601 `2010-03-03`,
  `2014-05` or `2014`), is its `temporalCoverage`: the time the work is about, which claims nothing more.
  The partners involved are `mentions` (the sources do not say who organised what).

The text is escaped for a `<script>` element: every `<` is written `\\u003c`, so no `</script>` or `<!--`
in a title can end or disturb it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from mecasite.render.frame import Frame
from mecasite.render.view_data import Alternate, ItemView, Link
from mecasite.render.views import Views
from mecasite.site.resolve import Page

Node = dict[str, Any]
CONTEXT = "https://schema.org"
ORGANIZATION_ID = "#organization"  # after the site's address: the cluster
LIST_KINDS = ("list-actions", "list-partners", "list-testimonials")


def cluster(base_url: str, name: str) -> Node:
    """The cluster: its name, and these pages (the root that chooses a language) as its `url`."""
    return {"@type": "Organization", "@id": base_url + ORGANIZATION_ID, "name": name, "url": base_url}


def breadcrumbs(crumbs: Sequence[Link], page_url: str, origin: str) -> Node:
    """The breadcrumbs as shown: `origin` (scheme and host) turns their paths into absolute addresses."""
    return {
        "@type": "BreadcrumbList",
        "@id": page_url + "#breadcrumbs",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": crumb.title, "item": origin + crumb.url}
            for n, crumb in enumerate(crumbs, 1)
        ],
    }


def partner(item: ItemView, org_id: str, website: str | None) -> Node:
    node: Node = {
        "@type": "Organization",
        "@id": org_id,
        "name": item.title,
        "description": item.summary,
        "address": [{"@type": "PostalAddress", "addressCountry": code} for code, _ in item.countries],
    }
    if website:
        node["sameAs"] = website
    return node


def action(item: ItemView, page_url: str, partners: Sequence[tuple[str, Link]]) -> Node:
    """An action as a `CreativeWork` (see the module's docstring for why not an `Event`)."""
    node: Node = {
        "@type": "CreativeWork",
        "@id": page_url + "#action",
        "name": item.title,
        "description": item.summary,
        "inLanguage": item.lang,
    }
    if item.date:
        node["temporalCoverage"] = item.date.iso()
    if partners:
        node["mentions"] = [{"@type": "Organization", "@id": i, "name": link.title} for i, link in partners]
    return node


def organization_id(views: Views, partner_id: str) -> str:
    """One `@id` per partner in every language: its page in the default language, `#organization`. That
    address is read from the default language's text (its slug), whichever page asks: recorded as such."""
    key, default = ("partners", partner_id), views.site.config.default_language
    page = views.site.item_page(key, default)
    views.read_meta(key, page.text_lang if page and page.text_lang else default)
    return (views.abs_url(page) if page else views.site.config.base_url + partner_id + "/") + ORGANIZATION_ID


def translations(page: Page, alternates: Sequence[Alternate], default: str) -> Node:
    """`translationOfWork` for a translation, `workTranslation` for the original; nothing for a copy shown in
    another language (a fallback is neither) or a page without an item's text."""
    if not page.item or page.is_fallback:
        return {}
    others = {a.lang: a.abs_url for a in alternates if a.translated and not a.current}
    if page.lang != default:
        return {"translationOfWork": {"@id": others[default]}} if default in others else {}
    return {"workTranslation": [{"@id": url} for url in others.values()]} if others else {}


def origin_of(base_url: str, base_path: str) -> str:
    """`https://example.org` of `https://example.org/international/`: what makes a path absolute."""
    return base_url[: len(base_url) - len(base_path)]


def page_graph(views: Views, page: Page, frame: Frame, site_name: str, item: ItemView | None = None) -> Markup:
    """The JSON-LD of one page, ready to go inside `<script type="application/ld+json">`."""
    config = views.site.config
    base_url, default = config.base_url, config.default_language
    page_url, origin = views.abs_url(page), origin_of(base_url, config.base_path)
    facts = views.site.model.items[page.item].facts if page.item else {}
    org = cluster(base_url, site_name)
    web: Node = {
        "@type": "CollectionPage" if page.kind in LIST_KINDS else "WebPage",
        "@id": page_url,
        "url": page_url,
        "name": frame.title,
        "description": frame.description,
        "inLanguage": frame.text_lang,
        "publisher": {"@id": org["@id"]},
    }
    graph = [org, web]
    if page.kind != "home":  # the home page shows no breadcrumbs
        crumbs = breadcrumbs(frame.breadcrumbs, page_url, origin)
        web["breadcrumb"] = {"@id": crumbs["@id"]}
        graph.append(crumbs)
    web.update(translations(page, frame.alternates, default))
    about = None
    if item is not None and page.item and page.kind == "partner":
        about = partner(item, organization_id(views, page.item[1]), facts.get("website"))  # no website yet
    elif item is not None and page.kind == "action":
        ids = [p for p in facts.get("partners") or () if ("partners", p) in views.site.model.items]
        about = action(
            item, page_url, [(organization_id(views, p), views.link(("partners", p), page.lang)) for p in ids]
        )
    if about is not None:
        web["mainEntity"] = {"@id": about["@id"]}
        graph.append(about)
    return script_text({"@context": CONTEXT, "@graph": graph})


def root_graph(base_url: str, site_name: str, description: str, default: str, homes: Sequence[str]) -> Markup:
    """The root page that chooses a language: the cluster, and the page with the homes it leads to."""
    org = cluster(base_url, site_name)
    web: Node = {
        "@type": "WebPage",
        "@id": base_url,
        "url": base_url,
        "name": site_name,
        "description": description,
        "inLanguage": default,
        "publisher": {"@id": org["@id"]},
        "hasPart": [{"@id": url} for url in homes],
    }
    return script_text({"@context": CONTEXT, "@graph": [org, web]})


def script_text(data: Node) -> Markup:
    """JSON for a script element: `<` escaped (see the module's docstring), keys in a stable order."""
    return Markup(json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c"))
