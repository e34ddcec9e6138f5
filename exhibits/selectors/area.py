"""Reads for the signed-in area: a holder's projects and intents, a curator's hall.

Each starts from what the user may open (``access``), so another holder's or another hall's
object is simply not there (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.db.models import Count, Prefetch, Q, QuerySet

from ..models import Exhibition, Holder, Intent, Project, ProjectDocument, ProjectImage, ProjectReview
from .access import area_intents, area_projects, managed_exhibitions

S = Project.Status
CONFIRMED = Q(intents__confirmed_at__isnull=False)


def with_intent_count(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.annotate(intent_count=Count("intents", filter=CONFIRMED, distinct=True))


def own_projects(*, user) -> QuerySet[Project]:
    return with_intent_count(
        Project.objects.filter(owner=user).select_related("exhibition", "section")
    ).order_by("-updated_at", "-id")


def holder_halls(*, user) -> QuerySet[Holder]:
    return Holder.objects.filter(user=user).select_related("exhibition__host").order_by("-joined_at")


def managed_halls(*, user) -> QuerySet[Exhibition]:
    """The halls whose curator pages the user may open, with their projects counted by state."""
    return (
        managed_exhibitions(user=user)
        .select_related("host", "week")
        .annotate(
            submitted_count=Count("projects", filter=Q(projects__status=S.SUBMITTED)),
            accepted_count=Count("projects", filter=Q(projects__status=S.ACCEPTED)),
            project_count=Count("projects", filter=~Q(projects__status=S.DRAFT)),
        )
        .order_by("-year", "title", "id")
    )


def managed_hall(*, user, pk: int) -> QuerySet[Exhibition]:
    return managed_exhibitions(user=user).select_related("host", "week").filter(pk=pk)


# --- A curator's project list -----------------------------------------------------------------


@dataclass
class CuratorFilters:
    PARAMS: ClassVar[tuple[str, ...]] = ("status", "section", "stage", "featured", "q")

    status: str = ""
    section: int | None = None
    stage: str = ""
    featured: bool = False
    q: str = ""

    @classmethod
    def from_query(cls, params) -> CuratorFilters:
        status, stage = params.get("status", ""), params.get("stage", "")
        try:
            section = int(params.get("section", ""))
        except ValueError:
            section = None
        return cls(
            status=status if status in S.values else "",
            section=section,
            stage=stage if stage in Project.Stage.values else "",
            featured=params.get("featured") == "1",
            q=" ".join(params.get("q", "").split())[:60],
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.status or self.section or self.stage or self.featured or self.q)


def curator_projects(*, exhibition: Exhibition, filters: CuratorFilters) -> QuerySet[Project]:
    """The hall's projects except other people's drafts (a draft is its holder's business)."""
    projects = with_intent_count(
        Project.objects.filter(exhibition=exhibition)
        .exclude(status=S.DRAFT)
        .select_related("section", "owner")
    )
    if filters.status:
        projects = projects.filter(status=filters.status)
    if filters.section:
        projects = projects.filter(section_id=filters.section)
    if filters.stage:
        projects = projects.filter(stage=filters.stage)
    if filters.featured:
        projects = projects.filter(featured_order__isnull=False)
    for word in filters.q.split()[:5]:
        projects = projects.filter(
            Q(title__icontains=word) | Q(organization__icontains=word) | Q(contact_name__icontains=word)
        )
    if filters.featured:
        return projects.order_by("featured_order", "-accepted_at", "id")
    return projects.order_by("-submitted_at", "-id")


# --- One project in the area ------------------------------------------------------------------


def area_project(*, user, pk: int) -> QuerySet[Project]:
    """One project the user may open in the area, with everything its page shows."""
    return (
        area_projects(user=user)
        .filter(pk=pk)
        .select_related("exhibition__host", "exhibition__week", "section", "owner")
        .prefetch_related(
            Prefetch("images", queryset=ProjectImage.objects.order_by("order", "id")),
            Prefetch("documents", queryset=ProjectDocument.objects.order_by("order", "id")),
            Prefetch("reviews", queryset=ProjectReview.objects.select_related("by").order_by("at", "id")),
            "signings",
        )
    )


def project_intents(*, project: Project) -> QuerySet[Intent]:
    return (
        Intent.objects.filter(project=project, confirmed_at__isnull=False)
        .select_related("project")
        .order_by("-confirmed_at", "-id")
    )


def last_return_reason(project: Project) -> str:
    """The reason of the latest return, for the holder's page (reviews are prefetched)."""
    returns = [review for review in project.reviews.all() if review.action == ProjectReview.Action.RETURN]
    return returns[-1].reason if returns and project.status == S.RETURNED else ""


# --- Intents ----------------------------------------------------------------------------------


def intents_for(*, user, exhibition: Exhibition | None = None) -> QuerySet[Intent]:
    """Confirmed intents the user may see: on their own projects, or (``exhibition``) all of a
    hall they curate."""
    intents = area_intents(user=user).select_related("project__exhibition", "answered_by")
    if exhibition is not None:
        intents = intents.filter(project__exhibition=exhibition)
    else:
        intents = intents.filter(project__owner=user)
    return intents.order_by("-confirmed_at", "-id")


def area_intent(*, user, pk: int) -> QuerySet[Intent]:
    return area_intents(user=user).filter(pk=pk).select_related("project")
