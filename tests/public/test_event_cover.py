"""An event's cover image: shown on its page, served only to those who may see the event."""

import pytest
from django.urls import reverse

from events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def covered(week, organizer, member):
    def build(status):
        event = factories.complete_event(week=week, host=organizer, reporter=member, status=status)
        event.cover.save("cover.png", factories.png_file())
        return event

    return build


def test_public_event_shows_and_serves_its_cover(client, covered):
    event = covered(Event.Status.APPROVED)

    page = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    response = client.get(reverse("event_cover", args=[event.pk]))

    assert reverse("event_cover", args=[event.pk]) in page
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_draft_cover_is_only_for_the_unit_and_the_office(client, covered, member, office_user):
    event = covered(Event.Status.DRAFT)
    url = reverse("event_cover", args=[event.pk])

    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("organizer:event_detail", args=[event.pk])).content.decode()
    client.force_login(office_user)
    assert client.get(url).status_code == 200


def test_only_a_public_events_cover_may_be_kept_by_shared_caches(client, covered, member, week):
    public, draft = covered(Event.Status.APPROVED), covered(Event.Status.DRAFT)
    client.force_login(member)

    public_answer = client.get(reverse("event_cover", args=[public.pk]))
    draft_answer = client.get(reverse("event_cover", args=[draft.pk]))
    week.is_published = False
    week.save()
    unpublished_week_answer = client.get(reverse("event_cover", args=[public.pk]))

    assert public_answer["Cache-Control"] == "public, max-age=300"
    assert draft_answer["Cache-Control"] == "private, max-age=300"
    assert unpublished_week_answer["Cache-Control"] == "private, max-age=300"


def test_event_without_a_cover_has_none(client, week, organizer):
    event = factories.complete_event(week=week, host=organizer, status=Event.Status.APPROVED)

    assert client.get(reverse("event_cover", args=[event.pk])).status_code == 404
