"""The demo week from the Kunshan plan: complete, idempotent, and shiftable to today."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command
from django.forms.models import model_to_dict

from events import demo
from events.models import Event, Week

pytestmark = pytest.mark.django_db


def _snapshot() -> dict:
    """Every row of every project model, as plain values."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in {"events", "venues", "submissions"}:
            rows[model._meta.label] = sorted(
                repr(sorted(model_to_dict(obj).items(), key=str)) for obj in model.objects.all()
            )
    return rows


def test_demo_week_holds_the_nine_events_of_the_plan():
    demo.load_demo_week()

    week = Week.objects.current()
    assert week.theme == "创梦新天地，发展新经济；创客新天堂，培育新动能"
    assert Event.objects.filter(week=week).count() == 9
    assert Event.objects.filter(subtitle__contains="SAE 2017").get().days == [
        dt.date(2017, 9, 25),
        dt.date(2017, 9, 26),
        dt.date(2017, 9, 27),
    ]
    assert all(event.reporter and event.contact_phone for event in Event.objects.all())


def test_loading_twice_changes_nothing():
    demo.load_demo_week()
    first = _snapshot()

    demo.load_demo_week()

    assert _snapshot() == first


def test_today_shifts_the_week_so_that_it_runs_today():
    today = dt.date(2026, 11, 22)

    demo.load_demo_week(today=today)

    week = Week.objects.current()
    assert week.starts_on <= today <= week.ends_on
    assert (
        Event.objects.filter(status="approved", starts_at__date__lte=today, ends_at__date__gte=today).count()
        >= 3
    )
    demo.load_demo_week(today=today)
    # Loading again moves nothing new in: this year's week and last year's, 9 + 3 events.
    assert Week.objects.count() == 2 and Event.objects.count() == 9 + len(demo.PAST_SUBTITLES)


def test_command_prints_the_accounts_and_they_can_sign_in(client, capsys):
    call_command("load_demo_week")

    printed = capsys.readouterr().out
    assert "fgw / office-demo-2017" in printed
    assert "kjj / organizer-demo-2017" in printed
    assert client.login(username="fgw", password="office-demo-2017")
    assert client.get("/admin/").status_code == 200
    assert client.get("/review/").status_code == 200


def test_last_years_edition_is_finished_and_in_the_archive(client):
    today = dt.date(2026, 11, 22)
    demo.load_demo_week(today=today)

    past = Week.objects.get(name=demo.PAST_WEEK_NAME)

    assert not past.is_current and past.is_published and past.ends_on < today
    assert set(Event.objects.filter(week=past).values_list("subtitle", flat=True)) == set(
        demo.PAST_SUBTITLES.values()
    )
    archive = client.get("/archive/").content.decode()
    assert past.name in archive or past.unified_title in archive
    week_page = client.get(f"/archive/{past.pk}/").content.decode()
    assert "SAE 2016 汽车智能与网联技术国际学术会议" in week_page
