"""One-time codes that prove a visitor reaches the address they gave (made and checked by
``core.codes``, kept on the intent), and the senders that deliver them.

A sender is a function ``sender(*, intent, code) -> None`` that delivers ``code`` to the
intent's contact on its ``channel``. E-mail (through the outbox) is built in; another channel
is added by naming its function in settings, without touching this app::

    EXHIBITS_CODE_SENDERS = {"sms": "myportal.sms.send_intent_code"}

Only a keyed hash of a code is stored (``code_hash``); the mail's body is cleared by the
outbox once it has left.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core import codes
from core.codes import new_code  # noqa: F401 - the intents' services take it from here
from core.mail import render_message, send_email

HASH_SALT = "exhibits.intent-code"

CodeSender = Callable[..., None]


def code_hash(*, intent_id: int, code: str) -> str:
    return codes.code_hash(salt=HASH_SALT, subject=intent_id, code=code)


def code_matches(*, intent, code: str) -> bool:
    return codes.code_matches(stored=intent.code_hash, salt=HASH_SALT, subject=intent.pk, code=code)


def send_code_by_email(*, intent, code: str) -> None:
    """The built-in sender: the code by e-mail, through the outbox (sent after commit)."""
    text, html = render_message(
        "exhibits/emails/intent_code",
        {"intent": intent, "project": intent.project, "code": code, "recipient": None},
        "",
        language=translation.get_language(),
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
