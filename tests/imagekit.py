"""Images made with Pillow for the tests (the real content has none: the sources give none)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def photo(width: int = 2000, height: int = 1200, fmt: str = "JPEG", exif_gps: bool = False, **save) -> bytes:
    """A photo-like image: a gradient (compresses like a photo, unlike a flat colour)."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"  # Make
        exif[0x0112] = 6  # Orientation: rotate 90° on display
        exif.get_ifd(0x8825)[2] = (50.0, 28.0, 0.0)  # GPSLatitude
        save["exif"] = exif
    image.save(out, fmt, **save)
    return out.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG that claims `width` x `height` pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
