"""An approved event's public face (title, description, live link, cover) changes only once the
office accepts, like its time and place, unless the week lets such edits go public at once."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events import services
from events.models import Event, EventChangeRequest
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(week, organizer, member):
    return factories.complete_event(
        week=week,
        host=organizer,
        reporter=member,
        status=Event.Status.APPROVED,
        subtitle="原来的标题",
        description="原来的简介",
        live_url="https://live.example.com/old",
    )


def image_bytes(*, width: int, height: int, format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 160)).save(buffer, format=format)
    return buffer.getvalue()


def upload(content: bytes, name: str = "新封面.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def public_page(client, event) -> str:
    """The event page while the event runs: its live link shows only then (public.videos)."""
    cache.clear()
    client.logout()
    with time_machine.travel(event.starts_at + dt.timedelta(minutes=1), tick=False):
        response = client.get(reverse("event_detail", args=[event.pk]))
    assert response.status_code == 200
    return response.content.decode()


def served_cover(client, event) -> bytes:
    client.logout()
    response = client.get(reverse("event_cover", args=[event.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def cover_storage():
    return Event._meta.get_field("cover").storage


def test_a_new_title_description_and_live_link_wait_for_the_office(
    client, approved, member, reviewer, mailbox
):
    client.force_login(member)
    new_description = "新的简介第一段\n\n<b>第二段</b>"

    client.post(
        reverse("organizer:event_edit", args=[approved.pk]),
        factories.event_edit_data(
            approved,
            subtitle="新的标题",
            description=new_description,
            live_url="https://live.example.com/new",
        ),
    )

    approved.refresh_from_db()
    assert (approved.subtitle, approved.description, approved.live_url) == (
        "原来的标题",
        "原来的简介",
        "https://live.example.com/old",
    )
    change = EventChangeRequest.objects.get(event=approved, status="pending")
    assert {f: change.proposed[f] for f in ("subtitle", "description", "live_url")} == {
        "subtitle": "新的标题",
        "description": new_description,
        "live_url": "https://live.example.com/new",
    }
    assert change.previous["subtitle"] == "原来的标题"
    assert change.proposed["place"] == change.previous["place"]
    page = public_page(client, approved)
    assert "原来的标题" in page and "原来的简介" in page and "https://live.example.com/old" in page
    assert "新的标题" not in page and "https://live.example.com/new" not in page

    # The unit sees what waits; the office sees it in the queue, the description escaped and whole.
    client.force_login(member)
    unit_page = client.get(reverse("organizer:event_detail", args=[approved.pk])).content.decode()
    assert "变更申请待审核" in unit_page and "新的标题" in unit_page
    client.force_login(reviewer)
    queue = client.get(reverse("review_events:queue")).content.decode()
    assert "标题" in queue and "直播链接" in queue and "活动简介" in queue
    assert "新的简介第一段<br><br>&lt;b&gt;第二段&lt;/b&gt;" in queue
    assert "<b>第二段</b>" not in queue

    with mailbox.sending():
        client.post(reverse("review_events:change_accept", args=[change.pk]), {"comment": ""})

    approved.refresh_from_db()
    change.refresh_from_db()
    assert change.status == "accepted"
    assert (approved.subtitle, approved.description, approved.live_url) == (
        "新的标题",
        new_description,
        "https://live.example.com/new",
    )
    # Only a new time or place earns the public "有变更" badge.
    assert approved.changed_at is None
    assert "标题：原来的标题 → 新的标题" in mailbox[0].body
    page = public_page(client, approved)
    assert "新的标题" in page and "https://live.example.com/new" in page and "新的简介第一段" in page
    assert "原来的标题" not in page


def test_without_review_of_public_changes_the_edit_is_public_at_once(client, approved, member, week):
    week.review_public_changes = False
    week.save()
    client.force_login(member)

    client.post(
        reverse("organizer:event_edit", args=[approved.pk]),
        factories.event_edit_data(
            approved, subtitle="新的标题", description="新的简介", live_url="https://live.example.com/new"
        ),
    )

    approved.refresh_from_db()
    assert (approved.subtitle, approved.description, approved.live_url) == (
        "新的标题",
        "新的简介",
        "https://live.example.com/new",
    )
    assert not EventChangeRequest.objects.exists()
    page = public_page(client, approved)
    assert "新的标题" in page and "https://live.example.com/new" in page


def test_a_time_change_still_waits_when_public_changes_are_not_reviewed(client, approved, member, week):
    week.review_public_changes = False
    week.save()
    client.force_login(member)

    client.post(
        reverse("organizer:event_edit", args=[approved.pk]),
        factories.event_edit_data(approved, subtitle="新的标题", place="新地点"),
    )

    approved.refresh_from_db()
    change = EventChangeRequest.objects.get()
    assert (approved.subtitle, approved.place) == ("新的标题", "创酷空间")
    assert change.proposed["place"] == "新地点" and "subtitle" not in change.proposed


def test_a_new_cover_is_stored_but_served_only_once_accepted(client, approved, member, reviewer):
    approved.cover.save("cover.png", factories.png_file())
    old_name, old_bytes = approved.cover.name, served_cover(client, approved)
    new_bytes = image_bytes(width=80, height=50)
    client.force_login(member)

    client.post(
        reverse("organizer:event_edit", args=[approved.pk]),
        {**factories.event_edit_data(approved), "cover": upload(new_bytes)},
    )

    approved.refresh_from_db()
    change = EventChangeRequest.objects.get(status="pending")
    new_name = change.proposed["cover"]
    assert approved.cover.name == old_name == change.previous["cover"]
    assert new_name.startswith("covers/") and new_name.endswith(".png") and "新封面" not in new_name
    with cover_storage().open(new_name) as stored:
        assert stored.read() == new_bytes
    assert served_cover(client, approved) == old_bytes
    client.force_login(reviewer)
    assert "封面图" in client.get(reverse("review_events:queue")).content.decode()

    client.post(reverse("review_events:change_accept", args=[change.pk]), {"comment": ""})

    approved.refresh_from_db()
    assert approved.cover.name == new_name
    assert served_cover(client, approved) == new_bytes


def test_a_refused_cover_is_deleted_and_the_approved_one_kept(
    client, approved, member, reviewer, django_capture_on_commit_callbacks
):
    approved.cover.save("cover.png", factories.png_file())
    old_name, old_bytes = approved.cover.name, served_cover(client, approved)
    client.force_login(member)
    client.post(
        reverse("organizer:event_edit", args=[approved.pk]),
        {**factories.event_edit_data(approved), "cover": upload(image_bytes(width=80, height=50))},
    )
    change = EventChangeRequest.objects.get(status="pending")
    new_name = change.proposed["cover"]
    assert cover_storage().exists(new_name)
    client.force_login(reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("review_events:change_reject", args=[change.pk]), {"comment": "图片不清晰"})

    change.refresh_from_db()
    approved.refresh_from_db()
    assert change.status == "rejected"
    assert not cover_storage().exists(new_name)
    assert approved.cover.name == old_name and cover_storage().exists(old_name)
    assert served_cover(client, approved) == old_bytes


def test_replacing_or_withdrawing_a_pending_cover_deletes_the_unused_file(
    client, approved, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    edit = reverse("organizer:event_edit", args=[approved.pk])
    client.post(
        edit, {**factories.event_edit_data(approved), "cover": upload(image_bytes(width=80, height=50))}
    )
    first = EventChangeRequest.objects.get(status="pending").proposed["cover"]

    # Saving the form again as it stands (showing the pending cover) keeps the request and its file.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit, factories.event_edit_data(approved, subtitle="新的标题"))
    change = EventChangeRequest.objects.get(status="pending")
    assert (change.proposed["cover"], change.proposed["subtitle"]) == (first, "新的标题")
    assert cover_storage().exists(first)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            edit, {**factories.event_edit_data(approved), "cover": upload(image_bytes(width=90, height=60))}
        )
    second = EventChangeRequest.objects.get(status="pending").proposed["cover"]
    assert second != first
    assert not cover_storage().exists(first) and cover_storage().exists(second)

    # Back to the approved values: the request is withdrawn and its cover deleted.
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save(event=Event.objects.get(pk=approved.pk), by=member)
    assert not EventChangeRequest.objects.exists()
    assert not cover_storage().exists(second)
    approved.refresh_from_db()
    assert not approved.cover


def test_cancelling_deletes_the_cover_of_the_pending_request(
    client, approved, member, reviewer, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.post(
        reverse("organizer:event_edit", args=[approved.pk]),
        {**factories.event_edit_data(approved), "cover": upload(image_bytes(width=80, height=50))},
    )
    new_name = EventChangeRequest.objects.get(status="pending").proposed["cover"]

    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=approved, by=reviewer, reason="场地施工")

    assert not cover_storage().exists(new_name)
    assert EventChangeRequest.objects.get().status == "rejected"
