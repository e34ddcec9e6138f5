"""Who a user is in the portal. One place, so views, querysets and rules agree."""

from __future__ import annotations

OFFICE_GROUP = "office_reviewers"
# Read-only readers of the day's results: the publicity department and city leaders.
OBSERVER_GROUP = "observers"
# The model permission (on events.Organizer) that shows them organizers' phone numbers too.
CONTACT_PHONES_PERMISSION = "events.view_contact_phones"


def _group_names(user) -> frozenset[str]:
    """The user's groups, read once per request (cached on the user object) for every role."""
    cached = getattr(user, "_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._group_names = cached
    return cached


def is_office_reviewer(user) -> bool:
    """The city development-and-reform office's reviewers (and superusers, who run the site)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or OFFICE_GROUP in _group_names(user)


def is_observer(user) -> bool:
    """Readers of the board, the summaries and accepted media, who review nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return OBSERVER_GROUP in _group_names(user)


def sees_contact_phones(user) -> bool:
    """Organizers' phone numbers: the office always, others only when the office granted it."""
    return is_office_reviewer(user) or (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_perm(CONTACT_PHONES_PERMISSION)
    )


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
