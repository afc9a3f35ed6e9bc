"""The partners map: country shapes drawn at build time as one SVG file, coloured by the cluster's relations.

One file for every language (it holds no words: the page gives its text alternative, and its legend lists
the countries by name), so browsers download it once and keep it (`static/`, fingerprinted). Shown through
`<img>`, it cannot read the page's stylesheet: its colours are in its own `<style>`, the same as site.css's.

Shapes come from `data/countries.json` (Natural Earth via npm `world-atlas`, reduced by
`tools/make_map_data.py`); nothing is fetched when the site is built or viewed. Two panels (eastern North
America, Europe) in an equirectangular projection corrected for latitude. Pure, apart from reading the
packaged data file once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TypeAlias, TypedDict

DATA = Path(__file__).resolve().parents[1] / "data" / "countries.json"
GAP = 16.0
# The panels, left to right: (name, (west, south, east, north) in degrees, height in SVG units). Europe, where
# the cluster works most, is the main panel; eastern North America an inset.
VIEW = (("europe", (-10.5, 35.5, 30.0, 59.5), 340.0), ("america", (-106.0, 25.0, -64.0, 52.0), 230.0))
KINDS = ("home", "priority", "partner", "distant")  # strongest first: a country takes its first kind
FILE = "static/partner-map.svg"  # where the build writes it
STYLE = (  # site.css's colours for the map (--accent, --brand and its own blues)
    ".sea{fill:#eef4f9}.country{fill:#dfe4ea;stroke:#fff;stroke-width:.6}.home{fill:#c8501e}"
    ".priority{fill:#0b4f8a}.partner{fill:#5b8fc7}.distant{fill:#9bb9dc}"
)

Box: TypeAlias = tuple[float, float, float, float]  # west, south, east, north, in degrees
Ring: TypeAlias = list[list[float]]  # a closed outline: [longitude, latitude] points, as the JSON holds them


class Shapes(TypedDict):
    """`data/countries.json`: where the shapes come from, the box each panel was cut to, and the outlines
    of each country by ISO code."""

    source: str
    panels: dict[str, list[float]]
    countries: dict[str, list[Ring]]


@lru_cache(maxsize=1)
def shapes() -> Shapes:
    data: Shapes = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def _panels() -> list[tuple[str, Box, float, float, float]]:
    """(name, box, x offset, horizontal scale, vertical scale) of each panel, left to right."""
    result: list[tuple[str, Box, float, float, float]] = []
    x = 0.0
    for name, (west, south, east, north), height in VIEW:
        scale = height / (north - south)
        across = scale * math.cos(math.radians((south + north) / 2))  # equirectangular, true at mid-latitude
        result.append((name, (west, south, east, north), x, across, scale))
        x += (east - west) * across + GAP
    return result


def _path(rings: list[Ring], box: Box, offset: float, across: float, scale: float) -> str:
    west, south, east, north = box
    parts = []
    for ring in rings:
        points = [((lon - west) * across + offset, (north - lat) * scale) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def size() -> tuple[int, int]:
    """The drawing's width and height (the `<img>` reserves its place before the file arrives)."""
    panels = _panels()
    width = panels[-1][2] + (panels[-1][1][2] - panels[-1][1][0]) * panels[-1][3]
    return round(width), round(max(height for _, _, height in VIEW))


def draw(kinds: Mapping[str, str], id_prefix: str = "map") -> str:
    """The map as a standalone SVG file. `kinds`: country code -> one of KINDS."""
    panels = _panels()
    width, height = size()
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<style>{STYLE}</style>",
        "<defs>",
    ]
    for name, box, offset, across, scale in panels:
        w, h = (box[2] - box[0]) * across, (box[3] - box[1]) * scale
        out.append(
            f'<clipPath id="{id_prefix}-clip-{name}"><rect x="{offset:.1f}" y="0" width="{w:.1f}" '
            f'height="{h:.1f}"/></clipPath>'
        )
    out.append("</defs>")
    for name, box, offset, across, scale in panels:
        w, h = (box[2] - box[0]) * across, (box[3] - box[1]) * scale
        out.append(
            f'<g clip-path="url(#{id_prefix}-clip-{name})">'
            f'<rect class="sea" x="{offset:.1f}" y="0" width="{w:.1f}" height="{h:.1f}"/>'
        )
        for code, rings in shapes()["countries"].items():
            kind = kinds.get(code, "other")
            if not _visible(rings, box):
                continue
            d = _path(rings, box, offset, across, scale)
            out.append(
                f'<path class="country" d="{d}"/>' if kind == "other" else f'<path class="country {kind}" d="{d}"/>'
            )
        out.append("</g>")
    out.append("</svg>\n")
    return "".join(out)


def _visible(rings: list[Ring], box: Box) -> bool:
    west, south, east, north = box
    return any(west - 5 <= lon <= east + 5 and south - 5 <= lat <= north + 5 for ring in rings for lon, lat in ring)


def classify(home: str, priority: Iterable[str], distant: Iterable[str], partners: Iterable[str]) -> dict[str, str]:
    """Each country's strongest relation: home, then priority neighbour, then partner, then long-distance."""
    kinds: dict[str, str] = {}
    for kind, codes in (
        ("home", [home] if home else []),
        ("priority", priority),
        ("partner", partners),
        ("distant", distant),
    ):
        for code in codes:
            kinds.setdefault(code, kind)
    return kinds
