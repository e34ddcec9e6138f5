"""Rules of a contest's uploads and members' lists, written once for the forms (and a later
import). Files are judged by their content, never by their name: a plan is a PDF by its
first bytes (``exhibits.validation.check_pdf``, the hall's rule), a pitch video a video
container by its first bytes (``submissions.media.sniff``, the reports' rule).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from exhibits.validation import check_pdf
from submissions.media.sniff import HEAD_BYTES, VIDEO, sniff_bytes

MIB = 1024 * 1024
VIDEO_MAX_BYTES = 1024 * MIB
# The suffix a stored video gets, by the container its first bytes show.
VIDEO_SUFFIXES = {"MP4": ".mp4", "MOV": ".mov", "3GP": ".mov", "MKV": ".mkv", "WebM": ".webm", "AVI": ".avi"}
SINGLE_LINE_ENTRY_FIELDS = ("name", "organization", "contact_name")

__all__ = ["check_pdf", "checked_video_suffix", "parse_members"]


def checked_video_suffix(upload) -> str:
    """The stored suffix of an upload that is a common video container by content, within the
    size limit; else ``ValidationError`` in plain Chinese. Leaves the file at its start."""
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


def parse_members(text: str, *, limit: int) -> list[dict]:
    """Team members typed one a line, "姓名 角色" (or with a comma): [{"name", "role"}]."""
    members = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        parts = re.split(r"[,，、\s]+", line, maxsplit=1)
        name, role = parts[0], (parts[1].strip() if len(parts) > 1 else "")
        if len(name) > 60 or len(role) > 60:
            raise ValidationError(_("成员姓名和角色各不超过 60 个字。"), code="long")
        members.append({"name": name, "role": role})
    if len(members) > limit:
        raise ValidationError(_("最多填写 %(count)d 位成员。") % {"count": limit}, code="too_many")
    return members


def members_text(members: list[dict]) -> str:
    return "\n".join(f"{member.get('name', '')} {member.get('role', '')}".strip() for member in members or [])
