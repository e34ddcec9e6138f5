"""The federation on the public side: a second portal (this project under live_server) read
end to end, the schedule's sub-venue choice and city filter, the week totals and the
sub-venues page that adds them up."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from core import view_counts
from core.public_cache import bump_public_version
from events import demo
from events.models import Event, Week
from exhibits.demo import load_demo_exhibition
from exhibits.models import Intent, Project, Signing
from federation import services
from federation.models import RemoteEvent, Source
from submissions.models import DailyReport, MediaFile
from submissions.selectors.summary import week_summary
from tests import factories

API = "/api/schedule.json"
TOTALS = "/api/weeks/current/totals.json"


@pytest.mark.django_db(transaction=True)
def test_a_second_portal_read_end_to_end(live_server, settings, client, django_assert_num_queries):
    """This project, served by live_server, is the sub-venue: subscribe, sync, see its events
    on the schedule under its city; read again with its own ETag: 304, no write but the times."""
    settings.SITE_URL = live_server.url
    demo.load_demo_week()
    source = Source.objects.create(name="昆山市双创周", city="昆山", base_url=live_server.url)

    assert services.source_sync(source_id=source.pk).status == "changed"
    assert services.source_totals_read(source_id=source.pk) == "read"

    source.refresh_from_db()
    public = Event.objects.public().filter(week__is_current=True)
    assert set(RemoteEvent.objects.values_list("remote_id", flat=True)) == set(
        public.values_list("pk", flat=True)
    )
    assert source.etag and source.api_version == "1.0" and source.totals["events_held"] > 0
    schedule = client.get(reverse("schedule"), {"subvenues": "昆山", "day": "all"}).content.decode()
    first = public.order_by("starts_at", "id").first()
    assert f'href="{live_server.url}/events/{first.pk}/"' in schedule
    assert schedule.count("is-remote") == public.count()

    with django_assert_num_queries(2):  # SELECT the source, UPDATE its three times
        assert services.source_sync(source_id=source.pk).status == "not_modified"
    assert services.source_totals_read(source_id=source.pk) == "not_modified"


@pytest.fixture
def two_cities(stub_portal, recorded_api):
    """Two sub-venues in two cities, each serving the demo week's answer (ids shifted apart)."""
    suzhou = Source.objects.create(name="苏州", city="苏州", base_url=stub_portal.url + "/sz")
    data = json.loads(recorded_api)
    for event in data["events"]:
        event["id"] += 1000
        event["subtitle"] = "无锡·" + event["subtitle"]
    wuxi = Source.objects.create(name="无锡", city="无锡", base_url=stub_portal.url + "/wx")
    stub_portal.serve("/sz" + API, body=recorded_api)
    stub_portal.serve("/wx" + API, body=json.dumps(data).encode())
    for source in (suzhou, wuxi):
        services.source_sync(source_id=source.pk)
    return suzhou, wuxi


def test_the_schedule_shows_local_events_only_by_default(two_cities, client):
    page = client.get(reverse("schedule"), {"day": "all"}).content.decode()

    assert "is-remote" not in page
    assert '<option value="苏州"' in page and '<option value="无锡"' in page


def test_the_city_filter_shows_one_citys_sub_venue_apart_from_local_events(two_cities, client):
    count = RemoteEvent.objects.filter(source__city="无锡").count()

    page = client.get(reverse("schedule"), {"day": "all", "subvenues": "无锡"}).content.decode()

    local, remote = page.split('id="subvenues-heading"')
    assert "is-remote" not in local and remote.count("is-remote") == count
    assert "无锡·" in remote and "来自苏州" not in remote
    both = client.get(reverse("schedule"), {"day": "all", "subvenues": "all"}).content.decode()
    assert both.count("is-remote") == RemoteEvent.objects.count() == 2 * count
    # The day tabs keep the choice.
    assert "subvenues=%E6%97%A0%E9%94%A1" in page


def test_the_sub_venues_on_a_day_tab_are_that_days(two_cities, client, demo_week):
    day = demo.BUSIEST_DAY
    start, end = (
        demo_week.at(day, timezone.datetime.min.time()),
        demo_week.at(day, timezone.datetime.max.time()),
    )
    expected = RemoteEvent.objects.filter(source__city="苏州", starts_at__lte=end, ends_at__gt=start).count()

    page = client.get(reverse("schedule"), {"day": day.isoformat(), "subvenues": "苏州"}).content.decode()

    assert 0 < expected < RemoteEvent.objects.filter(source__city="苏州").count()
    assert page.split('id="subvenues-heading"')[1].count("is-remote") == expected


def test_a_disabled_source_is_not_shown(two_cities, client):
    suzhou, _ = two_cities
    Source.objects.filter(pk=suzhou.pk).update(enabled=False)

    page = client.get(reverse("schedule"), {"day": "all", "subvenues": "all"}).content.decode()

    assert "来自苏州" not in page and "来自无锡" in page


