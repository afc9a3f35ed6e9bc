"""The images and documents a body names, found where they were typed and placed in its HTML.

`![alt](photo.jpg)` and `[the leaflet](leaflet.pdf)` name files of the item's own folder, in every language
(a language's own `photo.nl.jpg` first, content/attachments.py). A file that is not there, or an image without
alternative text, is reported at the content file's line and column; then render/media.py writes the markup
from what the build made of the file (the media table). Pure: no I/O.
"""

from __future__ import annotations

import re
from html import unescape

from mecasite.content.attachments import DECORATIVE, FILE_REF, find, missing_hint
from mecasite.content.model import Item, Text
from mecasite.problems import Collector
from mecasite.render.body_links import BodyLink, position
from mecasite.render.media import Document, MediaTable, Picture, picture, place_media

STATIC = "static"  # [the map](static:map.svg): a file of the site's own static/ folder

_SRC = re.compile(r'<img\b[^>]*?\ssrc="([^"]*)"[^>]*>')
_ALT = re.compile(r'\salt="([^"]*)"')
_HREF = re.compile(r'<a\b[^>]*?\shref="([^"]*)"')


def is_file_ref(href: str) -> bool:
    """A link that names a file of the item's folder, not a page: `leaflet.pdf`."""
    return bool(FILE_REF.match(href))


def names_files(html: str) -> bool:
    """Whether a converted body links to a file of the item's folder (one that may not be there)."""
    return any(is_file_ref(unescape(m.group(1))) for m in _HREF.finditer(html))


def place_files(
    html: str,
    item: Item,
    text: Text,
    page_lang: str,
    media: MediaTable,
    problems: Collector,
    base_path: str,
    locale: str,
) -> str:
    """`html` (the body of `text`) with its files placed; each file missing, or image without alternative
    text, reported where it was typed."""
    folder = item.path.rpartition("/")[0]
    seen: set[str] = set()

    def report(typed: str, message: str, hint: str) -> None:
        line, column = position(text.body, typed, text.body_line)
        problems.add(text.path, line, message, hint, column, code="link")

    for match in _SRC.finditer(html):
        src = unescape(match.group(1))
        if not is_file_ref(src):
            continue
        alt = _ALT.search(match.group(0))
        if alt is None or not unescape(alt.group(1)).strip():
            report(
                src,
                f"image '{src}' without alternative text",
                f"write what it shows between the brackets: ![a short description]({src}), or "
                f"![{DECORATIVE}]({src}) for a decorative image",
            )
    for found in [*(m.group(1) for m in _SRC.finditer(html)), *(m.group(1) for m in _HREF.finditer(html))]:
        name = unescape(found)
        if name in seen or not is_file_ref(name):
            continue
        seen.add(name)
        if find(item, name, page_lang) is None:
            report(name, f"no file '{name}' in {folder}/", missing_hint(item))

    def lookup(name: str) -> Picture | Document | None:
        path = find(item, name, page_lang) if is_file_ref(name) else None
        return media.get(path) if path else None

    return place_media(html, lookup, is_file_ref, base_path, locale)


def check_static(found: BodyLink, text: Text, static: dict[str, str], problems: Collector) -> None:
    """A link to a file of `static/` (`static:map.svg`) names one that is there."""
    name = found.href.partition(":")[2]
    if name not in static:
        shown = ", ".join(sorted(static)) or "none"
        problems.add(
            text.path, found.line, f"no file '{name}' in static/", f"files there: {shown}", found.column, code="link"
        )


def item_picture(
    media: MediaTable, item: Item, text: Text, page_lang: str, base_path: str, place: str, lazy: bool
) -> str:
    """An item's own image (an action's `image:`, a partner's `logo:`) as `<picture>`, or "": the page
    language's own file first; its alternative text is the text's `image_alt` (a logo's: the partner's name,
    which the logo spells)."""
    name = item.facts.get("image") or item.facts.get("logo")
    found = media.get(find(item, name, page_lang) or "") if name else None
    if not isinstance(found, Picture):
        return ""
    alt = text.fields.get("image_alt") if item.collection == "actions" else text.title
    css = "logo" if item.collection == "partners" else "item-image"
    return picture(found, alt or "", base_path, place, lazy, css)
