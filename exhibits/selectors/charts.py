"""The online hall's charts for its curators and the office, and the week's count of projects
shown for the public home page. Counts are aggregated in the database (``annotate``/``Count``):
the query count does not depend on the number of projects, intents or signings.

- ``sections``: submitted projects (drafts left out, as in the totals) by section, stacked by
  stage (所处阶段); projects in no section or of no stated stage have their own bar/series;
- ``intents``: confirmed intents and signings per day, the totals page's own days
  (``totals.exhibition_totals``), so the chart and the table agree.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.chart_specs import ACCENT, GOOD, Spec, series_chart
from events.models import Week

from ..models import Exhibition, Project, Section
from .totals import exhibition_totals

CHARTS = ("sections", "intents")
S = Project.Status


def sections_chart(*, exhibition: Exhibition) -> Spec:
    """Two queries: the hall's sections, the projects counted by section and stage."""
    sections = list(
        Section.objects.filter(exhibition=exhibition).order_by("order", "id").values_list("id", "name")
    )
    counts = {
        (row["section_id"], row["stage"]): row["total"]
        for row in Project.objects.filter(exhibition=exhibition)
        .exclude(status=S.DRAFT)
        .values("section_id", "stage")
        .annotate(total=Count("id"))
        .order_by()
    }
    bars = [*sections]
    if any(section is None for section, stage in counts):
        bars.append((None, _("（未分区）")))
    stages = [*Project.Stage.choices]
    if any(stage == "" for section, stage in counts):
        stages.append(("", _("（未填写）")))
    return series_chart(
        title=_("展项（按展区和所处阶段）"),
        x_name=_("展区"),
        y_name=_("展项数"),
        labels=[name for pk, name in bars],
        series=[(label, [counts.get((pk, stage), 0) for pk, name in bars]) for stage, label in stages],
        stacked=True,
        horizontal=True,
    )


def intents_chart(*, exhibition: Exhibition) -> Spec:
    """The totals' days: six queries (page views and the projects by organization included)."""
    days = exhibition_totals(exhibition=exhibition).days
    return series_chart(
        title=_("每日合作意向与签约"),
        x_name=_("日期"),
        y_name=pgettext("axis of intents and signings", "个数"),
        labels=[date_format(row.day, _("n月j日")) for row in days],
        series=[(_("合作意向"), [row.intents for row in days]), (_("签约"), [row.signings for row in days])],
        colors=[ACCENT, GOOD],
    )


BUILDERS = {"sections": sections_chart, "intents": intents_chart}


def hall_chart(name: str, *, exhibition: Exhibition) -> Spec:
    return BUILDERS[name](exhibition=exhibition)


def projects_shown(*, week: Week) -> int:
    """Accepted projects in the week's published halls: what the public home page counts."""
    return Project.objects.filter(
        Q(exhibition__week=week, exhibition__is_published=True), status=S.ACCEPTED
    ).count()
