"""Images and documents in the markup: what the build made of each file, and the HTML that shows it.

The build (build/media.py) processes every file beside the text and hands rendering a `MediaTable`: for each
source file (by its project-relative path) its size and the files published for it. This module only writes
markup: `<picture>` with AVIF and WebP sources and the original format as the `<img>`, `srcset` and `sizes`,
explicit width and height, and a document's link with its type and size in the page's language. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape, unescape

from babel.units import format_unit

# How wide an image is shown, per place in the layout (site.css: the text column is 42rem at most, a card
# a third of 72rem, a logo 10rem on a card): the browser picks the width it needs from `srcset`.
SIZES = {
    "body": "(min-width: 48rem) 42rem, calc(100vw - 2.5rem)",
    "card": "(min-width: 72rem) 22rem, (min-width: 40rem) 45vw, calc(100vw - 4.5rem)",
    "logo": "10rem",
}
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png", "svg": "image/svg+xml"}


@dataclass(frozen=True)
class Variant:
    path: str  # output path below the site's base path: media/photo-1a2b3c4d5e-960.webp
    width: int
    format: str  # avif, webp, jpeg, png or svg


@dataclass(frozen=True)
class Picture:
    """An image as published: its size (after orientation) and its files, smallest first within a format;
    the last format is the fallback every browser shows."""

    width: int
    height: int
    variants: tuple[Variant, ...]

    def formats(self) -> list[str]:
        return list(dict.fromkeys(v.format for v in self.variants))


@dataclass(frozen=True)
class Document:
    path: str  # output path: media/leaflet-1a2b3c4d5e.pdf
    size: int  # bytes
    kind: str  # what the link says it is: PDF, DOCX...


MediaTable = Mapping[str, "Picture | Document"]


def picture(image: Picture, alt: str, base_path: str, place: str = "body", lazy: bool = True, css: str = "") -> str:
    """`<picture>` for `image`: a `<source>` per modern format, the fallback as `<img>` with its width and
    height (no layout shift); `lazy` below the fold."""
    formats = image.formats()

    def srcset(fmt: str) -> str:
        return ", ".join(f"{base_path}{v.path} {v.width}w" for v in image.variants if v.format == fmt)

    fallback = formats[-1]
    largest = [v for v in image.variants if v.format == fallback][-1]
    attrs = f' class="{css}"' if css else ""
    loading = ' loading="lazy" decoding="async"' if lazy else ' decoding="async"'
    if fallback == "svg":
        return (
            f'<img{attrs} src="{base_path}{largest.path}" alt="{escape(alt)}" width="{image.width}" '
            f'height="{image.height}"{loading}>'
        )
    sizes = SIZES[place]
    sources = "".join(f'<source type="{MIME[f]}" srcset="{srcset(f)}" sizes="{sizes}">' for f in formats[:-1])
    return (
        f'<picture>{sources}<img{attrs} src="{base_path}{largest.path}" srcset="{srcset(fallback)}" '
        f'sizes="{sizes}" alt="{escape(alt)}" width="{image.width}" height="{image.height}"{loading}></picture>'
    )


def file_size(size: int, locale: str) -> str:
    """A document's size as the page's language writes it: `1,2 Mo`, `340 kB`."""
    if size >= 1_000_000:
        return format_unit(round(size / 1_000_000, 1), "digital-megabyte", "short", locale=locale)
    return format_unit(max(1, round(size / 1000)), "digital-kilobyte", "short", locale=locale)


def document_note(document: Document, locale: str) -> str:
    """What follows a link to a document: `(PDF, 1,2 Mo)`."""
    return f'<span class="file-note"> ({document.kind}, {escape(file_size(document.size, locale))})</span>'


_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'\s([a-z]+)="([^"]*)"')
_LINK = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.S)

# Finds what a typed file name leads to: (name as typed, is an image) -> the file's entry, or None (the body's
# check has reported it where it was typed).
Lookup = Callable[[str], "Picture | Document | None"]


def place_media(html: str, lookup: Lookup, is_file: Callable[[str], bool], base_path: str, locale: str) -> str:
    """A converted body with its typed file names made into pictures and document links. An image whose
    alternative text is `""` is decorative on purpose (`alt=""`). A file that is not there (reported where it
    was typed) leaves no address behind: a missing image is left out, a link keeps its text."""

    def image(match: re.Match[str]) -> str:
        attrs = dict(_ATTR.findall(match.group(0)))
        src = unescape(attrs.get("src", ""))
        found = lookup(src)
        if not isinstance(found, Picture):
            return "" if is_file(src) else match.group(0)
        text = unescape(attrs.get("alt", ""))
        return picture(found, "" if text == '""' else text, base_path)

    def document(match: re.Match[str]) -> str:
        href = unescape(match.group(1))
        found = lookup(href)
        if found is None:
            return match.group(3) if is_file(href) else match.group(0)
        path = found.path if isinstance(found, Document) else found.variants[-1].path
        link = f'<a href="{escape(base_path + path)}"{match.group(2)}>{match.group(3)}</a>'
        return link + (document_note(found, locale) if isinstance(found, Document) else "")

    return _LINK.sub(document, _IMG.sub(image, html))


_MEDIA_URL = re.compile(r'(\s(?:src|href)="|\ssrcset="|, )(/[^"\s,]*media/)')


def absolute(html: str, base_path: str, base_url: str) -> str:
    """The media addresses of `html` made absolute (the Atom feed is read away from the site). Not cached: a
    feed's entry is rendered once and kept (render/feeds.py)."""
    prefix = base_path + "media/"
    return _MEDIA_URL.sub(lambda m: m.group(1) + (base_url + "media/" if m.group(2) == prefix else m.group(2)), html)
