"""The partners map: country shapes drawn at build time as inline SVG, coloured by the cluster's relations.

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
from html import escape
from pathlib import Path
from typing import TypeAlias, TypedDict

DATA = Path(__file__).resolve().parents[1] / "data" / "countries.json"
GAP = 16.0
# The panels, left to right: (name, (west, south, east, north) in degrees, height in SVG units). Europe, where
# the cluster works most, is the main panel; eastern North America an inset.
VIEW = (("europe", (-10.5, 35.5, 30.0, 59.5), 340.0), ("america", (-106.0, 25.0, -64.0, 52.0), 230.0))
KINDS = ("home", "priority", "partner", "distant")  # strongest first: a country takes its first kind

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


def draw(
    kinds: Mapping[str, str], names: Mapping[str, str], title: str, description: str, id_prefix: str = "map"
) -> str:
    """The map as SVG markup. `kinds`: country code -> one of KINDS; `names`: code -> name in the page's
    language (each coloured country carries it as its tooltip and accessible name)."""
    panels = _panels()
    width = panels[-1][2] + (panels[-1][1][2] - panels[-1][1][0]) * panels[-1][3]
    height = max(height for _, _, height in VIEW)
    out = [
        f'<svg class="partner-map" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
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
            if kind == "other":
                out.append(f'<path class="country" d="{d}"/>')
            else:
                out.append(
                    f'<path class="country {kind}" d="{d}"><title>{escape(names.get(code, code))}</title></path>'
                )
        out.append("</g>")
    out.append("</svg>")
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
