"""Which halls a user curates or submits to, asked once per request (cached on the user).

A curator is a ``Curator`` row whose person is still a member of the hall's host unit:
leaving the unit ends the curating without anybody having to remember the second list.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.roles import is_office_reviewer, organizer_ids

from ..models import Curator, Exhibition, Holder, Intent, Project


def curated_exhibition_ids(user) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_curated_exhibition_ids", None)
    if cached is None:
        units = organizer_ids(user)
        cached = (
            frozenset(
                Curator.objects.filter(user=user, exhibition__host_id__in=units).values_list(
                    "exhibition_id", flat=True
                )
            )
            if units
            else frozenset()
        )
        user._curated_exhibition_ids = cached
    return cached


def holder_exhibition_ids(user) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_holder_exhibition_ids", None)
    if cached is None:
        cached = frozenset(
            Holder.objects.filter(user=user, removed_at__isnull=True).values_list("exhibition_id", flat=True)
        )
        user._holder_exhibition_ids = cached
    return cached


def forget(user) -> None:
    """Drop the cached answers (after the user joined a hall in this request)."""
    for name in ("_curated_exhibition_ids", "_holder_exhibition_ids"):
        if hasattr(user, name):
            delattr(user, name)


def managed_exhibitions(*, user) -> QuerySet[Exhibition]:
    """The halls whose curator pages the user may open: all for the office, else their own."""
    if is_office_reviewer(user):
        return Exhibition.objects.all()
    return Exhibition.objects.filter(pk__in=curated_exhibition_ids(user))


def area_projects(*, user) -> QuerySet[Project]:
    """Every project the user may open in the signed-in area: their own, those of the halls
    they curate, all for the office. Any other project is a 404 there."""
    if is_office_reviewer(user):
        return Project.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Project.objects.none()
    return Project.objects.filter(Q(owner=user) | Q(exhibition_id__in=curated_exhibition_ids(user)))


def area_intents(*, user) -> QuerySet[Intent]:
    """Confirmed intents on the projects the user may open in the area."""
    if is_office_reviewer(user):
        scope = Intent.objects.all()
    elif not getattr(user, "is_authenticated", False):
        return Intent.objects.none()
    else:
        scope = Intent.objects.filter(
            Q(project__owner=user) | Q(project__exhibition_id__in=curated_exhibition_ids(user))
        )
    return scope.filter(confirmed_at__isnull=False)
