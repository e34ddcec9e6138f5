"""Bringing holders into a hall: an open link a curator hands out, or e-mailed invitations.

- The open link carries the hall's id and ``invite_link_generation``, signed; whoever holds it
  may join (creating an account if needed). A curator's "new link" raises the generation and
  every earlier link stops working.
- An e-mailed invitation names one address; its link is single use and expires after
  ``HOLDER_INVITATION_MAX_AGE``. Mails leave through the outbox (``core.mail``).

A holder's projects can be submitted once their e-mail address is confirmed: coming by an
invitation to their account's address confirms it; anybody else (the open link) is sent a
signed link to it (``holder_confirmation_send``, ``holder_confirm_email``).

A curator may remove a holder (``holder_remove``): they lose the hall and cannot come back by
the open link (a new e-mailed invitation brings them back). Their projects stay in the hall,
kept by it (no owner, like imported ones): accepted ones stay public, their intents reach the
projects' contacts and the curators; the others stay out of the public hall.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.mail import absolute_url, render_message, send_email
from events.models import User

from ..models import HOLDER_INVITATION_MAX_AGE, Exhibition, Holder, HolderInvitation, Project

JOIN_SALT = "exhibits.join-link"
INVITATION_SALT = "exhibits.holder-invitation"
CONFIRM_SALT = "exhibits.holder-email"
CONFIRM_MAX_AGE = dt.timedelta(days=7)
CONFIRM_RESEND_AFTER = dt.timedelta(seconds=60)
INVALID_LINK = gettext_lazy("链接无效或已失效，请向策展单位索取新的邀请链接。")


# --- The open link ---------------------------------------------------------------------------


def join_link_token(exhibition: Exhibition) -> str:
    return signing.Signer(salt=JOIN_SALT).sign(f"{exhibition.pk}.{exhibition.invite_link_generation}")


def join_link_url(exhibition: Exhibition) -> str:
    return absolute_url(reverse("exhibits:join", args=[join_link_token(exhibition)]))


def exhibition_for_join_token(token: str) -> Exhibition:
    """The hall an open link names, while it is the hall's current link; else ``ValidationError``."""
    try:
        value = signing.Signer(salt=JOIN_SALT).unsign(token)
        pk, generation = (int(part) for part in value.split("."))
    except (signing.BadSignature, ValueError):
        raise ValidationError(INVALID_LINK, code="invalid") from None
    exhibition = Exhibition.objects.select_related("host", "week").filter(pk=pk).first()
    if exhibition is None or exhibition.invite_link_generation != generation:
        raise ValidationError(INVALID_LINK, code="invalid")
    return exhibition


def join_link_renew(*, exhibition: Exhibition, by: User) -> Exhibition:
    """Make a new open link; every earlier one stops working. Side effects: the generation."""
    Exhibition.objects.filter(pk=exhibition.pk).update(invite_link_generation=F("invite_link_generation") + 1)
    exhibition.refresh_from_db(fields=["invite_link_generation"])
    return exhibition


# --- E-mailed invitations --------------------------------------------------------------------


def invitation_token(invitation: HolderInvitation) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(invitation.pk))


def invitation_url(invitation: HolderInvitation) -> str:
    return reverse("exhibits:invitation", args=[invitation_token(invitation)])


def invitation_for_token(token: str) -> HolderInvitation:
    """The unused, unexpired invitation a link names, else ``ValidationError``."""
    try:
        pk = signing.TimestampSigner(salt=INVITATION_SALT).unsign(token, max_age=HOLDER_INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            _("邀请链接已过期（有效期 %(days)d 天），请联系策展单位重新邀请。")
            % {"days": HOLDER_INVITATION_MAX_AGE.days},
            code="expired",
        ) from None
    except signing.BadSignature:
        raise ValidationError(INVALID_LINK, code="invalid") from None
    invitation = HolderInvitation.objects.select_related("exhibition__host").filter(pk=pk).first()
    if invitation is None:
        raise ValidationError(INVALID_LINK, code="invalid")
    if invitation.used_at is not None:
        raise ValidationError(_("该邀请链接已使用过，请直接登录。"), code="used")
    return invitation


