"""How notices leave the portal: e-mail and group-robot webhooks.

Both raise ``TemporarySendError`` for failures that may pass (the caller retries with
backoff) and let anything else through to be recorded as it is.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request

from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext as _

WEBHOOK_TIMEOUT_SECONDS = 10
# Robot error codes that mean "too many messages, try later" (WeCom 45009, DingTalk 130101).
WEBHOOK_RATE_LIMIT_CODES = {45009, 130101}


class TemporarySendError(Exception):
    """A send failed in a way that may pass (mail server away, robot answering 5xx)."""


def email_send(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    attachments: list[tuple[str, bytes, str]] = (),
    connection=None,
) -> None:
    """Send one e-mail now, with optional (file name, content, MIME type) attachments.

    Raises TemporarySendError for what may pass (server away, 4xx SMTP answers); any other
    exception is a failure to record as it is.
    """
    subject = " ".join(str(subject).split())
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, connection=connection)
    if html:
        message.attach_alternative(html, "text/html")
    for name, content, mime_type in attachments:
        message.attach(name, content, mime_type)
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused:
        raise
    except (smtplib.SMTPException, OSError) as error:
        raise TemporarySendError(_("邮件发送失败：%(error)s") % {"error": describe_error(error)}) from error


def describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


class WebhookRejected(Exception):
    """The robot refused the message for good (4xx, or an error code in its answer)."""


def webhook_post(*, url: str, content: str) -> None:
    """POST a text message in the format WeCom and DingTalk group robots accept.

    Raises TemporarySendError on 5xx, 429, rate-limit codes and connection errors, and
    WebhookRejected on other 4xx answers or an ``errcode`` other than 0.
    """
    body = json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310 - office-configured URL
            answer = response.read(65536)
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code == 429:
            raise TemporarySendError(_("群机器人返回 HTTP %(code)d。") % {"code": error.code}) from error
        raise WebhookRejected(_("群机器人拒绝了消息：HTTP %(code)d。") % {"code": error.code}) from error
    except (urllib.error.URLError, OSError) as error:
        raise TemporarySendError(
            _("无法连接群机器人：%(error)s") % {"error": describe_error(error)}
        ) from error
    try:
        payload = json.loads(answer or b"{}")
    except ValueError:
        return
    code = payload.get("errcode", 0) if isinstance(payload, dict) else 0
    if code in (0, None):
        return
    message = _("群机器人返回错误 %(code)s：%(message)s") % {
        "code": code,
        "message": payload.get("errmsg", ""),
    }
    if code in WEBHOOK_RATE_LIMIT_CODES:
        raise TemporarySendError(message)
    raise WebhookRejected(message)
