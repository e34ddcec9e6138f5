"""Office reviewers, organizer units, their invitations, applications and members, and the
notices people read.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.change_counters import bump_on_commit
from core.mail import email_addresses
from core.roles import OFFICE_GROUP

from ..models import (
    INVITATION_MAX_AGE,
    Event,
    EventPartner,
    Invitation,
    Membership,
    Notice,
    Organizer,
    OrganizerApplication,
    User,
)
from ..notifications import Subject, notify


@transaction.atomic
def office_user_create(*, username: str, email: str, password: str, full_name: str = "") -> User:
    """Create an office reviewer (or make an existing user one).

    Side effects: the user is active, staff (for the admin) and in the office group.
    """
    user, _created = User.objects.get_or_create(username=username)
    user.email = email
    user.full_name = full_name or user.full_name
    user.is_active = True
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=OFFICE_GROUP))
    return user


def office_reviewers() -> list[User]:
    return list(User.objects.filter(groups__name=OFFICE_GROUP, is_active=True).distinct())


# --- Units, invitations and applications ---------------------------------------------------

INVITATION_SALT = "events.invitation"


def organizer_create(
    *,
    name: str,
    kind: str,
    by: User | None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Organizer:
    """Add an organizer unit. Side effects: none beyond the new row."""
    return Organizer.objects.create(
        name=name,
        kind=kind,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
    )


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(invitation.pk))


def invitation_url(invitation: Invitation) -> str:
    return reverse("organizer:invitation", args=[invitation_token(invitation)])


def invitation_for_token(token: str) -> Invitation:
    """The unused, unexpired invitation a link's token names, else ``ValidationError``."""
    signer = signing.TimestampSigner(salt=INVITATION_SALT)
    try:
        pk = signer.unsign(token, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            _("邀请链接已过期（有效期 7 天），请联系市发改委重新发送邀请。"), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("邀请链接无效，请检查链接是否完整。"), code="invalid") from None
    invitation = Invitation.objects.select_related("organizer").filter(pk=pk).first()
    if invitation is None:
        raise ValidationError(_("邀请链接无效，请检查链接是否完整。"), code="invalid")
    if invitation.used_at is not None:
        raise ValidationError(_("该邀请链接已使用过，请直接登录。"), code="used")
    return invitation


@transaction.atomic
def invitation_create(
    *, organizer: Organizer, email: str, by: User | None, full_name: str = ""
) -> Invitation:
    """Invite one person to join ``organizer``.

    Side effects: an ``Invitation``; an e-mail with the signed link (valid 7 days) to ``email``.
    """
    invitation = Invitation.objects.create(
        organizer=organizer, email=email, full_name=full_name, invited_by=by
    )
    email_addresses(
        to=[email],
        subject=Subject(
            gettext_noop("邀请您加入“%(unit)s”，登记双创周活动"), {"unit": organizer.name}
        ).text(),
        template_base="events/emails/invitation",
        context={"invitation": invitation, "organizer": organizer, "max_age_days": INVITATION_MAX_AGE.days},
        url=invitation_url(invitation),
    )
    return invitation


