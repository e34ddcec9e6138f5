"""Projects presented at events: a curator attaches an ordered list of the hall's accepted
projects to a 路演 or 对接会 of the hall's week; the public event page shows them in order,
a project's page its events; both pages follow a change at once (public cache bumped)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from events.models import Event
from exhibits import services
from exhibits.models import Presentation, Project
from exhibits.selectors.presentations import presenting_events
from tests import factories
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadshow(hall):
    return exhibit_factories.roadshow(week=hall.week, subtitle="高校科技成果路演")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_events_that_may_present_are_the_weeks_approved_roadshows_and_matchmaking_sessions(
    hall, roadshow
):
    week = hall.week
    matchmaking = factories.event(week=week, form=Event.Form.SERVICE, subtitle="创新创业项目对接会")
    factories.event(week=week, form=Event.Form.FORUM, subtitle="产学研沙龙")
    factories.event(week=week, form=Event.Form.ROADSHOW, status=Event.Status.SUBMITTED, subtitle="待审路演")
    factories.event(
        week=week,
        form=Event.Form.ROADSHOW,
        status=Event.Status.CANCELLED,
        subtitle="取消的路演",
        cancel_reason="场地调整",
    )
    factories.event(week=factories.week(is_current=False), form=Event.Form.ROADSHOW, subtitle="往届路演")

    assert set(presenting_events(exhibition=hall)) == {roadshow, matchmaking}


def test_a_curator_sets_the_running_order_and_the_public_pages_show_it(
    hall, curator, roadshow, django_capture_on_commit_callbacks
):
    first, second, third = (
        exhibit_factories.project(exhibition=hall, title=title, pitch=f"{title}的一句话", organization=org)
        for title, org in (("固态锂电池隔膜", "甲大学"), ("农业无人机", "乙公司"), ("镁合金骨钉", "丙医院"))
    )
    first.cover.save("cover.png", exhibit_factories.png_upload())
    client = signed_in(curator)
    page = reverse("exhibits:event_presentations", args=[hall.pk, roadshow.pk])
    anonymous = Client()
    event_page = reverse("event_detail", args=[roadshow.pk])
    before = anonymous.get(event_page).content.decode()  # cached from now on

    listing = client.get(reverse("exhibits:presentations", args=[hall.pk])).content.decode()
    assert "高校科技成果路演" in listing and page in listing
    with django_capture_on_commit_callbacks(execute=True):
        for project in (first, second, third):
            assert client.post(page, {"action": "add", "project": project.pk}).status_code == 302
        client.post(page, {"action": "up", "project": third.pk})  # first, third, second
        client.post(page, {"action": "down", "project": first.pk})  # third, first, second
        client.post(page, {"action": "remove", "project": second.pk, "q": "骨钉"})

    assert list(Presentation.objects.order_by("order").values_list("project_id", "order")) == [
        (third.pk, 1),
        (first.pk, 2),
    ]
    assert "路演项目" not in before
    html = anonymous.get(event_page).content.decode()
    assert "路演项目" in html
    shown = [html.index(f'href="{reverse("expo:project", args=[p.pk])}"') for p in (third, first)]
    assert shown == sorted(shown)
    assert "镁合金骨钉的一句话" in html and "丙医院" in html and "甲大学" in html
    assert reverse("expo:cover", args=[first.pk]) in html
    assert "农业无人机" not in html
    project_page = anonymous.get(reverse("expo:project", args=[first.pk])).content.decode()
    assert "路演与对接活动" in project_page and f'href="{event_page}"' in project_page
    area = client.get(reverse("exhibits:project", args=[first.pk])).content.decode()
    assert "高校科技成果路演" in area


def test_only_the_halls_accepted_projects_and_only_presenting_events(hall, curator, roadshow):
    other_hall = exhibit_factories.exhibition(week=hall.week)
    theirs = exhibit_factories.project(exhibition=other_hall)
    submitted = exhibit_factories.project(exhibition=hall, status=Project.Status.SUBMITTED)
    mine = exhibit_factories.project(exhibition=hall)
    forum = factories.event(week=hall.week, form=Event.Form.FORUM)

    for ids in ([theirs.pk], [submitted.pk]):
        with pytest.raises(ValidationError, match="已入展"):
            services.presentations_set(exhibition=hall, event=roadshow, project_ids=ids, by=curator)
    with pytest.raises(ValidationError, match="路演或对接会"):
        services.presentations_set(exhibition=hall, event=forum, project_ids=[mine.pk], by=curator)
    many = [exhibit_factories.project(exhibition=hall).pk for _ in range(services.MAX_PER_EVENT + 1)]
    with pytest.raises(ValidationError, match="最多"):
        services.presentations_set(exhibition=hall, event=roadshow, project_ids=many, by=curator)
    assert not Presentation.objects.exists()
    response = signed_in(curator).get(reverse("exhibits:event_presentations", args=[hall.pk, forum.pk]))
    assert response.status_code == 404


def test_another_halls_projects_at_the_same_event_are_left_alone(hall, curator, roadshow):
    other_hall = exhibit_factories.exhibition(week=hall.week)
    theirs = exhibit_factories.project(exhibition=other_hall)
    services.presentations_set(
        exhibition=other_hall, event=roadshow, project_ids=[theirs.pk], by=factories.office_user()
    )
    mine = exhibit_factories.project(exhibition=hall)

    services.presentations_set(exhibition=hall, event=roadshow, project_ids=[mine.pk], by=curator)
    services.presentations_set(exhibition=hall, event=roadshow, project_ids=[], by=curator)

    assert list(Presentation.objects.values_list("project_id", flat=True)) == [theirs.pk]


def test_the_event_page_shows_only_public_projects(hall, curator, roadshow):
    shown = exhibit_factories.project(exhibition=hall, title="公开展项")
    hidden_hall = exhibit_factories.exhibition(week=hall.week, is_published=False)
    hidden = exhibit_factories.project(exhibition=hidden_hall, title="未公开展厅的展项")
    exhibit_factories.presentation(event=roadshow, project=shown)
    exhibit_factories.presentation(event=roadshow, project=hidden, order=2)

    html = Client().get(reverse("event_detail", args=[roadshow.pk])).content.decode()

    assert "公开展项" in html and "未公开展厅的展项" not in html
    assert shown.contact_email not in html and shown.contact_phone not in html


def test_the_candidates_search_finds_the_halls_accepted_projects_not_yet_presented(hall, curator, roadshow):
    battery = exhibit_factories.project(exhibition=hall, title="固态锂电池隔膜")
    exhibit_factories.project(exhibition=hall, title="农业无人机")
    exhibit_factories.project(exhibition=hall, title="电池回收", status=Project.Status.SUBMITTED)
    presented = exhibit_factories.project(exhibition=hall, title="钠离子电池")
    exhibit_factories.presentation(event=roadshow, project=presented)

    response = signed_in(curator).get(
        reverse("exhibits:event_presentations", args=[hall.pk, roadshow.pk]), {"q": "电池"}
    )

    assert [project.pk for project in response.context["candidates"]] == [battery.pk]
    assert [item.project_id for item in response.context["presentations"]] == [presented.pk]
