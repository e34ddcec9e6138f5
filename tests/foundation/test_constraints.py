"""Every invariant the domain states is refused by the database itself, not only by forms."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import Event, EventPartner, Membership, Week
from submissions.models import DailyDispatch, DailyReport, MediaFile, Reminder
from tests import factories

pytestmark = pytest.mark.django_db


def refused(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


def test_week_must_not_end_before_it_starts():
    refused(lambda: factories.week(starts_on=dt.date(2026, 9, 20), ends_on=dt.date(2026, 9, 19)))


def test_only_one_week_is_current():
    factories.week(is_current=True)
    refused(lambda: factories.week(is_current=True))
    assert factories.week(is_current=False).pk


@pytest.mark.parametrize(
    "fields",
    [
        {"photo_min_bytes": 0},
        {"photo_min_bytes": 10, "photo_max_bytes": 5},
        {"video_min_width": 0},
        {"video_min_height": 0},
    ],
)
def test_week_reporting_rules_must_make_sense(fields):
    refused(lambda: factories.week(**fields))


def test_event_must_end_after_it_starts(week):
    start = factories.at(week.starts_on, 9)
    refused(lambda: factories.event(week=week, starts_at=start, ends_at=start))


def test_event_may_start_at_local_midnight_of_the_first_day(week):
    # 00:30 in Shanghai is still the previous day in UTC: the day is judged in the week's zone.
    event = factories.event(
        week=week, starts_at=factories.at(week.starts_on, 0, 30), ends_at=factories.at(week.starts_on, 2)
    )
    assert event.pk


def test_an_event_may_start_before_its_week(week):
    # A plan's event may begin before the plan's period (科普日 9/13-17 in a plan from 9/15):
    # the form and the import warn and the office is told; the database refuses nothing.
    day_before = week.starts_on - dt.timedelta(days=2)
    event = factories.event(
        week=week, starts_at=factories.at(day_before, 9), ends_at=factories.at(week.starts_on, 10)
    )
    assert event.starts_before_period and event.reporting_days == [week.starts_on]


def test_event_ending_at_midnight_after_the_last_day_is_inside(week):
    day_after = week.ends_on + dt.timedelta(days=1)
    event = factories.event(
        week=week, starts_at=factories.at(week.ends_on, 20), ends_at=factories.at(day_after, 0)
    )
    assert event.days == [week.ends_on]


def test_moving_an_event_or_shrinking_its_week_is_no_longer_refused_by_the_database(event):
    # Whether an event fits its week is the form's and the import's rule (events/validation.py).
    event.starts_at -= dt.timedelta(days=30)
    event.save()
    week = event.week
    week.ends_on -= dt.timedelta(days=1)
    week.save()


def test_the_event_inside_week_triggers_are_gone():
    """events/0014 drops the triggers of 0002 on both backends (the test database is migrated fresh)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {name for (name,) in cursor.fetchall()}

    assert not {name for name in names if "inside_week" in name or "keeps_its_events" in name}


@pytest.mark.parametrize("field, value", [("status", "published"), ("form", "party")])
def test_event_choices_are_enforced(week, field, value):
    refused(lambda: factories.event(week=week, **{field: value}))


def test_cancelled_event_needs_a_reason(week):
    refused(lambda: factories.event(week=week, status=Event.Status.CANCELLED, cancel_reason=""))
    assert factories.event(week=week, status=Event.Status.CANCELLED, cancel_reason="场地变更").pk


def test_membership_is_once_per_unit(organizer, member):
    refused(lambda: Membership.objects.create(organizer=organizer, user=member))


def test_partner_needs_a_unit_or_a_name(event):
    refused(lambda: EventPartner.objects.create(event=event, role=EventPartner.Role.CO_ORGANIZER))
    assert EventPartner.objects.create(
        event=event, role=EventPartner.Role.CO_ORGANIZER, name="昆山市总工会"
    ).pk


def test_venue_only_sub_venues_hang_under_a_parent():
    main = factories.venue()
    assert factories.venue(kind="sub", parent=main).pk
    refused(lambda: factories.venue(kind="main", parent=main))