def invitation_existing_user(*, invitation: Invitation) -> User | None:
    """The account the invited e-mail already has, or ``None`` for a new person.

    ``ValidationError`` when the invitation cannot be used for that address: its account is
    deactivated (an invitation does not re-enable it), or the address is the login name of
    an account with another e-mail (a new account could not take that name).
    """
    email = invitation.email
    user = User.objects.filter(email__iexact=email).order_by("id").first()
    if user is None:
        if User.objects.filter(username__iexact=email).exists():
            raise ValidationError(
                _("邮箱 %(email)s 已是另一个账号的登录名，无法用此邀请创建账号，请联系市发改委。")
                % {"email": email},
                code="username_taken",
            )
        return None
    if not user.is_active:
        raise ValidationError(
            _("邮箱 %(email)s 的账号已停用，不能通过邀请重新启用，请联系市发改委。") % {"email": email},
            code="inactive",
        )
    return user


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, password: str = "", full_name: str = "", phone: str = ""
) -> User:
    """Use an invitation: join the unit with the e-mail's account, creating it if there is none.

    An existing (active) account only gains the membership: its password, name and state are
    left as they are, and the person signs in with their own password. A new account gets
    username = e-mail and ``password``. Refused as in ``invitation_existing_user``.

    Side effects: maybe a ``User``; a ``Membership``; the invitation is marked used, so the
    link works only once.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:
        raise ValidationError(_("该邀请链接已使用过，请直接登录。"), code="used")
    user = invitation_existing_user(invitation=invitation)
    if user is None:
        if not password:
            raise ValidationError(_("请设置密码。"), code="password")
        user = User(
            username=invitation.email.lower(),
            email=invitation.email,
            full_name=full_name or invitation.full_name,
            phone=phone,
        )
        user.set_password(password)
        user.save()
    Membership.objects.get_or_create(organizer=invitation.organizer, user=user)
    invitation.used_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["used_at", "user"])
    return user


def membership_remove(*, membership: Membership, by: User | None) -> None:
    """Remove a member from a unit. Side effects: the membership row is deleted; events whose
    information reporter was this person in this unit lose their reporter (as lead host, or as
    a co-host or reporting partner), and the office boards, which name reporters, refresh."""
    with transaction.atomic():
        cleared = Event.objects.filter(host=membership.organizer, reporter=membership.user).update(
            reporter=None
        )
        cleared += EventPartner.objects.filter(
            organizer=membership.organizer, reporter=membership.user
        ).update(reporter=None)
        membership.delete()
        if cleared:
            bump_on_commit("events")  # the board's reporter column (core.change_counters)


@transaction.atomic
def application_submit(
    *, name: str, kind: str, contact_name: str, contact_phone: str, contact_email: str, note: str = ""
) -> OrganizerApplication:
    """A unit applies to take part. Side effects: the application; every office reviewer is notified."""
    application = OrganizerApplication.objects.create(
        name=name,
        kind=kind,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        note=note,
    )
    notify(
        users=office_reviewers(),
        subject=Subject(gettext_noop("新的单位申请：%(name)s"), {"name": name}),
        template_base="events/emails/application_received",
        context={"application": application},
        url=reverse("review_events:applications"),
    )
    return application


def _pending_application(application: OrganizerApplication) -> OrganizerApplication:
    application = OrganizerApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != OrganizerApplication.Status.PENDING:
        raise ValidationError(_("该申请已处理过。"), code="decided")
    return application


@transaction.atomic
def application_accept(*, application: OrganizerApplication, by: User) -> Invitation:
    """Accept an application: the unit is created and its contact invited.

    A unit of the same name already on the platform is refused (``ValidationError``): the
    office adds the person to that unit by invitation instead, so nobody joins a unit by
    merely applying under its name.

    Side effects: an ``Organizer``; an ``Invitation`` e-mailed to the applicant's address.
    """
    application = _pending_application(application)
    if Organizer.objects.filter(name=application.name).exists():
        raise ValidationError(
            _(
                "单位“%(name)s”已在平台上，不能再按申请新建；如需让申请人加入该单位，请在单位页面向其发送邀请。"
            )
            % {"name": application.name},
            code="unit_exists",
        )
    organizer = Organizer.objects.create(
        name=application.name,
        kind=application.kind,
        contact_name=application.contact_name,
        contact_phone=application.contact_phone,
        contact_email=application.contact_email,
    )
    application.status = OrganizerApplication.Status.ACCEPTED
    application.organizer = organizer
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save()
    return invitation_create(
        organizer=organizer, email=application.contact_email, full_name=application.contact_name, by=by
    )


@transaction.atomic
def application_decline(*, application: OrganizerApplication, by: User, reason: str) -> OrganizerApplication:
    """Decline an application with a reason. Side effects: an e-mail with the reason to the applicant."""
    if not reason.strip():
        raise ValidationError(_("请填写拒绝原因。"), code="reason")
    application = _pending_application(application)
    application.status = OrganizerApplication.Status.DECLINED
    application.decline_reason = reason
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save()
    email_addresses(
        to=[application.contact_email],
        subject=Subject(gettext_noop("单位申请未通过：%(name)s"), {"name": application.name}).text(),
        template_base="events/emails/application_declined",
        context={"application": application},
    )
    return application


def notices_mark_read(*, user: User, notices: Iterable) -> int:
    """Mark the given notices of ``user`` read. Side effects: ``read_at`` set on the unread ones."""
    ids = [n.pk for n in notices if n.read_at is None and n.recipient_id == user.pk]
    if not ids:
        return 0
    return Notice.objects.filter(pk__in=ids).update(read_at=timezone.now())
