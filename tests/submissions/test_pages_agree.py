"""One answer everywhere, seen through the pages and services that show it: the day the board
and the reminder log pick for ``?day=``, the number to call about an event, 'due next day' for
an evening event, and who may file an event's daily report."""

import datetime as dt

import pytest
import rules
import time_machine
from django.urls import reverse

from submissions import deadlines
from submissions.services.digest import digest_build
from tests import factories

pytestmark = pytest.mark.django_db


# --- the chosen day --------------------------------------------------------------------------


def _chosen_days(client, value):
    query = {"day": value}
    return (
        client.get(reverse("reminders:day"), query).context["day"],
        client.get(reverse("board:home"), query).context["day"],
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-09-22", "in the week"),
        ("1999-01-01", "first day"),
        ("2099-01-01", "last day"),
        ("bad", "today"),
        ("2026-13-40", "today"),
        ("", "today"),
    ],
)
def test_the_reminder_log_picks_its_day_like_the_board(client, week, office_user, value, expected):
    client.force_login(office_user)
    today = week.starts_on + dt.timedelta(days=3)
    wanted = {
        "in the week": dt.date(2026, 9, 22),
        "first day": week.starts_on,
        "last day": week.ends_on,
        "today": today,
    }[expected]

    with time_machine.travel(factories.at(today, 10), tick=False):
        reminder_log_day, board_day = _chosen_days(client, value)

    assert reminder_log_day == board_day == wanted


@pytest.mark.parametrize("now", [dt.date(2026, 9, 1), dt.date(2026, 10, 30)])
def test_without_a_day_both_keep_today_inside_the_week(client, week, office_user, now):
    client.force_login(office_user)

    with time_machine.travel(factories.at(now, 10), tick=False):
        reminder_log_day, board_day = _chosen_days(client, "")

    assert reminder_log_day == board_day == min(max(now, week.starts_on), week.ends_on)


# --- the number to call ------------------------------------------------------------------------


@pytest.fixture
def phone_events(week):
    """Three events of one day: a reporter with a phone, one without, and no reporter at all."""
    day = week.starts_on
    unit = factories.organizer()

    def make(name, reporter, contact_phone):
        return factories.event(
            week=week,
            host=unit,
            reporter=reporter,
            contact_phone=contact_phone,
            subtitle=name,
            starts_at=factories.at(day, 9),
            ends_at=factories.at(day, 12),
        )

    return {
        "with_phone": make("有电话", factories.member(unit, phone="13800000001"), "0512-1"),
        "without": make("没电话", factories.member(unit, phone=""), "0512-2"),
        "nobody": make("无报送员", None, "0512-3"),
    }


def test_the_board_shows_the_reporters_number_else_the_contacts(client, week, office_user, phone_events):
    client.force_login(office_user)

    page = client.get(reverse("board:home"), {"day": week.starts_on.isoformat()}).content.decode()

    assert 'href="tel:13800000001"' in page
    assert 'href="tel:0512-1"' not in page  # the reporter's number wins over the contact's
    assert 'href="tel:0512-2"' in page


def test_the_digest_gives_the_reporters_number_else_the_contacts(week, phone_events):
    day = week.starts_on

    digest = digest_build(week=week, day=day, now=factories.at(day, 17))

    phones = {row.event.subtitle: row.phone for row in digest.missing}
    assert phones == {"有电话": "13800000001", "没电话": "0512-2", "无报送员": "0512-3"}


# --- due next day ----------------------------------------------------------------------------


def test_an_evening_event_is_due_next_day_in_the_report_list_and_by_its_deadline(
    client, week, organizer, member
):
    day = week.starts_on
    evening = factories.event(
        week=week,
        host=organizer,
        reporter=member,
        subtitle="晚间论坛",
        starts_at=factories.at(day, 18),
        ends_at=factories.at(day, 21),
    )
    daytime = factories.event(
        week=week,
        host=organizer,
        reporter=member,
        subtitle="上午论坛",
        starts_at=factories.at(day, 9),
        ends_at=factories.at(day, 12),
    )
    client.force_login(member)

    with time_machine.travel(factories.at(day, 12), tick=False):
        response = client.get(reverse("reports:list"))

    rows = {row.event.subtitle: row for row in response.context["rows"] if row.day == day}
    assert rows["晚间论坛"].due_next_day is True
    assert (
        rows["晚间论坛"].due == deadlines.due_at(evening, day) == week.deadline_on(day + dt.timedelta(days=1))
    )
    assert rows["上午论坛"].due_next_day is False
    assert rows["上午论坛"].due == deadlines.due_at(daytime, day) == week.deadline_on(day)
    assert response.content.decode().count("晚间活动，次日截止") == 1


# --- who may file a report ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("approved", True),
        ("draft", False),
        ("submitted", False),
        ("returned", False),
        ("cancelled", False),
    ],
)
def test_a_host_member_may_file_reports_only_for_an_approved_event(week, organizer, member, status, allowed):
    reason = {"cancel_reason": "场地调整"} if status == "cancelled" else {}
    event = factories.event(week=week, host=organizer, reporter=member, status=status, **reason)

    assert member.has_perm("submissions.file_report", event) is allowed


def test_nobody_outside_the_host_may_file_reports(week, event, office_user):
    other_unit_member = factories.member(factories.organizer())

    assert event.status == "approved"
    assert not other_unit_member.has_perm("submissions.file_report", event)
    assert not office_user.has_perm("submissions.file_report", event)


def test_there_is_no_see_report_permission():
    assert rules.perm_exists("submissions.file_report")
    assert not rules.perm_exists("submissions.see_report")
