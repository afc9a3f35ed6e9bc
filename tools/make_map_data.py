"""Reduce Natural Earth country shapes (npm `world-atlas`, TopoJSON) to the small file the map is drawn from.

Run once, by hand, when the map's area changes; the build itself reads only the committed result and stays
pure Python:

    npm install --no-save world-atlas
    python tools/make_map_data.py node_modules/world-atlas/countries-50m.json mecasite/data/countries.json

Keeps the countries of the map's two panels (Europe, eastern North America), simplified (Douglas-Peucker,
0.08 degrees) and rounded to 0.01 degree, keyed by ISO 3166-1 alpha-2 code (from CLDR's English names).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel import Locale

# The map's panels: (west, south, east, north) in degrees. Countries touching one are kept.
PANELS = {"europe": (-11.0, 35.0, 30.0, 60.0), "america": (-108.0, 24.0, -58.0, 54.0)}
TOLERANCE = 0.08
# Natural Earth names that CLDR writes differently.
ALIASES = {
    "United States of America": "US",
    "Bosnia and Herz.": "BA",
    "Czechia": "CZ",
    "Macedonia": "MK",
    "North Macedonia": "MK",
    "Kosovo": "XK",
    "Dominican Rep.": "DO",
    "Russia": "RU",
    "Moldova": "MD",
    "Bahamas": "BS",
    "Turkey": "TR",
    "N. Cyprus": "",
    "Cyprus U.N. Buffer Zone": "",
}


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantized, delta-encoded arcs as lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5 or 1e-12
        index, distance = 0, 0.0
        for i in range(first + 1, last):
            x, y = points[i]
            d = (
                abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
                if (dx or dy)
                else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            )
            if d > distance:
                index, distance = i, d
        if distance > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=False) if k]


def touches(points, box) -> bool:
    west, south, east, north = box
    return any(west <= x <= east and south <= y <= north for x, y in points)


def main(source: Path, target: Path) -> None:
    topology = json.loads(source.read_text())
    arcs = decode_arcs(topology)
    codes = {name: code for code, name in Locale("en").territories.items() if len(code) == 2}
    result: dict[str, list] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name", "")
        code = ALIASES.get(name, codes.get(name))
        if not code or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = []
        for polygon in polygons:
            outer = ring(arcs, polygon[0])
            if not any(touches(outer, box) for box in PANELS.values()):
                continue
            small = simplify(outer, TOLERANCE)
            if len(small) >= 4:
                rings.append([[round(x, 2), round(y, 2)] for x, y in small])
        if rings:
            result[code] = rings
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps(
            {
                "source": "Natural Earth 1:50m via world-atlas, simplified",
                "panels": PANELS,
                "countries": dict(sorted(result.items())),
            },
            separators=(",", ":"),
        )
        + "\n"
    )
    print(f"{len(result)} countries, {target.stat().st_size:,} bytes -> {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
