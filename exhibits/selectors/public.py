"""Reads for the public hall: accepted projects of public halls only, never a contact.

The number of queries never grows with the number of projects (tests/exhibits/test_query_counts.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass
from typing import ClassVar

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from events.models import Event

from ..models import (
    COOPERATION_BITS,
    Exhibition,
    Intent,
    Pending,
    Presentation,
    Project,
    ProjectDocument,
    ProjectImage,
    ProjectVideo,
    Section,
)

ACCEPTED = Project.Status.ACCEPTED
SEARCH_MAX_WORDS = 5
# Featured projects first (by their order), then the newest halls and the latest accepted.
HALL_ORDER = (F("featured_order").asc(nulls_last=True), "-exhibition__year", "-accepted_at", "-id")


def public_exhibitions() -> QuerySet[Exhibition]:
    return Exhibition.objects.public().select_related("host", "week")


def _public_exhibition_q(prefix: str = "exhibition__") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}is_published": True}) & (
        Q(**{f"{prefix}is_permanent": True}) | Q(**{f"{prefix}week__ends_on__gte": today})
    )


def public_projects() -> QuerySet[Project]:
    """Accepted projects of public halls, with what a list shows (no contact fields)."""
    return (
        Project.objects.filter(_public_exhibition_q(), status=ACCEPTED)
        .select_related("exhibition", "section")
        .defer("contact_name", "contact_phone", "contact_email", "team", "description")
    )


def public_exhibition(*, slug: str) -> Exhibition:
    exhibition = public_exhibitions().filter(slug=slug).first()
    if exhibition is None:
        raise Http404("No such public exhibition")
    return exhibition


# --- The hall and its filters ---------------------------------------------------------------


@dataclass
class HallFilters:
    """The hall's filters as they stand in the URL: ?section=&stage=&coop=&org=&year=&q=."""

    # Every query parameter the hall reads: its page cache is keyed by these.
    PARAMS: ClassVar[tuple[str, ...]] = ("section", "stage", "coop", "org", "year", "q", "page")

    section: int | None = None
    stage: str = ""
    coop: str = ""
    org: str = ""
    year: int | None = None
    q: str = ""

    @classmethod
    def from_query(cls, params) -> HallFilters:
        stage, coop = params.get("stage", ""), params.get("coop", "")
        return cls(
            section=_positive_int(params.get("section")),
            stage=stage if stage in Project.Stage.values else "",
            coop=coop if coop in COOPERATION_BITS else "",
            org=" ".join(params.get("org", "").split())[:120],
            year=_positive_int(params.get("year")),
            q=" ".join(params.get("q", "").split())[:60],
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.section or self.stage or self.coop or self.org or self.year or self.q)

    def as_params(self, **overrides) -> dict:
        params = {
            "section": self.section or "",
            "stage": self.stage,
            "coop": self.coop,
            "org": self.org,
            "year": self.year or "",
            "q": self.q,
        }
        params.update(overrides)
        return {name: value for name, value in params.items() if value not in ("", None)}


