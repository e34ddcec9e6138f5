"""The group-robot channel against a real HTTP server on 127.0.0.1 started by the test."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from submissions.models import Reminder
from submissions.services import reminders as services
from tests import factories
from tests.submissions.reminder_helpers import DAY, local, run_tick

pytestmark = pytest.mark.django_db


class Robot:
    """A stand-in for a WeCom/DingTalk robot: answers with the next scripted (status, body)."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []
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
                status, body = (
                    robot.answers.pop(0) if robot.answers else (200, {"errcode": 0, "errmsg": "ok"})
                )
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
    return list(Reminder.objects.filter(channel=Reminder.Channel.WEBHOOK).order_by("event_id"))


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
    assert [(row.status, row.attempts) for row in webhook_rows()] == [(Reminder.Status.SENT, 1)] * 2


def test_robot_answering_500_is_retried_until_it_accepts(
    robot_unit, eager_retries, django_capture_on_commit_callbacks
):
    with Robot([(500, {}), (502, {})]) as robot:
        robot_unit(robot.url)
        run_tick(django_capture_on_commit_callbacks, local(14))

    assert len(robot.requests) == 3
    (row,) = webhook_rows()
    assert (row.status, row.attempts, row.reason) == (Reminder.Status.SENT, 3, "")


def test_robot_always_failing_is_given_up_after_the_last_attempt(
    robot_unit, eager_retries, django_capture_on_commit_callbacks
):
    with Robot([(503, {})] * 10) as robot:
        robot_unit(robot.url)
        run_tick(django_capture_on_commit_callbacks, local(14))

    assert len(robot.requests) == services.MAX_SEND_ATTEMPTS
    (row,) = webhook_rows()
    assert row.status == Reminder.Status.FAILED and "HTTP 503" in row.reason and "已放弃" in row.reason


def test_robot_answering_400_is_not_retried_and_other_channels_still_go(
    robot_unit, eager_retries, django_capture_on_commit_callbacks
):
    with Robot([(400, {"errcode": 40008})]) as robot:
        (event,) = robot_unit(robot.url)
        run_tick(django_capture_on_commit_callbacks, local(14))

    assert len(robot.requests) == 1
    (row,) = webhook_rows()
    assert (row.status, row.attempts) == (Reminder.Status.FAILED, 1)
    assert row.reason == "群机器人拒绝了消息：HTTP 400。"
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
    assert row.status == (Reminder.Status.SENT if retried else Reminder.Status.FAILED)
    if not retried:
        assert row.reason == f"群机器人返回错误 {code}：bad"


def test_unreachable_robot_is_retried_then_failed(
    robot_unit, eager_retries, django_capture_on_commit_callbacks
):
    with Robot([]) as robot:
        closed = robot.url  # the server stops below, so the port refuses connections
    robot_unit(closed)

    run_tick(django_capture_on_commit_callbacks, local(14))

    (row,) = webhook_rows()
    assert (row.status, row.attempts) == (Reminder.Status.FAILED, services.MAX_SEND_ATTEMPTS)
    assert "无法连接群机器人" in row.reason
