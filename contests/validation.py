"""Rules of a contest's uploads and members' lists, written once for the forms (and a later
import). Files are judged by their content, never by their name: a plan is a PDF by its
first bytes and a pitch video a common video container by its first bytes, within 1 GB: the
hall's rules (``exhibits.validation.check_pdf`` and ``checked_video_suffix``), used as they are.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from exhibits.validation import VIDEO_MAX_BYTES, check_pdf, checked_video_suffix

SINGLE_LINE_ENTRY_FIELDS = ("name", "organization", "contact_name")

__all__ = ["VIDEO_MAX_BYTES", "check_pdf", "checked_video_suffix", "parse_members"]


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
