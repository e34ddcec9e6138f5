"""The group-robot channel against a real HTTP server on 127.0.0.1 started by the test: the
reminder hands its message to the outbox, whose worker posts it once."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from core import webhooks
from core.models import OutboxMessage
from core.outbox import GIVE_UP_AFTER, outbox_deliver, outbox_sweep
from submissions.models import Reminder
from tests import factories
from tests.submissions.reminder_helpers import DAY, local, outbox_status, run_tick

pytestmark = pytest.mark.django_db


# A scripted answer that never comes: the robot reads the request and stays silent.
SILENCE = "silence"


class Robot:
    """A stand-in for a WeCom/DingTalk robot: answers with the next scripted (status, body),
    or reads the request and says nothing until the test ends (``SILENCE``)."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []
        self.released = threading.Event()
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                robot.requests.append(
                    {
                        "path": self.path,
                        "type": self.headers["Content-Type"],
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                answer = robot.answers.pop(0) if robot.answers else (200, {"errcode": 0, "errmsg": "ok"})
                if answer == SILENCE:
                    robot.released.wait(10)
                    return
                status, body = answer
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def robot_unit(week):
    def build(url, events=1):
        unit = factories.organizer(webhook_url=url)
        made = []
        for n in range(events):
            reporter = factories.member(unit, full_name=f"报送员{n}")
            made.append(
                factories.event(
                    week=week,
                    host=unit,
                    reporter=reporter,
                    subtitle=f"机器人活动{n}",
                    starts_at=local(9),
                    ends_at=local(12),
                )
            )
        return made

    return build


def webhook_rows():
    return list(
        Reminder.objects.filter(channel=Reminder.Channel.WEBHOOK)
        .select_related("outbox")
        .order_by("event_id")
    )


def test_robot_gets_one_text_message_per_unit_and_slot_listing_its_events(
    robot_unit, django_capture_on_commit_callbacks
):
    with Robot([]) as robot:
        events = robot_unit(robot.url, events=2)
        run_tick(django_capture_on_commit_callbacks, local(14))

    (request,) = robot.requests
    assert request["path"] == "/cgi-bin/webhook/send?key=test"
    assert request["type"].startswith("application/json")
    body = request["body"]
    assert set(body) == {"msgtype", "text"} and body["msgtype"] == "text" and set(body["text"]) == {"content"}
    content = body["text"]["content"]
    assert "尚未报送" in content and "截止 09月21日 16:00" in content
    for event in events:
        assert event.subtitle in content and f"/organizer/reports/{event.pk}/{DAY.isoformat()}/" in content
    assert "报送员：报送员0" in content and "还缺" in content
    rows = webhook_rows()
    assert [row.status for row in rows] == [Reminder.Status.HANDED_OVER] * 2
    assert rows[0].outbox_id == rows[1].outbox_id  # one message carries both events
    message = rows[0].outbox
    assert (message.channel, message.status, message.attempts) == ("webhook", "sent", 1)
    assert message.key.startswith("reminder:webhook:") and "key=test" not in message.key
    assert message.key.endswith(f":{DAY.isoformat()}:14:00:{rows[0].pk}")


def test_robot_answering_500_is_retried_until_it_accepts_and_gets_the_message_once(
    robot_unit, eager_retries, django_capture_on_commit_callbacks
):
    with Robot([(500, {})]) as robot:
        robot_unit(robot.url)
        run_tick(django_capture_on_commit_callbacks, local(14))
        (row,) = webhook_rows()
        outbox_deliver(message_id=row.outbox_id)  # a retry arriving late finds it sent
        with django_capture_on_commit_callbacks(execute=True):
            outbox_sweep(now=timezone.now() + dt.timedelta(hours=1))

    assert len(robot.requests) == 2
    assert outbox_status(row) == (OutboxMessage.Status.SENT, 2)
    assert row.delivery == Reminder.Delivery.SENT


def test_robot_that_takes_the_request_and_never_answers_is_uncertain_and_never_posted_again(
    robot_unit, eager_retries, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(webhooks, "WEBHOOK_TIMEOUT_SECONDS", 0.5)
    with Robot([SILENCE]) as robot:
        robot_unit(robot.url)
        run_tick(django_capture_on_commit_callbacks, local(14))
        (row,) = webhook_rows()
        outbox_deliver(message_id=row.outbox_id)
        with django_capture_on_commit_callbacks(execute=True):
            outbox_sweep(now=timezone.now() + dt.timedelta(hours=1))
        run_tick(django_capture_on_commit_callbacks, local(14, 5))

    assert len(robot.requests) == 1
    assert outbox_status(row) == (OutboxMessage.Status.UNCERTAIN, 1)
    assert row.delivery == Reminder.Delivery.UNCERTAIN
    assert "可能已送达" in row.outbox.last_error


def test_robot_answering_400_is_failed_without_a_retry_and_other_channels_still_go(
    robot_unit, eager_retries, django_capture_on_commit_callbacks
):
    with Robot([(400, {"errcode": 40008})]) as robot:
        (event,) = robot_unit(robot.url)
        run_tick(django_capture_on_commit_callbacks, local(14))

    assert len(robot.requests) == 1
    (row,) = webhook_rows()
    assert outbox_status(row) == (OutboxMessage.Status.FAILED, 1)
    assert row.outbox.last_error == "群机器人拒绝了消息：HTTP 400。"
    assert [m.to for m in mail.outbox] == [[event.reporter.email]]
    assert Reminder.objects.get(channel="site").status == Reminder.Status.SENT


@pytest.mark.parametrize("code, retried", [(93000, False), (45009, True)])
def test_robot_error_codes_in_a_200_answer(
    robot_unit, eager_retries, django_capture_on_commit_callbacks, code, retried
):
    with Robot([(200, {"errcode": code, "errmsg": "bad"})]) as robot:
        robot_unit(robot.url)
        run_tick(django_capture_on_commit_callbacks, local(14))

    (row,) = webhook_rows()
    assert len(robot.requests) == (2 if retried else 1)
    assert row.delivery == (Reminder.Delivery.SENT if retried else Reminder.Delivery.FAILED)
    if not retried:
        assert row.outbox.last_error == f"群机器人返回错误 {code}：bad"


def test_unreachable_robot_is_retried_for_a_day_then_failed(
    robot_unit, eager_retries, django_capture_on_commit_callbacks
):
    with Robot([]) as robot:
        closed = robot.url  # the server stops below, so the port refuses connections
    robot_unit(closed)

    run_tick(django_capture_on_commit_callbacks, local(14))

    (row,) = webhook_rows()
    assert outbox_status(row) == (OutboxMessage.Status.PENDING, 5)  # the task's tries; the sweep goes on
    assert "无法连接群机器人" in row.outbox.last_error
    with time_machine.travel(local(14) + GIVE_UP_AFTER + dt.timedelta(minutes=1), tick=False):
        outbox_deliver(message_id=row.outbox_id, final=True)
    assert outbox_status(row) == (OutboxMessage.Status.FAILED, 6)
