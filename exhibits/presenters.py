"""What the online hall adds to the office's week summary (报送汇总, its page and .docx).

``submissions`` renders the summary and may not know this app (it sits below it), so the hall
hands its figures over through ``core.summary_sections``: ``ExhibitsConfig.ready`` registers
``hall_summary_sections``, which returns one section per hall of the week, built from the
same totals as the curators' totals page and .xlsx (``selectors.totals``): projects by
section, page views, confirmed intents and signings per day of the week and in total.
Figures only, no names or contacts: the observers read the summary too.
"""

from __future__ import annotations

import datetime as dt
import decimal

from django.utils.translation import gettext as _

from core.summary_sections import SummarySection, SummaryTable

from .models import Exhibition
from .selectors.totals import DayRow, Totals, exhibition_totals


def hall_summary_sections(*, week, now: dt.datetime) -> list[SummarySection]:
    """One section per hall of ``week`` (the halls' totals do not depend on ``now``)."""
    halls = Exhibition.objects.filter(week=week).select_related("host", "week").order_by("title", "id")
    return [_section(exhibition_totals(exhibition=hall)) for hall in halls]


def _amount(value: decimal.Decimal) -> str:
    return f"{value:.2f}"


def _section(totals: Totals) -> SummarySection:
    hall, total = totals.exhibition, totals.total
    # Every submitted project is of one organization (blank included), not always of a section.
    submitted = sum(group.submitted for group in totals.by_organization)
    accepted = sum(group.accepted for group in totals.by_organization)
    section_rows = [[group.name, group.submitted, group.accepted] for group in totals.by_section]
    unsorted = (
        submitted - sum(group.submitted for group in totals.by_section),
        accepted - sum(group.accepted for group in totals.by_section),
    )
    if any(unsorted):
        section_rows.append([_("（未选展区）"), *unsorted])
    overview = _(
        "%(title)s（%(host)s）共征集展项%(submitted)d项，已入展%(accepted)d项；展项页面浏览%(views)d次，"
        "收到经验证的合作意向%(intents)d条，签约%(signings)d项，签约金额合计%(amount)s万元。"
    ) % {
        "title": hall.title,
        "host": hall.host.name,
        "submitted": submitted,
        "accepted": accepted,
        "views": total.views,
        "intents": total.intents,
        "signings": total.signings,
        "amount": _amount(total.amount),
    }
    by_section = SummaryTable(
        caption=_("展项（按展区）"),
        headers=[_("展区"), _("已提交"), _("已入展")],
        rows=section_rows,
        total=[_("合计"), submitted, accepted],
    )
    in_week = [row for row in totals.days if row.in_week]
    others = [row for row in totals.days if not row.in_week]
    rows = [
        _day_cells(_("%(month)d月%(day)d日") % {"month": row.day.month, "day": row.day.day}, row)
        for row in in_week
    ]
    if others:
        rows.append(
            _day_cells(
                _("活动周外其他日期"),
                DayRow(
                    day=None,
                    views=sum(row.views for row in others),
                    intents=sum(row.intents for row in others),
                    signings=sum(row.signings for row in others),
                    amount=sum((row.amount for row in others), decimal.Decimal(0)),
                ),
            )
        )
    by_day = SummaryTable(
        caption=_("浏览、合作意向与签约（按日）"),
        headers=[_("日期"), _("浏览量"), _("合作意向"), _("签约"), _("签约金额（万元）")],
        rows=rows,
        total=_day_cells(_("合计"), total),
    )
    return SummarySection(
        key=f"hall-{hall.pk}",
        heading=_("云展厅：%(title)s") % {"title": hall.title},
        paragraphs=[overview],
        tables=[by_section, by_day],
    )


def _day_cells(label: str, row: DayRow) -> list:
    return [label, row.views, row.intents, row.signings, _amount(row.amount)]
