"""One image file made into the files a page shows: safe, stripped of metadata, in several widths and formats.

Every raster image is opened with Pillow behind limits (file size, pixels: a decompression bomb is an error
before any pixel is decoded, width), its content must match its extension, its orientation is applied first
and its colours converted to sRGB; it is then written again from its pixels alone, so that no EXIF (camera,
GPS position), XMP, comment or profile reaches the site. SVG goes through svg.py. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import PIL
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError, features

from mecasite.build.svg import SvgError, sanitize_svg, svg_size

WIDTHS = (480, 960, 1600)  # from the layout: a card, the text column, the column on a sharp screen
MAX_BYTES = 25_000_000  # an image file larger than this is a camera original, not a web image
MAX_WIDTH = 12_000  # pixels, either side
MAX_PIXELS = 60_000_000  # beyond this, Pillow would decode a decompression bomb
MODERN = ("avif", "webp") if features.check("avif") else ("webp",)
QUALITY = {"avif": 60, "webp": 80, "jpeg": 82}
# Encoder settings beyond quality, measured on 3000 x 2000 photos (bench/README.md, "Images"). AVIF: libaom at
# speed 8 makes the 1600-pixel file in 0.13 s instead of 1.3 s at Pillow's default 6, the same size within 1 %
# and 0.1 dB PSNR lower: what made AVIF cost two thirds of a photo's time. WebP keeps method 4 (Pillow's
# default): method 2 halves its time for 3 % larger files, which every visitor downloads. JPEG keeps
# Huffman optimisation and progressive scans (0.03 s at 1600 pixels, 5 % smaller files).
ENCODE: dict[str, dict[str, object]] = {
    "avif": {"quality": QUALITY["avif"], "speed": 8},
    "webp": {"quality": QUALITY["webp"], "method": 4},
    "jpeg": {"quality": QUALITY["jpeg"], "optimize": True, "progressive": True},
    "png": {"optimize": True},
}
# A draft of an image for the preview, shown while the files above are made in the background: the
# original's format alone, resized bilinearly and encoded fast (a 3000 x 2000 logo in about a third of the
# time). Never cached and never in a build.
QUICK: dict[str, dict[str, object]] = {"jpeg": {"quality": QUALITY["jpeg"]}, "png": {"compress_level": 1}}
# What the cache key says about the operation: change it whenever the files made would change.
OPERATION = (
    f"v3 widths={','.join(map(str, WIDTHS))} formats={','.join(MODERN)} encode={ENCODE} pillow={PIL.__version__}"
)
# The format each extension promises (Pillow's names).
EXPECTED = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".avif": "AVIF", ".gif": "GIF"}


class ImageError(Exception):
    """A file the site cannot publish: `message` names it, `hint` says what to do."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Made:
    """What one image became: its size (after orientation), and each published file by (width, format)."""

    width: int
    height: int
    files: tuple[tuple[int, str, bytes], ...]
    draft: bool = False  # the preview's quick draft (QUICK): never cached; an SVG is never one


def make_image(name: str, data: bytes, quick: bool = False) -> Made:
    """`data` (the file `name`) as published files; ImageError for anything the site should not publish.
    `quick`: the preview's draft (QUICK), checked as strictly, in the same sizes and names."""
    if len(data) > MAX_BYTES:
        raise ImageError(
            f"{name} is {len(data) / 1_000_000:.1f} MB, more than the {MAX_BYTES // 1_000_000} MB an image may be",
            "export it for the web (a photo of 3000 pixels is a few MB at most)",
        )
    ext = "." + name.rpartition(".")[2].lower()
    if ext == ".svg":
        try:
            clean = sanitize_svg(data)
            width, height = svg_size(clean)
        except SvgError as exc:
            raise ImageError(f"{name}: {exc.message}", exc.hint) from None
        return Made(width, height, ((width, "svg", clean),))
    image = _open(name, data, EXPECTED[ext])
    return _publish(image, ext, quick)


