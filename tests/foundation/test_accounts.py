"""Signing in, out, changing and resetting passwords, in Chinese; operators' command."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from core.roles import is_office_reviewer
from events.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese(client):
    html = client.get("/accounts/login/").content.decode()

    assert '<h1 class="h4 mb-3">登录</h1>' in html
    assert "忘记密码？" in html


@pytest.mark.parametrize(
    "role, destination",
    [("office", "/review/"), ("member", "/organizer/"), ("staff", "/admin/"), ("nobody", "/")],
)
def test_after_login_each_role_lands_in_its_area(client, organizer, role, destination):
    user = {
        "office": lambda: factories.office_user(),
        "member": lambda: factories.member(organizer),
        "staff": lambda: factories.user(is_staff=True),
        "nobody": lambda: factories.user(),
    }[role]()

    response = client.post("/accounts/login/", {"username": user.username, "password": factories.PASSWORD})

    assert response.status_code == 302
    assert client.get(response.url).url == destination


def test_wrong_password_says_so_in_chinese(client, member):
    response = client.post("/accounts/login/", {"username": member.username, "password": "wrong"})

    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_password_reset_mail_is_chinese(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # written to the outbox, sent after commit
        client.post("/accounts/password/reset/", {"email": member.email})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "双创周：重置密码"
    assert mail.outbox[0].to == [member.email]
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_password_change_requires_the_old_password(client, member):
    client.force_login(member)

    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "wrong",
            "new_password1": "a-new-long-pass-2026",
            "new_password2": "a-new-long-pass-2026",
        },
    )

    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()


def test_logout_is_a_post(client, member):
    client.force_login(member)

    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_create_office_user_command_makes_a_reviewer():
    call_command(
        "create_office_user", "chenli", "--email", "chenli@example.com", "--password", "Strong-pass-2026!"
    )

    user = User.objects.get(username="chenli")
    assert user.is_staff and user.check_password("Strong-pass-2026!")
    assert is_office_reviewer(user)


def test_create_office_user_refuses_a_weak_password():
    with pytest.raises(CommandError):
        call_command("create_office_user", "weak", "--password", "123")
    assert not User.objects.filter(username="weak").exists()
