"""The online hall's, the contests' and the public home page's charts: numbers equal to counts
read from the database for the demo week (its hall and contest loaded), refused to roles that
may not see the page they serve, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from contests.demo import load_demo_contest
from contests.models import Contest, Entry, Round, Vote, VoteVoid
from core.models import ViewCount
from events import demo as event_demo
from events.models import Event, Week
from exhibits.demo import load_demo_exhibition
from exhibits.models import Exhibition, Intent, Project, Signing
from public import stats
from tests import factories
from tests.contests import factories as contest_factories
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    event_demo.load_demo_week(today=timezone.localdate())
    load_demo_exhibition()
    load_demo_contest()
    return Week.objects.get(name=event_demo.WEEK_NAME)


def _series(spec) -> dict[str, list[int]]:
    return {series["name"]: series["data"] for series in spec["series"]}


def test_hall_charts_equal_the_database(client, demo):
    hall = Exhibition.objects.get(week=demo)
    client.force_login(factories.office_user())
    spec = client.get(reverse("exhibits:hall_chart", args=[hall.pk, "sections"])).json()
    projects = Project.objects.filter(exhibition=hall).exclude(status=Project.Status.DRAFT)
    sections = list(hall.sections.order_by("order", "id"))
    assert spec["x"]["labels"][: len(sections)] == [section.name for section in sections]
    expected = {
        label: [projects.filter(section=section, stage=stage).count() for section in sections]
        for stage, label in Project.Stage.choices
    }
    got = _series(spec)
    assert {label: data[: len(sections)] for label, data in got.items() if label in expected} == expected
    assert sum(sum(data) for data in got.values()) == projects.count() > 0

    spec = client.get(reverse("exhibits:hall_chart", args=[hall.pk, "intents"])).json()
    zone = demo.zone
    intents = Counter(
        at.astimezone(zone).date()
        for at in Intent.objects.filter(project__exhibition=hall, confirmed_at__isnull=False).values_list(
            "confirmed_at", flat=True
        )
    )
    signings = Counter(Signing.objects.filter(project__exhibition=hall).values_list("signed_on", flat=True))
    got = _series(spec)
    assert sum(got["合作意向"]) == sum(intents.values()) > 0
    assert sum(got["签约"]) == sum(signings.values()) > 0
    for row in spec["table"]["rows"]:
        day = next(d for d in {*intents, *signings, *demo.days} if row[0] == f"{d.month}月{d.day}日")
        assert row[1:] == [intents[day], signings[day]]

    # Not the hall's curators: a member of another unit gets no hall (404), the public a login.
    client.force_login(factories.member(factories.organizer()))
    assert client.get(reverse("exhibits:hall_chart", args=[hall.pk, "sections"])).status_code == 404
    client.logout()
    assert client.get(reverse("exhibits:hall_chart", args=[hall.pk, "sections"])).status_code == 302


def test_contest_charts_equal_the_database(client, demo):
    contest = Contest.objects.get(event__week=demo)
    final = Round.objects.filter(contest=contest, vote_opens_at__isnull=False).first()
    # The organizer voids a window of the demo's votes.
    votes = list(Vote.objects.filter(round=final).order_by("created_at"))
    assert len(votes) > 4
    window = VoteVoid.objects.create(
        round=final, starts_at=votes[1].created_at, ends_at=votes[3].created_at, reason="同一网段集中投票"
    )
    Vote.objects.filter(pk__in=[v.pk for v in votes[1:3]]).update(void=window)
    client.force_login(factories.office_user())
    zone = demo.zone

    spec = client.get(reverse("contests:chart_registrations", args=[contest.pk])).json()
    entries = Entry.objects.filter(contest=contest, submitted_at__isnull=False).select_related("track")
    per_track = Counter((e.track.name, e.submitted_at.astimezone(zone).date()) for e in entries)
    got = _series(spec)
    assert sum(sum(data) for data in got.values()) == entries.count() > 0
    for (track, day), count in per_track.items():
        assert got[track][spec["x"]["labels"].index(f"{day.month}月{day.day}日")] == count

    spec = client.get(reverse("contests:chart_votes", args=[final.pk])).json()
    got = _series(spec)
    hours = Counter(
        (v.created_at.astimezone(zone).replace(minute=0, second=0, microsecond=0), v.void_id is None)
        for v in Vote.objects.filter(round=final)
    )
    labels = spec["x"]["labels"]
    for (hour, valid), count in hours.items():
        index = labels.index(f"{hour.month}月{hour.day}日 {hour:%H}:00")
        assert got["有效票" if valid else "已作废"][index] == count
    assert sum(got["有效票"]) + sum(got["已作废"]) == Vote.objects.filter(round=final).count()
    assert sum(got["已作废"]) == 2
    first_hour = votes[1].created_at.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    mark = spec["marks"][0]
    assert labels[mark["from"]] == f"{first_hour.month}月{first_hour.day}日 {first_hour:%H}:00"
    assert mark["label"] == "已作废时段"

    client.force_login(factories.member(factories.organizer()))
    assert client.get(reverse("contests:chart_registrations", args=[contest.pk])).status_code == 404
    assert client.get(reverse("contests:chart_votes", args=[final.pk])).status_code in (403, 404)


def test_home_strip_and_chart_equal_the_database(client, demo):
    now = timezone.now()
    ViewCount.objects.create(week_id=demo.pk, kind="event", object_id=1, day=demo.starts_on, count=7)
    ViewCount.objects.create(week_id=demo.pk, kind="media", object_id=2, day=demo.starts_on, count=5)
    approved = Event.objects.filter(week=demo, status=Event.Status.APPROVED)
    strip = stats.week_strip(week=demo, now=now)
    hosts = set(approved.values_list("host_id", flat=True))
    partners = set(
        approved.filter(partners__organizer__isnull=False).values_list("partners__organizer_id", flat=True)
    )
    accepted = Project.objects.filter(
        exhibition__week=demo, exhibition__is_published=True, status=Project.Status.ACCEPTED
    )
    assert strip == stats.WeekStrip(
        events_held=approved.filter(starts_at__lte=now).count(),
        units=len(hosts | partners),
        projects=accepted.count(),
        online_views=12,
    )
    assert strip.events_held > 0 and strip.projects > 0

    response = client.get(reverse("home"))
    assert [f.strip() for f in response.content.decode().split('class="strip-value">')[1:5]][0].startswith(
        str(strip.events_held)
    )
    spec = client.get(reverse("week_chart")).json()  # anonymous: a public page's chart
    per_day = {day: 0 for day in demo.days}
    for event in approved.select_related("week"):
        for day in event.days:
            if day in per_day:
                per_day[day] += 1
    assert spec["series"][0]["data"] == list(per_day.values())
    english = client.get("/en" + reverse("week_chart")).json()
    assert english["title"] == "Events per day"


def _hall_world(count):
    week = factories.week()
    hall = exhibit_factories.exhibition(week=week)
    exhibit_factories.section(exhibition=hall, name="碳中和")
    for n, project in enumerate(exhibit_factories.many_projects(exhibition=hall, count=count)):
        exhibit_factories.intent(project=project)
        if n % 2:
            exhibit_factories.signing(project=project, signed_on=week.starts_on + dt.timedelta(days=n % 5))
    return week, hall


@pytest.mark.parametrize("count", [3, 30])
def test_hall_and_home_query_counts_do_not_grow(client, count, django_assert_num_queries):
    week, hall = _hall_world(count)
    factories.many_events(week=week, count=count)
    client.force_login(factories.office_user())
    # session, user, office group, the hall (curated by) and the rule; then the chart's reads.
    for name, expected in (("sections", 6), ("intents", 9)):
        with django_assert_num_queries(expected):
            assert client.get(reverse("exhibits:hall_chart", args=[hall.pk, name])).status_code == 200
    with django_assert_num_queries(4):  # approved events started, units, projects, online views
        stats.week_strip(week=week, now=timezone.now())
    approved = Event.objects.public().filter(week=week, status=Event.Status.APPROVED).select_related("week")
    event_days = sum(1 for event in approved for day in event.days if day in week.days)
    with django_assert_num_queries(1):
        assert sum(stats.events_chart(week=week)["series"][0]["data"]) == event_days > 0


@pytest.mark.parametrize("count", [3, 30])
def test_contest_query_counts_do_not_grow(client, count, django_assert_num_queries):
    contest = contest_factories.contest()
    entries = contest_factories.many_entries(contest=contest, count=count)
    Entry.objects.filter(contest=contest).update(submitted_at=timezone.now())
    now = timezone.now()
    final = contest_factories.round_(
        contest=contest, vote_opens_at=now - dt.timedelta(hours=2), vote_closes_at=now + dt.timedelta(hours=2)
    )
    eligible = [e for e in entries if e.status == Entry.Status.ELIGIBLE]
    contest_factories.lineup(final, eligible)
    for n in range(count):
        contest_factories.vote(final, eligible[n % len(eligible)], voter=f"voter{n}", ip=f"10.0.{n}.1")
    client.force_login(factories.office_user())
    for url, expected in (
        (reverse("contests:chart_registrations", args=[contest.pk]), 6),
        (reverse("contests:chart_votes", args=[final.pk]), 6),
    ):
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200
    assert sum(sum(s["data"]) for s in response.json()["series"]) == count
