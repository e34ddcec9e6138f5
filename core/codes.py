"""One-time codes that prove a person reaches an address (a mobile number, an e-mail address).

Two ways to keep one:

- on a row of the caller's own (exhibits' ``Intent`` keeps ``code_hash`` beside the intent it
  confirms): ``new_code``, ``code_hash`` and ``code_matches`` only;
- in ``OneTimeCode`` rows, when nothing exists yet to hang the code on (a voter proving a
  phone before voting): ``code_issue`` sends one, ``code_redeem`` uses it up.

Only keyed hashes are stored (the code, and for ``OneTimeCode`` the address too); the code
itself lives in the outgoing message until the outbox has sent it. Rules of ``code_issue`` and
``code_redeem``: a code is valid ``CODE_VALID_FOR``, single use, a newer one replaces the
older; ``CODE_MAX_ATTEMPTS`` wrong tries use it up; at most ``SENDS_PER_HOUR`` codes per
address and purpose an hour, none within ``RESEND_AFTER`` of the last. These limits are
counted in the database, so they hold while the shared cache is away. Limits per client
address are the caller's (it knows the request).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .models import OneTimeCode

CODE_DIGITS = 6
CODE_VALID_FOR = dt.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
RESEND_AFTER = dt.timedelta(seconds=60)
SENDS_PER_HOUR = 5
ADDRESS_SALT = "core.codes.address"
CODE_SALT = "core.codes.code"


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(*, salt: str, subject: object, code: str) -> str:
    """A keyed hash of ``code`` for ``subject`` (a row's id, an address hash): never the code."""
    return salted_hmac(salt, f"{subject}:{code}", algorithm="sha256").hexdigest()


def code_matches(*, stored: str, salt: str, subject: object, code: str) -> bool:
    code = "".join((code or "").split())
    return bool(stored) and constant_time_compare(stored, code_hash(salt=salt, subject=subject, code=code))


def normalised_address(address: str) -> str:
    """An address as it is compared: without spaces, case folded (e-mail), no +86 prefix."""
    cleaned = "".join((address or "").split()).casefold()
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    return cleaned


def address_hash(address: str, *, salt: str = ADDRESS_SALT) -> str:
    """A keyed hash of a normalised address: the same person gives the same hash, and the
    hash alone names nobody (it needs the site's secret key)."""
    return salted_hmac(salt, normalised_address(address), algorithm="sha256").hexdigest()


def code_issue(
    *,
    purpose: str,
    address: str,
    deliver: Callable[[str], None],
    valid_for: dt.timedelta = CODE_VALID_FOR,
    now: dt.datetime | None = None,
) -> OneTimeCode:
    """Make a code for ``address`` and hand it to ``deliver`` (which writes the message to the
    outbox), unless the address had one within ``RESEND_AFTER`` or ``SENDS_PER_HOUR`` this
    hour: then ``ValidationError`` (code "too_soon" or "too_many") and nothing is sent.

    Side effects: a ``OneTimeCode`` (earlier unused ones for the address stop working); what
    ``deliver`` does."""
    now = now or timezone.now()
    hashed = address_hash(address)
    with transaction.atomic():
        recent = OneTimeCode.objects.select_for_update().filter(
            purpose=purpose, address_hash=hashed, created_at__gte=now - dt.timedelta(hours=1)
        )
        times = sorted((row.created_at for row in recent), reverse=True)
        if times and now - times[0] < RESEND_AFTER:
            seconds = int((RESEND_AFTER - (now - times[0])).total_seconds()) + 1
            raise ValidationError(
                _("验证码刚刚发送过，请 %(seconds)d 秒后再试。") % {"seconds": seconds}, code="too_soon"
            )
        if len(times) >= SENDS_PER_HOUR:
            raise ValidationError(_("该号码或邮箱获取验证码过于频繁，请一小时后再试。"), code="too_many")
        OneTimeCode.objects.filter(purpose=purpose, address_hash=hashed, used_at__isnull=True).update(
            used_at=now
        )
        code = new_code()
        row = OneTimeCode.objects.create(
            purpose=purpose,
            address_hash=hashed,
            code_hash="",
            created_at=now,
            expires_at=now + valid_for,
        )
        row.code_hash = code_hash(salt=CODE_SALT, subject=row.pk, code=code)
        row.save(update_fields=["code_hash"])
        deliver(code)
    return row


def code_redeem(*, purpose: str, address: str, code: str, now: dt.datetime | None = None) -> OneTimeCode:
    """Use up the latest code sent to ``address`` for ``purpose`` if ``code`` is it.

    Raises ``ValidationError`` ("missing", "expired", "attempts", "wrong"); a wrong try is
    counted even so. Side effects: the code used (or its attempt counted)."""
    now = now or timezone.now()
    error = None
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(purpose=purpose, address_hash=address_hash(address))
            .order_by("-created_at", "-id")
            .first()
        )
        if row is None or row.used_at is not None:
            error = ValidationError(_("请先获取验证码。"), code="missing")
        elif row.expires_at < now:
            error = ValidationError(_("验证码已过期，请重新获取。"), code="expired")
        elif row.attempts >= CODE_MAX_ATTEMPTS:
            error = ValidationError(_("验证码错误次数过多，请重新获取。"), code="attempts")
        elif not code_matches(stored=row.code_hash, salt=CODE_SALT, subject=row.pk, code=code):
            OneTimeCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
            error = ValidationError(_("验证码不正确。"), code="wrong")
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
    if error is not None:
        raise error
    return row


def codes_delete_old(*, now: dt.datetime | None = None, kept_for: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete codes older than ``kept_for`` (their hour of rate limiting is long over)."""
    now = now or timezone.now()
    deleted, _counts = OneTimeCode.objects.filter(created_at__lt=now - kept_for).delete()
    return deleted
