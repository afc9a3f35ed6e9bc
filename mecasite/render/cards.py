"""Social cards: the picture a share of a page shows (`og:image`) when the page has no image of its own.

A card is the page's title, in the language of the text the page shows, with the site's name, on the site's
colours (read from the stylesheet's custom properties), 1200 x 630 as Open Graph and X ask. A card is a frozen
value (`Card`): what is drawn, nothing else, so pages that show the same text (a fallback copy and its
original, a partner's name in every language) share one file, and its key names the file and the cached copy
(build/cards.py). Drawing is pure: a `Card` in, PNG bytes out (measured: a flat PNG of a few colours is a
third of the size of a JPEG at quality 85, and has no blur around the letters).

The font is DejaVu Sans Bold, shipped in `mecasite/data/fonts/`: Pillow's own default font (Aileron) has no
é, ü or ß, and a system font would make cards differ from one machine to the next.

Pillow is imported only to draw (or measure) a card: a build whose cards are all cached, as the real site's
usually are, never loads it (some 30 ms of every run). A card's key names Pillow's version as its installed
distribution says it (config/engine.py reads those), the same string as `PIL.__version__`.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from mecasite.config.engine import distributions

if TYPE_CHECKING:
    from PIL import ImageFont

WIDTH, HEIGHT = 1200, 630
FONT = Path(__file__).resolve().parents[1] / "data" / "fonts" / "DejaVuSans-Bold.ttf"
FOLDER = "static/cards"  # below static/, so that hosts cache them for a year like the stylesheets (_headers)

_MARGIN = 80
_TITLE_TOP = 200  # below the site's name
_BAND = 18  # the accent band at the bottom
_SIZES = range(84, 39, -4)  # title sizes tried, largest first, until the title fits
_MAX_LINES = 5
_SPACING = 1.22  # line height, as a multiple of the size
_ELLIPSIS = "…"
_LEVELS = 16  # shades between the background and the text
_SOFT = 215  # the section name: a little softer than the title


@dataclass(frozen=True)
class Palette:
    """The card's colours, as `#rrggbb`."""

    background: str = "#083a66"  # --brand-dark: the site's header
    band: str = "#0b4f8a"  # --brand: the menu bar
    accent: str = "#c8501e"  # --accent
    text: str = "#ffffff"


_CSS_VARS = {"background": "--brand-dark", "band": "--brand", "accent": "--accent"}
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def palette_from_css(css: str) -> Palette:
    """The palette from a stylesheet's custom properties (`--brand-dark: #083a66;`); a colour missing, or not
    written as `#rrggbb`, keeps its default: the cards follow the site when its colours change."""
    found: dict[str, str] = {}
    for name, prop in _CSS_VARS.items():
        match = re.search(rf"{re.escape(prop)}\s*:\s*([^;}}]+)", css)
        if match and _HEX.fullmatch(match.group(1).strip()):
            found[name] = match.group(1).strip().lower()
    return Palette(**found)


@dataclass(frozen=True)
class Card:
    """What one card shows: everything that is drawn, and nothing else."""

    title: str  # in the language of the text the page shows, as are the two below
    site: str  # the site's name, in that language
    section: str  # the site's section ("International"), in that language
    palette: Palette = Palette()

    @property
    def key(self) -> str:
        """A digest of what is drawn and of how: the drawing code, the font and Pillow's version."""
        return _key(self)

    @property
    def path(self) -> str:
        """Its output path: fingerprinted, so hosts may cache it for a year."""
        return f"{FOLDER}/{self.key}.png"

    @property
    def alt(self) -> str:
        """Its text alternative: what the card says."""
        return f"{self.title} – {self.site} {self.section}"


@lru_cache(maxsize=4096)
def _key(card: Card) -> str:
    """By value: a page's card is made again for its share picture, and several pages show one card."""
    text = json.dumps(asdict(card), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{drawing_key()}\0{text}".encode()).hexdigest()[:20]


@lru_cache(maxsize=1)
def drawing_key() -> str:
    """Pillow's version, this module's code and the font: a change to any of them draws every card again."""
    digest = hashlib.sha256(pillow_version().encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(FONT.read_bytes())
    return digest.hexdigest()


def pillow_version() -> str:
    """Pillow's version without importing it: from its installed distribution, else from Pillow itself."""
    found = distributions().get("pillow")
    if found is None:
        import PIL

        found = PIL.__version__
    return found


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT), size)


