"""Reminders on the real stack: a real Celery worker and real beats on Redis, PostgreSQL, and
Django's file e-mail backend read by the test. One e-mail per reporter, also with two beats:
the tick claims, the delivery task hands each e-mail to the outbox, the outbox task sends it."""

import datetime as dt
import re
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.models import OutboxMessage
from events.models import Event
from submissions.models import DailyReport, Reminder
from tests import celery_processes, factories
from tests.services import redis_url, require_postgresql

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
TICK_SECONDS = 2


def midday_zone(now: dt.datetime) -> ZoneInfo:
    """A fixed-offset zone in which ``now`` is around noon, so a slot a minute ahead and a
    deadline an hour ahead fall on the same local day whenever the test runs."""
    offset = 12 - now.astimezone(dt.UTC).hour
    return ZoneInfo(f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC")


def recipients_in(folder: Path) -> list[str]:
    """The To: address of every message the file backend wrote."""
    found = []
    for log in folder.glob("*.log"):
        found += re.findall(r"^To: (.+)$", log.read_text(errors="replace"), flags=re.MULTILINE)
    return sorted(found)


def wait_for_mail(folder: Path, count: int, timeout: float) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = recipients_in(folder)
        if len(found) >= count:
            return found
        time.sleep(0.25)
    return recipients_in(folder)


@pytest.fixture
def due_soon(tmp_path):
    """Three events whose reporters owe today's report, one that filed it, and a reminder
    slot at the next whole minute (at least 10 s away) in the week's zone."""
    require_postgresql()
    now = timezone.now()
    zone = midday_zone(now)
    local_now = now.astimezone(zone)
    slot = next_slot(zone)
    today = local_now.date()
    week = factories.week(
        starts_on=today,
        ends_on=today,
        time_zone=str(zone),
        reminder_times=[slot.strftime("%H:%M")],
        deadline_time=(slot + dt.timedelta(hours=1)).time(),
    )
    unit = factories.organizer()
    start = dt.datetime.combine(today, dt.time(6), tzinfo=zone)
    reporters = []
    for n in range(3):
        reporter = factories.member(unit, email=f"reporter{n}@example.com")
        factories.event(
            week=week, host=unit, reporter=reporter, starts_at=start, ends_at=start + dt.timedelta(hours=4)
        )
        reporters.append(reporter.email)
    filed = factories.event(
        week=week,
        host=unit,
        reporter=factories.member(unit, email="filed@example.com"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
    )
    DailyReport.objects.create(
        event=filed,
        day=today,
        text="已报送",
        no_leaders=True,
        status="submitted",
        submitted_at=now,
        first_submitted_at=now,
        is_late=False,
    )
    assert Event.objects.filter(status="approved").count() == 4
    return {"slot": slot, "week": week, "reporters": reporters, "mail": tmp_path / "mail", "folder": tmp_path}


def next_slot(zone: ZoneInfo) -> dt.datetime:
    """The next whole minute at least 10 s away, in ``zone``."""
    local_now = timezone.now().astimezone(zone)
    return (local_now + dt.timedelta(minutes=1 if local_now.second < 50 else 2)).replace(
        second=0, microsecond=0
    )


def move_slot(fixture: dict) -> None:
    """Set the reminder slot anew (the worker may have taken many seconds to start on a busy
    machine): beat reads the week's reminder times on every tick."""
    week = fixture["week"]
    slot = fixture["slot"] = next_slot(week.zone)
    week.reminder_times = [slot.strftime("%H:%M")]
    week.deadline_time = (slot + dt.timedelta(hours=1)).time()
    week.save(update_fields=["reminder_times", "deadline_time"])


def test_real_worker_and_beat_send_one_email_per_reporter_even_with_a_second_beat(due_soon):
    url = redis_url()
    queue = celery_processes.new_queue()
    env = celery_processes.worker_environment(
        redis_url=url,
        queue=queue,
        # The production settings module, so EMAIL_URL is read as deployments read it.
        DJANGO_SETTINGS_MODULE="shuangchuang.settings",
        SECRET_KEY="reminder-worker-test-secret-key-0123456789abcdef",
        # django-environ drops the first "/" of the path: "filemail:///" + "/abs/path".
        EMAIL_URL=f"filemail:///{due_soon['mail']}",
        REMINDERS_TICK_SECONDS=str(TICK_SECONDS),
    )
    folder = due_soon["folder"]
    worker = celery_processes.start_worker(env=env, folder=folder)
    move_slot(due_soon)
    beats = []
    try:
        beats.append(celery_processes.start_beat(env=env, folder=folder, name="beat-1"))
        before_slot = (due_soon["slot"] - timezone.now()).total_seconds()
        assert before_slot > 3, "the slot must still be ahead when beat starts"
        time.sleep(max(0.0, before_slot - 2))
        # Seen once on a loaded CI machine (2026-12-05): mails before the slot. The processes'
        # logs say when each tick ran and what it claimed, should it happen again.
        assert recipients_in(due_soon["mail"]) == [], (
            f"nothing may go before the slot {due_soon['slot']:%H:%M:%S} (now {timezone.now():%H:%M:%S} UTC)\n"
            + worker.log()[-4000:]
            + beats[0].log()[-2000:]
        )

        first = wait_for_mail(due_soon["mail"], 3, timeout=60)
        time.sleep(3 * TICK_SECONDS)  # more ticks inside the grace period
        assert recipients_in(due_soon["mail"]) == due_soon["reporters"] == first

        beats.append(celery_processes.start_beat(env=env, folder=folder, name="beat-2"))
        time.sleep(5 * TICK_SECONDS)
        assert recipients_in(due_soon["mail"]) == due_soon["reporters"]
    finally:
        for process in [*beats, worker]:
            process.stop()

    assert "submissions.reminders_tick" in beats[1].log()
    emails = Reminder.objects.filter(channel="email")
    assert sorted(emails.values_list("address", flat=True)) == due_soon["reporters"]
    assert set(emails.values_list("status", "outbox__status", "outbox__attempts")) == {
        (Reminder.Status.HANDED_OVER, OutboxMessage.Status.SENT, 1)
    }
    assert OutboxMessage.objects.count() == 3
    assert Reminder.objects.filter(channel="site", status="sent").count() == 3
