"""List pages cost the same number of queries for 3 events as for 30 (units and applications:
for 5 as for 50)."""

import pytest
import time_machine
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

DASHBOARD_QUERIES = 12
QUEUE_QUERIES = 10
EVENT_LIST_QUERIES = 10
ORGANIZER_LIST_QUERIES = 8
APPLICATION_LIST_QUERIES = 8


def _themed(event, theme):
    event.themes.add(theme)
    return event


@pytest.mark.parametrize("count", [3, 30])
def test_organizer_dashboard_query_count(client, week, organizer, member, count, django_assert_num_queries):
    theme = factories.theme()
    venue = factories.venue()
    for n in range(count):
        event = _themed(
            factories.complete_event(
                week=week,
                host=organizer,
                reporter=member,
                venue=venue,
                status="approved" if n % 2 else "draft",
            ),
            theme,
        )
        if n % 2:
            factories.change_request(event=event, place=f"地点 {n}")
    client.force_login(member)

    # On the first day of the week, so the "today's reports" panel lists every approved event.
    with time_machine.travel(factories.at(week.starts_on, 10), tick=False):
        with django_assert_num_queries(DASHBOARD_QUERIES):
            response = client.get(reverse("organizer:dashboard"))

    assert len(response.context["events"]) == count
    assert len(response.context["todays_reports"]) == count // 2


@pytest.mark.parametrize("count", [3, 30])
def test_office_queue_query_count(client, week, reviewer, count, django_assert_num_queries):
    theme = factories.theme()
    for n in range(count):
        unit = factories.organizer()
        _themed(factories.complete_event(week=week, host=unit, status="submitted"), theme)
        approved = factories.complete_event(week=week, host=unit, status="approved")
        factories.change_request(event=approved, place=f"新地点 {n}", venue=factories.venue().pk)
    client.force_login(reviewer)

    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("review_events:queue"))

    assert (len(response.context["events"]), len(response.context["changes"])) == (count, count)


@pytest.mark.parametrize("count", [3, 30])
def test_office_event_list_query_count(client, week, reviewer, count, django_assert_num_queries):
    for _ in range(count):
        factories.complete_event(week=week, host=factories.organizer(), status="approved")
    client.force_login(reviewer)

    with django_assert_num_queries(EVENT_LIST_QUERIES):
        response = client.get(reverse("review_events:list"))

    assert len(response.context["events"]) == count


@pytest.mark.parametrize("count", [5, 50])
def test_office_organizer_list_query_count(client, week, reviewer, count, django_assert_num_queries):
    """Units with members and events (counted per unit), and a pending application."""
    for n in range(count):
        unit = factories.organizer()
        for _ in range(n % 3):
            factories.member(unit)
        if n % 2:
            factories.event(week=week, host=unit)
    factories.application()
    client.force_login(reviewer)

    with django_assert_num_queries(ORGANIZER_LIST_QUERIES):
        response = client.get(reverse("review_events:organizers"))

    assert len(response.context["organizers"]) == count
    assert response.context["pending_applications"] == 1


@pytest.mark.parametrize("count", [5, 50])
def test_office_application_list_query_count(client, reviewer, count, django_assert_num_queries):
    """Half the applications pending, half decided: accepted (with the unit made) or declined."""
    from django.utils import timezone

    for n in range(count):
        if n % 2 == 0:
            factories.application(note=f"说明 {n}")
        elif n % 4 == 1:
            factories.application(
                status="accepted",
                organizer=factories.organizer(),
                decided_by=reviewer,
                decided_at=timezone.now(),
            )
        else:
            factories.application(
                status="declined", decline_reason="不符合条件", decided_by=reviewer, decided_at=timezone.now()
            )
    client.force_login(reviewer)

    with django_assert_num_queries(APPLICATION_LIST_QUERIES):
        response = client.get(reverse("review_events:applications"))

    assert len(response.context["pending"]) == (count + 1) // 2
    assert len(response.context["decided"]) == min(count // 2, 20)
