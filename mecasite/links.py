"""Checking the rendered site's internal links and anchors, before anything is written.

Works on each page's scan (its ids and links), made as the page is rendered. Pure: no I/O here.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Callable, Mapping
from html import escape, unescape
from urllib.parse import unquote, urlsplit

from .problems import Collector


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
    for match in _ATTR.finditer(html):
        name, value = match.group(1), unescape(match.group(2))
        if not value or (name not in ("id", "name") and ":" in value.split("/", 1)[0]):
            continue  # another site (https:, mailto:): not ours to check offline
        # Interned: the same menu links and template ids recur on every page, and one string object each
        # keeps ten thousand pages' scans small (also when pickled back from a render worker).
        if name in ("id", "name"):
            found.ids.add(sys.intern(value))
        else:
            found.links.add(sys.intern(value))
    return found


def check_links(scans: Mapping[str, Scan], paths: set[str], base_path: str, problems: Collector,
                line_of: Callable[[str, str], int], label: str = "") -> None:
    """Every link to this site must reach a file we write, and its #anchor an id in that file.

    `scans` are the HTML pages' anchors and links, `paths` every file written; `line_of(path, href)` finds the
    line of a link (only for the broken ones: reading pages back is not free).
    """
    for path, found in sorted(scans.items()):
        for href in sorted(found.links):
            message = _broken(href, path, paths, scans, base_path)
            if message:
                problems.add(f"{label}{path}", line_of(path, href), message,
                             "fix the link in the content or template", code="link")


def scan_files(files: Mapping[str, bytes]) -> tuple[dict[str, Scan], Callable[[str, str], int]]:
    """The scans of an in-memory site's pages, and the `line_of` that `check_links` needs for them."""
    texts = {path: data.decode() for path, data in files.items() if path.endswith(".html")}
    return {path: scan(text) for path, text in texts.items()}, lambda path, href: line_in(texts[path], href)


def line_in(html: str, href: str) -> int:
    """The line of the first attribute holding `href` (as written, escaped), 0 if not found."""
    for quoted in (f'"{href}"', f'"{escape(href)}"'):
        index = html.find(quoted)
        if index >= 0:
            return html.count("\n", 0, index) + 1
    return 0


def _broken(href: str, source: str, files: set[str], pages: Mapping[str, Scan], base_path: str) -> str:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return ""  # another site: not ours to check offline
    if not parts.path:
        target = source
    elif parts.path.startswith(base_path):
        target = unquote(parts.path[len(base_path):])
        if target == "" or target.endswith("/"):
            target += "index.html"
    else:
        return f"link '{href}' does not start with the site's base path '{base_path}'"
    if target not in files:
        return f"broken link '{href}': no such page"
    if parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
        return f"broken link '{href}': no anchor '#{parts.fragment}' on that page"
    return ""
