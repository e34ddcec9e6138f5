"""Holders who join by the open link confirm their e-mail address (a signed link mailed
through the outbox) before their projects can be submitted; an invitation to their own
address confirms it. Curators can remove a holder: the holder loses the hall, the hall keeps
their projects (accepted ones stay public, the others stay out of the hall)."""

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exhibits import services
from exhibits.models import Holder, Project
from tests import factories
from tests.exhibits import factories as exhibit_factories
from tests.exhibits.test_flow import project_data

pytestmark = pytest.mark.django_db


def sign_up(client, link, email="new@example.com"):
    return client.post(
        link,
        {
            "email": email,
            "full_name": "赵老师",
            "organization": "某某科技公司",
            "password1": factories.PASSWORD,
            "password2": factories.PASSWORD,
        },
    )


def confirmation_link(message) -> str:
    return re.search(r"(/exhibits/confirm/\S+/)", message.body).group(1)


def test_an_open_link_holder_confirms_the_address_before_submitting(client, hall, mailbox):
    link = reverse("exhibits:join", args=[services.join_link_token(hall)])
    with mailbox.sending():
        response = sign_up(client, link)
    assert response.status_code == 302
    holder = Holder.objects.get(exhibition=hall)
    assert not holder.email_confirmed
    assert len(mailbox) == 1 and mailbox[0].to == ["new@example.com"] and "确认" in mailbox[0].subject
    home = client.get(reverse("exhibits:home")).content.decode()
    assert "请确认您的邮箱 new@example.com" in home

    # Saving a draft works; submitting it does not, until the address is confirmed.
    response = client.post(reverse("exhibits:project_create", args=[hall.pk]), project_data(hall))
    assert response.status_code == 200
    assert "请先确认您的邮箱" in response.content.decode()
    client.post(reverse("exhibits:project_create", args=[hall.pk]), project_data(hall, action="save"))
    project = Project.objects.get()
    client.post(reverse("exhibits:project_submit", args=[project.pk]))
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT
    assert "请先确认邮箱" in client.get(reverse("exhibits:project", args=[project.pk])).content.decode()

    # A new mail is not sent twice within a minute.
    with mailbox.sending():
        client.post(reverse("exhibits:holder_confirm_send", args=[hall.pk]))
    assert len(mailbox) == 1

    # Opening the link shows a button (a mail scanner opening it confirms nothing); pressing it confirms.
    confirm = confirmation_link(mailbox[0])
    assert "确认邮箱" in Client().get(confirm).content.decode()
    holder.refresh_from_db()
    assert not holder.email_confirmed
    assert client.post(confirm).status_code == 302
    holder.refresh_from_db()
    assert holder.email_confirmed

    client.post(reverse("exhibits:project_submit", args=[project.pk]))
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED


def test_an_invitation_to_the_accounts_own_address_confirms_it(client, hall, curator, mailbox):
    with mailbox.sending():
        services.holders_invite(
            exhibition=hall, emails=["li@example.edu.cn", "wang@example.edu.cn"], by=curator
        )
    first, second = hall.invitations.order_by("id")
    with mailbox.sending():
        client.post(
            reverse("exhibits:invitation", args=[services.invitation_token(first)]),
            {
                "full_name": "李老师",
                "organization": "某某大学",
                "password1": factories.PASSWORD,
                "password2": factories.PASSWORD,
            },
        )
    assert Holder.objects.get(user__email="li@example.edu.cn").email_confirmed
    assert len(mailbox) == 2  # the two invitations, no confirmation

    # Someone signed in with another address uses the second invitation: theirs is asked for.
    other = factories.user(email="other@example.com")
    other_client = Client()
    other_client.force_login(other)
    with mailbox.sending():
        other_client.post(reverse("exhibits:invitation", args=[services.invitation_token(second)]), {})
    assert not Holder.objects.get(user=other).email_confirmed
    assert mailbox[-1].to == ["other@example.com"]


def test_a_confirmation_link_stops_working_when_the_address_changes_or_it_is_old(client, hall):
    person = exhibit_factories.holder(exhibition=hall, confirmed=False, email="a@example.com")
    holder = Holder.objects.get(user=person)
    link = reverse("exhibits:holder_confirm", args=[services.holder_confirmation_token(holder)])
    person.email = "b@example.com"
    person.save()
    response = client.post(link)
    assert response.status_code == 410 and "邮箱已更改" in response.content.decode()
    holder.refresh_from_db()
    assert not holder.email_confirmed

    link = reverse("exhibits:holder_confirm", args=[services.holder_confirmation_token(holder)])
    later = timezone.now() + services.holders.CONFIRM_MAX_AGE + timezone.timedelta(minutes=1)
    with time_machine.travel(later):
        assert client.get(link).status_code == 410


