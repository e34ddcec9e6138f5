"""Logic written once: the chosen day, the number to call, 'due next day', event rules."""
import pytest
import rules

from events import rules as event_rules
from submissions import deadlines, presenters
from submissions import rules as submission_rules
from submissions.selectors.reports import event_days
from submissions.views import reminders as reminder_views
from submissions.views.board import board_day
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_reminder_log_picks_its_day_like_the_board(week):
    assert reminder_views.board_day is board_day
    assert not hasattr(reminder_views, "_chosen_day")
    assert board_day(week, "1999-01-01") == week.starts_on
    assert board_day(week, "bad") == board_day(week, "") == min(max(week.today(), week.starts_on), week.ends_on)


def test_number_to_call_is_the_reporters_else_the_contacts(week):
    unit = factories.organizer()
    with_phone = factories.event(week=week, host=unit, reporter=factories.member(unit, phone="13800000001"),
                                 contact_phone="0512-1")
    without = factories.event(week=week, host=unit, reporter=factories.member(unit, phone=""), contact_phone="0512-2")
    nobody = factories.event(week=week, host=unit, reporter=None, contact_phone="0512-3")

    assert [presenters.contact_phone(e) for e in (with_phone, without, nobody)] == ["13800000001", "0512-2", "0512-3"]


def test_due_next_day_is_one_rule_for_rows_and_deadlines(week, monkeypatch):
    day = week.starts_on
    evening = factories.event(week=week, starts_at=factories.at(day, 18), ends_at=factories.at(day, 21))
    [row] = [row for row in event_days(events=[evening], now=factories.at(day, 12)) if row.day == day]
    calls = []
    real = deadlines.is_due_next_day
    monkeypatch.setattr(deadlines, "is_due_next_day", lambda *a, **k: calls.append(a) or real(*a, **k))

    assert row.due_next_day is True
    assert calls == [(evening, day)]


def test_submissions_rules_reuse_the_events_predicates_and_have_no_unused_perm():
    assert submission_rules.event_is_approved is event_rules.event_is_approved
    assert not rules.perm_exists("submissions.see_report")
    assert rules.perm_exists("submissions.file_report")
