"""Bringing holders into a hall: an open link a curator hands out, or e-mailed invitations.

- The open link carries the hall's id and ``invite_link_generation``, signed; whoever holds it
  may join (creating an account if needed). A curator's "new link" raises the generation and
  every earlier link stops working.
- An e-mailed invitation names one address; its link is single use and expires after
  ``HOLDER_INVITATION_MAX_AGE``. Mails leave through the outbox (``core.mail``).
"""

from __future__ import annotations

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

from ..models import HOLDER_INVITATION_MAX_AGE, Exhibition, Holder, HolderInvitation

JOIN_SALT = "exhibits.join-link"
INVITATION_SALT = "exhibits.holder-invitation"
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

    Side effects: a ``Holder``; an invitation used for it is marked used (single use)."""
    if invitation is not None:
        invitation = HolderInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise ValidationError(_("该邀请链接已使用过，请直接登录。"), code="used")
        invitation.used_at, invitation.user = timezone.now(), user
        invitation.save(update_fields=["used_at", "user"])
        organization = organization or invitation.organization
    holder, created = Holder.objects.get_or_create(
        exhibition=exhibition, user=user, defaults={"organization": organization}
    )
    if not created and organization and not holder.organization:
        holder.organization = organization
        holder.save(update_fields=["organization"])
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
