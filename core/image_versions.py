"""Web versions of an uploaded image: progressive JPEGs 400, 800 and 1600 pixels wide.

A phone should not download a 9000-pixel photo: pages offer these versions through
``srcset`` (``responsive_attrs``) and keep the original. Any app that stores images uses it
the same way: a worker calls ``make_versions`` for a stored file, the app records the result
(``versions_record``) on its own row beside the file's name and reads it back with
``recorded_versions``, which ignores versions made for another file (the image changed and
the worker has not run yet). A record looks like::

    {"source": "covers/ab12.png",
     "versions": {"400": {"name": "covers/ab12-400w-9f3c0d1e.jpg", "width": 400, "height": 267}, ...}}

Each key is a slot (400, 800, 1600); a slot wider than the image holds the image at its own
width (never upscaled) and no wider slot follows. Files are read and written only through
the storage given, so S3 works alike. Knows nothing of any domain.
"""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageCms, ImageOps

log = logging.getLogger(__name__)

WIDTHS = (400, 800, 1600)
# What the upload forms accept; Pillow's own decompression-bomb limit stays in force as well.
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 82
# The version a browser without srcset (and the page's layout, by its width and height) gets.
SRC_SLOT = 800

_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class ImageVersion:
    slot: int
    name: str
    width: int
    height: int


def recorded_versions(record: dict | None, source: str) -> dict[int, ImageVersion]:
    """The versions ``record`` holds for the file named ``source``, by slot, smallest first;
    empty when they were made for another file, or not yet."""
    record = record or {}
    if not source or record.get("source") != source:
        return {}
    return {
        int(slot): ImageVersion(slot=int(slot), name=item["name"], width=item["width"], height=item["height"])
        for slot, item in sorted(record.get("versions", {}).items(), key=lambda pair: int(pair[0]))
    }


def versions_record(source: str, made: list[ImageVersion]) -> dict:
    return {
        "source": source,
        "versions": {str(v.slot): {"name": v.name, "width": v.width, "height": v.height} for v in made},
    }


def version_names(record: dict | None) -> list[str]:
    """Every file a record names (whatever its source), to delete them with the original."""
    return [item["name"] for item in (record or {}).get("versions", {}).values()]


def make_versions(storage, source: str, *, widths: tuple[int, ...] = WIDTHS) -> list[ImageVersion]:
    """Decode the stored image ``source`` (EXIF orientation applied, converted to sRGB RGB,
    metadata dropped) and store its versions beside it under unique names. An image that
    cannot be decoded, or has more than ``MAX_PIXELS``, gets none (logged). Returns them,
    smallest first; the caller records them, or deletes them if the image changed meanwhile.

    Side effects: the version files."""
    with storage.open(source, "rb") as handle:
        try:
            renditions = render(handle, widths=widths)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            log.warning("image %s not decoded (%s): no web versions", source, error)
            return []
    path = PurePosixPath(source)
    made: list[ImageVersion] = []
    try:
        for slot, image in renditions:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
            # Unique even where a storage overwrites, so two runs for one image never share a file.
            unique = f"{path.stem}-{image.width}w-{uuid.uuid4().hex[:8]}.jpg"
            name = storage.save(str(path.with_name(unique)), ContentFile(buffer.getvalue()))
            made.append(ImageVersion(slot=slot, name=name, width=image.width, height=image.height))
    except Exception:
        for version in made:
            storage.delete(version.name)
        raise
    return made


def render(handle, *, widths: tuple[int, ...] = WIDTHS) -> list[tuple[int, Image.Image]]:
    """The versions of the image in ``handle`` as (slot, RGB image), smallest first."""
    with Image.open(handle) as image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ValueError(f"{width}x{height} is more than {MAX_PIXELS} pixels")
        # A JPEG decodes at a fraction of its size when that is still at least as large as the
        # largest version (in both directions, whichever way the EXIF orientation turns it).
        image.draft("RGB", (widths[-1], widths[-1]))
        upright = ImageOps.exif_transpose(image)
        rgb = _to_srgb(upright)
    versions = []
    for slot, target in plan(rgb.width, widths=widths):
        target_height = max(1, round(target * rgb.height / rgb.width))
        if (target, target_height) == rgb.size:
            versions.append((slot, rgb))
        else:
            versions.append(
                (slot, rgb.resize((target, target_height), Image.Resampling.LANCZOS, reducing_gap=3.0))
            )
    return versions


def plan(width: int, *, widths: tuple[int, ...] = WIDTHS) -> list[tuple[int, int]]:
    """(slot, width) of each version of an image ``width`` wide: a slot at least as wide as
    the image takes the image's own width, and is the last."""
    slots = []
    for slot in widths:
        slots.append((slot, min(slot, width)))
        if width <= slot:
            break
    return slots


def _to_srgb(image: Image.Image) -> Image.Image:
    """``image`` as RGB in sRGB: transparency laid on white, an embedded colour profile applied."""
    profile = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode not in ("RGB", "CMYK"):
        image = image.convert("RGB")
    if profile:
        try:
            return ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _SRGB, outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: take the pixels as they are
    return image.convert("RGB") if image.mode != "RGB" else image


def responsive_attrs(url: str, versions: dict[int, ImageVersion], *, sizes: str) -> dict:
    """What an ``<img>`` needs to offer ``versions`` of the image served at ``url`` (which
    answers ``?w=<slot>``): ``src`` (the ``SRC_SLOT`` version, or the largest below it),
    ``srcset`` with each version's real width, ``sizes``, and the ``src``'s width and height
    so the page keeps its place. Without versions, the original's ``url`` alone."""
    if not versions:
        return {"src": url}
    smaller = [version for slot, version in versions.items() if slot <= SRC_SLOT]
    src = versions.get(SRC_SLOT) or max(smaller or versions.values(), key=lambda v: v.slot)
    return {
        "src": f"{url}?w={src.slot}",
        "srcset": ", ".join(f"{url}?w={v.slot} {v.width}w" for v in versions.values()),
        "sizes": sizes,
        "width": src.width,
        "height": src.height,
    }


def version_for(versions: dict[int, ImageVersion], width: str) -> ImageVersion | None:
    """The version a file view serves for its ``?w=`` (a slot's number), if made."""
    try:
        slot = int(width)
    except (TypeError, ValueError):
        return None
    return versions.get(slot) if slot in WIDTHS else None
