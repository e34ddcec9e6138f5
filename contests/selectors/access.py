"""Which contests a user runs, asked once per request (cached on the user).

A contest is run by the members of its event's host unit, and by the office, which runs
every contest. An applicant sees only their own entries; a juror is no user at all (a
juror's link puts the juror in the browser's session: ``views.jury``).
"""

from __future__ import annotations

from django.db.models import QuerySet

from core.roles import is_office_reviewer, organizer_ids

from ..models import Contest, Entry


def managed_contest_ids(user) -> frozenset[int]:
    """The contests of the user's units (not the office's "all": ask ``is_office_reviewer``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_managed_contest_ids", None)
    if cached is None:
        units = organizer_ids(user)
        cached = (
            frozenset(Contest.objects.filter(event__host_id__in=units).values_list("pk", flat=True))
            if units
            else frozenset()
        )
        user._managed_contest_ids = cached
    return cached


def managed_contests(*, user) -> QuerySet[Contest]:
    """The contests whose organizer pages the user may open: all for the office, else those of
    their units. Any other contest is a 404 there."""
    if is_office_reviewer(user):
        return Contest.objects.all()
    return Contest.objects.filter(pk__in=managed_contest_ids(user))


def own_entries(*, user) -> QuerySet[Entry]:
    if not getattr(user, "is_authenticated", False):
        return Entry.objects.none()
    return Entry.objects.filter(applicant=user)


def forget(user) -> None:
    """Drop the cached answer (after the user created a contest in this request)."""
    if hasattr(user, "_managed_contest_ids"):
        delattr(user, "_managed_contest_ids")
