"""Deadlines carry their day unless it is today: 今天 / 明天 / 9月24日."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def _approved(week, organizer, member, subtitle, day, start, end):
    return factories.event(
        week=week,
        host=organizer,
        reporter=member,
        subtitle=subtitle,
        status="approved",
        starts_at=factories.at(day, start),
        ends_at=factories.at(day, end),
    )


def test_the_dashboard_says_tomorrow_for_an_evening_event_due_the_next_day(client, week, organizer, member):
    day = week.starts_on
    _approved(week, organizer, member, "晚间路演", day, 18, 21)
    client.force_login(member)

    with time_machine.travel(factories.at(day, 10), tick=False):
        page = client.get(reverse("organizer:dashboard")).content.decode()

    assert "截止 明天 16:00" in page


def test_the_report_list_names_today_and_the_date_of_later_days(client, week, organizer, member):
    day = week.starts_on
    _approved(week, organizer, member, "上午论坛", day, 9, 11)
    _approved(week, organizer, member, "后天的展览", day.replace(day=day.day + 4), 9, 11)
    client.force_login(member)

    with time_machine.travel(factories.at(day, 10), tick=False):
        page = client.get(reverse("reports:list")).content.decode()

    assert "截止 今天 16:00" in page
    assert f"截止 {day.month}月{day.day + 4}日 16:00" in page


def test_the_labels_are_english_in_english(client, week, organizer, member):
    day = week.starts_on
    _approved(week, organizer, member, "晚间路演", day, 18, 21)
    client.force_login(member)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    with time_machine.travel(factories.at(day, 10), tick=False):
        page = client.get(reverse("organizer:dashboard")).content.decode()

    assert "tomorrow 16:00" in page


def test_the_report_list_shows_today_first_then_earlier_days_then_days_to_come(
    client, week, organizer, member
):
    days = [week.starts_on + dt.timedelta(days=n) for n in range(4)]
    for n, day in enumerate(days):
        _approved(week, organizer, member, f"第{n + 1}天的活动", day, 9, 11)
    client.force_login(member)

    with time_machine.travel(factories.at(days[2], 10), tick=False):
        rows = client.get(reverse("reports:list")).context["rows"]

    assert [row.day for row in rows] == [days[2], days[1], days[0], days[3]]


def test_the_report_list_says_what_the_reporter_must_do(client, week, organizer, member):
    from submissions.models import DailyReport

    days = [week.starts_on + dt.timedelta(days=n) for n in range(4)]
    returned = _approved(week, organizer, member, "被退回的论坛", days[0], 9, 11)
    _approved(week, organizer, member, "今天的展览", days[1], 9, 11)
    _approved(week, organizer, member, "明天的路演", days[2], 9, 11)
    _approved(week, organizer, member, "后天的竞赛", days[3], 9, 11)
    DailyReport.objects.create(
        event=returned,
        day=days[0],
        status="returned",
        review_comment="需补充照片",
        submitted_at=factories.at(days[0], 15),
        is_late=False,
        reviewed_at=factories.at(days[0], 17),
    )
    client.force_login(member)

    with time_machine.travel(factories.at(days[1], 10), tick=False):
        page = client.get(reverse("reports:list")).content.decode()

    assert "退回：需补充照片" in page
    assert "待报送（今天 16:00前）" in page
    assert "明天开始" in page
    assert f"{days[3].month}月{days[3].day}日开始" in page
