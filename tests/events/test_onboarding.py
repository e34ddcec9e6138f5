"""Units, invitations (signed, single use, 7 days) and self-applications."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from events import services
from events.models import Invitation, Membership, Organizer, OrganizerApplication, User
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Shuangchuang-2026!"


def test_office_adds_a_unit_and_invites_a_member_by_email(client, reviewer, mailbox):
    client.force_login(reviewer)

    response = client.post(
        reverse("review_events:organizers"),
        {
            "name": "昆山市科技局",
            "kind": "government",
            "contact_name": "王晓明",
            "contact_phone": "0512-57303063",
            "contact_email": "kjj@example.com",
        },
    )
    unit = Organizer.objects.get(name="昆山市科技局")
    assert response["Location"] == reverse("review_events:organizer_detail", args=[unit.pk])
    with mailbox.sending():
        client.post(
            reverse("review_events:organizer_detail", args=[unit.pk]),
            {"email": "wang@example.com", "full_name": "王晓明"},
        )

    invitation = Invitation.objects.get()
    assert (invitation.organizer, invitation.email, invitation.invited_by) == (
        unit,
        "wang@example.com",
        reviewer,
    )
    assert [(m.to, m.subject) for m in mailbox] == [
        (["wang@example.com"], "邀请您加入“昆山市科技局”，登记双创周活动")
    ]
    # The link in the mail opens this invitation (its token is signed with the second it was
    # made: the mail's and one made now may differ).
    token = re.search(r"/organizer/invitation/([^/\s]+)/", mailbox[0].body).group(1)
    assert services.invitation_for_token(token) == invitation


def test_invalid_unit_phone_is_refused(client, reviewer):
    client.force_login(reviewer)

    response = client.post(
        reverse("review_events:organizers"), {"name": "某局", "kind": "government", "contact_phone": "5730"}
    )

    assert response.context["form"].errors["contact_phone"] == [
        "请填写有效的手机号（如 13812345678）或固定电话（如 0512-57303063，可带分机号）。"
    ]


def test_invitation_link_sets_a_password_and_lands_in_the_organizer_area(client, organizer):
    invitation = factories.invitation(organizer=organizer, email="new@example.com", full_name="新成员")

    response = client.post(
        services.invitation_url(invitation),
        {
            "full_name": "新成员",
            "phone": "13912345678",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response["Location"] == reverse("organizer:dashboard")
    user = User.objects.get(email="new@example.com")
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.filter(organizer=organizer, user=user).exists()
    assert client.get(reverse("organizer:dashboard")).status_code == 200


def test_invitation_for_an_existing_account_adds_the_membership_and_keeps_the_password(client, organizer):
    person = factories.user(email="Old@Example.com")
    invitation = factories.invitation(organizer=organizer, email="old@example.com")
    url = services.invitation_url(invitation)

    page = client.get(url)
    response = client.post(url, follow=True)

    assert "您已有账号（登录名 %s），接受邀请后请用原密码登录。" % person.username in page.content.decode()
    assert response.redirect_chain == [(reverse("login"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"您已加入“{organizer.name}”。请用您原有的账号（登录名 {person.username}）和原密码登录。"
    ]
    person.refresh_from_db()
    assert person.check_password(factories.PASSWORD) and person.is_active
    assert Membership.objects.filter(organizer=organizer, user=person).exists()
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == 1


def test_invitation_service_never_overwrites_an_existing_accounts_password(organizer):
    person = factories.user(email="old@example.com")

    user = services.invitation_accept(
        invitation=factories.invitation(organizer=organizer, email="old@example.com"),
        password=NEW_PASSWORD,
        full_name="别人",
    )

    person.refresh_from_db()
    assert user == person
    assert person.check_password(factories.PASSWORD) and person.full_name != "别人"


def test_invitation_for_a_deactivated_account_is_refused(client, organizer):
    person = factories.user(email="gone@example.com", is_active=False)
    url = services.invitation_url(factories.invitation(organizer=organizer, email="gone@example.com"))

    page = client.get(url)
    post = client.post(url, {"full_name": "甲", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    message = "邮箱 gone@example.com 的账号已停用，不能通过邀请重新启用，请联系市发改委。"
    assert (page.status_code, post.status_code) == (410, 410)
    assert message in page.content.decode() and message in post.content.decode()
    person.refresh_from_db()
    assert not person.is_active and person.check_password(factories.PASSWORD)
    assert not Membership.objects.filter(user=person).exists()
    assert not Invitation.objects.filter(used_at__isnull=False).exists()


def test_invitation_for_an_address_that_is_another_accounts_login_name_is_refused_not_a_500(
    client, organizer
):
    factories.user(username="taken@example.com", email="other@example.com")
    url = services.invitation_url(factories.invitation(organizer=organizer, email="taken@example.com"))

    response = client.post(url, {"full_name": "甲", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 410
    assert (
        "邮箱 taken@example.com 已是另一个账号的登录名，无法用此邀请创建账号，请联系市发改委。"
        in response.content.decode()
    )
    assert User.objects.count() == 1


def test_invitation_link_works_only_once(client, organizer):
    invitation = factories.invitation(organizer=organizer)
    url = services.invitation_url(invitation)
    data = {"full_name": "甲", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    client.post(url, data)
    client.logout()

    response = client.get(url)

    assert response.status_code == 410
    assert "该邀请链接已使用过，请直接登录。" in response.content.decode()


def test_invitation_link_expires_after_seven_days(client, organizer):
    with time_machine.travel(dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        invitation = factories.invitation(organizer=organizer)
        url = services.invitation_url(invitation)
    with time_machine.travel(dt.datetime(2026, 9, 8, 8, 59, tzinfo=dt.UTC), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(dt.datetime(2026, 9, 8, 9, 1, tzinfo=dt.UTC), tick=False):
        response = client.get(url)
    assert response.status_code == 410
    assert "邀请链接已过期（有效期 7 天），请联系市发改委重新发送邀请。" in response.content.decode()


def test_tampered_invitation_link_is_refused(client, organizer):
    invitation = factories.invitation(organizer=organizer)
    token = services.invitation_token(invitation)

    response = client.get(reverse("organizer:invitation", args=[token[:-2] + "xx"]))

    assert response.status_code == 410
    assert "邀请链接无效，请检查链接是否完整。" in response.content.decode()


def test_invitation_password_rules_and_mismatch(client, organizer):
    url = services.invitation_url(factories.invitation(organizer=organizer))

    mismatch = client.post(url, {"full_name": "甲", "password1": NEW_PASSWORD, "password2": "other"})
    short = client.post(url, {"full_name": "甲", "password1": "123", "password2": "123"})

    assert mismatch.context["form"].errors["password2"] == ["两次输入的密码不一致。"]
    assert "密码太短，至少需要 8 个字符。" in short.context["form"].errors["password1"]
    assert not Invitation.objects.filter(used_at__isnull=False).exists()


def test_office_removes_a_member(client, reviewer, organizer, member, draft):
    client.force_login(reviewer)
    membership = Membership.objects.get(user=member)

    client.post(reverse("review_events:member_remove", args=[organizer.pk, membership.pk]))

    assert not Membership.objects.filter(pk=membership.pk).exists()
    draft.refresh_from_db()
    assert draft.reporter is None


def test_unit_applies_and_the_office_is_told(client, reviewer, mailbox):
    with mailbox.sending():
        response = client.post(
            reverse("organizer:apply"),
            {
                "name": "昆山市自主创业者联谊会",
                "kind": "association",
                "contact_name": "刘洋",
                "contact_phone": "13800000004",
                "contact_email": "ly@example.com",
                "note": "创协联谊活动",
            },
        )

    assert response["Location"] == reverse("organizer:apply_done")
    application = OrganizerApplication.objects.get()
    assert application.status == "pending"
    assert [(m.to, m.subject) for m in mailbox] == [
        ([reviewer.email], "新的单位申请：昆山市自主创业者联谊会")
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "contact_phone",
            "110",
            "请填写有效的手机号（如 13812345678）或固定电话（如 0512-57303063，可带分机号）。",
        ),
        ("contact_email", "x", "输入一个有效的 Email 地址。"),
        ("contact_name", "", "这个字段是必填项。"),
    ],
)
def test_application_validation_messages(client, db, field, value, message):
    data = {
        "name": "某公司",
        "kind": "enterprise",
        "contact_name": "甲",
        "contact_phone": "13800000000",
        "contact_email": "a@example.com",
        field: value,
    }

    response = client.post(reverse("organizer:apply"), data)

    assert response.context["form"].errors[field] == [message]


def test_application_for_a_unit_already_on_the_platform_is_refused(client, organizer):
    response = client.post(
        reverse("organizer:apply"),
        {
            "name": organizer.name,
            "kind": "government",
            "contact_name": "甲",
            "contact_phone": "13800000000",
            "contact_email": "a@example.com",
        },
    )

    assert response.context["form"].errors["name"] == [
        "该单位已在平台上，请联系单位管理员或市发改委邀请您加入。"
    ]


def test_accepting_an_application_creates_the_unit_and_sends_the_invitation(client, reviewer, mailbox):
    application = factories.application(name="昆山市总工会", contact_email="zgh@example.com")
    client.force_login(reviewer)

    with mailbox.sending():
        client.post(reverse("review_events:application_accept", args=[application.pk]))

    application.refresh_from_db()
    assert application.status == "accepted"
    assert application.organizer.name == "昆山市总工会"
    assert Invitation.objects.get().email == "zgh@example.com"
    assert [(m.to, m.subject) for m in mailbox] == [
        (["zgh@example.com"], "邀请您加入“昆山市总工会”，登记双创周活动")
    ]


def test_accepting_an_application_under_an_existing_units_name_is_refused(
    client, reviewer, organizer, mailbox
):
    application = factories.application(name=organizer.name, contact_email="stranger@example.com")
    client.force_login(reviewer)

    with mailbox.sending():
        response = client.post(
            reverse("review_events:application_accept", args=[application.pk]), follow=True
        )

    application.refresh_from_db()
    assert application.status == "pending"
    assert not Invitation.objects.exists() and len(mailbox) == 0
    assert [str(m) for m in response.context["messages"]] == [
        f"单位“{organizer.name}”已在平台上，不能再按申请新建；如需让申请人加入该单位，请在单位页面向其发送邀请。"
    ]


def test_declining_an_application_needs_a_reason_and_emails_it(client, reviewer, mailbox):
    application = factories.application(name="某公司", contact_email="x@example.com")
    client.force_login(reviewer)

    response = client.post(
        reverse("review_events:application_decline", args=[application.pk]), {"comment": ""}
    )
    assert response.context["form"].errors["comment"] == ["请填写拒绝原因。"]
    with mailbox.sending():
        client.post(
            reverse("review_events:application_decline", args=[application.pk]), {"comment": "不属于本市单位"}
        )

    application.refresh_from_db()
    assert (application.status, application.decline_reason) == ("declined", "不属于本市单位")
    assert [(m.to, m.subject) for m in mailbox] == [(["x@example.com"], "单位申请未通过：某公司")]
    assert "不属于本市单位" in mailbox[0].body
    assert not Organizer.objects.filter(name="某公司").exists()


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("13812345678", True),
        ("19912345678", True),
        ("12812345678", False),
        ("1381234567", False),
        ("0512-57303063", True),
        ("051257303063", True),
        ("010-12345678", True),
        ("0512-57303063-123", True),
        ("0512-57303063转8001", True),
        ("57303063", False),
        ("+8613812345678", False),
        ("abc", False),
    ],
)
def test_phone_numbers(value, valid):
    from django.core.exceptions import ValidationError

    from events.validation import validate_phone

    if valid:
        assert validate_phone(value) == value
    else:
        with pytest.raises(ValidationError):
            validate_phone(value)
