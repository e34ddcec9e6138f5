"""Reads for the signed-in area: a holder's projects and intents, a curator's hall.

Each starts from what the user may open (``access``), so another holder's or another hall's
object is simply not there (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.db.models import Count, F, Prefetch, Q, QuerySet

from ..models import (
    PUBLIC_FIELDS,
    Cooperation,
    Exhibition,
    Holder,
    Intent,
    Project,
    ProjectDocument,
    ProjectImage,
    ProjectImportJob,
    ProjectReview,
    ProjectRevision,
    ProjectVideo,
    cooperation_codes,
)
from .access import area_intents, area_projects, managed_exhibitions

S = Project.Status
CONFIRMED = Q(intents__confirmed_at__isnull=False)
PENDING_CHANGES = ProjectRevision.Status.PENDING
# The curators' queue: submitted projects and accepted ones whose changes wait for review.
CHANGES = "changes"


def with_intent_count(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.annotate(intent_count=Count("intents", filter=CONFIRMED, distinct=True))


def own_projects(*, user) -> QuerySet[Project]:
    return with_intent_count(
        Project.objects.filter(owner=user).select_related("exhibition", "section", "revision")
    ).order_by("-updated_at", "-id")


def holder_halls(*, user) -> QuerySet[Holder]:
    return (
        Holder.objects.filter(user=user, removed_at__isnull=True)
        .select_related("exhibition__host", "user")
        .order_by("-joined_at")
    )


def own_holding(*, user, project: Project) -> Holder | None:
    """The user's place among the holders of the project's hall, when the project is theirs."""
    if not getattr(user, "is_authenticated", False) or project.owner_id != user.pk:
        return None
    return (
        Holder.objects.filter(exhibition_id=project.exhibition_id, user=user, removed_at__isnull=True)
        .select_related("user")
        .first()
    )


def hall_holders(*, exhibition: Exhibition, limit: int = 200) -> list[Holder]:
    """The hall's holders, the newest first, those still in it before the removed ones."""
    return list(
        Holder.objects.filter(exhibition=exhibition)
        .select_related("user", "removed_by")
        .order_by(F("removed_at").asc(nulls_first=True), "-joined_at", "-id")[:limit]
    )


def managed_holder(*, user, pk: int) -> QuerySet[Holder]:
    """A holder of a hall the user curates (all, for the office); any other is not there."""
    return Holder.objects.filter(pk=pk, exhibition__in=managed_exhibitions(user=user)).select_related(
        "exhibition", "user"
    )


def managed_halls(*, user) -> QuerySet[Exhibition]:
    """The halls whose curator pages the user may open, with their projects counted by state."""
    return (
        managed_exhibitions(user=user)
        .select_related("host", "week")
        .annotate(
            submitted_count=Count("projects", filter=Q(projects__status=S.SUBMITTED)),
            changes_count=Count("projects", filter=Q(projects__revision__status=PENDING_CHANGES)),
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
            status=status if status in S.values or status == CHANGES else "",
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
        .select_related("section", "owner", "revision")
    )
    if filters.status == CHANGES:
        projects = projects.filter(revision__status=PENDING_CHANGES)
    elif filters.status:
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
        .select_related("exhibition__host", "exhibition__week", "section", "owner", "revision__section")
        .prefetch_related(
            Prefetch("images", queryset=ProjectImage.objects.order_by("order", "id")),
            Prefetch("documents", queryset=ProjectDocument.objects.order_by("order", "id")),
            Prefetch("reviews", queryset=ProjectReview.objects.select_related("by").order_by("at", "id")),
            Prefetch("videos", queryset=ProjectVideo.objects.order_by("pending", "id")),
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
    """The reason of the latest return of the project or of its changes, while it stands
    (reviews are prefetched)."""
    revision = project.open_revision
    if project.status == S.RETURNED:
        action = ProjectReview.Action.RETURN
    elif revision is not None and revision.status == ProjectRevision.Status.RETURNED:
        action = ProjectReview.Action.REVISE_RETURN
    else:
        return ""
    returns = [review for review in project.reviews.all() if review.action == action]
    return returns[-1].reason if returns else ""


# --- Changes to an accepted project -----------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


def _shown(project_or_revision, name: str) -> str:
    if name == "section":
        section = project_or_revision.section
        return section.name if section else ""
    if name == "stage":
        return str(project_or_revision.get_stage_display())
    if name == "cooperation":
        labels = dict(Cooperation.choices)
        return "、".join(str(labels[code]) for code in cooperation_codes(project_or_revision.cooperation))
    return getattr(project_or_revision, name) or ""


def revision_changes(project: Project) -> list[FieldChange]:
    """What the project's open revision changes in its public fields, as shown (old → new)."""
    revision = project.open_revision
    if revision is None:
        return []
    changes = []
    for name in PUBLIC_FIELDS:
        attname = f"{name}_id" if name == "section" else name
        if getattr(revision, attname) != getattr(project, attname):
            label = str(Project._meta.get_field(name).verbose_name)
            changes.append(FieldChange(label=label, old=_shown(project, name), new=_shown(revision, name)))
    return changes


def with_changes(project: Project) -> Project:
    """The project as its holder last saved it: its open revision's public fields and cover laid
    over the accepted ones (in memory; for the edit form)."""
    revision = project.open_revision
    if revision is None:
        return project
    for name in PUBLIC_FIELDS:
        attname = f"{name}_id" if name == "section" else name
        setattr(project, attname, getattr(revision, attname))
    if revision.cover:
        project.cover = revision.cover.name
    elif revision.cover_cleared:
        project.cover = ""
    return project


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


# --- Bulk imports -----------------------------------------------------------------------------


def import_jobs(*, exhibition: Exhibition, limit: int = 20) -> list[ProjectImportJob]:
    """The hall's latest imports, without their previews."""
    return list(
        ProjectImportJob.objects.filter(exhibition=exhibition)
        .select_related("uploaded_by")
        .defer("preview")
        .order_by("-created_at", "-id")[:limit]
    )


def managed_import_job(*, user, pk: int, with_preview: bool = True) -> QuerySet[ProjectImportJob]:
    """An import of a hall the user curates (all, for the office); any other is not there."""
    jobs = ProjectImportJob.objects.filter(
        pk=pk, exhibition__in=managed_exhibitions(user=user)
    ).select_related("exhibition", "uploaded_by")
    return jobs if with_preview else jobs.defer("preview")
