"""Checking the rendered site's internal links and anchors, before anything is written.

Works on the in-memory {path: bytes} the renderer produced. Pure: no I/O here.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from .problems import Collector


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            elif value and (name in ("href", "src") and tag != "link" or (tag == "link" and name == "href")):
                self.links.append((value, self.getpos()[0]))


def scan(html: str) -> _Scan:
    parser = _Scan()
    parser.feed(html)
    parser.close()
    return parser


def check_links(files: dict[str, bytes], base_path: str, problems: Collector, label: str = "") -> None:
    """Every link to this site must reach a file we write, and its #anchor an id in that file."""
    pages = {path: scan(data.decode()) for path, data in files.items() if path.endswith(".html")}
    for path, found in sorted(pages.items()):
        for href, line in found.links:
            message = _broken(href, path, files, pages, base_path)
            if message:
                problems.add(f"{label}{path}", line, message, "fix the link in the content or template",
                             code="link")


def _broken(href: str, source: str, files: dict, pages: dict, base_path: str) -> str:
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
