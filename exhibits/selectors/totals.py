"""The figures of a hall for the office and its curators: projects by section and by
organization, and page views, confirmed intents and signings per day and in total.

Days are local days in the week's zone: every day of the week, and any other day that had
views, intents or signings (a permanent hall lives on after the week). Six queries.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from ..models import Exhibition, Intent, Project, ProjectDailyViews, Section, Signing

S = Project.Status
SUBMITTED = ~Q(status=S.DRAFT)


@dataclass
class GroupRow:
    name: str
    submitted: int
    accepted: int


@dataclass
class DayRow:
    day: dt.date | None  # None: the total
    views: int = 0
    intents: int = 0
    signings: int = 0
    amount: decimal.Decimal = decimal.Decimal(0)
    in_week: bool = False


@dataclass
class Totals:
    exhibition: Exhibition
    by_section: list[GroupRow]
    by_organization: list[GroupRow]
    days: list[DayRow]
    total: DayRow = field(default_factory=lambda: DayRow(day=None))


def exhibition_totals(*, exhibition: Exhibition) -> Totals:
    projects = Project.objects.filter(exhibition=exhibition)
    in_sections = Q(projects__status__in=[s for s in S.values if s != S.DRAFT])
    by_section = [
        GroupRow(section.name, section.submitted, section.accepted)
        for section in Section.objects.filter(exhibition=exhibition)
        .annotate(
            submitted=Count("projects", filter=in_sections),
            accepted=Count("projects", filter=Q(projects__status=S.ACCEPTED)),
        )
        .order_by("order", "id")
    ]
    by_organization = [
        GroupRow(row["organization"], row["submitted"], row["accepted"])
        for row in projects.filter(SUBMITTED)
        .values("organization")
        .annotate(submitted=Count("id"), accepted=Count("id", filter=Q(status=S.ACCEPTED)))
        .order_by("-submitted", "organization")
    ]
    week = exhibition.week
    days: dict[dt.date, DayRow] = {day: DayRow(day=day, in_week=True) for day in week.days}

    def row(day: dt.date) -> DayRow:
        return days.setdefault(day, DayRow(day=day))

    views = (
        ProjectDailyViews.objects.filter(project__exhibition=exhibition)
        .values("day")
        .annotate(total=Sum("count"))
        .order_by()
    )
    for item in views:
        row(item["day"]).views = item["total"]
    intents = (
        Intent.objects.filter(project__exhibition=exhibition, confirmed_at__isnull=False)
        .annotate(local_day=TruncDate("confirmed_at", tzinfo=week.zone))
        .values("local_day")
        .annotate(total=Count("id"))
        .order_by()
    )
    for item in intents:
        row(item["local_day"]).intents = item["total"]
    signings = (
        Signing.objects.filter(project__exhibition=exhibition)
        .values("signed_on")
        .annotate(total=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    for item in signings:
        target = row(item["signed_on"])
        target.signings, target.amount = item["total"], item["amount"] or decimal.Decimal(0)
    ordered = [days[day] for day in sorted(days)]
    total = DayRow(
        day=None,
        views=sum(r.views for r in ordered),
        intents=sum(r.intents for r in ordered),
        signings=sum(r.signings for r in ordered),
        amount=sum((r.amount for r in ordered), decimal.Decimal(0)),
    )
    return Totals(
        exhibition=exhibition,
        by_section=by_section,
        by_organization=by_organization,
        days=ordered,
        total=total,
    )
