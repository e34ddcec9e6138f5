"""Rules for a project's files and one-line texts, written once for the forms and the bulk
import (``importing.py``). Files are judged by their content, never by their name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from submissions.media.sniff import HEAD_BYTES, VIDEO, sniff_bytes

MIB = 1024 * 1024
IMAGE_MAX_BYTES = 10 * MIB
IMAGE_MAX_PIXELS = 50_000_000
DOCUMENT_MAX_BYTES = 20 * MIB
VIDEO_MAX_BYTES = 1024 * MIB
# The suffix a stored video gets, by the container its first bytes show (``submissions.media.sniff``).
VIDEO_SUFFIXES = {"MP4": ".mp4", "MOV": ".mov", "3GP": ".mov", "MKV": ".mkv", "WebM": ".webm", "AVI": ".avi"}
# The formats a browser shows everywhere, each with the suffix its stored name gets.
IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png"}
PDF_MAGIC = b"%PDF-"
# A curator's bulk import (``importing.py``): the .xlsx of projects and the .zip of images.
IMPORT_SHEET_MAX_BYTES = 10 * MIB
IMPORT_IMAGES_MAX_BYTES = 1024 * MIB
# Fields of a project that hold one line (titles and names reach og: meta, headers, cells).
SINGLE_LINE_PROJECT_FIELDS = ("title", "pitch", "organization", "contact_name")


def checked_image_suffix(upload) -> str:
    """The stored suffix of an uploaded image that is a JPEG or PNG by content, within the size
    and pixel limits; else ``ValidationError`` in plain Chinese. Leaves the file at its start."""
    return checked_image(upload).suffix


@dataclass(frozen=True)
class CheckedImage:
    suffix: str
    width: int
    height: int


def checked_image(upload) -> CheckedImage:
    """``checked_image_suffix`` with the image's size in pixels (the bulk import records it)."""
    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError(_("图片不能超过 10 MB。"), code="size")
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("无法识别的图片，请上传 JPEG 或 PNG 格式的照片。"), code="unreadable"
        ) from None
    finally:
        upload.seek(0)
    if kind not in IMAGE_FORMATS:
        raise ValidationError(
            _("请上传 JPEG 或 PNG 格式的图片（按文件内容判断，不看扩展名）。"), code="format"
        )
    if width * height > IMAGE_MAX_PIXELS:
        raise ValidationError(_("图片像素过多（超过 5000 万像素），请缩小后再上传。"), code="pixels")
    return CheckedImage(suffix=IMAGE_FORMATS[kind], width=width, height=height)


def check_pdf(upload) -> None:
    """A PDF by its first bytes (``%PDF-``), within the size limit; else ``ValidationError``."""
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(_("文档不能超过 20 MB。"), code="size")
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(_("请上传 PDF 文档（按文件内容判断，不看扩展名）。"), code="format")


def checked_video_suffix(upload) -> str:
    """The stored suffix of an upload that is a common video container by its first bytes,
    within the size limit; else ``ValidationError`` in plain Chinese. Leaves the file at its
    start. Only a first look: the worker's check reads the whole video (``services.videos``)."""
    if upload.size > VIDEO_MAX_BYTES:
        raise ValidationError(_("视频不能超过 1 GB。"), code="size")
    upload.seek(0)
    sniffed = sniff_bytes(upload.read(HEAD_BYTES))
    upload.seek(0)
    if sniffed.kind != VIDEO or sniffed.label not in VIDEO_SUFFIXES:
        raise ValidationError(
            _("请上传 MP4、MOV、MKV、WebM 或 AVI 格式的视频（按文件内容判断，不看扩展名）。"), code="format"
        )
    return VIDEO_SUFFIXES[sniffed.label]
