"""Examining a JPEG with Pillow. Runs inside the sandboxed child (see ``sandbox``).

The header gives size and orientation without touching pixels. The thumbnail is decoded
in JPEG draft mode: libjpeg scales by 1/2, 1/4 or 1/8 inside the DCT, so a 12-megapixel
photo costs a fraction of a full decode, yet every scan is still read to its end, which
is what catches a truncated upload.
"""

from __future__ import annotations

import io
import os
from typing import Any

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .findings import Findings

JPEG_QUALITY = 80


def examine_photo(path: str | os.PathLike, *, max_pixels: int, preview_long_side: int) -> Findings:
    # Pillow's own bomb check raises before it says how big the image is; ours reports it.
    Image.MAX_IMAGE_PIXELS = None
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    findings = Findings()
    try:
        image = Image.open(path, formats=["JPEG"])
        width, height = image.size
        orientation = _exif_orientation(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        return findings.problem("unreadable", kind="photo", detail=_detail(error))
    findings.measure(width=width, height=height, orientation=orientation)
    with image:
        if width * height > max_pixels:
            return findings.problem("photo_too_many_pixels", width=width, height=height, limit=max_pixels)
        try:
            findings.preview_jpeg = _thumbnail(image, long_side=preview_long_side, ops=ImageOps)
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            findings.problem("photo_damaged", detail=_detail(error))
    return findings


def _exif_orientation(image: Any) -> int | None:
    value = image.getexif().get(0x0112)  # ExifTags.Base.Orientation
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _thumbnail(image: Any, *, long_side: int, ops: Any) -> bytes:
    width, height = image.size
    scale = min(1.0, long_side / max(width, height))
    # draft() picks the smallest DCT scale whose result is at least the requested size.
    image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
    image.load()  # raises on a truncated or broken scan: LOAD_TRUNCATED_IMAGES is off
    upright = ops.exif_transpose(image)
    upright.thumbnail((long_side, long_side))
    if upright.mode != "RGB":  # CMYK, grey, YCCK after draft
        upright = upright.convert("RGB")
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _detail(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]
