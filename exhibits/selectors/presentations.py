"""Which events of the week present a hall's projects (路演, 对接会), and which projects each
presents, for the curators' pages.

An event may present projects when it is approved, of the hall's week, and a 路演 (form
``roadshow``) or a 对接会 (an event whose subtitle says 对接: the plan's forms have no form of
its own for a matchmaking session, seed 000's "创新创业项目对接会" is registered as any form).
The public reads are in ``public.py`` (``presented_projects``, ``project_events``).
"""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from events.models import Event

from ..models import Exhibition, Presentation, Project

PRESENTING_FORMS = (Event.Form.ROADSHOW,)
MATCHMAKING_WORD = "对接"
CANDIDATES_LIMIT = 20


def may_present_q(prefix: str = "") -> Q:
    """An event that may present projects: a 路演 or a 对接会 (approval and week apart)."""
    return Q(**{f"{prefix}form__in": PRESENTING_FORMS}) | Q(
        **{f"{prefix}subtitle__contains": MATCHMAKING_WORD}
    )


def presenting_events(*, exhibition: Exhibition) -> QuerySet[Event]:
    """The approved 路演 and 对接会 of the hall's week, in time order, each with the number of
    the hall's projects it presents (``project_count``)."""
    return (
        Event.objects.filter(may_present_q(), week_id=exhibition.week_id, status=Event.Status.APPROVED)
        .select_related("venue")
        .annotate(
            project_count=Count(
                "exhibit_presentations", filter=Q(exhibit_presentations__project__exhibition=exhibition)
            )
        )
        .order_by("starts_at", "id")
    )


def hall_presentations(*, exhibition: Exhibition, event: Event) -> list[Presentation]:
    """The hall's projects at ``event``, in their running order."""
    return list(
        Presentation.objects.filter(event=event, project__exhibition=exhibition)
        .select_related("project__section")
        .order_by("order", "id")
    )


def presentation_candidates(*, exhibition: Exhibition, event: Event, q: str = "") -> list[Project]:
    """Accepted projects of the hall not yet at ``event`` (featured first), matching the words
    of ``q`` in their title or organization; at most ``CANDIDATES_LIMIT``."""
    projects = (
        Project.objects.filter(exhibition=exhibition, status=Project.Status.ACCEPTED)
        .exclude(presentations__event=event)
        .select_related("section")
        .only("pk", "title", "organization", "featured_order", "section__name")
    )
    for word in q.split()[:5]:
        projects = projects.filter(Q(title__icontains=word) | Q(organization__icontains=word))
    return list(
        projects.order_by(F("featured_order").asc(nulls_last=True), "-accepted_at", "-id")[:CANDIDATES_LIMIT]
    )


def project_presentations(*, project: Project) -> list[Presentation]:
    """Every event a project is attached to (for its holder and curators), in time order."""
    return list(
        Presentation.objects.filter(project=project)
        .select_related("event")
        .order_by("event__starts_at", "event_id")
    )
