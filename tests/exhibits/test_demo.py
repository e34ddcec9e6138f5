"""``make run``'s demo hall: one hall, three sections, 30 projects, a few featured, a 路演 of
the demo week presenting the featured ones; idempotent."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from events import demo as event_demo
from events.models import Event
from exhibits.demo import load_demo_exhibition
from exhibits.models import Exhibition, Presentation, Project

pytestmark = pytest.mark.django_db


def test_the_demo_hall_is_loaded_once_and_shown(tmp_path):
    event_demo.load_demo_week()
    load_demo_exhibition()
    call_command("load_demo_exhibition", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115

    hall = Exhibition.objects.get()
    assert list(hall.sections.values_list("name", flat=True)) == ["碳中和", "生物医药与大健康", "数字文创"]
    assert hall.projects.count() == 30
    assert hall.projects.filter(featured_order__isnull=False).count() >= 3
    assert hall.projects.filter(status=Project.Status.SUBMITTED).exists()  # something for the curator
    page = Client().get(reverse("expo:hall"))
    assert page.status_code == 200
    assert "固态锂电池隔膜材料" in page.content.decode()
    client = Client()
    assert client.login(username="kx", password="curator-demo-2017")
    assert client.get(reverse("exhibits:hall", args=[hall.pk])).status_code == 200


def test_the_demo_roadshow_presents_the_featured_projects_in_order():
    event_demo.load_demo_week()
    load_demo_exhibition()
    load_demo_exhibition()

    hall = Exhibition.objects.get()
    roadshow = Event.objects.get(form=Event.Form.ROADSHOW, week=hall.week)
    featured = list(hall.projects.filter(featured_order__isnull=False).order_by("featured_order"))
    assert roadshow.status == Event.Status.APPROVED and roadshow.host == hall.host
    assert list(
        Presentation.objects.filter(event=roadshow).order_by("order").values_list("project", flat=True)
    ) == [project.pk for project in featured]
    page = Client().get(reverse("event_detail", args=[roadshow.pk])).content.decode()
    assert "路演项目" in page and featured[0].title in page
