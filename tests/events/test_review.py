"""The office reviews: approve, return, cancel, bulk approve, change requests; history; e-mails and notices."""

import pytest
from django.urls import reverse

from core.public_cache import public_version
from events.models import Event, EventChangeRequest, Notice
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(draft):
    draft.status = "submitted"
    draft.save()
    return draft


@pytest.fixture
def approved(draft):
    draft.status = "approved"
    draft.save()
    return draft


def test_approve_publishes_records_history_and_tells_the_unit(client, reviewer, submitted, member, mailbox):
    colleague = factories.member(submitted.host, email="colleague@example.com")
    client.force_login(reviewer)
    version = public_version()

    with mailbox.sending():
        response = client.post(reverse("review_events:approve", args=[submitted.pk]), {"comment": "同意"})

    submitted.refresh_from_db()
    assert response.status_code == 302
    assert submitted.status == "approved"
    assert Event.objects.public().filter(pk=submitted.pk).exists()
    step = submitted.history.get()
    assert (step.from_status, step.to_status, step.by, step.comment) == (
        "submitted",
        "approved",
        reviewer,
        "同意",
    )
    assert sorted(m.to[0] for m in mailbox) == sorted([member.email, colleague.email])
    assert {m.subject for m in mailbox} == {f"活动已审核通过并发布：{submitted.subtitle}"}
    assert mailbox[0].alternatives[0].mimetype == "text/html"
    assert "意见：同意" in mailbox[0].body
    assert Notice.objects.filter(
        recipient=member, title=f"活动已审核通过并发布：{submitted.subtitle}"
    ).exists()
    assert public_version() > version


def test_return_needs_a_comment_and_tells_the_unit(client, reviewer, submitted, member, mailbox):
    client.force_login(reviewer)

    response = client.post(reverse("review_events:return", args=[submitted.pk]), {"comment": ""})
    assert response.context["form"].errors["comment"] == ["请填写退回意见。"]

    with mailbox.sending():
        client.post(reverse("review_events:return", args=[submitted.pk]), {"comment": "请补充活动流程"})
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    assert [m.subject for m in mailbox] == [f"活动被退回修改：{submitted.subtitle}"]
    assert "请补充活动流程" in mailbox[0].body
    assert submitted.history.get().comment == "请补充活动流程"


def test_returned_event_can_be_edited_and_resubmitted(client, member, submitted, reviewer):
    client.force_login(reviewer)
    client.post(reverse("review_events:return", args=[submitted.pk]), {"comment": "补充"})
    client.force_login(member)

    client.post(reverse("organizer:event_submit", args=[submitted.pk]))

    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_cancel_keeps_the_event_public_with_its_reason(client, reviewer, approved, member, mailbox):
    client.force_login(reviewer)
    version = public_version()

    response = client.post(reverse("review_events:cancel", args=[approved.pk]), {"comment": ""})
    assert response.context["form"].errors["comment"] == ["请填写取消原因。"]
    with mailbox.sending():
        client.post(reverse("review_events:cancel", args=[approved.pk]), {"comment": "因台风延期"})

    approved.refresh_from_db()
    assert (approved.status, approved.cancel_reason) == ("cancelled", "因台风延期")
    assert Event.objects.public().filter(pk=approved.pk).exists()
    assert [m.subject for m in mailbox] == [f"活动已取消：{approved.subtitle}"]
    assert public_version() > version


def test_bulk_approve_approves_only_the_ticked_submitted_events(client, reviewer, week, organizer, mailbox):
    events = [factories.complete_event(week=week, host=organizer, status="submitted") for _ in range(3)]
    draft = factories.complete_event(week=week, host=organizer)
    client.force_login(reviewer)

    response = client.post(
        reverse("review_events:bulk_approve"), {"event": [events[0].pk, events[1].pk, draft.pk]}, follow=True
    )

    assert [e.status for e in Event.objects.filter(pk__in=[e.pk for e in events]).order_by("pk")] == [
        "approved",
        "approved",
        "submitted",
    ]
    assert Event.objects.get(pk=draft.pk).status == "draft"
    assert "已批量通过并发布 2 项活动。" in [str(m) for m in response.context["messages"]]


def test_queue_shows_submitted_events_and_change_requests_with_what_changed(
    client, reviewer, submitted, approved_elsewhere
):
    client.force_login(reviewer)

    body = client.get(reverse("review_events:queue")).content.decode()

    assert submitted.subtitle in body
    assert approved_elsewhere.subtitle in body
    assert "<del>创酷空间</del>" in body
    assert "<ins>新地点</ins>" in body


@pytest.fixture
def approved_elsewhere(week):
    event = factories.complete_event(
        week=week, host=factories.organizer(), status="approved", subtitle="已发布活动"
    )
    factories.change_request(event=event, place="新地点")
    return event