@transaction.atomic
def holders_invite(
    *, exhibition: Exhibition, emails: Iterable[str], by: User | None, organization: str = ""
) -> list[HolderInvitation]:
    """Invite each address (once, in the order given) to submit projects to ``exhibition``.

    Side effects: one ``HolderInvitation`` per address; one e-mail each through the outbox,
    sent after commit, with a single-use link valid ``HOLDER_INVITATION_MAX_AGE``.
    """
    invitations = []
    seen: set[str] = set()
    for email in emails:
        if email.casefold() in seen:
            continue
        seen.add(email.casefold())
        invitation = HolderInvitation.objects.create(
            exhibition=exhibition, email=email, organization=organization, invited_by=by
        )
        text, html = render_message(
            "exhibits/emails/holder_invitation",
            {
                "invitation": invitation,
                "exhibition": exhibition,
                "max_age_days": HOLDER_INVITATION_MAX_AGE.days,
                "recipient": None,
            },
            invitation_url(invitation),
        )
        send_email(
            to=[email],
            subject=_("邀请您向“%(title)s”提交展项") % {"title": exhibition.title},
            text=text,
            html=html,
            key=f"exhibits:holder-invitation:{invitation.pk}",
        )
        invitations.append(invitation)
    return invitations


# --- Joining ---------------------------------------------------------------------------------


@transaction.atomic
def holder_join(
    *, exhibition: Exhibition, user: User, organization: str = "", invitation: HolderInvitation | None = None
) -> Holder:
    """Make ``user`` a holder of ``exhibition`` (once; joining again changes nothing).

    Someone a curator removed cannot join again by the open link; an e-mailed invitation
    brings them back. Joining by an invitation sent to the account's own address confirms
    that address; otherwise it is confirmed as before in another hall, or a confirmation
    link is mailed to it.

    Side effects: a ``Holder`` (or the removed one restored); an invitation used for it is
    marked used (single use); maybe a confirmation e-mail through the outbox."""
    if invitation is not None:
        invitation = HolderInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise ValidationError(_("该邀请链接已使用过，请直接登录。"), code="used")
    holder = Holder.objects.select_for_update().filter(exhibition=exhibition, user=user).first()
    if holder is not None and holder.removed_at is not None and invitation is None:
        raise ValidationError(
            _("您已被策展单位移出该展厅，如需重新加入，请联系策展单位发送邀请。"), code="removed"
        )
    if invitation is not None:
        invitation.used_at, invitation.user = timezone.now(), user
        invitation.save(update_fields=["used_at", "user"])
        organization = organization or invitation.organization
    if holder is None:
        holder = Holder.objects.create(exhibition=exhibition, user=user, organization=organization)
    else:
        if holder.removed_at is not None:
            holder.removed_at, holder.removed_by = None, None
        if organization and not holder.organization:
            holder.organization = organization
        holder.save()
    holder.user = user
    if not holder.email_confirmed:
        _confirm_or_ask(holder, invitation=invitation)
    return holder


def _confirm_or_ask(holder: Holder, *, invitation: HolderInvitation | None) -> None:
    email = holder.user.email or ""
    if not email:
        return
    invited_here = invitation is not None and invitation.email.casefold() == email.casefold()
    confirmed_elsewhere = (
        Holder.objects.filter(
            user=holder.user, email_confirmed_at__isnull=False, confirmed_email__iexact=email
        )
        .exclude(pk=holder.pk)
        .exists()
    )
    if invited_here or confirmed_elsewhere:
        holder.confirmed_email, holder.email_confirmed_at = email, timezone.now()
        holder.save(update_fields=["confirmed_email", "email_confirmed_at"])
    else:
        holder_confirmation_send(holder=holder)


# --- Confirming the address ------------------------------------------------------------------


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.casefold().encode("utf-8")).hexdigest()[:16]


def holder_confirmation_token(holder: Holder) -> str:
    """A link's token for the holder's current address (a later address needs a new link)."""
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(f"{holder.pk}.{_email_digest(holder.user.email)}")


