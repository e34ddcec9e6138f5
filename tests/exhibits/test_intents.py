"""Cooperation intents: verified by a code before they reach the holder, limited, answered,
and signings recorded."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Notice
from exhibits import services
from exhibits.models import Intent, Project, Signing
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db

SENT_CODES = []


def record_code(*, intent, code):
    """A stand-in SMS sender, named in settings like a real one would be."""
    SENT_CODES.append((intent.phone, code))


def intent_data(**overrides):
    data = {
        "name": "赵投资",
        "organization": "某某创投",
        "role": "investor",
        "kind": "financing",
        "message": "对贵项目的中试进展很感兴趣，希望约时间详谈。",
        "email": "zhao@vc.example.com",
        "phone": "13900000001",
        "consent": "on",
        "website": "",
    }
    return {**data, **overrides}


@pytest.fixture
def project(hall, holder):
    return exhibit_factories.project(exhibition=hall, owner=holder, contact_email=holder.email)


def code_from(message) -> str:
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_an_intent_reaches_the_holder_only_once_confirmed(client, project, holder, mailbox):
    with mailbox.sending():
        response = client.post(reverse("expo:intent", args=[project.pk]), intent_data())
    assert response.status_code == 302
    confirm_url = response["Location"]
    intent = Intent.objects.get()
    assert intent.confirmed_at is None
    # Only the visitor's code went out: nothing to the holder yet.
    assert [message.to for message in mailbox] == [["zhao@vc.example.com"]]
    assert not Notice.objects.filter(recipient=holder).exists()
    assert intent.code_hash and code_from(mailbox[0]) not in intent.code_hash
    holder_client = Client()
    holder_client.force_login(holder)
    assert "赵投资" not in holder_client.get(reverse("exhibits:intents")).content.decode()

    wrong = client.post(confirm_url, {"code": "000000" if code_from(mailbox[0]) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "验证码不正确" in wrong.content.decode()
    intent.refresh_from_db()
    assert intent.confirmed_at is None and intent.code_attempts == 1

    with mailbox.sending():
        done = client.post(confirm_url, {"code": code_from(mailbox[0])})
    assert done.status_code == 302
    assert done["Location"] == reverse("expo:intent_done")
    intent.refresh_from_db()
    assert intent.confirmed_at is not None and intent.code_hash == ""
    to_holder = [message for message in mailbox if message.to == [holder.email]]
    assert len(to_holder) == 1  # the owner's address is also the contact's: one mail
    assert "赵投资" in to_holder[0].body and "zhao@vc.example.com" in to_holder[0].body
    assert Notice.objects.filter(recipient=holder).count() == 1
    assert "赵投资" in holder_client.get(reverse("exhibits:intents")).content.decode()
    # Confirming again delivers nothing more.
    with mailbox.sending():
        client.post(confirm_url, {"code": code_from(mailbox[0])})
    assert len([message for message in mailbox if message.to == [holder.email]]) == 1


def test_a_second_intent_after_a_confirmed_one_is_refused_with_a_reason(client, project, mailbox):
    with mailbox.sending():
        first = client.post(reverse("expo:intent", args=[project.pk]), intent_data())
    with mailbox.sending():
        client.post(first["Location"], {"code": code_from(mailbox[0])})
    assert Intent.objects.get().confirmed_at is not None
    sent = len(mailbox)

    second = client.post(
        reverse("expo:intent", args=[project.pk]),
        intent_data(message="再问一次。", email="ZHAO@vc.example.com"),
    )

    assert second.status_code == 429
    assert "您今天已对该项目表达过合作意向" in second.content.decode()
    assert 23 * 60 * 60 < int(second["Retry-After"]) <= 24 * 60 * 60
    assert Intent.objects.count() == 1
    assert len(mailbox) == sent


def test_an_intent_never_confirmed_may_be_sent_again(client, project, mailbox):
    """The first code was lost or never typed: the intent reached nobody, so sending it again
    is not refused as a repeat (it was, with "您今天已对该项目表达过合作意向")."""
    with mailbox.sending():
        client.post(reverse("expo:intent", args=[project.pk]), intent_data())
    with mailbox.sending():
        again = client.post(reverse("expo:intent", args=[project.pk]), intent_data(message="再发一次。"))
    assert again.status_code == 302
    assert [message.to for message in mailbox] == [["zhao@vc.example.com"]] * 2

    with mailbox.sending():
        client.post(again["Location"], {"code": code_from(mailbox[1])})

    confirmed = Intent.objects.get(confirmed_at__isnull=False)
    assert confirmed.message == "再发一次。"


def test_many_intents_from_one_client_address_are_refused(client, hall, mailbox, settings):
    settings.RATE_LIMITS = {"exhibit-intent-address": (2, 3600)}
    projects = [exhibit_factories.project(exhibition=hall) for _ in range(3)]
    answers = [
        client.post(reverse("expo:intent", args=[p.pk]), intent_data(email=f"v{n}@example.com")).status_code
        for n, p in enumerate(projects)
    ]
    assert answers == [302, 302, 429]
    assert Intent.objects.count() == 2


def test_the_honeypot_drops_a_bot_quietly(client, project, mailbox):
    with mailbox.sending():
        response = client.post(
            reverse("expo:intent", args=[project.pk]), intent_data(website="http://spam.example")
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("expo:project", args=[project.pk])
    assert not Intent.objects.exists()
    assert len(mailbox) == 0


def test_no_intent_on_a_project_that_is_not_public(client, hall):
    draft = exhibit_factories.project(exhibition=hall, status=Project.Status.SUBMITTED)
    assert client.get(reverse("expo:intent", args=[draft.pk])).status_code == 404
    assert client.post(reverse("expo:intent", args=[draft.pk]), intent_data()).status_code == 404
    assert not Intent.objects.exists()


def test_a_code_expires_and_can_be_sent_again(client, project, mailbox):
    with mailbox.sending():
        response = client.post(reverse("expo:intent", args=[project.pk]), intent_data())
    confirm_url, old_code = response["Location"], code_from(mailbox[0])
    later = timezone.now() + dt.timedelta(minutes=31)
    with time_machine.travel(later, tick=False):
        expired = client.post(confirm_url, {"code": old_code})
        assert "验证码已过期" in expired.content.decode()
        with mailbox.sending():
            client.post(confirm_url, {"action": "resend"})
        new_code = code_from(mailbox[-1])
        assert len(mailbox) == 2
        if new_code != old_code:
            assert "验证码不正确" in client.post(confirm_url, {"code": old_code}).content.decode()
        assert client.post(confirm_url, {"code": new_code}).status_code == 302
    assert Intent.objects.get().confirmed_at is not None


def test_too_many_wrong_codes_lock_the_intent(project):
    intent = services.intent_create(
        project=project, name="钱", role="company", kind="transfer", message="你好", email="q@example.com"
    )
    for _ in range(services.CODE_MAX_ATTEMPTS):
        with pytest.raises(Exception, match="验证码"):
            services.intent_confirm(intent=intent, code="999999")
    intent.refresh_from_db()
    assert intent.code_attempts >= services.CODE_MAX_ATTEMPTS - 1
    with pytest.raises(Exception, match="错误次数过多"):
        services.intent_confirm(intent=intent, code="123456")


def test_the_code_sender_is_pluggable(project, settings, mailbox):
    settings.EXHIBITS_CODE_SENDERS = {"sms": "tests.exhibits.test_intents.record_code"}
    SENT_CODES.clear()
    with mailbox.sending():
        intent = services.intent_create(
            project=project,
            name="孙",
            role="mentor",
            kind="codevelop",
            message="你好",
            email="s@example.com",
            phone="13900000002",
            channel="sms",
        )
    assert len(mailbox) == 0
    ((phone, code),) = SENT_CODES
    assert phone == "13900000002"
    assert services.intent_confirm(intent=intent, code=code).confirmed_at is not None


def test_unconfirmed_intents_are_deleted_after_a_day(project):
    old = exhibit_factories.intent(
        project=project, confirmed=False, created_at=timezone.now() - dt.timedelta(days=2)
    )
    kept = exhibit_factories.intent(
        project=project, confirmed=True, created_at=timezone.now() - dt.timedelta(days=2)
    )
    fresh = exhibit_factories.intent(project=project, confirmed=False)

    assert services.intents_delete_unconfirmed() == 1

    assert set(Intent.objects.values_list("pk", flat=True)) == {kept.pk, fresh.pk}
    assert not Intent.objects.filter(pk=old.pk).exists()


def test_the_holder_answers_and_records_a_signing(client, project, holder):
    intent = exhibit_factories.intent(project=project)
    client.force_login(holder)

    client.post(
        reverse("exhibits:intent_answer", args=[intent.pk]),
        {"answer": "contacted", "note": "已电话沟通", "back": "list"},
    )
    intent.refresh_from_db()
    assert (intent.answer, intent.answer_note, intent.answered_by) == ("contacted", "已电话沟通", holder)

    response = client.post(
        reverse("exhibits:signing_create", args=[project.pk]),
        {
            "parties": "某某创投",
            "kind": "financing",
            "amount": "300",
            "signed_on": "2026-09-22",
            "intent": intent.pk,
        },
    )
    assert response.status_code == 302
    signing = Signing.objects.get()
    assert (signing.parties, signing.amount, signing.intent, signing.recorded_by) == (
        "某某创投",
        300,
        intent,
        holder,
    )


def test_another_holder_can_neither_see_nor_answer_an_intent(client, hall, project):
    intent = exhibit_factories.intent(project=project)
    other = exhibit_factories.holder(exhibition=hall)
    client.force_login(other)

    assert (
        client.post(reverse("exhibits:intent_answer", args=[intent.pk]), {"answer": "declined"}).status_code
        == 404
    )
    assert "投资人" not in client.get(reverse("exhibits:intents")).content.decode()
    intent.refresh_from_db()
    assert intent.answer == "new"
    assert not mail.outbox


def test_the_code_mail_speaks_the_language_of_the_page_it_was_asked_from(client, project, mailbox):
    with translation.override("en"):
        url = reverse("expo:intent", args=[project.pk])
    with mailbox.sending():
        client.post(url, intent_data(), headers={"accept-language": "en"})

    [message] = mailbox
    assert message.subject.startswith("Cooperation intent code")
    assert "您好" not in message.body and "Hello" in message.body
