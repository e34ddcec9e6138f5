"""The online hall's projects a contest presents (``Entry.project``).

Only what the hall itself shows to everybody: accepted projects of public halls
(``exhibits.selectors.public.public_projects``, no contact fields), here those of the halls of
the contest's week. A project that leaves the hall (withdrawn, its hall unpublished) drops
out of every list below by itself; the link stays, and shows again if it comes back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, QuerySet

from events.models import User
from exhibits.models import Project
from exhibits.selectors.public import public_projects

from ..models import Contest, Entry


def hall_projects(*, contest: Contest, owner: User | None = None) -> QuerySet[Project]:
    """The projects an entry of ``contest`` may present: public projects of the halls of the
    contest's week; only those ``owner`` holds when given (what an applicant may pick)."""
    projects = public_projects().filter(exhibition__week_id=contest.event.week_id)
    if owner is not None:
        projects = projects.filter(owner=owner)
    return projects.order_by("title", "id")


def entry_projects(*, entries: Iterable[Entry]) -> dict[int, Project]:
    """The public project each of ``entries`` presents, by entry id; one query (none when no
    entry presents one). For the vote page's candidates."""
    ids = [entry.pk for entry in entries if entry.project_id]
    if not ids:
        return {}
    projects = public_projects().filter(contest_entries__in=ids).annotate(entry_id=F("contest_entries__id"))
    return {project.entry_id: project for project in projects}


def contest_projects(*, contest: Contest) -> list[Project]:
    """The public projects presented by the eligible entries (审核通过) of ``contest``, in the
    entries' order, for its public page: one query whatever their number. A registration not
    yet screened, or refused, shows nothing."""
    projects = (
        public_projects()
        .filter(contest_entries__contest=contest, contest_entries__status=Entry.Status.ELIGIBLE)
        .order_by("contest_entries__number", "contest_entries__id")
    )
    first = {}
    for project in projects:  # two entries may present one project: it shows once
        first.setdefault(project.pk, project)
    return list(first.values())
