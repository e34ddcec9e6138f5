"""One-time codes that prove a visitor reaches the address they gave, and the senders that
deliver them.

A sender is a function ``sender(*, intent, code) -> None`` that delivers ``code`` to the
intent's contact on its ``channel``. E-mail (through the outbox) is built in; another channel
is added by naming its function in settings, without touching this app::

    EXHIBITS_CODE_SENDERS = {"sms": "myportal.sms.send_intent_code"}

Only a keyed hash of a code is stored (``code_hash``); the mail's body is cleared by the
outbox once it has left.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.mail import render_message, send_email

CODE_DIGITS = 6
HASH_SALT = "exhibits.intent-code"

CodeSender = Callable[..., None]


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(*, intent_id: int, code: str) -> str:
    return salted_hmac(HASH_SALT, f"{intent_id}:{code}", algorithm="sha256").hexdigest()


def code_matches(*, intent, code: str) -> bool:
    code = "".join(code.split())
    return bool(intent.code_hash) and constant_time_compare(
        intent.code_hash, code_hash(intent_id=intent.pk, code=code)
    )


def send_code_by_email(*, intent, code: str) -> None:
    """The built-in sender: the code by e-mail, through the outbox (sent after commit)."""
    text, html = render_message(
        "exhibits/emails/intent_code",
        {"intent": intent, "project": intent.project, "code": code, "recipient": None},
        "",
    )
    send_email(
        to=[intent.email],
        subject=_("合作意向验证码：%(code)s") % {"code": code},
        text=text,
        html=html,
        key=f"exhibits:intent-code:{intent.pk}:{intent.code_sends}",
    )


BUILT_IN_SENDERS: dict[str, CodeSender] = {"email": send_code_by_email}


def code_sender(channel: str) -> CodeSender:
    """The sender for ``channel``: one named in ``EXHIBITS_CODE_SENDERS``, else a built-in one."""
    configured = getattr(settings, "EXHIBITS_CODE_SENDERS", {}).get(channel)
    if configured:
        return import_string(configured)
    return BUILT_IN_SENDERS[channel]
