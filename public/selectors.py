"""Reads that combine several domains for the public pages."""

from __future__ import annotations

from events.models import Week
from events.selectors.public import archive_weeks_query, ended_weeks
from submissions.selectors.public_media import with_public_media_count


def archive_weeks() -> list[Week]:
    """Published weeks that have ended, newest first, with their event and public media counts."""
    return ended_weeks(with_public_media_count(archive_weeks_query()))
