"""The message channels the contests brought to core: SMS through the outbox (the console,
locmem and HTTP provider backends, the last against a fake provider server started here),
one-time codes (expiry, single use, limits per number), and group robots with DingTalk's
加签 and @mentions by mobile number."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import codes, sms, webhooks
from core.models import OneTimeCode, OutboxMessage
from core.outbox import outbox_deliver, outbox_write, outbox_write_sms

pytestmark = pytest.mark.django_db

SECRET = "SECexample0123456789abcdef"
TIMESTAMP = 1700000000000
# Computed outside Python for this secret and timestamp, as DingTalk documents it:
#   printf '%s\n%s' 1700000000000 SECexample0123456789abcdef \
#     | openssl dgst -sha256 -hmac SECexample0123456789abcdef -binary | base64
# then URL-encoded.
EXPECTED_SIGN = "%2Bcxnz7PMkHTgYGZLYfiu2juTRMk8MZfdVOdDh8s0utc%3D"
SILENCE = "silence"


class FakeServer:
    """A stand-in HTTP server (a robot, an SMS provider): records each request and answers
    with the next scripted (status, JSON body), or stays silent (``SILENCE``)."""

    def __init__(self, answers=()):
        self.answers = list(answers)
        self.requests = []
        self.released = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "raw": body, "body": json.loads(body)}
                )
                answer = server.answers.pop(0) if server.answers else (200, {"errcode": 0, "code": "OK"})
                if answer == SILENCE:
                    server.released.wait(10)
                    return
                status, payload = answer
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


# --- DingTalk 加签 and @mentions ---------------------------------------------------------------


def test_the_dingtalk_signature_is_the_documented_one():
    assert webhooks.dingtalk_sign(SECRET, TIMESTAMP) == EXPECTED_SIGN
    # The steps of DingTalk's documentation, written out once more.
    string_to_sign = f"{TIMESTAMP}\n{SECRET}".encode()
    digest = hmac.new(SECRET.encode(), string_to_sign, digestmod=hashlib.sha256).digest()
    assert urllib.parse.quote_plus(base64.b64encode(digest)) == EXPECTED_SIGN
    url = webhooks.dingtalk_signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=abc", SECRET, timestamp_ms=TIMESTAMP
    )
    assert (
        url
        == f"https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp={TIMESTAMP}&sign={EXPECTED_SIGN}"
    )


def test_a_signed_robot_post_mentions_people_by_mobile_number():
    with (
        FakeServer() as robot,
        time_machine.travel(dt.datetime.fromtimestamp(TIMESTAMP / 1000, tz=dt.UTC), tick=False),
    ):
        webhooks.webhook_post(
            url=f"{robot.base}/robot/send?access_token=abc",
            content="【双创周】青年创业大赛预赛评分已全部提交",
            mobiles=["13800000001"],
            secret=SECRET,
        )
    (request,) = robot.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    assert query["timestamp"] == [str(TIMESTAMP)]
    assert urllib.parse.quote_plus(query["sign"][0]) == EXPECTED_SIGN
    assert request["body"]["at"] == {"atMobiles": ["13800000001"], "isAtAll": False}
    assert request["body"]["text"]["mentioned_mobile_list"] == ["13800000001"]
    assert request["body"]["text"]["content"].endswith("@13800000001")


def test_the_outbox_posts_a_signed_mention_once_and_forgets_the_secret(django_capture_on_commit_callbacks):
    with FakeServer() as robot:
        with django_capture_on_commit_callbacks(execute=True):
            message = outbox_write(
                to=[f"{robot.base}/robot/send?access_token=abc"],
                subject="评分提醒",
                text="请尽快提交评分",
                channel=OutboxMessage.Channel.WEBHOOK,
                key="test:robot:1",
                data={"mobiles": ["13800000001"], "secret": SECRET},
            )
        outbox_deliver(message_id=message.pk)  # again: nothing more leaves
    assert len(robot.requests) == 1 and "sign=" in robot.requests[0]["path"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.data == {} and message.text == ""


# --- SMS ---------------------------------------------------------------------------------------


@pytest.fixture
def provider(settings):
    with FakeServer() as server:
        settings.SMS_BACKEND = "core.sms.HttpBackend"
        settings.SMS_HTTP_URL = f"{server.base}/sms/send"
        settings.SMS_HTTP_KEY_ID = "portal"
        settings.SMS_HTTP_SECRET = "provider-secret"
        settings.SMS_SIGN_NAME = "双创周"
        settings.SMS_TEMPLATES = {"code": "SMS_2017001"}
        settings.SMS_HTTP_TIMEOUT = 0.5
        yield server


def send_text(capture, key="test:sms:1"):
    with capture(execute=True):
        return outbox_write_sms(
            to="13912345678", template="code", params={"code": "246810", "minutes": 10}, key=key
        )


def test_the_http_backend_sends_a_signed_template_request(
    provider, django_capture_on_commit_callbacks, eager_retries
):
    message = send_text(django_capture_on_commit_callbacks)
    (request,) = provider.requests
    assert request["path"] == "/sms/send"
    assert request["body"] == {
        "phone": "13912345678",
        "sign_name": "双创周",
        "template_id": "SMS_2017001",
        "params": {"code": "246810", "minutes": "10"},
    }
    headers = request["headers"]
    assert headers["X-Sms-Key"] == "portal"
    expected = sms.request_signature(
        secret="provider-secret",
        timestamp=headers["X-Sms-Timestamp"],
        nonce=headers["X-Sms-Nonce"],
        body=request["raw"],
    )
    assert headers["X-Sms-Signature"] == expected
    # The provider checks it the way its documentation says, independently of our helper.
    string_to_sign = f"{headers['X-Sms-Timestamp']}\n{headers['X-Sms-Nonce']}\n{hashlib.sha256(request['raw']).hexdigest()}"
    digest = hmac.new(b"provider-secret", string_to_sign.encode(), hashlib.sha256).digest()
    assert base64.b64decode(headers["X-Sms-Signature"]) == digest
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.data == {} and message.text == ""
    assert message.recipients_shown == ["139****5678"]


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ((200, {"code": "RATE_LIMITED", "message": "too many"}), OutboxMessage.Status.PENDING),
        ((503, {"code": "DOWN"}), OutboxMessage.Status.PENDING),
        ((200, {"code": "TEMPLATE_INVALID", "message": "模板不存在"}), OutboxMessage.Status.FAILED),
        ((400, {"code": "BAD"}), OutboxMessage.Status.FAILED),
        ((200, b"<html>gateway</html>"), OutboxMessage.Status.UNCERTAIN),
        (SILENCE, OutboxMessage.Status.UNCERTAIN),
    ],
)
def test_the_providers_answer_decides_whether_a_text_may_go_again(
    provider, django_capture_on_commit_callbacks, answer, status
):
    provider.answers = [answer]
    with django_capture_on_commit_callbacks(execute=False):
        message = outbox_write_sms(
            to="13912345678", template="code", params={"code": "1", "minutes": 10}, key="k"
        )
    outbox_deliver(message_id=message.pk, final=True)
    message.refresh_from_db()
    assert message.status == status
    assert len(provider.requests) == 1
    if status == OutboxMessage.Status.FAILED:
        assert message.last_error


def test_an_unconfigured_provider_is_a_refusal(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "core.sms.HttpBackend"
    settings.SMS_HTTP_URL = ""
    with django_capture_on_commit_callbacks(execute=False):
        message = outbox_write_sms(
            to="13912345678", template="code", params={"code": "1", "minutes": 10}, key="k"
        )
    outbox_deliver(message_id=message.pk, final=True)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED and "未配置" in message.last_error


def test_the_console_backend_prints_the_text(settings, capsys, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "core.sms.ConsoleBackend"
    send_text(django_capture_on_commit_callbacks)
    assert (
        "SMS to 13912345678 (code): 【双创周】您的验证码为 246810，10 分钟内有效" in capsys.readouterr().out
    )


# --- One-time codes ------------------------------------------------------------------------------


def issue(address="13912345678", **kwargs):
    sent = []
    codes.code_issue(purpose="test", address=address, deliver=sent.append, **kwargs)
    return sent[-1]


def test_a_code_is_single_use_and_only_its_hash_is_kept():
    code = issue()
    row = OneTimeCode.objects.get()
    assert code not in row.code_hash and "13912345678" not in row.address_hash
    codes.code_redeem(purpose="test", address="+86 139 1234 5678", code=code)
    with pytest.raises(ValidationError) as used:
        codes.code_redeem(purpose="test", address="13912345678", code=code)
    assert used.value.code == "missing"


def test_a_code_expires_and_wrong_tries_use_it_up():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        code = issue()
    with time_machine.travel(start + codes.CODE_VALID_FOR + dt.timedelta(seconds=1), tick=False):
        with pytest.raises(ValidationError) as expired:
            codes.code_redeem(purpose="test", address="13912345678", code=code)
        assert expired.value.code == "expired"
        code = issue()
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(codes.CODE_MAX_ATTEMPTS):
            with pytest.raises(ValidationError):
                codes.code_redeem(purpose="test", address="13912345678", code=wrong)
        with pytest.raises(ValidationError) as spent:
            codes.code_redeem(purpose="test", address="13912345678", code=code)
        assert spent.value.code == "attempts"


def test_a_newer_code_replaces_the_older_and_sends_are_limited_per_number():
    start = timezone.now()
    sent = []
    for minute in range(codes.SENDS_PER_HOUR):
        with time_machine.travel(start + dt.timedelta(minutes=2 * minute), tick=False):
            sent.append(issue())
    with time_machine.travel(start + dt.timedelta(minutes=2 * codes.SENDS_PER_HOUR), tick=False):
        with pytest.raises(ValidationError) as limited:
            issue()
        assert limited.value.code == "too_many"
        issue(address="13800000000")  # another number is not limited by this one
        if sent[0] != sent[-1]:
            with pytest.raises(ValidationError):
                codes.code_redeem(purpose="test", address="13912345678", code=sent[0])
        codes.code_redeem(purpose="test", address="13912345678", code=sent[-1])
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        issue()  # an hour after the first, a number may ask again
