"""The preview's link check of what an update rendered, with a large page's scan made from its pieces' scans.

A title edited renders the list page of every action again (a megabyte at 10,000 pages) and scanning it for
its ids and links took 10 ms, most of a title edit's check. A large page is cut before each `<li` (a card, an
item of a list) and each piece's scan is kept with the piece, between edits, by page: an edit scans only the
pieces that read otherwise. The union of the pieces' scans is the page's scan (`build/links.py` `scan`) as
long as no attribute the scan reads runs across a cut, which each piece's end tells; when one would, the page
is scanned whole. Pure but for the pieces it keeps; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from mecasite.build.links import HINT, Scan, Source, broken_links, scan
from mecasite.problems import Collector
from mecasite.site.targets import Targets

CUT = "<li"  # each piece after the first begins with it: a match of links._ATTR never begins at "<"
LARGE = 32_768  # characters: a smaller page is scanned whole (its pieces would cost more than they save)
# A piece ending inside an attribute value that the scan reads (`href="...` with no closing quote before the
# cut): the scan of the whole page would read on into the next piece.
_OPEN = re.compile(r'\s(?:id|name|href|src)="\Z')

Piece = tuple[Scan, bool]  # a piece's scan, and whether it ends inside an attribute value the scan reads


class Scanner:
    """Large pages' pieces with their scans, by page, as the last update left them."""

    def __init__(self) -> None:
        self.pieces: dict[str, dict[str, Piece]] = {}

    def scan(self, path: str, html: str) -> Scan:
        """The page's scan, the same as `scan(html)`."""
        if len(html) < LARGE:
            self.pieces.pop(path, None)
            return scan(html)
        parts = html.split(CUT)
        known, kept = self.pieces.get(path, {}), dict[str, Piece]()
        ids: set[str] = set()
        links: set[str] = set()
        for i, part in enumerate(parts):
            piece = kept.get(part) or known.get(part) or _piece(part)
            if piece[1] and i < len(parts) - 1:
                self.pieces.pop(path, None)
                return scan(html)
            kept[part] = piece
            ids |= piece[0].ids
            links |= piece[0].links
        self.pieces[path] = kept
        return Scan(ids, links)

    def forget(self, paths: Iterable[str]) -> None:
        for path in paths:
            self.pieces.pop(path, None)


def _piece(text: str) -> Piece:
    """A piece's scan: the same as with the cut before it, which holds no white space, where a match begins."""
    quote = text.rfind('"')
    return scan(text), quote >= 0 and _OPEN.search(text, max(0, quote - 6), quote + 1) is not None


def check_links(
    scans: Mapping[str, Scan],
    scanner: Scanner,
    files: Mapping[str, bytes],
    removed: Iterable[str],
    targets: Targets,
    skip: set[str],
    problems: Collector,
    source: Source,
) -> dict[str, Scan]:
    """The rendered pages' own links (`skip`: a body's, checked where it was converted), against every file the
    output will hold; the scans of all pages, updated. A broken link is reported at the template that wrote it
    (`source`: the renderer's `source_of`); raise ContentError for one."""
    updated = dict(scans)
    removed = list(removed)
    for path in removed:
        updated.pop(path, None)
    scanner.forget(removed)
    fresh = {path: scanner.scan(path, data.decode()) for path, data in files.items() if path.endswith(".html")}
    updated.update(fresh)
    for path, found in sorted(fresh.items()):
        for href, message in broken_links(path, Scan(found.ids, found.links - skip), targets, updated):
            where, line = source(path, href)
            problems.add(where, line, message, HINT, code="link")
    problems.raise_errors()
    return updated
