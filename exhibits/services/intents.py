"""Matchmaking: a visitor's cooperation intent (合作意向), confirmed with a code before it
reaches the holder; the holder's answer; the signing (签约) it may lead to.
"""

from __future__ import annotations

import datetime as dt
import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.mail import render_message, send_email
from events.models import User
from events.notifications import Subject, notify

from ..models import Intent, Project, Signing
from .codes import code_hash, code_matches, code_sender, new_code

CODE_VALID_FOR = dt.timedelta(minutes=30)
CODE_MAX_ATTEMPTS = 5
CODE_MAX_SENDS = 3
CODE_RESEND_AFTER = dt.timedelta(seconds=60)
# Unconfirmed intents hold a visitor's contact details for nothing: they go after a day.
UNCONFIRMED_KEPT_FOR = dt.timedelta(days=1)


def _send_code(intent: Intent) -> None:
    code = new_code()
    intent.code_hash = code_hash(intent_id=intent.pk, code=code)
    intent.code_sent_at = timezone.now()
    intent.code_sends += 1
    intent.code_attempts = 0
    intent.save(update_fields=["code_hash", "code_sent_at", "code_sends", "code_attempts"])
    code_sender(intent.channel)(intent=intent, code=code)


def intents_delete_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Delete intents never confirmed within ``UNCONFIRMED_KEPT_FOR``. Returns how many."""
    now = now or timezone.now()
    deleted, _counts = Intent.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - UNCONFIRMED_KEPT_FOR
    ).delete()
    return deleted


@transaction.atomic
def intent_create(
    *,
    project: Project,
    name: str,
    role: str,
    kind: str,
    message: str,
    email: str,
    organization: str = "",
    phone: str = "",
    channel: str = "email",
) -> Intent:
    """Record a visitor's intent on an accepted project and send them a confirmation code.

    Nothing reaches the holder until ``intent_confirm``. Rate limits are the caller's (the
    view knows the client's address). Side effects: the intent; a code sent on ``channel``
    (e-mail through the outbox, after commit); unconfirmed intents older than a day deleted.
    """
    if project.status != Project.Status.ACCEPTED:
        raise ValidationError(_("该展项目前不接受合作意向。"), code="state")
    intents_delete_unconfirmed()
    intent = Intent.objects.create(
        project=project,
        name=name,
        organization=organization,
        role=role,
        kind=kind,
        message=message,
        email=email,
        phone=phone,
        channel=channel,
    )
    _send_code(intent)
    return intent


@transaction.atomic
def intent_code_resend(*, intent: Intent) -> Intent:
    """Send a new code (the old one stops working), at most ``CODE_MAX_SENDS`` times in all and
    not within ``CODE_RESEND_AFTER`` of the last. Side effects: the code; a message."""
    intent = Intent.objects.select_for_update(of=("self",)).select_related("project").get(pk=intent.pk)
    if intent.confirmed_at is not None:
        raise ValidationError(_("该合作意向已确认，无需再获取验证码。"), code="confirmed")
    if intent.code_sends >= CODE_MAX_SENDS:
        raise ValidationError(_("验证码发送次数已达上限，请稍后重新提交合作意向。"), code="sends")
    if intent.code_sent_at and timezone.now() - intent.code_sent_at < CODE_RESEND_AFTER:
        raise ValidationError(_("验证码刚刚发送过，请一分钟后再试。"), code="too_soon")
    _send_code(intent)
    return intent


def intent_confirm(*, intent: Intent, code: str) -> Intent:
    """Confirm an intent with the code sent for it, and deliver it to the holder.

    A code is valid ``CODE_VALID_FOR`` and may be tried ``CODE_MAX_ATTEMPTS`` times; each wrong
    try is counted even though ``ValidationError`` is raised. Confirming twice delivers once.

    Side effects: ``confirmed_at``; the code forgotten; e-mail + in-site notice to the holder,
    and an e-mail to the project's contact when that is another address (after commit).
    """
    error = None
    with transaction.atomic():
        intent = (
            Intent.objects.select_for_update(of=("self",)).select_related("project__owner").get(pk=intent.pk)
        )
        if intent.confirmed_at is not None:
            return intent
        if intent.code_attempts >= CODE_MAX_ATTEMPTS:
            error = ValidationError(_("验证码错误次数过多，请重新获取验证码。"), code="attempts")
        elif intent.code_sent_at is None or timezone.now() - intent.code_sent_at > CODE_VALID_FOR:
            error = ValidationError(_("验证码已过期，请重新获取验证码。"), code="expired")
        elif not code_matches(intent=intent, code=code):
            Intent.objects.filter(pk=intent.pk).update(code_attempts=F("code_attempts") + 1)
            error = ValidationError(_("验证码不正确，请检查邮件中的 6 位数字。"), code="wrong")
        else:
            intent.confirmed_at, intent.code_hash = timezone.now(), ""
            intent.save(update_fields=["confirmed_at", "code_hash"])
            _deliver(intent)
    if error is not None:
        raise error
    return intent


def _deliver(intent: Intent) -> None:
    project = intent.project
    subject = Subject(gettext_noop("新的合作意向：%(title)s"), {"title": project.title})
    url = reverse("exhibits:project", args=[project.pk])
    context = {"intent": intent, "project": project}
    owner = project.owner
    if owner is not None and owner.is_active:
        notify(
            users=[owner],
            subject=subject,
            template_base="exhibits/emails/intent_received",
            context=context,
            url=url,
        )
    contact = project.contact_email
    if contact and (
        owner is None or not owner.is_active or contact.casefold() != (owner.email or "").casefold()
    ):
        text, html = render_message("exhibits/emails/intent_received", {**context, "recipient": None}, url)
        send_email(
            to=[contact],
            subject=subject.text(),
            text=text,
            html=html,
            key=f"exhibits:intent:{intent.pk}:contact",
        )


@transaction.atomic
def intent_answer(*, intent: Intent, by: User, answer: str, note: str = "") -> Intent:
    """The holder's (or a curator's) answer to a confirmed intent. Side effects: the answer."""
    if intent.confirmed_at is None:
        raise ValidationError(_("该合作意向尚未确认。"), code="unconfirmed")
    if answer not in Intent.Answer.values:
        raise ValidationError(_("未知的回复。"), code="answer")
    intent.answer, intent.answer_note = answer, note
    intent.answered_at, intent.answered_by = timezone.now(), by
    intent.save(update_fields=["answer", "answer_note", "answered_at", "answered_by"])
    return intent


@transaction.atomic
def signing_record(
    *,
    project: Project,
    by: User,
    parties: str,
    kind: str,
    signed_on: dt.date,
    amount: decimal.Decimal | None = None,
    note: str = "",
    intent: Intent | None = None,
) -> Signing:
    """Record a signed cooperation on a project (by its holder or a curator).

    An intent it came from must be a confirmed one of the same project. Side effects: the
    signing; that intent's answer becomes "in talks" if it was still new.
    """
    if intent is not None:
        if intent.project_id != project.pk or intent.confirmed_at is None:
            raise ValidationError(_("所选合作意向不属于该展项。"), code="intent")
        if intent.answer == Intent.Answer.NEW:
            intent_answer(intent=intent, by=by, answer=Intent.Answer.IN_TALKS)
    if amount is not None and amount < 0:
        raise ValidationError(_("金额不能为负数。"), code="amount")
    return Signing.objects.create(
        project=project,
        intent=intent,
        parties=parties,
        kind=kind,
        amount=amount,
        signed_on=signed_on,
        note=note,
        recorded_by=by,
    )