@pytest.mark.parametrize(
    "coordinates",
    [
        {"latitude": 31.38},
        {"longitude": 120.98},
        {"latitude": 91, "longitude": 120},
        {"latitude": 31, "longitude": 181},
    ],
)
def test_venue_coordinates_are_both_set_and_in_range(coordinates):
    refused(lambda: factories.venue(**coordinates))


def test_daily_report_is_once_per_event_day(event):
    DailyReport.objects.create(event=event, day=event.days[0])
    refused(lambda: DailyReport.objects.create(event=event, day=event.days[0]))


def test_submitted_report_has_a_time_and_a_lateness(event):
    refused(lambda: DailyReport.objects.create(event=event, day=event.days[0], status="submitted"))


def test_reviewed_report_has_a_review_time(event):
    refused(
        lambda: DailyReport.objects.create(
            event=event, day=event.days[0], status="accepted", submitted_at=timezone.now(), is_late=False
        )
    )


def _media(report, **fields):
    defaults = {"kind": "photo", "file": "x.jpg", "original_name": "x.jpg", "size": 1, "sha256": "a" * 64}
    return MediaFile.objects.create(report=report, **{**defaults, **fields})


def test_same_file_once_per_report(event):
    report = DailyReport.objects.create(event=event, day=event.days[0])
    _media(report)
    refused(lambda: _media(report))


def test_media_verdict_has_a_time_and_only_passed_media_is_public(event):
    report = DailyReport.objects.create(event=event, day=event.days[0])
    refused(lambda: _media(report, status="passed"))
    refused(lambda: _media(report, sha256="b" * 64, is_public=True))
    refused(lambda: _media(report, sha256="c" * 64, kind="audio"))


def test_reminder_is_once_per_event_day_slot_recipient_and_channel(event, member):
    key = {"event": event, "day": event.days[0], "slot": "14:00"}
    Reminder.objects.create(recipient=member, channel="email", **key)
    refused(lambda: Reminder.objects.create(recipient=member, channel="email", **key))
    assert Reminder.objects.create(recipient=member, channel="site", **key).pk
    Reminder.objects.create(recipient=None, channel="webhook", address="https://robot/a", **key)
    refused(
        lambda: Reminder.objects.create(recipient=None, channel="webhook", address="https://robot/a", **key)
    )
    # Without a person, the address tells notices apart (several reporting units, several robots).
    assert Reminder.objects.create(recipient=None, channel="webhook", address="https://robot/b", **key).pk


def test_office_dispatch_is_once_per_day(week):
    DailyDispatch.objects.create(week=week, day=week.starts_on, kind="digest")
    refused(lambda: DailyDispatch.objects.create(week=week, day=week.starts_on, kind="digest"))


def test_week_helpers_judge_time_in_the_weeks_zone(week):
    deadline = week.deadline_on(week.starts_on)
    assert deadline.utcoffset() == dt.timedelta(hours=8)
    assert deadline.astimezone(dt.UTC).hour == 8
    assert week.days[0] == week.starts_on and week.days[-1] == week.ends_on
    assert Week.objects.current() == week


def test_a_co_host_is_a_reporting_unit_and_a_reporting_partner_has_an_account(event):
    unit = factories.organizer()
    refused(lambda: EventPartner.objects.create(event=event, role="host", name="无账号单位", may_report=True))
    refused(lambda: EventPartner.objects.create(event=event, role="host", organizer=unit, may_report=False))
    refused(
        lambda: EventPartner.objects.create(
            event=event, role="undertaker", name="无账号单位", may_report=True
        )
    )
    assert EventPartner.objects.create(event=event, role="host", organizer=unit, may_report=True).pk


def test_each_kind_of_place_has_what_it_needs(week):
    at_venue = factories.event(week=week)
    for kind in ("venue", "hybrid"):
        refused(lambda kind=kind: Event.objects.filter(pk=at_venue.pk).update(place_kind=kind, venue=None))
    refused(lambda: factories.event(week=week, place_kind="elsewhere", place=""))
    refused(lambda: factories.event(week=week, place_kind="nowhere"))
    assert factories.event(week=week, place_kind="online", place="").venue is None
