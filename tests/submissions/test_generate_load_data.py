"""``generate_load_data``: the counts asked for, the same data for the same seed, a second run
that changes nothing, and ``--reset`` that removes only what it made."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from core.roles import OFFICE_GROUP
from events.models import Event, Membership, Organizer, User, Week
from submissions.models import DailyReport, MediaFile, ReportLeader
from tests import factories
from venues.models import Venue

pytestmark = pytest.mark.django_db
OPTIONS = {
    "events": 60,
    "days": 3,
    "busiest": 30,
    "busiest_day": 1,
    "venues": 4,
    "units": 3,
    "media": 50,
    "start": "2026-09-20",
    "office": "load-office",
}


def generate(**options) -> dict:
    out = io.StringIO()
    call_command("generate_load_data", stdout=out, stderr=io.StringIO(), **{**OPTIONS, **options})
    return json.loads(out.getvalue().strip().splitlines()[-1])


def fingerprint() -> list:
    """Everything a benchmark reads of the generated week, without ids."""
    events = [
        (e.subtitle, e.starts_at, e.status, e.form, e.venue.name, e.host.name, e.reporter.username)
        for e in Event.objects.select_related("venue", "host", "reporter").order_by("subtitle")
    ]
    reports = sorted(
        (r.event.subtitle, r.day, r.status, r.is_late, r.submitted_at, r.media.count(), r.leaders.count())
        for r in DailyReport.objects.select_related("event")
    )
    return [events, reports]


def test_counts_as_asked():
    other = factories.week(name="别的活动周", is_current=True)

    made = generate()

    week = Week.objects.get(pk=made["week"])
    assert week.is_current and not Week.objects.get(pk=other.pk).is_current
    assert (week.starts_on, week.ends_on) == (dt.date(2026, 9, 20), dt.date(2026, 9, 22))
    assert made["events"] == Event.objects.filter(week=week).count() == 60
    assert made["busiest_day"] == "2026-09-21" and made["events_on_busiest_day"] == 30
    per_day = sorted(e.starts_at.astimezone(week.zone).date() for e in Event.objects.filter(week=week))
    assert [per_day.count(dt.date(2026, 9, 20 + n)) for n in range(3)] == [15, 30, 15]
    assert Venue.objects.filter(name__startswith="load·").count() == 4
    assert Organizer.objects.filter(name__startswith="load·").count() == 3
    assert made["media"] == MediaFile.objects.count() == 50
    approved = Event.objects.filter(week=week, status=Event.Status.APPROVED).count()
    assert 0.4 * approved < made["reports"] == DailyReport.objects.count() < 0.9 * approved
    assert ReportLeader.objects.exists() and DailyReport.objects.filter(status="accepted").exists()
    assert {r["username"] for r in made["reporters"]} == {f"load-reporter-{n}" for n in range(3)}
    assert all(
        Event.objects.get(pk=r["event"]).starts_at.astimezone(week.zone).date() == dt.date(2026, 9, 21)
        for r in made["reporters"]
    )
    assert User.objects.get(username="load-office").groups.filter(name=OFFICE_GROUP).exists()


def test_the_same_seed_makes_the_same_data_and_a_second_run_changes_nothing():
    first = generate()
    before = fingerprint()

    again = generate()

    assert fingerprint() == before
    assert again["week"] == first["week"] and Week.objects.count() == 1
    remade = generate(reset=True)
    assert remade["week"] != first["week"] and Week.objects.count() == 1
    assert fingerprint() == before
    assert generate(reset=True, seed=8) and fingerprint() != before


def test_other_sizes_need_reset_and_reset_keeps_what_it_did_not_make():
    kept = factories.event(week=factories.week(name="真实活动周", is_current=False))
    generate()

    with pytest.raises(CommandError, match="已有 60 场活动，不是 80 场：加 --reset"):
        generate(events=80)

    made = generate(events=80, reset=True)
    assert made["events"] == 80
    assert Event.objects.filter(pk=kept.pk).exists()
    assert Organizer.objects.filter(name__startswith="load·").count() == 3
    assert Membership.objects.filter(user__username__startswith="load-reporter-").count() == 3
    assert Venue.objects.filter(name__startswith="load·").count() == 4
