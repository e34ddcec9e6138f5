"""A contest presents projects of the week's online hall: an applicant who holds a public
project in a hall of the contest's week picks it when registering, the organizer links any
such project to an entry; the contest's page shows those of eligible entries and the vote
page a candidate's, with its cover and a link to its hall page, while the hall shows it."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from contests import services
from contests.models import Entry
from core.public_cache import bump_public_version
from exhibits.models import Project
from tests import factories
from tests.contests import factories as contest_factories
from tests.contests.test_registration import entry_data
from tests.contests.test_voting import NOON
from tests.exhibits import factories as hall_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(contest):
    """A public hall of the contest's week."""
    return hall_factories.exhibition(week=contest.event.week)


def test_an_applicant_picks_a_project_they_hold_in_the_weeks_hall(client, contest, hall):
    person = contest_factories.applicant()
    own = hall_factories.project(exhibition=hall, owner=person, title="固态电池隔膜")
    hall_factories.project(exhibition=hall, owner=factories.user(), title="别人的项目")
    hall_factories.project(
        exhibition=hall, owner=person, title="未入展的项目", status=Project.Status.SUBMITTED
    )
    elsewhere = hall_factories.exhibition()  # a hall of another week
    hall_factories.project(exhibition=elsewhere, owner=person, title="往届项目")
    client.force_login(person)
    register = reverse("contest:register", args=[contest.slug])

    page = client.get(register).content.decode()
    assert "固态电池隔膜" in page
    assert "别人的项目" not in page and "未入展的项目" not in page and "往届项目" not in page

    client.post(register, {**entry_data(contest), "project": own.pk})
    entry = Entry.objects.get()
    assert entry.project == own

    other = Project.objects.get(title="别人的项目")
    response = client.post(
        reverse("contest:entry_edit", args=[entry.pk]), {**entry_data(contest), "project": other.pk}
    )
    assert response.status_code == 200  # the form again, with its error
    entry.refresh_from_db()
    assert entry.project == own  # nothing changed

    entry.project = other  # the service refuses it too, whatever the form offered
    with pytest.raises(ValidationError) as refused:
        services.entry_save(entry=entry, by=person)
    assert "只能选择本活动周网上展厅中已公开展示的项目" in refused.value.messages[0]


def test_a_person_without_hall_projects_sees_no_such_field(client, contest, hall):
    hall_factories.project(exhibition=hall, owner=factories.user())
    client.force_login(contest_factories.applicant())

    assert "展厅项目" not in client.get(reverse("contest:register", args=[contest.slug])).content.decode()


def test_the_organizer_links_a_hall_project_and_the_contest_page_shows_it_once_eligible(
    client, contest, hall, organizer_member, django_capture_on_commit_callbacks
):
    entry = contest_factories.entry(contest=contest)
    project = hall_factories.project(exhibition=hall, owner=factories.user(), title="海水淡化膜组件")
    hidden_hall = hall_factories.exhibition(week=contest.event.week, is_published=False)
    hidden = hall_factories.project(exhibition=hidden_hall, title="未公开展厅的项目")
    client.force_login(organizer_member)
    link = reverse("contests:entry_project", args=[entry.pk])
    public = Client()
    page_url = reverse("contest:detail", args=[contest.slug])
    assert "海水淡化膜组件" in client.get(reverse("contests:entry", args=[entry.pk])).content.decode()
    assert "未公开展厅的项目" not in client.get(reverse("contests:entry", args=[entry.pk])).content.decode()

    response = client.post(link, {"project": hidden.pk}, follow=True)
    assert "该项目不在本活动周的网上展厅中公开展示" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, {"project": project.pk})
    entry.refresh_from_db()
    assert entry.project == project and entry.status == Entry.Status.SUBMITTED  # not screened again
    assert "海水淡化膜组件" not in public.get(page_url).content.decode()  # not before screening

    with django_capture_on_commit_callbacks(execute=True):
        services.entries_screen(entries=[entry], by=organizer_member, eligible=True)
    page = public.get(page_url).content.decode()
    assert "海水淡化膜组件" in page
    assert reverse("expo:project", args=[project.pk]) in page

    Project.objects.filter(pk=project.pk).update(status=Project.Status.RETURNED)
    bump_public_version()  # as the hall's services do when a project leaves it
    assert "海水淡化膜组件" not in public.get(page_url).content.decode()  # the hall no longer shows it

    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, {"project": ""})
    entry.refresh_from_db()
    assert entry.project is None


def test_another_units_organizer_cannot_link(client, contest, hall):
    entry = contest_factories.entry(contest=contest)
    project = hall_factories.project(exhibition=hall)
    client.force_login(factories.member(factories.organizer()))

    assert (
        client.post(reverse("contests:entry_project", args=[entry.pk]), {"project": project.pk}).status_code
        == 404
    )
    entry.refresh_from_db()
    assert entry.project is None


@time_machine.travel(NOON, tick=False)
def test_the_vote_page_shows_a_candidates_hall_project(contest, hall):
    round_ = contest_factories.round_(
        contest=contest, vote_opens_at=NOON - dt.timedelta(days=1), vote_closes_at=NOON + dt.timedelta(days=1)
    )
    project = hall_factories.project(exhibition=hall, title="智慧农业传感网")
    linked = contest_factories.entry(contest=contest, status=Entry.Status.ELIGIBLE, project=project)
    plain = contest_factories.entry(contest=contest, status=Entry.Status.ELIGIBLE)
    contest_factories.lineup(round_, [linked, plain])

    page = Client().get(reverse("contest:vote", args=[round_.pk])).content.decode()

    assert "智慧农业传感网" in page
    assert page.count(reverse("expo:project", args=[project.pk])) == 1
