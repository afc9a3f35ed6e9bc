"""Where an address on the site leads: the file it names in the output, and its anchor. Pure: no I/O.

Known before anything is rendered (the resolved pages, the extra files and the static files), so that a body's
links are checked where they are converted, and the rendered pages' own links after.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from urllib.parse import unquote, urljoin, urlsplit

from mecasite.content.model import Model
from mecasite.content.schemas import COLLECTIONS


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


def own_path(href: str, base_urls: Iterable[str], base_path: str, here: str) -> str | None:
    """The path on this site an address typed in a body leads to, or None for another site's address.

    A full address of one of the site's base URLs (any scheme) becomes its path under `base_path`; a relative
    one (`../materalia/`) is read from `here`, the address of the page it is on; an absolute path is kept."""
    parts = urlsplit(href)
    if parts.scheme in ("http", "https") or parts.netloc:
        bare = href.split("//", 1)[-1]
        for base in base_urls:
            prefix = base.split("//", 1)[-1]
            if bare.startswith(prefix) or bare + "/" == prefix:
                return base_path + bare[len(prefix) :]
        return None
    if ":" in href.split("/", 1)[0]:
        return None  # mailto:, tel:, or what the cleaner left of a script address
    return href if href.startswith("/") else urljoin(here, href)


def closest_ids(address: str, model: Model, most: int = 3) -> list[str]:
    """The id links (`partner:materalia`) whose id or slug in any language is close to the address's last
    segment, closest first: what an editor who typed a wrong address most likely meant (none when nothing is
    close)."""
    word = unquote(urlsplit(address).path).rstrip("/").rsplit("/", 1)[-1]
    forms: dict[str, str] = {}
    for item in model.items.values():
        form = f"{COLLECTIONS[item.collection].ref}:{item.id}"
        for name in (item.id, *(text.slug for text in item.texts.values() if text.slug)):
            forms.setdefault(name, form)
    near = difflib.get_close_matches(word, sorted(forms), n=most * 3, cutoff=0.6) if word else []
    return list(dict.fromkeys(forms[name] for name in near))[:most]
