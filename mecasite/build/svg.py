"""SVG checked against an allow-list: a file opened on our domain must not run anything or fetch anything.

An SVG is XML that a browser runs like a page when it is opened directly: `<script>`, `onload=`,
`<foreignObject>` (HTML inside), `javascript:` addresses, and references to other files (`href`, `url(...)`,
`@import`) that could load or leak. Rather than repair such a file, the build refuses it, naming what it found;
a file that passes is written again without comments, processing instructions or metadata. Pure.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline",
    "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "clipPath", "mask",
    "pattern", "marker", "filter", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feFlood",
    "feComposite", "feMerge", "feMergeNode", "style",
}  # fmt: skip
DROPPED = {"metadata"}  # editors' data: removed, never published (so are elements and attributes of other
# namespaces: Inkscape's, Illustrator's)
REFERENCE_ATTRS = {"href", f"{{{XLINK_NS}}}href"}
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.I)
HINT = "export it again as a plain SVG (shapes and text only), or as a PNG"


class SvgError(Exception):
    def __init__(self, message: str, hint: str = HINT):
        super().__init__(message)
        self.message, self.hint = message, hint


def _local(tag: str) -> tuple[str, str]:
    ns, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return ns, name


def _check_style(text: str, where: str) -> None:
    lowered = text.lower()
    if "@import" in lowered or "javascript:" in lowered or "expression(" in lowered:
        raise SvgError(f"SVG with a style that loads or runs something ({where})")
    for target in _URL.findall(text):
        if not target.startswith("#"):
            raise SvgError(f"SVG with a reference to another file: url({target}) ({where})")


def sanitize_svg(data: bytes) -> bytes:
    """The SVG `data` written again, or SvgError naming the first thing that is not allowed."""
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise SvgError("SVG with a DOCTYPE or entities (they can expand without end or read files)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise SvgError(f"not a readable SVG ({exc})", "export it again from the drawing program") from None
    if _local(root.tag) != (SVG_NS, "svg"):
        raise SvgError("not an SVG image (its first element is not <svg>)", "export it again as SVG")
    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str) or _local(child.tag)[1] in DROPPED or _local(child.tag)[0] != SVG_NS:
                parent.remove(child)
    for element in root.iter():
        ns, name = _local(element.tag)
        if ns != SVG_NS or name not in ELEMENTS:
            raise SvgError(f"SVG with a <{name}> element, which is not allowed")
        if name == "style":
            _check_style(element.text or "", "<style>")
        for attr, value in list(element.attrib.items()):
            attr_ns, attr_name = _local(attr)
            if attr_name.lower().startswith("on"):
                raise SvgError(f"SVG with an event handler ({attr_name}= on <{name}>)")
            if attr in REFERENCE_ATTRS and not value.strip().startswith("#"):
                raise SvgError(f'SVG with a reference to another file: {attr_name}="{value[:60]}" on <{name}>')
            if attr_ns not in ("", XLINK_NS, "http://www.w3.org/XML/1998/namespace"):
                del element.attrib[attr]
                continue
            if attr_name == "style" or "url(" in value.lower():
                _check_style(value, f"{attr_name}= on <{name}>")
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=False))


def _length(value: str | None) -> float | None:
    match = re.fullmatch(r"\s*([0-9.]+)\s*(px)?\s*", value or "")
    return float(match.group(1)) if match else None


def svg_size(data: bytes) -> tuple[int, int]:
    """The width and height an `<img>` gives the SVG: its own, else its viewBox's."""
    root = ET.fromstring(data)
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width and height:
        return round(width), round(height)
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        w, h = float(box[2]), float(box[3])
        if w > 0 and h > 0:
            return round(w), round(h)
    except (IndexError, ValueError):
        pass
    raise SvgError("SVG without a size", 'give its <svg> element a viewBox, e.g. viewBox="0 0 200 100"')
