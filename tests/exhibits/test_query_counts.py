"""The hall's list pages and a project's page run the same number of queries at 3 and at 30
projects (every list page pins its count at two sizes)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exhibits.models import Project
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    cache.clear()  # a cached public page runs no query at all: measure the rendering
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def add_projects(hall, holder, count):
    projects = exhibit_factories.many_projects(exhibition=hall, count=count, owner=holder)
    for project in projects[:3]:
        exhibit_factories.intent(project=project)
    Project.objects.filter(pk__in=[p.pk for p in projects[1::4]]).update(status=Project.Status.SUBMITTED)
    return projects


def test_public_and_curator_lists_do_not_grow_with_the_number_of_projects(hall, holder, curator):
    first = add_projects(hall, holder, 3)[0]
    exhibit_factories.intent(project=first)
    public, curator_client, holder_client = Client(), Client(), Client()
    curator_client.force_login(curator)
    holder_client.force_login(holder)
    section = hall.sections.first()
    pages = [
        (public, reverse("expo:hall")),
        (public, reverse("expo:hall") + f"?section={section.pk}&stage=pilot&coop=transfer&org=大学 0"),
        (public, reverse("expo:hall") + "?q=电池"),
        (public, reverse("expo:exhibition", args=[hall.slug])),
        (public, reverse("expo:project", args=[first.pk])),
        (curator_client, reverse("exhibits:hall", args=[hall.pk])),
        (curator_client, reverse("exhibits:hall", args=[hall.pk]) + "?status=accepted&featured=1"),
        (curator_client, reverse("exhibits:hall_intents", args=[hall.pk])),
        (curator_client, reverse("exhibits:totals", args=[hall.pk])),
        (curator_client, reverse("exhibits:home")),
        (holder_client, reverse("exhibits:home")),
        (holder_client, reverse("exhibits:intents")),
        (holder_client, reverse("exhibits:project", args=[first.pk])),
    ]
    public.get(reverse("expo:project", args=[first.pk]))  # today's view counter row exists from now on
    small = {url: count_queries(client, url) for client, url in pages}

    add_projects(hall, holder, 27)
    large = {url: count_queries(client, url) for client, url in pages}

    assert large == small
    assert max(small.values()) <= 20, small


def test_a_project_page_does_not_grow_with_its_images_and_documents(hall, holder):
    from exhibits import services

    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    url = reverse("expo:project", args=[project.pk])

    def add(count):
        Project.objects.filter(pk=project.pk).update(status=Project.Status.DRAFT)
        project.refresh_from_db()
        for _ in range(count):
            services.project_image_add(
                project=project, by=holder, upload=exhibit_factories.png_upload(), name="i.png"
            )
            services.project_document_add(
                project=project, by=holder, upload=exhibit_factories.pdf_upload(), title="资料"
            )
        Project.objects.filter(pk=project.pk).update(status=Project.Status.ACCEPTED)

    add(1)
    Client().get(url)
    small = count_queries(Client(), url)
    add(3)
    assert count_queries(Client(), url) == small


def test_pages_with_videos_and_presentations_do_not_grow_with_them(hall, holder, curator):
    """A project page with its video and the events presenting it, and a curator's running
    order of an event, at one and at many events and projects."""
    project = exhibit_factories.project(exhibition=hall, owner=holder)
    exhibit_factories.video(project=project)
    roadshow = exhibit_factories.roadshow(week=hall.week)
    curator_client, holder_client = Client(), Client()
    curator_client.force_login(curator)
    holder_client.force_login(holder)
    pages = [
        (Client(), reverse("expo:project", args=[project.pk])),
        (holder_client, reverse("exhibits:project", args=[project.pk])),
        (curator_client, reverse("exhibits:presentations", args=[hall.pk])),
        (curator_client, reverse("exhibits:event_presentations", args=[hall.pk, roadshow.pk]) + "?q=电池"),
    ]

    def present(events: list, count: int):
        for event in events:
            exhibit_factories.presentation(event=event, project=project)
        others = exhibit_factories.many_projects(exhibition=hall, count=count)
        for order, other in enumerate(others, start=2):
            exhibit_factories.presentation(event=roadshow, project=other, order=order)

    present([roadshow], 2)
    Client().get(pages[0][1])  # today's view counter row exists from now on
    small = {url: count_queries(client, url) for client, url in pages}
    present([exhibit_factories.roadshow(week=hall.week) for _ in range(4)], 20)
    large = {url: count_queries(client, url) for client, url in pages}

    assert large == small