def missing_glyphs(text: str) -> str:
    """The characters of `text` the card's font cannot draw (they would show as a box)."""
    return "".join(sorted({ch for ch in text if not ch.isspace() and not _has_glyph(ch)}))


@lru_cache(maxsize=4096)
def _has_glyph(ch: str) -> bool:
    from PIL import ImageFont

    font = ImageFont.truetype(str(FONT), 20, layout_engine=ImageFont.Layout.BASIC)
    return bytes(font.getmask(ch)) != bytes(font.getmask("\uffff"))  # not the .notdef box


def wrap(text: str, size: int, width: int) -> list[str] | None:
    """`text` in lines no wider than `width` at `size`, breaking between words; None if a word alone is wider
    (a long German compound: try a smaller size)."""
    font = _font(size)
    lines: list[str] = []
    for word in _words(text):
        if font.getlength(word) > width:
            return None
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _words(text: str) -> list[str]:
    """Split at ordinary spaces only: French typography's no-break spaces stay inside their line."""
    return [word for word in re.split(r"[ \t\n]+", text) if word]


def fit(text: str, width: int, height: int) -> tuple[int, list[str]]:
    """The largest size at which `text` fits the box in at most five lines, and its lines. At the smallest
    size, a word wider than the box is cut with a hyphen and lines beyond the box end in an ellipsis."""
    for size in _SIZES:
        lines = wrap(text, size, width)
        if lines is not None and len(lines) <= _MAX_LINES and len(lines) * size * _SPACING <= height:
            return size, lines
    size = _SIZES[-1]
    font = _font(size)
    lines = []
    for word in _words(text):
        while font.getlength(word) > width:  # cut where it still fits, with a hyphen
            cut = max(i for i in range(1, len(word)) if font.getlength(word[:i] + "-") <= width)
            lines.append(word[:cut] + "-")
            word = word[cut:]
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    room = min(_MAX_LINES, int(height // (size * _SPACING)))
    if len(lines) > room:
        lines = lines[:room]
        last = lines[-1]
        while last and font.getlength(last + _ELLIPSIS) > width:  # whole words off, while there are two
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = last.rstrip() + _ELLIPSIS
    return size, lines


def draw_card(card: Card) -> bytes:
    """The card as PNG bytes. The text is drawn once as a grey mask, whose levels index a palette of blends
    from the background to the text's colour: a 16-colour image, small and fast to encode (a generic
    quantizer took 90 ms a card)."""
    from PIL import Image, ImageDraw

    colours = card.palette
    mask = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(mask)
    width = WIDTH - 2 * _MARGIN
    site_size, _ = fit(card.site, width, 60)
    draw.text((_MARGIN, _MARGIN), card.site, font=_font(min(site_size, 44)), fill=255)
    draw.text((_MARGIN, _MARGIN + 54), card.section.upper(), font=_font(24), fill=_SOFT)
    size, lines = fit(card.title, width, HEIGHT - _TITLE_TOP - _MARGIN - _BAND * 2)
    y = float(_TITLE_TOP)
    for line in lines:
        draw.text((_MARGIN, y), line, font=_font(size), fill=255)
        y += size * _SPACING
    levels = mask.point([round(v * (_LEVELS - 1) / 255) for v in range(256)])
    image = Image.frombytes("P", (WIDTH, HEIGHT), levels.tobytes())
    image.putpalette(_palette(colours))
    paint = ImageDraw.Draw(image)
    paint.rectangle((0, HEIGHT - _BAND * 2, WIDTH, HEIGHT - _BAND), fill=_LEVELS)  # the band
    paint.rectangle((0, HEIGHT - _BAND, WIDTH, HEIGHT), fill=_LEVELS + 1)  # the accent
    paint.rectangle((_MARGIN, _MARGIN + 96, _MARGIN + 96, _MARGIN + 104), fill=_LEVELS + 1)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6)  # 6 ms and 14 KB; 9 saves 2 KB for 35 ms
    return out.getvalue()


def _palette(colours: Palette) -> list[int]:
    """_LEVELS blends from the background to the text's colour, then the band and the accent."""
    back, text = _rgb(colours.background), _rgb(colours.text)
    blends = [
        round(b + (t - b) * level / (_LEVELS - 1)) for level in range(_LEVELS) for b, t in zip(back, text, strict=True)
    ]
    return blends + list(_rgb(colours.band)) + list(_rgb(colours.accent))


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
