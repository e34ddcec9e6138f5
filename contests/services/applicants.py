"""Applicants' accounts: signing up to register, and confirming the e-mail address.

An applicant needs an account (login name = e-mail address) whose address is confirmed by a
link e-mailed through the outbox; they may fill in an entry before, and submit it only
after. Anybody already signed in (a member of a unit, a holder of the hall) registers with
that account and confirms its address the same way.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.mail import absolute_url, render_message, send_email
from events.models import User

from ..models import Applicant

CONFIRM_SALT = "contests.email-confirm"
CONFIRM_MAX_AGE = dt.timedelta(days=3)
INVALID_LINK = gettext_lazy("确认链接无效或已过期，请登录后重新发送确认邮件。")


def applicant_for(user: User) -> Applicant:
    applicant, _created = Applicant.objects.get_or_create(user=user)
    return applicant


def email_is_confirmed(user: User) -> bool:
    applicant = Applicant.objects.filter(user=user).first()
    return applicant is not None and applicant.is_confirmed_for(user.email)


def confirmation_token(user: User) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object({"u": user.pk, "e": user.email.casefold()})


def confirmation_send(*, user: User, next_url: str = "") -> None:
    """E-mail ``user`` a link that confirms their address (valid ``CONFIRM_MAX_AGE``).

    Side effects: the applicant row (if new); one e-mail through the outbox, after commit."""
    if not user.email:
        raise ValidationError(_("账号没有邮箱，请先在账号中填写邮箱。"), code="no_email")
    applicant_for(user)
    url = reverse("contest:confirm_email", args=[confirmation_token(user)])
    if next_url:
        url = f"{url}?next={next_url}"
    text, html = render_message(
        "contests/emails/confirm_email",
        {"user": user, "days": CONFIRM_MAX_AGE.days, "recipient": user},
        url,
        language=translation.get_language(),
    )
    send_email(to=[user.email], subject=_("请确认您的报名邮箱"), text=text, html=html)


@transaction.atomic
def email_confirm(*, token: str) -> User:
    """Confirm the address a link was sent to, if it is still the account's. Side effects:
    the applicant's ``email`` and ``email_confirmed_at``. Else ``ValidationError``."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(token, max_age=CONFIRM_MAX_AGE)
        user = User.objects.get(pk=value["u"], is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        raise ValidationError(INVALID_LINK, code="invalid") from None
    if user.email.casefold() != value["e"]:
        raise ValidationError(INVALID_LINK, code="changed")
    applicant = Applicant.objects.select_for_update().get_or_create(user=user)[0]
    if not applicant.is_confirmed_for(user.email):
        applicant.email, applicant.email_confirmed_at = user.email, timezone.now()
        applicant.save(update_fields=["email", "email_confirmed_at"])
    return user


@transaction.atomic
def applicant_sign_up(
    *, email: str, password: str, full_name: str, phone: str = "", next_url: str = ""
) -> User:
    """A new applicant's account (login name = e-mail), and the confirmation e-mail.

    An address that already has an account is refused: that person signs in. Side effects:
    a ``User`` and its ``Applicant``; the e-mail (after commit)."""
    if (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
    ):
        raise ValidationError(_("该邮箱已有账号，请直接登录后报名。"), code="exists")
    user = User(username=email.lower(), email=email, full_name=full_name, phone=phone)
    user.set_password(password)
    user.save()
    confirmation_send(user=user, next_url=next_url)
    return user


def confirm_url(user: User) -> str:
    return absolute_url(reverse("contest:confirm_email", args=[confirmation_token(user)]))
