"""Checking the rendered site's internal links and anchors, before the site replaces the output.

Works on each page's scan (its ids and links), made as the page is rendered. Pure: no I/O here.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html import unescape
from typing import TypeAlias
from urllib.parse import urlsplit

from mecasite.problems import Collector
from mecasite.site.targets import Targets

# Our templates and the sanitizer write every attribute as name="value" with the value escaped, after one
# space, so a regular expression finds them exactly, at a fraction of an HTML parser's cost on ten thousand
# pages. A literal space, not `\s`: the search then runs on a fixed first character, 0.13 -> 0.05 ms per page.
# The tests hold every template and page to it (an attribute after a line break or tab would not be checked).
_ATTR = re.compile(r' (id|name|href|src)="([^"]*)"')


@dataclass
class Scan:
    """The anchors a page offers and the addresses it links to (each once; its line is found when needed)."""

    ids: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)


def scan(html: str) -> Scan:
    found = Scan()
    ids, links = found.ids, found.links
    for name, value in _ATTR.findall(html):
        if "&" in value:
            value = unescape(value)
        # Interned: the same menu links and template ids recur on every page, and one string object each
        # keeps ten thousand pages' scans small.
        if name == "id" or name == "name":
            if value:
                ids.add(sys.intern(value))
        elif value and ":" not in value.split("/", 1)[0]:  # another site (https:, mailto:): not ours to check
            links.add(sys.intern(value))
    return found


Source: TypeAlias = Callable[[str, str], tuple[str, int]]  # (page, href) -> (template, line) that wrote the link
Deferred: TypeAlias = tuple[str, int, str, str, str, str]  # (template, line, href, target, anchor, page address)
Pending: TypeAlias = tuple[str, str, str, str]  # (page path, href, target, anchor): an anchor on another page


def check_page(
    path: str,
    found: Scan,
    targets: Targets,
    problems: Collector,
    source: Source,
    skip: set[str] | frozenset[str] = frozenset(),
) -> list[Deferred]:
    """Check one rendered page's own links (`found`: its scan; `skip`: the addresses of its bodies' links,
    checked where they were typed), as far as the page alone allows, where it was rendered (a render process):
    every address must be a file of `targets`, every #anchor on the page itself one of its ids. A problem is
    reported at the template that wrote the link (`source`). Anchors on other pages are returned as
    (template, line, href, target, anchor, page address) for `check_anchors`."""
    deferred: list[Pending] = []
    own = Scan(found.ids, found.links - skip) if skip else found
    for href, message in broken_links(path, own, targets, None, deferred):
        where, line = source(path, href)
        problems.add(where, line, message, HINT, code="link")
    return [
        (*source(page, href), href, target, fragment, targets.address(page))
        for page, href, target, fragment in deferred
    ]


def check_anchors(deferred: Iterable[Deferred], ids_of: Callable[[str], set[str] | None], problems: Collector) -> None:
    """The anchors `check_page` left: `ids_of(target)` gives a page's ids (None: not an HTML page)."""
    for where, line, href, target, fragment, _address in sorted(deferred):
        ids = ids_of(target)
        if ids is not None and fragment not in ids:
            problems.add(where, line, _no_anchor(href), HINT, code="link")


HINT = "fix the link in the template"


def broken_links(
    path: str, found: Scan, targets: Targets, pages: Mapping[str, Scan] | None, deferred: list[Pending] | None = None
) -> list[tuple[str, str]]:
    """(href, message) of each broken link of one page. Anchors on other pages are checked against `pages`,
    or, without it, appended to `deferred` as (path, href, target, anchor)."""
    broken: list[tuple[str, str]] = []
    for href in sorted(found.links):
        message, target, fragment = targets.resolve(href)
        target = target or path  # a bare #anchor: on this page
        if not message and fragment and target != path and pages is None:
            assert deferred is not None, "without `pages`, a caller collects the anchors on other pages"
            deferred.append((path, href, target, fragment))
        elif not message and fragment:
            ids = (
                found.ids if target == path else (pages[target].ids if pages is not None and target in pages else None)
            )
            if ids is not None and fragment not in ids:
                message = _no_anchor(href)
        if message:
            broken.append((href, message))
    return broken


def scan_files(files: Mapping[str, bytes]) -> dict[str, Scan]:
    """The scans of in-memory pages (the preview's updates)."""
    return {path: scan(data.decode()) for path, data in files.items() if path.endswith(".html")}


def _no_anchor(href: str) -> str:
    return f"broken link '{href}': no anchor '#{urlsplit(href).fragment}' on that page"
