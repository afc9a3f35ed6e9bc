"""Checking the rendered site's internal links and anchors, before the site replaces the output.

Works on each page's scan (its ids and links), made as the page is rendered. Pure: no I/O here.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Callable, Mapping
from html import escape, unescape
from urllib.parse import unquote, urlsplit

from mecasite.problems import Collector


# Our templates and the sanitizer write every attribute as name="value" with the value escaped, so a regular
# expression finds them exactly, at a fraction of an HTML parser's cost on ten thousand pages.
_ATTR = re.compile(r'\s(id|name|href|src)="([^"]*)"')


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


def check_page(path: str, html: str, found: Scan, targets: Targets, problems: Collector,
               label: str = "") -> list[tuple[str, str, str, str, int]]:
    """Check one rendered page's links (`found`: its scan) as far as the page alone allows, where it was
    rendered (a render process): every address must be a file of `targets`, every #anchor on the page itself
    one of its ids. Anchors on other pages are returned as (page, href, target, anchor, line) for
    `check_anchors`."""
    deferred: list = []
    for href, message in broken_links(path, found, targets, None, deferred):
        problems.add(f"{label}{path}", line_in(html, href), message, HINT, code="link")
    return [(page, href, target, fragment, line_in(html, href)) for page, href, target, fragment in deferred]


def check_anchors(deferred, ids_of: Callable[[str], set[str] | None], problems: Collector, label: str = "") -> None:
    """The anchors `check_page` left: `ids_of(target)` gives a page's ids (None: not an HTML page)."""
    for path, href, target, fragment, line in sorted(deferred):
        ids = ids_of(target)
        if ids is not None and fragment not in ids:
            problems.add(f"{label}{path}", line, _no_anchor(href), HINT, code="link")


HINT = "fix the link in the content or template"


def broken_links(path: str, found: Scan, targets: Targets, pages: Mapping[str, Scan] | None,
                 deferred: list | None = None) -> list[tuple[str, str]]:
    """(href, message) of each broken link of one page. Anchors on other pages are checked against `pages`,
    or, without it, appended to `deferred` as (path, href, target, anchor)."""
    broken = []
    for href in sorted(found.links):
        message, target, fragment = targets.resolve(href)
        target = target or path  # a bare #anchor: on this page
        if not message and fragment and target != path and pages is None:
            deferred.append((path, href, target, fragment))
        elif not message and fragment:
            ids = found.ids if target == path else (pages[target].ids if target in pages else None)
            if ids is not None and fragment not in ids:
                message = _no_anchor(href)
        if message:
            broken.append((href, message))
    return broken


def scan_files(files: Mapping[str, bytes]) -> tuple[dict[str, Scan], Callable[[str, str], int]]:
    """The scans of in-memory pages, and a `line_of(path, href)` to name the line of a broken link."""
    texts = {path: data.decode() for path, data in files.items() if path.endswith(".html")}
    return {path: scan(text) for path, text in texts.items()}, lambda path, href: line_in(texts[path], href)


def line_in(html: str, href: str) -> int:
    """The line of the first attribute holding `href` (as written, escaped), 0 if not found."""
    for quoted in (f'"{href}"', f'"{escape(href)}"'):
        index = html.find(quoted)
        if index >= 0:
            return html.count("\n", 0, index) + 1
    return 0


class Targets:
    """The files a build writes, and where each address found on its pages leads: (problem or "", target file
    or "" for the page itself, anchor). Remembered: menus and switchers repeat the same addresses on every
    page."""

    def __init__(self, paths: set[str] | frozenset[str], base_path: str):
        self.paths, self.base_path = paths, base_path
        self._known: dict[str, tuple[str, str, str]] = {}

    def resolve(self, href: str) -> tuple[str, str, str]:
        if href not in self._known:
            self._known[href] = self._resolve(href)
        return self._known[href]

    def _resolve(self, href: str) -> tuple[str, str, str]:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return "", "", ""  # another site: not ours to check offline
        if not parts.path:
            return "", "", unquote(parts.fragment)
        if not parts.path.startswith(self.base_path):
            return f"link '{href}' does not start with the site's base path '{self.base_path}'", "", ""
        target = unquote(parts.path[len(self.base_path):])
        if target == "" or target.endswith("/"):
            target += "index.html"
        if target not in self.paths:
            return f"broken link '{href}': no such page", "", ""
        return "", target, unquote(parts.fragment)


def _no_anchor(href: str) -> str:
    return f"broken link '{href}': no anchor '#{urlsplit(href).fragment}' on that page"
