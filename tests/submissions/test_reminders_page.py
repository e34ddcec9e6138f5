"""The office's reminder log at /review/reminders/?day=YYYY-MM-DD."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from core.models import OutboxMessage
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
    contact_email = Reminder.objects.get(event=event, recipient__isnull=True, channel="email")
    OutboxMessage.objects.filter(pk=contact_email.outbox_id).update(
        status="failed", last_error="SMTPDataError: (550, 'SMTP 550 无此用户')"
    )
    client.force_login(day_events["office"])

    response = client.get(url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "活动open" in page and "没有邮箱的活动" in page
    assert "信息报送员没有填写邮箱地址。" in page and "SMTP 550 无此用户" in page
    rows = list(response.context["page"])
    assert {row.delivery for row in rows} == {"sent", "skipped", "failed"}
    assert response.context["slots"] == [
        ("14:00", [("pending", 0), ("sent", 3), ("skipped", 2), ("failed", 1), ("uncertain", 0)])
    ]
    assert response.context["uncertain"] == 0 and "不确定是否送达。" not in page


def test_filters_by_status(client, day_events, django_capture_on_commit_callbacks):
    run_tick(django_capture_on_commit_callbacks, local(16, 5))
    client.force_login(day_events["office"])

    response = client.get(url(status="sent", slot="overdue"))

    assert {row.slot for row in response.context["page"]} == {"overdue"}
    assert {row.delivery for row in response.context["page"]} == {"sent"}
    (line,) = response.context["dispatches"]
    assert (line.dispatch.kind, line.dispatch.status) == ("digest", "handed_over")
    assert line.deliveries == [("sent", "已发送", 1)]
    assert "已交发件箱" in response.content.decode()


@override_settings(EMAIL_BACKEND="tests.submissions.reminder_helpers.SentThenBrokeBackend")
def test_office_sees_which_messages_may_not_have_arrived_and_why(
    client, day_events, django_capture_on_commit_callbacks
):
    run_tick(django_capture_on_commit_callbacks, local(14))  # both e-mails left, then the line broke
    client.force_login(day_events["office"])

    response = client.get(url())

    page = response.content.decode()
    assert len(mail.outbox) == 2
    assert response.context["uncertain"] == 2
    assert "当天有 2 条消息不确定是否送达。" in page and "系统不会自动重发" in page
    assert reverse("admin:core_outboxmessage_changelist") + "?status__exact=uncertain" in page
    assert page.count("不确定是否送达</span>") == 2 and "SMTPServerDisconnected" in page
    uncertain = client.get(url(status="uncertain"))
    assert [row.channel for row in uncertain.context["page"]] == ["email", "email"]
    assert uncertain.context["slots"][0][1][-1] == ("uncertain", 2)


def test_the_log_reads_each_reminders_state_from_its_outbox_message(
    client, day_events, django_capture_on_commit_callbacks
):
    run_tick(django_capture_on_commit_callbacks, local(14))
    OutboxMessage.objects.update(
        status=OutboxMessage.Status.UNCERTAIN, last_error="发送中断（工作进程退出），未再发送。"
    )
    client.force_login(day_events["office"])

    response = client.get(url())

    rows = list(response.context["page"])
    assert {row.delivery for row in rows if row.channel == "email"} == {"uncertain"}
    assert {row.delivery for row in rows if row.channel == "site"} == {"sent"}
    assert response.context["uncertain"] == 2


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
