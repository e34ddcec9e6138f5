"""POSTing a text message to a group robot (WeCom, DingTalk): the outbox's webhook channel;
and the HTTP request under it, which the SMS provider backend (``core.sms``) shares.

What happened to a message decides what may happen next, so every failure is one of three
(``NotSent``, ``Rejected``, ``OutcomeUnknown``; the robot's are ``Webhook*`` subclasses):

- not sent: it surely was not taken (no connection, DNS, TLS, the request could not be
  written) or the other side said "not now" (HTTP 5xx or 429, a rate-limit error code). Safe
  to send again later.
- rejected: refused for good (another 4xx, another error code, an address that is no URL).
  Sending it again would be refused again.
- outcome unknown: the whole request was written and then no usable answer came (timeout,
  connection reset, garbled answer). The group may have the message: never sent again
  without a person deciding.

Robots as offices set them up: a DingTalk robot with 加签 gets the signed ``timestamp`` and
``sign`` in its URL (``dingtalk_signed_url``, the documented algorithm); the people to
notify are @mentioned by mobile number (DingTalk ``at.atMobiles``, WeCom
``mentioned_mobile_list``, and "@number" in the text, which DingTalk needs to show the
mention). Keyword and IP-whitelist robots need nothing more: the keyword is the caller's text
(every message names the portal), the address is the server's.

It knows no domain: the caller renders the text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Seconds for connecting and then for the answer; after that the outcome is unknown.
WEBHOOK_TIMEOUT_SECONDS = 10
# Robot error codes that mean "too many messages, try later" (WeCom 45009, DingTalk 130101).
WEBHOOK_RATE_LIMIT_CODES = {45009, 130101}
ANSWER_MAX_BYTES = 65536


class NotSent(Exception):
    """The other side surely does not have the message; it may be sent again later."""


class Rejected(Exception):
    """The other side refused the message for good."""


class OutcomeUnknown(Exception):
    """The request left and no usable answer came: the message may have arrived."""


class WebhookNotSent(NotSent):
    """The robot surely does not have the message; it may be sent again later."""


class WebhookRejected(Rejected):
    """The robot refused the message for good."""


class WebhookOutcomeUnknown(OutcomeUnknown):
    """The request left and no usable answer came: the message may have arrived."""


@dataclass(frozen=True)
class Wording:
    """What each failure says to the office, and the exceptions it raises, for one kind of
    receiver (a group robot, an SMS provider)."""

    invalid_url: str
    http_later: str
    http_refused: str
    unreachable: str
    no_answer: str
    not_sent: type[NotSent] = NotSent
    rejected: type[Rejected] = Rejected
    unknown: type[OutcomeUnknown] = OutcomeUnknown


ROBOT_WORDING = Wording(
    invalid_url=gettext_lazy("群机器人地址无效：%(error)s"),
    http_later=gettext_lazy("群机器人返回 HTTP %(code)d。"),
    http_refused=gettext_lazy("群机器人拒绝了消息：HTTP %(code)d。"),
    unreachable=gettext_lazy("无法连接群机器人：%(error)s"),
    no_answer=gettext_lazy("群机器人未在 %(seconds)s 秒内正常应答（%(error)s），消息可能已送达。"),
    not_sent=WebhookNotSent,
    rejected=WebhookRejected,
    unknown=WebhookOutcomeUnknown,
)


def describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def webhook_post(*, url: str, content: str, mobiles: Sequence[str] = (), secret: str = "") -> None:
    """POST ``content`` as a text message in the format WeCom and DingTalk robots accept,
    @mentioning ``mobiles``; ``secret`` (a DingTalk robot's 加签 secret, "SEC...") signs it.

    Side effect: the HTTP request. Returns when the robot accepted it; raises
    ``WebhookNotSent``, ``WebhookRejected`` or ``WebhookOutcomeUnknown`` otherwise.
    """
    mobiles = [number for number in mobiles if number]
    if mobiles:
        content = f"{content}\n" + " ".join(f"@{number}" for number in mobiles)
    message: dict = {"msgtype": "text", "text": {"content": content}}
    if mobiles:
        message["text"]["mentioned_mobile_list"] = mobiles  # WeCom
        message["at"] = {"atMobiles": mobiles, "isAtAll": False}  # DingTalk
    if secret:
        url = dingtalk_signed_url(url, secret)
    body = json.dumps(message, ensure_ascii=False).encode()
    answer = http_post(url=url, body=body, timeout=WEBHOOK_TIMEOUT_SECONDS, wording=ROBOT_WORDING)
    _judge_answer(answer)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: HMAC-SHA256 of "timestamp\\nsecret" keyed with the secret, Base64, then
    URL-encoded (as its documentation's Python example does with ``quote_plus``)."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def dingtalk_signed_url(url: str, secret: str, *, timestamp_ms: int | None = None) -> str:
    """The robot's URL with ``timestamp`` (milliseconds, within an hour of DingTalk's clock)
    and ``sign`` appended."""
    timestamp_ms = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def http_post(
    *, url: str, body: bytes, timeout: float, wording: Wording, headers: dict | None = None
) -> bytes:
    """POST ``body`` (JSON) and return the answer's body (at most ``ANSWER_MAX_BYTES``).
    Raises ``wording``'s not-sent, rejected or unknown exception as described above."""
    all_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    try:
        request = urllib.request.Request(url, data=body, method="POST", headers=all_headers)
    except ValueError as error:
        raise wording.rejected(wording.invalid_url % {"error": describe_error(error)}) from error
    try:
        # urllib proxies like every other client here (HTTPS_PROXY) and, which this relies on,
        # wraps in URLError only what fails before the request is fully written.
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
            return response.read(ANSWER_MAX_BYTES)
    except urllib.error.HTTPError as error:  # an answer: the status says what happened
        if error.code >= 500 or error.code == 429:
            raise wording.not_sent(wording.http_later % {"code": error.code}) from error
        raise wording.rejected(wording.http_refused % {"code": error.code}) from error
    except urllib.error.URLError as error:
        raise wording.not_sent(wording.unreachable % {"error": describe_error(error)}) from error
    except http.client.InvalidURL as error:  # refused by the client before anything left
        raise wording.rejected(wording.invalid_url % {"error": describe_error(error)}) from error
    except (OSError, http.client.HTTPException) as error:  # after the request left: timeout, reset
        raise wording.unknown(
            wording.no_answer % {"seconds": f"{timeout:g}", "error": describe_error(error)}
        ) from error


def _judge_answer(answer: bytes) -> None:
    """A 200 answer may still carry an error code in its JSON body."""
    try:
        payload = json.loads(answer or b"{}")
    except ValueError:
        return  # a 200 with no JSON: the robot took it
    code = payload.get("errcode", 0) if isinstance(payload, dict) else 0
    if code in (0, None):
        return
    message = _("群机器人返回错误 %(code)s：%(message)s") % {
        "code": code,
        "message": payload.get("errmsg", ""),
    }
    if code in WEBHOOK_RATE_LIMIT_CODES:
        raise WebhookNotSent(message)
    raise WebhookRejected(message)
