"""Totals for the office and curators: by section and organization, views, intents and
signings per day and in total, as a page and as .xlsx."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from exhibits.models import Project, ProjectDailyViews
from exhibits.selectors.totals import exhibition_totals
from tests import factories
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_hall(hall):
    carbon, health = hall.sections.get(name="碳中和"), hall.sections.get(name="生物医药与大健康")
    day = hall.week.starts_on
    a = exhibit_factories.project(exhibition=hall, section=carbon, organization="甲大学")
    b = exhibit_factories.project(
        exhibition=hall, section=carbon, organization="乙公司", status=Project.Status.SUBMITTED
    )
    c = exhibit_factories.project(exhibition=hall, section=health, organization="甲大学")
    exhibit_factories.project(exhibition=hall, section=health, organization="丙", status=Project.Status.DRAFT)
    ProjectDailyViews.objects.create(project=a, day=day, count=10)
    ProjectDailyViews.objects.create(project=c, day=day, count=5)
    ProjectDailyViews.objects.create(project=a, day=day + dt.timedelta(days=1), count=2)
    ProjectDailyViews.objects.create(project=a, day=day + dt.timedelta(days=30), count=1)  # after the week
    noon = factories.at(day, 12)
    exhibit_factories.intent(project=a, confirmed_at=noon)
    exhibit_factories.intent(project=c, confirmed_at=factories.at(day, 23, 30))  # still that day in Shanghai
    exhibit_factories.intent(project=c, confirmed=False)
    exhibit_factories.signing(project=a, signed_on=day + dt.timedelta(days=1), amount=Decimal("150.50"))
    exhibit_factories.signing(project=c, signed_on=day + dt.timedelta(days=1), amount=None)
    return hall, (a, b, c)


def test_totals_by_group_and_by_day(busy_hall):
    hall, _projects = busy_hall
    totals = exhibition_totals(exhibition=hall)
    day = hall.week.starts_on

    assert [(g.name, g.submitted, g.accepted) for g in totals.by_section] == [
        ("碳中和", 2, 1),
        ("生物医药与大健康", 1, 1),
        ("数字文创", 0, 0),
    ]
    assert [(g.name, g.submitted, g.accepted) for g in totals.by_organization] == [
        ("甲大学", 2, 2),
        ("乙公司", 1, 0),
    ]
    rows = {row.day: row for row in totals.days}
    assert (rows[day].views, rows[day].intents, rows[day].signings) == (15, 2, 0)
    second = rows[day + dt.timedelta(days=1)]
    assert (second.views, second.signings, second.amount) == (2, 2, Decimal("150.50"))
    later = rows[day + dt.timedelta(days=30)]
    assert (later.views, later.in_week) == (1, False)
    assert len(totals.days) == len(hall.week.days) + 1
    assert (totals.total.views, totals.total.intents, totals.total.signings) == (18, 2, 2)


def test_totals_page_and_workbook_for_the_curator(busy_hall, curator):
    hall, _projects = busy_hall
    client = Client()
    client.force_login(curator)

    page = client.get(reverse("exhibits:totals", args=[hall.pk]))
    assert page.status_code == 200
    assert "碳中和" in page.content.decode()

    response = client.get(reverse("exhibits:totals_xlsx", args=[hall.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["按日", "按展区", "按单位"]
    by_day = [row for row in workbook["按日"].iter_rows(min_row=3, values_only=True)]
    assert by_day[-1][:5] == ("合计", None, 18, 2, 2)
    by_section = [row for row in workbook["按展区"].iter_rows(min_row=3, values_only=True)]
    assert by_section[0] == ("碳中和", 2, 1)


def test_a_formula_typed_as_an_organization_stays_text(hall, curator):
    exhibit_factories.project(exhibition=hall, organization='=HYPERLINK("http://evil")')
    client = Client()
    client.force_login(curator)
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("exhibits:totals_xlsx", args=[hall.pk])).content)
    )
    cell = workbook["按单位"]["A3"]
    assert cell.data_type == "s"
