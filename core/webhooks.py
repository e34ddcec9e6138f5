"""POSTing a text message to a group robot (WeCom, DingTalk): the outbox's webhook channel.

What happened to the message decides what may happen next, so every failure is one of three:

- ``WebhookNotSent``: it surely was not taken (no connection, DNS, TLS, the request could not
  be written) or the robot said "not now" (HTTP 5xx or 429, a rate-limit error code). Safe to
  send again later.
- ``WebhookRejected``: the robot refused it for good (another 4xx, another error code, an
  address that is no URL). Sending it again would be refused again.
- ``WebhookOutcomeUnknown``: the whole request was written and then no usable answer came
  (timeout, connection reset, garbled answer). The group may have the message: never sent
  again without a person deciding.

It knows no domain: the caller renders the text.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request

from django.utils.translation import gettext as _

# Seconds for connecting and then for the answer; after that the outcome is unknown.
WEBHOOK_TIMEOUT_SECONDS = 10
# Robot error codes that mean "too many messages, try later" (WeCom 45009, DingTalk 130101).
WEBHOOK_RATE_LIMIT_CODES = {45009, 130101}
ANSWER_MAX_BYTES = 65536


class WebhookNotSent(Exception):
    """The robot surely does not have the message; it may be sent again later."""


class WebhookRejected(Exception):
    """The robot refused the message for good."""


class WebhookOutcomeUnknown(Exception):
    """The request left and no usable answer came: the message may have arrived."""


def describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def webhook_post(*, url: str, content: str) -> None:
    """POST ``content`` as a text message in the format WeCom and DingTalk robots accept.

    Side effect: the HTTP request. Returns when the robot accepted it; raises
    ``WebhookNotSent``, ``WebhookRejected`` or ``WebhookOutcomeUnknown`` otherwise.
    """
    body = json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False).encode()
    try:
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
        )
    except ValueError as error:
        raise WebhookRejected(_("群机器人地址无效：%(error)s") % {"error": describe_error(error)}) from error
    try:
        # urllib proxies like every other client here (HTTPS_PROXY) and, which this relies on,
        # wraps in URLError only what fails before the request is fully written.
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310 - office-configured URL
            answer = response.read(ANSWER_MAX_BYTES)
    except urllib.error.HTTPError as error:  # an answer: the status says what happened
        if error.code >= 500 or error.code == 429:
            raise WebhookNotSent(_("群机器人返回 HTTP %(code)d。") % {"code": error.code}) from error
        raise WebhookRejected(_("群机器人拒绝了消息：HTTP %(code)d。") % {"code": error.code}) from error
    except urllib.error.URLError as error:
        raise WebhookNotSent(_("无法连接群机器人：%(error)s") % {"error": describe_error(error)}) from error
    except http.client.InvalidURL as error:  # refused by the client before anything left
        raise WebhookRejected(_("群机器人地址无效：%(error)s") % {"error": describe_error(error)}) from error
    except (OSError, http.client.HTTPException) as error:  # after the request left: timeout, reset
        raise WebhookOutcomeUnknown(
            _("群机器人未在 %(seconds)s 秒内正常应答（%(error)s），消息可能已送达。")
            % {"seconds": f"{WEBHOOK_TIMEOUT_SECONDS:g}", "error": describe_error(error)}
        ) from error
    _judge_answer(answer)


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