def _positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def search(queryset: QuerySet[Project], q: str) -> QuerySet[Project]:
    """Every word must appear in the title, pitch, description, organization, team or section;
    projects whose title holds more of the words come first, then those whose pitch does.

    ``icontains`` finds a two-character word inside a longer one ("电池" in "固态锂电池隔膜")
    on SQLite and PostgreSQL alike, with no word segmentation. (On PostgreSQL a pg_trgm GIN
    index on these columns would serve the same query without a scan: benchmarks/.)
    """
    words = q.split()[:SEARCH_MAX_WORDS]
    if not words:
        return queryset
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(pitch__icontains=word)
            | Q(description__icontains=word)
            | Q(organization__icontains=word)
            | Q(team__icontains=word)
            | Q(section__name__icontains=word)
        )

    def hits(field: str):
        return functools.reduce(
            operator.add,
            [
                Case(
                    When(**{f"{field}__icontains": word}, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
                for word in words
            ],
        )

    return queryset.annotate(title_rank=hits("title"), pitch_rank=hits("pitch")).order_by(
        "-title_rank", "-pitch_rank", *HALL_ORDER
    )


def hall_projects(*, filters: HallFilters, exhibition: Exhibition | None = None) -> QuerySet[Project]:
    projects = public_projects()
    if exhibition is not None:
        projects = projects.filter(exhibition=exhibition)
    if filters.section:
        projects = projects.filter(section_id=filters.section)
    if filters.stage:
        projects = projects.filter(stage=filters.stage)
    if filters.coop:
        bit = COOPERATION_BITS[filters.coop]
        projects = projects.alias(coop_bit=F("cooperation").bitand(bit)).filter(coop_bit=bit)
    if filters.org:
        projects = projects.filter(organization=filters.org)
    if filters.year:
        projects = projects.filter(exhibition__year=filters.year)
    if filters.q:
        return search(projects, filters.q)
    return projects.order_by(*HALL_ORDER)


@dataclass
class HallChoices:
    sections: list[Section]
    years: list[int]
    organizations: list[str]
    several_halls: bool


def hall_choices(*, exhibition: Exhibition | None = None, year: int | None = None) -> HallChoices:
    """What the filters offer: the sections (with their public project counts) of the hall, or
    of every public hall of ``year``; the years; the holders' organizations. Three queries."""
    accepted = Q(projects__status=ACCEPTED)
    sections = Section.objects.filter(_public_exhibition_q()).select_related("exhibition")
    projects = Project.objects.filter(_public_exhibition_q(), status=ACCEPTED)
    if exhibition is not None:
        sections = sections.filter(exhibition=exhibition)
        projects = projects.filter(exhibition=exhibition)
    elif year:
        sections = sections.filter(exhibition__year=year)
    sections = list(
        sections.annotate(project_count=Count("projects", filter=accepted)).order_by(
            "-exhibition__year", "exhibition_id", "order", "id"
        )
    )
    years = (
        []
        if exhibition is not None
        else sorted(
            set(Exhibition.objects.filter(_public_exhibition_q("")).values_list("year", flat=True)),
            reverse=True,
        )
    )
    organizations = list(
        projects.exclude(organization="")
        .order_by("organization")
        .values_list("organization", flat=True)
        .distinct()
    )
    return HallChoices(
        sections=sections,
        years=years,
        organizations=organizations,
        several_halls=len({section.exhibition_id for section in sections}) > 1,
    )


# --- A project's page -----------------------------------------------------------------------


def public_project(*, pk: int) -> Project:
    """An accepted project of a public hall with its images, documents and video, else 404. It
    is the accepted version: changes in review (a revision, images, documents and a video
    added to it) are not shown; those it deletes still are. Of the video only one that plays
    or will (``public_video``)."""
    public_files = ~Q(pending=Pending.ADD)
    project = (
        Project.objects.filter(_public_exhibition_q(), status=ACCEPTED, pk=pk)
        .select_related("exhibition__host", "exhibition__week", "section")
        .defer("contact_name", "contact_phone", "contact_email")
        .prefetch_related(
            Prefetch("images", queryset=ProjectImage.objects.filter(public_files).order_by("order", "id")),
            Prefetch(
                "documents", queryset=ProjectDocument.objects.filter(public_files).order_by("order", "id")
            ),
            Prefetch(
                "videos",
                queryset=ProjectVideo.objects.filter(public_files).exclude(status=ProjectVideo.Status.FAILED),
            ),
        )
        .first()
    )
    if project is None:
        raise Http404("No such public project")
    return project


def public_video(project: Project) -> ProjectVideo | None:
    """The video a public project page shows (prefetched by ``public_project``): playable, or
    still being checked or made ready ("视频处理中"); None when there is none, or it failed."""
    for video in project.videos.all():
        if video.web_versions or video.is_processing:
            return video
    return None


# --- Events that present projects ------------------------------------------------------------


def presents_projects() -> Exists:
    """An annotation on events: whether it presents any project (public or not:
    ``presented_projects`` says which are shown)."""
    return Exists(Presentation.objects.filter(event=OuterRef("pk")))


def presented_projects(*, event: Event) -> list[Project]:
    """The public projects ``event`` presents (路演, 对接会), in its running order; one query
    whatever their number (the public event page, ``public.views.pages``)."""
    return list(
        public_projects()
        .filter(presentations__event_id=event.pk)
        .order_by("presentations__order", "presentations__id")
    )


def project_events(*, project: Project) -> list[Event]:
    """The public events that present ``project``, in time order (its public page)."""
    return list(
        Event.objects.public()
        .filter(exhibit_presentations__project=project)
        .select_related("venue", "week")
        .order_by("starts_at", "id")
    )


def intent_confirmed_since(*, project: Project, email: str, since) -> dt.datetime | None:
    """When ``email`` last confirmed an intent on ``project`` after ``since``, else None."""
    return (
        Intent.objects.filter(project=project, email__iexact=email, confirmed_at__gte=since)
        .order_by("-confirmed_at")
        .values_list("confirmed_at", flat=True)
        .first()
    )


def intent_target(*, pk: int) -> Project:
    """The accepted public project an intent may be expressed on, else 404."""
    project = (
        Project.objects.filter(_public_exhibition_q(), status=ACCEPTED, pk=pk)
        .select_related("exhibition", "owner")
        .first()
    )
    if project is None:
        raise Http404("No such public project")
    return project
