"""Text messages (SMS) to mobile numbers: what the outbox's SMS channel sends with.

Chinese SMS providers send only texts from templates approved in advance, each under the
provider's template id and with the registered sign name (签名, shown as 【双创周】). The
portal names its templates (``SMS_TEXTS``: "code"); settings map each to the provider's id
(``SMS_TEMPLATES``) and a message carries the template's name and parameters. The text is
rendered here too, for the console backend and the outbox admin.

A backend is a class with ``send(*, to, template, params, text) -> None`` that raises
``core.webhooks.NotSent``, ``Rejected`` or ``OutcomeUnknown`` (the outbox's three outcomes).
``SMS_BACKEND`` names it:

- ``core.sms.ConsoleBackend`` (the default, ``make run``): prints the text;
- ``core.sms.LocmemBackend`` (tests): keeps messages in ``core.sms.outbox``;
- ``core.sms.HttpBackend`` (production): POSTs a signed JSON request to a provider's HTTP
  gateway, configured by ``SMS_HTTP_URL``, ``SMS_HTTP_KEY_ID``, ``SMS_HTTP_SECRET``,
  ``SMS_SIGN_NAME``, ``SMS_TEMPLATES``; a provider with another request format is one more
  small class named in ``SMS_BACKEND``.

Messages are written with ``core.outbox.outbox_write_sms``, never sent from here directly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .webhooks import NotSent, OutcomeUnknown, Rejected, Wording, http_post

# The portal's templates: each needs a template of the same wording approved by the provider.
SMS_TEXTS = {
    "code": _("您的验证码为 %(code)s，%(minutes)s 分钟内有效，请勿告诉他人。"),
}
# Answer codes of the HTTP gateway that mean "not now, try later".
RETRY_LATER_CODES = {"RATE_LIMITED", "BUSY", "isv.BUSINESS_LIMIT_CONTROL"}

SMS_WORDING = Wording(
    invalid_url=_("短信平台地址无效：%(error)s"),
    http_later=_("短信平台返回 HTTP %(code)d。"),
    http_refused=_("短信平台拒绝了短信：HTTP %(code)d。"),
    unreachable=_("无法连接短信平台：%(error)s"),
    no_answer=_("短信平台未在 %(seconds)s 秒内正常应答（%(error)s），短信可能已发出。"),
)


def sms_text(template: str, params: dict) -> str:
    """The text of ``template`` with ``params``, with the sign name, in the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        body = str(SMS_TEXTS[template]) % params
    return f"【{settings.SMS_SIGN_NAME}】{body}"


def sms_backend():
    return import_string(settings.SMS_BACKEND)()


class ConsoleBackend:
    """Prints each message (``make run``: the code shows in the worker's terminal)."""

    def send(self, *, to: str, template: str, params: dict, text: str) -> None:
        sys.stdout.write(f"SMS to {to} ({template}): {text}\n")
        sys.stdout.flush()


@dataclass(frozen=True)
class SentSms:
    to: str
    template: str
    params: dict
    text: str


outbox: list[SentSms] = []
_outbox_lock = threading.Lock()


class LocmemBackend:
    """Keeps each message in ``core.sms.outbox`` (tests read and clear it)."""

    def send(self, *, to: str, template: str, params: dict, text: str) -> None:
        with _outbox_lock:
            outbox.append(SentSms(to=to, template=template, params=dict(params), text=text))


def request_signature(*, secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The gateway's request signature: Base64 of HMAC-SHA256, keyed with the secret, of
    "timestamp\\nnonce\\nsha256-hex-of-body"."""
    string_to_sign = f"{timestamp}\n{nonce}\n{hashlib.sha256(body).hexdigest()}".encode()
    return base64.b64encode(hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()).decode()


class HttpBackend:
    """An SMS provider's HTTP gateway.

    Request: ``POST SMS_HTTP_URL`` with JSON ``{"phone", "sign_name", "template_id",
    "params"}`` and headers ``X-Sms-Key`` (``SMS_HTTP_KEY_ID``), ``X-Sms-Timestamp`` (Unix
    seconds), ``X-Sms-Nonce`` and ``X-Sms-Signature`` (``request_signature`` with
    ``SMS_HTTP_SECRET``). Answer: JSON ``{"code": "OK"}``, or another code with a
    ``message``; codes in ``RETRY_LATER_CODES`` mean "later", any other is a refusal.
    """

    def send(self, *, to: str, template: str, params: dict, text: str) -> None:
        url = settings.SMS_HTTP_URL
        template_id = settings.SMS_TEMPLATES.get(template, "")
        if not url or not template_id:
            raise Rejected(
                _("短信平台未配置（SMS_HTTP_URL，或模板 %(template)s 的编号）。") % {"template": template}
            )
        body = json.dumps(
            {"phone": to, "sign_name": settings.SMS_SIGN_NAME, "template_id": template_id, "params": params},
            ensure_ascii=False,
        ).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        headers = {
            "X-Sms-Key": settings.SMS_HTTP_KEY_ID,
            "X-Sms-Timestamp": timestamp,
            "X-Sms-Nonce": nonce,
            "X-Sms-Signature": request_signature(
                secret=settings.SMS_HTTP_SECRET, timestamp=timestamp, nonce=nonce, body=body
            ),
        }
        answer = http_post(
            url=url, body=body, timeout=settings.SMS_HTTP_TIMEOUT, wording=SMS_WORDING, headers=headers
        )
        _judge(answer, host=urllib.parse.urlsplit(url).hostname or "")


def _judge(answer: bytes, *, host: str) -> None:
    try:
        payload = json.loads(answer or b"")
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or "code" not in payload:
        # The request arrived and the answer says nothing usable: the text may be on its way.
        raise OutcomeUnknown(_("短信平台（%(host)s）的应答无法识别，短信可能已发出。") % {"host": host})
    code = str(payload["code"])
    if code == "OK":
        return
    message = _("短信平台返回错误 %(code)s：%(message)s") % {
        "code": code,
        "message": payload.get("message", ""),
    }
    if code in RETRY_LATER_CODES:
        raise NotSent(message)
    raise Rejected(message)
