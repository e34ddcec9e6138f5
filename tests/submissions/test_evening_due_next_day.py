"""An evening event reports by the next day's deadline, so the office sees it that day: on
the board of the next day (marked as the previous evening's, in its counts and live rows), in
that day's .xlsx and reminder log, and in that day's digest; the last day's evening events
in a digest and on a board of the day after the period."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from submissions.exports.xlsx import DAY_SHEET, day_workbook
from submissions.models import DailyDispatch, Reminder
from submissions.selectors import board as selectors
from submissions.selectors.reminders import reminder_counts, reminders_for_day
from submissions.services.digest import digest_build, digests_due
from submissions.services.tick_scope import tick_scope
from tests import factories

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 9, 21)
NEXT = DAY + dt.timedelta(days=1)


@pytest.fixture
def evening(week, organizer, member):
    """A forum from 19:00 on DAY (after the 16:00 deadline: due at NEXT's), a day event on
    NEXT, and a day event on DAY (due on DAY, not on NEXT's board)."""
    night = factories.event(
        week=week,
        host=organizer,
        reporter=member,
        subtitle="夜间路演",
        starts_at=factories.at(DAY, 19),
        ends_at=factories.at(DAY, 21),
    )
    morning = factories.event(
        week=week,
        host=organizer,
        reporter=member,
        subtitle="次日上午论坛",
        starts_at=factories.at(NEXT, 9),
        ends_at=factories.at(NEXT, 11),
    )
    factories.event(
        week=week,
        host=organizer,
        reporter=member,
        subtitle="当日白天沙龙",
        starts_at=factories.at(DAY, 9),
        ends_at=factories.at(DAY, 11),
    )
    return {"night": night, "morning": morning}


@pytest.fixture
def office(client, office_user):
    client.force_login(office_user)
    return client


def test_the_next_days_board_lists_the_previous_evening_as_the_digest_counts_it(week, evening):
    factories.report(event=evening["night"], day=DAY, status="submitted", submitted_at=factories.at(NEXT, 10))
    now = factories.at(NEXT, 16, 5)

    board = selectors.board_for_day(week=week, day=NEXT, now=now)
    digest = digest_build(week=week, day=NEXT, now=now)

    # Waiting for review first (on time), then missing: the board's order.
    assert [(row.event.subtitle, row.day, row.previous_evening) for row in board.all_rows] == [
        ("夜间路演", DAY, True),
        ("次日上午论坛", NEXT, False),
    ]
    assert board.counts["due"] == 2 and board.counts["on_time"] == 1 and board.counts["missing"] == 1
    due_in_digest = {(row.event.pk, row.day) for row in digest.on_time + digest.late + digest.missing}
    due_on_board = {(row.event.pk, row.day) for row in board.all_rows if row.due.date() == NEXT}
    assert due_on_board == due_in_digest
    # The evening stays on its own day's board too (not yet due there), as in that digest.
    own = selectors.board_for_day(week=week, day=DAY, now=factories.at(DAY, 16, 5))
    assert {row.event.subtitle for row in own.all_rows} == {"夜间路演", "当日白天沙龙"}
    assert not any(row.previous_evening for row in own.all_rows)


def test_live_rows_mark_the_previous_evening_and_count_it(office, week, evening):
    factories.report(event=evening["night"], day=DAY, status="submitted", submitted_at=factories.at(NEXT, 10))

    response = office.get(reverse("board:live"), {"day": NEXT.isoformat()})

    html = response.content.decode()
    assert response.context["counts"]["due"] == 2
    row = html[html.index(f'data-event="{evening["night"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'data-day="{DAY.isoformat()}"' in row and "前一日晚间活动" in row and "夜间路演" in row
    assert "前一日晚间活动" not in html.replace(row, "")


def test_the_next_days_sheet_lists_the_previous_evening_and_counts_it(week, evening):
    factories.report(event=evening["night"], day=DAY, status="accepted", submitted_at=factories.at(NEXT, 10))

    sheet = load_workbook(io.BytesIO(day_workbook(week=week, day=NEXT, now=factories.at(NEXT, 17))))[
        DAY_SHEET
    ]

    titles = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if isinstance(row[0], int)]
    assert titles == ["夜间路演（2026年9月21日晚间活动）", "次日上午论坛"]
    total = next(row[1] for row in sheet.iter_rows(values_only=True) if row[0] == "合计")
    assert total.startswith("应报送 2 份；按时 1 份；逾期 0 份；未报送 1 份；已采用 1 份")


def test_the_reminder_log_shows_reminders_on_the_day_they_are_sent(office, week, evening, member):
    def remind(event, day):
        return Reminder.objects.create(
            event=event, day=day, slot="14:00", channel=Reminder.Channel.SITE, recipient=member
        )

    night = remind(evening["night"], DAY)  # sent on NEXT at 14:00, before NEXT's deadline
    morning = remind(evening["morning"], NEXT)

    assert set(reminders_for_day(week=week, day=NEXT)) == {night, morning}
    assert reminder_counts(week=week, day=NEXT)["14:00"][Reminder.Delivery.PENDING] == 2
    assert night not in set(reminders_for_day(week=week, day=DAY))
    page = office.get(reverse("reminders:day"), {"day": NEXT.isoformat()}).content.decode()
    assert "夜间路演" in page and "前一日晚间活动" in page


@pytest.fixture
def last_evening(week, organizer, member):
    """An award evening on the period's last day (from 18:30): due the day after it."""
    return factories.event(
        week=week,
        host=organizer,
        reporter=member,
        subtitle="闭幕颁奖晚会",
        starts_at=factories.at(week.ends_on, 18, 30),
        ends_at=factories.at(week.ends_on, 21),
    )


def test_the_last_days_evening_is_in_the_digest_of_the_day_after_the_period(week, last_evening):
    after = week.ends_on + dt.timedelta(days=1)
    before_deadline = tick_scope(now=factories.at(after, 16, 0))
    after_deadline = tick_scope(now=factories.at(after, 16, 5))

    assert digests_due(scope=before_deadline) == []
    (dispatch,) = digests_due(scope=after_deadline)
    assert (dispatch.week, dispatch.day, dispatch.kind) == (week, after, DailyDispatch.Kind.DIGEST)
    digest = digest_build(week=week, day=after, now=factories.at(after, 16, 5))
    assert [(row.event, row.day) for row in digest.missing] == [(last_evening, week.ends_on)]
    # No evening on the last day: no digest after the period.
    last_evening.starts_at = factories.at(week.ends_on, 9)
    last_evening.save()
    assert digests_due(scope=tick_scope(now=factories.at(after, 16, 5))) == []


def test_the_office_has_a_board_and_files_for_the_day_after_the_period(office, week, last_evening):
    after = week.ends_on + dt.timedelta(days=1)

    response = office.get(reverse("board:home"), {"day": after.isoformat()})

    assert response.context["day"] == after
    assert response.context["days"][-1] == after
    assert [(row.event, row.day, row.previous_evening) for row in response.context["board"].all_rows] == [
        (last_evening, week.ends_on, True)
    ]
    assert office.get(reverse("board:export", args=[after.isoformat(), "xlsx"])).status_code == 200
    assert office.get(reverse("reminders:day"), {"day": after.isoformat()}).context["day"] == after
    # Without such an evening the day after the period is no board's day.
    last_evening.starts_at = factories.at(week.ends_on, 9)
    last_evening.save()
    assert office.get(reverse("board:home"), {"day": after.isoformat()}).context["day"] == week.ends_on
    assert office.get(reverse("board:export", args=[after.isoformat(), "xlsx"])).status_code == 404
