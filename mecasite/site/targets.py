"""Where an address on the site leads: the file it names in the output, and its anchor. Pure: no I/O.

Known before anything is rendered (the resolved pages, the extra files and the static files), so that a body's
links are checked where they are converted, and the rendered pages' own links after.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


class Targets:
    """The files a build writes, and where each address found on its pages leads: (problem or "", target file
    or "" for the page itself, anchor). Remembered: menus and switchers repeat the same addresses on every
    page."""

    def __init__(self, paths: set[str] | frozenset[str], base_path: str):
        self.paths, self.base_path = paths, base_path
        self._known: dict[str, tuple[str, str, str]] = {}

    def address(self, path: str) -> str:
        """The address a visitor types for an output file: `en/index.html` -> `/international/en/`."""
        return self.base_path + (path[: -len("index.html")] if path.endswith("index.html") else path)

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
        target = unquote(parts.path[len(self.base_path) :])
        if target == "" or target.endswith("/"):
            target += "index.html"
        if target not in self.paths:
            return f"broken link '{href}': no such page", "", ""
        return "", target, unquote(parts.fragment)