@pytest.fixture
def removed_world(hall, curator):
    person = exhibit_factories.holder(exhibition=hall, full_name="钱老师")
    projects = {
        status: exhibit_factories.project(
            exhibition=hall, owner=person, status=status, title=f"钱老师的{status}展项"
        )
        for status in (Project.Status.ACCEPTED, Project.Status.SUBMITTED, Project.Status.DRAFT)
    }
    return person, projects


def test_a_removed_holder_loses_the_hall_and_the_hall_keeps_their_projects(
    client, hall, curator, removed_world, mailbox, monkeypatch
):
    person, projects = removed_world
    accepted = projects[Project.Status.ACCEPTED]
    holder = Holder.objects.get(user=person)
    curator_client, holder_client = Client(), Client()
    curator_client.force_login(curator)
    holder_client.force_login(person)
    assert "钱老师的accepted展项" in client.get(reverse("expo:hall")).content.decode()
    invite_page = curator_client.get(reverse("exhibits:invite", args=[hall.pk])).content.decode()
    assert reverse("exhibits:holder_remove", args=[holder.pk]) in invite_page

    with mailbox.sending():
        response = curator_client.post(reverse("exhibits:holder_remove", args=[holder.pk]))

    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.removed_at is not None and holder.removed_by == curator
    assert set(Project.objects.values_list("owner", flat=True)) == {None}
    assert set(Project.objects.values_list("status", flat=True)) == {
        "accepted",
        "submitted",
        "draft",
    }  # all stay
    # Accepted: still public. The others: still out of the public hall.
    hall_html = client.get(reverse("expo:hall")).content.decode()
    assert "钱老师的accepted展项" in hall_html and "钱老师的submitted展项" not in hall_html
    assert client.get(reverse("expo:project", args=[accepted.pk])).status_code == 200
    # The submitted one waits for the curators as before.
    queue = curator_client.get(reverse("exhibits:hall", args=[hall.pk]) + "?status=submitted")
    assert [p.title for p in queue.context["projects"]] == ["钱老师的submitted展项"]
    # The holder has no way in any more.
    assert holder_client.get(reverse("exhibits:home")).status_code == 403
    assert holder_client.get(reverse("exhibits:project", args=[accepted.pk])).status_code == 404
    assert holder_client.get(reverse("exhibits:project_create", args=[hall.pk])).status_code == 404
    # An intent now reaches the project's contact, not the removed holder.
    monkeypatch.setattr(services.intents, "new_code", lambda: "123456")
    with mailbox.sending():
        intent = services.intent_create(
            project=accepted,
            name="投资人",
            role="investor",
            kind="financing",
            message="想了解",
            email="vc@example.com",
        )
        services.intent_confirm(intent=intent, code="123456")
    assert mailbox[-1].to == [accepted.contact_email] and person.email not in {m.to[0] for m in mailbox}

    # The open link does not bring them back; a new invitation to their address does.
    link = reverse("exhibits:join", args=[services.join_link_token(hall)])
    response = holder_client.post(link, {"organization": "某某大学"})
    assert response.status_code == 410 and "移出该展厅" in response.content.decode()
    with mailbox.sending():
        services.holders_invite(exhibition=hall, emails=[person.email], by=curator)
    invitation = hall.invitations.get(email=person.email)
    holder_client.post(reverse("exhibits:invitation", args=[services.invitation_token(invitation)]), {})
    holder.refresh_from_db()
    assert holder.removed_at is None
    assert holder_client.get(reverse("exhibits:home")).status_code == 200


def test_another_halls_curator_cannot_remove_a_holder(hall, holder):
    other_hall = exhibit_factories.exhibition()
    other_curator = exhibit_factories.curator(exhibition=other_hall)
    client = Client()
    client.force_login(other_curator)
    holding = Holder.objects.get(user=holder)
    assert client.post(reverse("exhibits:holder_remove", args=[holding.pk])).status_code == 404
    holding.refresh_from_db()
    assert holding.removed_at is None
