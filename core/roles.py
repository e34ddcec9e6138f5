"""Who a user is in the portal. One place, so views, querysets and rules agree."""

from __future__ import annotations

OFFICE_GROUP = "office_reviewers"


def is_office_reviewer(user) -> bool:
    """The city development-and-reform office's reviewers (and superusers, who run the site)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_office_reviewer", None)
    if cached is None:
        cached = user.groups.filter(name=OFFICE_GROUP).exists()
        user._is_office_reviewer = cached
    return cached


def organizer_ids(user) -> frozenset[int]:
    """The units the user is a member of (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_organizer_ids", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("organizer_id", flat=True))
        user._organizer_ids = cached
    return cached


def is_organizer_member(user) -> bool:
    return bool(organizer_ids(user))