@transaction.atomic
def holder_confirmation_send(*, holder: Holder) -> Holder:
    """Mail the holder a signed link (valid ``CONFIRM_MAX_AGE``) that confirms their account's
    address; not again within ``CONFIRM_RESEND_AFTER``. ``ValidationError`` when there is
    nothing to confirm or it is too soon.

    Side effects: ``confirmation_sent_at``; one e-mail through the outbox (after commit)."""
    holder = Holder.objects.select_for_update().select_related("user", "exhibition").get(pk=holder.pk)
    if holder.email_confirmed:
        raise ValidationError(_("邮箱已确认。"), code="confirmed")
    if not holder.user.email:
        raise ValidationError(_("账号没有邮箱，请先在个人资料中填写。"), code="no_email")
    now = timezone.now()
    if holder.confirmation_sent_at and now - holder.confirmation_sent_at < CONFIRM_RESEND_AFTER:
        raise ValidationError(_("确认邮件刚刚发送过，请一分钟后再试。"), code="too_soon")
    holder.confirmation_sent_at = now
    holder.save(update_fields=["confirmation_sent_at"])
    url = reverse("exhibits:holder_confirm", args=[holder_confirmation_token(holder)])
    text, html = render_message(
        "exhibits/emails/holder_confirm_email",
        {"exhibition": holder.exhibition, "max_age_days": CONFIRM_MAX_AGE.days, "recipient": holder.user},
        url,
    )
    send_email(
        to=[holder.user.email],
        subject=_("请确认邮箱：%(title)s") % {"title": holder.exhibition.title},
        text=text,
        html=html,
        key=f"exhibits:holder-email:{holder.pk}:{int(now.timestamp())}",
    )
    return holder


def holder_for_confirmation(token: str) -> Holder:
    """The holder a confirmation link names, while the link is fresh and names their current
    address and they are still in the hall; else ``ValidationError``."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=CONFIRM_MAX_AGE)
        pk, digest = value.split(".")
    except signing.SignatureExpired:
        raise ValidationError(_("确认链接已过期，请登录后重新发送确认邮件。"), code="expired") from None
    except (signing.BadSignature, ValueError):
        raise ValidationError(_("确认链接无效。"), code="invalid") from None
    holder = (
        Holder.objects.select_related("user", "exhibition").filter(pk=pk, removed_at__isnull=True).first()
    )
    if holder is None or _email_digest(holder.user.email or "") != digest:
        raise ValidationError(_("确认链接无效或邮箱已更改，请登录后重新发送确认邮件。"), code="invalid")
    return holder


@transaction.atomic
def holder_confirm_email(*, holder: Holder) -> Holder:
    """Record the holder's current address as confirmed. Side effects: the holder's fields."""
    holder.confirmed_email, holder.email_confirmed_at = holder.user.email, timezone.now()
    holder.save(update_fields=["confirmed_email", "email_confirmed_at"])
    return holder


# --- Removing a holder -----------------------------------------------------------------------


@transaction.atomic
def holder_remove(*, holder: Holder, by: User) -> Holder:
    """Take a holder out of the hall. Their projects there stay, kept by the hall: accepted
    ones stay public (intents reach their contacts and the curators), the others stay out of
    the public hall. Removing twice changes nothing.

    Side effects: ``removed_at``/``removed_by``; the holder's projects in the hall lose their
    owner (the history keeps who submitted them)."""
    holder = Holder.objects.select_for_update().get(pk=holder.pk)
    if holder.removed_at is not None:
        return holder
    holder.removed_at, holder.removed_by = timezone.now(), by
    holder.save(update_fields=["removed_at", "removed_by"])
    Project.objects.filter(exhibition_id=holder.exhibition_id, owner_id=holder.user_id).update(
        owner=None, updated_at=timezone.now()
    )
    return holder


@transaction.atomic
def holder_sign_up(
    *,
    exhibition: Exhibition,
    email: str,
    password: str,
    full_name: str,
    phone: str = "",
    organization: str = "",
    invitation: HolderInvitation | None = None,
) -> User:
    """Create a holder's account (login name = e-mail) and make them a holder of ``exhibition``.

    An address that already has an account is refused: that person signs in and joins.
    Side effects: a ``User``; as ``holder_join``."""
    if (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
    ):
        raise ValidationError(_("该邮箱已有账号，请先登录，再打开邀请链接加入。"), code="exists")
    user = User(username=email.lower(), email=email, full_name=full_name, phone=phone)
    user.set_password(password)
    user.save()
    holder_join(exhibition=exhibition, user=user, organization=organization, invitation=invitation)
    return user