def test_accepting_a_change_request_applies_it_and_tells_the_unit(
    client, reviewer, approved, member, mailbox
):
    change = factories.change_request(event=approved, by=member, place="新地点")
    client.force_login(reviewer)
    version = public_version()

    with mailbox.sending():
        client.post(reverse("review_events:change_accept", args=[change.pk]), {"comment": ""})

    approved.refresh_from_db()
    change.refresh_from_db()
    assert (approved.place, change.status, change.decided_by) == ("新地点", "accepted", reviewer)
    assert [m.subject for m in mailbox] == [f"活动变更已通过：{approved.subtitle}"]
    assert "活动地点：创酷空间 → 新地点" in mailbox[0].body
    assert public_version() > version


def test_rejecting_a_change_request_keeps_the_approved_values(client, reviewer, approved, member, mailbox):
    change = factories.change_request(event=approved, by=member, place="新地点")
    client.force_login(reviewer)

    response = client.post(reverse("review_events:change_reject", args=[change.pk]), {"comment": ""})
    assert response.context["form"].errors["comment"] == ["请填写不同意的理由。"]
    with mailbox.sending():
        client.post(reverse("review_events:change_reject", args=[change.pk]), {"comment": "场地冲突"})

    approved.refresh_from_db()
    change.refresh_from_db()
    assert (approved.place, change.status, change.comment) == ("创酷空间", "rejected", "场地冲突")
    assert [m.subject for m in mailbox] == [f"活动变更未通过：{approved.subtitle}"]


def test_cancelling_rejects_a_pending_change_request(reviewer, approved):
    from events import services

    change = factories.change_request(event=approved, place="新地点")

    services.event_cancel(event=approved, by=reviewer, reason="取消")

    change.refresh_from_db()
    assert change.status == EventChangeRequest.Status.REJECTED


def test_only_one_pending_change_request_per_event(approved):
    from django.db import IntegrityError, transaction

    factories.change_request(event=approved, place="甲")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.change_request(event=approved, place="乙")


def test_office_event_page_shows_the_whole_history(client, reviewer, member, draft):
    from events import services

    services.event_submit(event=draft, by=member)
    services.event_return(event=draft, by=reviewer, comment="补充流程")
    services.event_submit(event=draft, by=member)
    services.event_approve(event=draft, by=reviewer)
    client.force_login(reviewer)

    response = client.get(reverse("review_events:detail", args=[draft.pk]))

    history = list(response.context["event"].history.all())
    assert [(h.from_status, h.to_status, h.by) for h in history] == [
        ("draft", "submitted", member),
        ("submitted", "returned", reviewer),
        ("returned", "submitted", member),
        ("submitted", "approved", reviewer),
    ]
    assert "补充流程" in response.content.decode()


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("event_approve", "draft", "只有待审核的活动可以审核通过。"),
        ("event_return", "approved", "只有待审核的活动可以退回。"),
        ("event_cancel", "submitted", "只有已发布的活动可以取消。"),
        ("event_submit", "approved", "只有草稿或已退回的活动可以提交审核。"),
        ("event_withdraw", "draft", "只有待审核的活动可以撤回。"),
    ],
)
def test_services_refuse_actions_in_the_wrong_state(reviewer, draft, action, status, message):
    from django.core.exceptions import ValidationError

    from events import services

    draft.status = status
    draft.save()
    kwargs = (
        {"comment": "x"} if action == "event_return" else {"reason": "x"} if action == "event_cancel" else {}
    )
    with pytest.raises(ValidationError) as error:
        getattr(services, action)(event=draft, by=reviewer, **kwargs)
    assert error.value.messages == [message]


def test_notices_page_lists_and_marks_read(client, member, submitted, reviewer):
    from events import services

    services.event_approve(event=submitted, by=reviewer)
    client.force_login(member)
    assert client.get(reverse("organizer:dashboard")).context["unread_notice_count"] == 1

    response = client.get(reverse("organizer:notices"))

    assert f"活动已审核通过并发布：{submitted.subtitle}" in response.content.decode()
    assert Notice.objects.get(recipient=member).read_at is not None
    assert client.get(reverse("organizer:dashboard")).context["unread_notice_count"] == 0


def test_a_decision_taken_from_a_stale_page_is_refused_not_doubled(
    reviewer, week, organizer, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    from events import services
    from events.models import EventStatusChange

    event = factories.complete_event(week=week, host=organizer, status=Event.Status.SUBMITTED)
    first, second = Event.objects.get(pk=event.pk), Event.objects.get(pk=event.pk)  # two reviewers' pages
    services.event_approve(event=first, by=reviewer)

    with pytest.raises(ValidationError):
        services.event_approve(event=second, by=reviewer)
    assert EventStatusChange.objects.filter(event=event, to_status=Event.Status.APPROVED).count() == 1


def test_a_stale_edit_cannot_undo_a_cancellation(
    reviewer, week, organizer, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    from events import services

    event = factories.complete_event(week=week, host=organizer, status=Event.Status.APPROVED)
    unit_copy = Event.objects.get(pk=event.pk)  # the organizer's form, loaded before the cancellation
    services.event_cancel(event=Event.objects.get(pk=event.pk), by=reviewer, reason="场地原因")
    unit_copy.description = "改了简介"

    with pytest.raises(ValidationError):
        services.event_save(event=unit_copy, by=reviewer)
    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED
