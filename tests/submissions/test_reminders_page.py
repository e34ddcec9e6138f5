"""The office's reminder log at /review/reminders/?day=YYYY-MM-DD."""

import pytest
from django.urls import reverse

from submissions.models import Reminder
from tests import factories
from tests.submissions.reminder_helpers import DAY, local, run_tick

pytestmark = pytest.mark.django_db


def url(day=DAY, **params):
    query = "&".join(f"{key}={value}" for key, value in {"day": day.isoformat(), **params}.items())
    return f"{reverse('reminders:day')}?{query}"


def test_office_sees_every_reminder_of_the_day_sent_skipped_and_failed(
    client, day_events, django_capture_on_commit_callbacks
):
    event = day_events["open"]
    factories.event(
        week=event.week,
        reporter=factories.user(email=""),
        subtitle="没有邮箱的活动",
        starts_at=local(9),
        ends_at=local(12),
    )
    run_tick(django_capture_on_commit_callbacks, local(14))
    Reminder.objects.filter(event=event, recipient__isnull=True, channel="email").update(
        status="failed", reason="SMTP 550 无此用户"
    )
    client.force_login(day_events["office"])

    response = client.get(url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "活动open" in page and "没有邮箱的活动" in page
    assert "信息报送员没有填写邮箱地址。" in page and "SMTP 550 无此用户" in page
    rows = list(response.context["page"])
    assert {row.status for row in rows} == {"sent", "skipped", "failed"}
    assert response.context["slots"] == [
        ("14:00", [("pending", 0), ("sent", 3), ("skipped", 2), ("failed", 1)])
    ]


def test_filters_by_status(client, day_events, django_capture_on_commit_callbacks):
    run_tick(django_capture_on_commit_callbacks, local(16, 5))
    client.force_login(day_events["office"])

    response = client.get(url(status="sent", slot="overdue"))

    assert {row.slot for row in response.context["page"]} == {"overdue"}
    assert [d.kind for d in response.context["dispatches"]] == ["digest"]


def test_organizers_are_refused_and_anonymous_visitors_sent_to_log_in(client, day_events):
    response = client.get(url())
    assert response.status_code == 302 and reverse("login") in response["Location"]

    client.force_login(day_events["open"].reporter)
    assert client.get(url()).status_code == 403


def test_query_count_does_not_grow_with_the_number_of_reminders(
    client, week, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    office = factories.office_user()
    client.force_login(office)
    counts = []
    for size in (1, 6):
        unit = factories.organizer(webhook_url="")
        for _ in range(size):
            factories.event(
                week=week, host=unit, reporter=factories.member(unit), starts_at=local(9), ends_at=local(12)
            )
        Reminder.objects.all().delete()
        run_tick(django_capture_on_commit_callbacks, local(14))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url()).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