@pytest.mark.django_db
def test_week_totals_equal_the_databases_counts_for_the_demo_week(client, settings):
    demo.load_demo_week()
    load_demo_exhibition()
    week = Week.objects.current()
    hall_event = Event.objects.filter(week=week, status=Event.Status.APPROVED).first()
    view_counts.record_view(week_id=week.pk, kind="event", object_id=hall_event.pk, day=week.starts_on)
    view_counts.record_view(week_id=week.pk, kind="event", object_id=hall_event.pk, day=week.starts_on)

    response = client.get(reverse("current_week_totals"))

    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["api_version"] == "1.0" and data["week"]["id"] == week.pk
    totals = data["totals"]
    approved = Event.objects.filter(week=week, status=Event.Status.APPROVED)
    in_week = [e for e in approved if any(week.starts_on <= day <= week.ends_on for day in e.days)]
    units = {e.host.name for e in approved} | {p.display_name for e in approved for p in e.partners.all()}
    shown = Project.objects.filter(exhibition__week=week, exhibition__is_published=True, status="accepted")
    summary = week_summary(week=week, now=timezone.now()).totals
    assert totals["events_held"] == len(in_week) > 0
    assert totals["units"] == len(units)
    assert totals["projects_shown"] == shown.count() > 0
    assert (
        totals["intents"] == Intent.objects.filter(project__in=shown, confirmed_at__isnull=False).count() > 0
    )
    assert totals["signings"] == Signing.objects.filter(project__in=shown).count() > 0
    assert (
        totals["media_accepted"]
        == MediaFile.objects.filter(
            report__event__week=week,
            report__status=DailyReport.Status.ACCEPTED,
            status=MediaFile.Status.PASSED,
        ).count()
    )
    assert totals["reports_on_time"] == summary.on_time
    assert totals["reports_due"] == summary.on_time + summary.late + summary.missing > 0
    assert totals["online_views"] == 2
    # Nothing personal: only numbers (and the week's public name and dates).
    assert all(value is None or isinstance(value, int | float) for value in totals.values())
    assert client.get(reverse("week_totals", args=[week.pk])).json()["totals"] == totals
    week.is_published = False
    week.save()
    bump_public_version()  # as the office's change of a week does
    assert client.get(reverse("week_totals", args=[week.pk])).status_code == 404


def test_the_sub_venues_page_adds_up_each_citys_totals(stub_portal, demo_week, client):
    figures = {"events_held": 7, "units": 20, "reports_due": 10, "reports_on_time": 9, "media_accepted": 31}
    suzhou = Source.objects.create(name="苏州", city="苏州", base_url=stub_portal.url + "/sz")
    wuxi = Source.objects.create(name="无锡", city="无锡", base_url=stub_portal.url + "/wx")
    stub_portal.serve("/sz" + TOTALS, body=json.dumps({"api_version": "1.0", "totals": figures}).encode())
    older = {key: value * 2 for key, value in figures.items()}  # an older portal: no intents etc.
    stub_portal.serve("/wx" + TOTALS, body=json.dumps({"totals": older}).encode())
    for source in (suzhou, wuxi):
        assert services.source_totals_read(source_id=source.pk) == "read"

    page = client.get(reverse("subvenues")).content.decode()

    assert Source.objects.get(pk=wuxi.pk).totals["intents"] is None
    assert ">21</td>" in page  # events: 7 + 14
    assert ">93</td>" in page  # media: 31 + 62
    assert "90%" in page  # 27 of 30 reports on time
    assert "—" in page  # intents published by neither


def test_hostile_totals_are_refused_and_the_last_ones_kept(stub_portal, db):
    source = Source.objects.create(name="苏州", city="苏州", base_url=stub_portal.url)
    stub_portal.serve(TOTALS, body=json.dumps({"totals": {"events_held": 3}}).encode())
    services.source_totals_read(source_id=source.pk)
    stub_portal.serve(TOTALS, body=json.dumps({"totals": {"events_held": "<script>"}}).encode())

    assert services.source_totals_read(source_id=source.pk) == "failed"

    source.refresh_from_db()
    assert source.totals["events_held"] == 3 and "events_held" in source.totals_error


def test_the_office_sees_each_sources_state(stub_portal, recorded_api, client):
    good = Source.objects.create(name="苏州门户", city="苏州", base_url=stub_portal.url + "/sz")
    stub_portal.serve("/sz" + API, body=recorded_api)
    broken = Source.objects.create(name="无锡门户", city="无锡", base_url=stub_portal.url + "/wx")
    stub_portal.serve("/wx" + API, status=503)
    for source in (good, broken):
        services.source_sync(source_id=source.pk)
    client.force_login(factories.office_user())

    page = client.get(reverse("federation:sources")).content.decode()

    assert "苏州门户" in page and "无锡门户" in page
    assert "对方回答 HTTP 503" in page and "读取失败" in page and "正常" in page