def _open(name: str, data: bytes, expected: str) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(EXPECTED.values()))
            found = image.format or "?"
            if found != expected:
                ext = {"JPEG": "jpg"}.get(found, found.lower())
                raise ImageError(
                    f"{name} holds a {found} image, not {expected}",
                    f"rename it with its real extension: {name.rpartition('.')[0]}.{ext}",
                )
            width, height = image.size
            if max(width, height) > MAX_WIDTH:
                raise ImageError(
                    f"{name} is {width} x {height} pixels, more than the {MAX_WIDTH} an image may have on a side",
                    f"resize it to {WIDTHS[-1]} pixels wide or a little more",
                )
            if width * height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            if found == "JPEG":
                # Decoded straight at a half, a quarter or an eighth of its size (libjpeg scales in the DCT)
                # when both sides stay at least as wide as the widest published file, whichever way the
                # orientation turns it: a 6000 x 4000 camera original is decoded, converted and resized in
                # 1.6 s instead of 4.1 s, 49 dB or more from a full decode. The size stated in the markup is
                # then the decoded one, in the same proportions. A 3000-pixel photo is decoded whole.
                image.draft(image.mode, (WIDTHS[-1], WIDTHS[-1]))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError(
                f"{name} would decode to more than {MAX_PIXELS // 1_000_000} million pixels",
                "export it again at web size; a file this small with so many pixels is made to crash programs",
            ) from None
        except ImageError:
            raise
        except (OSError, ValueError, SyntaxError, EOFError, UnidentifiedImageError):
            raise ImageError(
                f"{name} is not a readable image (damaged or incomplete)", "export it again from the original"
            ) from None
    return image


def _srgb(image: Image.Image) -> Image.Image:
    """Orientation applied, colours in sRGB, and nothing else kept: no EXIF, XMP, comment or profile."""
    image = ImageOps.exif_transpose(image) or image
    profile = image.info.get("icc_profile")
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if alpha else "RGB"
    if profile and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            target = ImageCms.createProfile("sRGB")
            image = ImageCms.profileToProfile(image, source, target, outputMode=mode) or image
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: the pixels as they are
    clean = image.convert(mode)
    clean.info = {}
    return clean


def scaled(clean: Image.Image, quick: bool = False) -> list[tuple[int, Image.Image]]:
    """`clean` at each published width, smallest first, never wider than it is. Each width is resized once for
    every format, and from the next larger width rather than the original (1600 -> 960 -> 480: a 960-pixel
    image is resized from 1.7 million pixels instead of 6): Lanczos, whose low-pass at the smaller width
    removes what the larger one kept, so the result differs from a direct resize by less than JPEG's noise.
    `quick`: bilinear, for a draft."""
    resample = Image.Resampling.BILINEAR if quick else Image.Resampling.LANCZOS
    width, height = clean.size
    result: list[tuple[int, Image.Image]] = []
    source = clean
    for target in sorted({min(w, width) for w in WIDTHS}, reverse=True):
        if target != source.width:
            source = source.resize((target, round(height * target / width)), resample)
        result.append((target, source))
    return result[::-1]


def encode(image: Image.Image, fmt: str, quick: bool = False) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt.upper(), **(QUICK if quick else ENCODE)[fmt])
    return out.getvalue()


def _publish(image: Image.Image, ext: str, quick: bool = False) -> Made:
    clean = _srgb(image)
    width, height = clean.size
    fallback = "png" if clean.mode == "RGBA" or ext in (".png", ".gif") else "jpeg"
    sizes = scaled(clean, quick)  # once for all the formats
    formats = (fallback,) if quick else (*MODERN, fallback)
    jobs = [(target, fmt, small) for fmt in formats for target, small in sizes]
    # Pillow's encoders release the GIL: an image processed alone (the preview, a build after one image
    # changed) is encoded on every core. In a helper process of a clean build, the cores are taken already.
    threads = 1 if multiprocessing.parent_process() else min(os.cpu_count() or 1, len(jobs))
    if threads == 1:
        return Made(width, height, tuple((t, fmt, encode(small, fmt, quick)) for t, fmt, small in jobs), quick)
    # Each thread saves its own copy: `Image.save` keeps the encoder's options on the image object
    # (`encoderinfo`), so two formats saved from one object at once could take each other's settings.
    with ThreadPoolExecutor(threads) as pool:
        encoded = list(pool.map(lambda job: encode(job[2].copy(), job[1], quick), jobs))
    return Made(width, height, tuple((t, fmt, data) for (t, fmt, _), data in zip(jobs, encoded, strict=True)), quick)
