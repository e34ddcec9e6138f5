"""An entry's plan and pitch video sent resumably (tus, ``core.resumable``): only its applicant
while they may edit it, the size refused before the first byte, and a finished upload goes
through the form's checks and ``entry_save`` (the file replaced, a video's check queued)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests import services
from contests.models import Entry, EntryVideo
from core.resumable import staging
from core.resumable.models import ResumableUpload
from tests.contests import factories as contest_factories
from tests.submissions import media_samples
from tests.tus import TUS, patch

pytestmark = pytest.mark.django_db
PLAN = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def staging_folder(settings, tmp_path):
    settings.RESUMABLE_UPLOAD_DIR = tmp_path / "uploads-in-progress"


@pytest.fixture
def entry(contest):
    return contest_factories.entry(contest=contest, status=Entry.Status.ELIGIBLE)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _create(client, entry, kind, length, filename="计划书.pdf"):
    name = base64.b64encode(filename.encode()).decode()
    return client.post(
        reverse(f"contest:entry_{kind}_resumable", args=[entry.pk]),
        headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": f"filename {name}"},
    )


def _send_in_pieces(client, location, data, pieces=3):
    step = -(-len(data) // pieces)
    for offset in range(0, len(data), step):
        assert patch(client, location, data[offset : offset + step], offset).status_code == 204
        assert client.head(location, headers=TUS)["Upload-Offset"] == str(min(offset + step, len(data)))


def _sha256(field) -> bytes:
    with field.open("rb") as stored:
        return hashlib.sha256(stored.read()).digest()


def test_a_plan_sent_in_pieces_replaces_the_entrys_plan(entry, django_capture_on_commit_callbacks):
    client = _signed_in(entry.applicant)
    old_name = entry.plan.name
    created = _create(client, entry, "plan", len(PLAN))
    assert created.status_code == 201
    location = created["Location"]
    assert location.startswith(reverse("contest:entry_plan_resumable", args=[entry.pk]))

    with django_capture_on_commit_callbacks(execute=True):  # the old file is deleted after commit
        _send_in_pieces(client, location, PLAN)

    entry.refresh_from_db()
    assert entry.plan.name != old_name and not entry.plan.storage.exists(old_name)
    assert _sha256(entry.plan) == hashlib.sha256(PLAN).digest() and entry.plan_size == len(PLAN)
    # entry_save's rule: a screened entry that changes goes back to be screened again.
    assert entry.status == Entry.Status.SUBMITTED
    answer = client.get(location).json()
    assert answer["created"] == ["plan"] and answer["errors"] == [] and answer["name"] == "计划书.pdf"
    assert not list(staging.folder().iterdir())  # the staged file was moved into place


def test_a_pitch_video_sent_in_pieces_is_stored_and_checked(
    entry, tmp_path, django_capture_on_commit_callbacks
):
    data = media_samples.make_video(
        tmp_path / "路演.mp4", width=1280, height=720, seconds=1, fps=5, with_audio=True
    ).read_bytes()
    client = _signed_in(entry.applicant)
    location = _create(client, entry, "video", len(data), filename="路演.mp4")["Location"]

    with django_capture_on_commit_callbacks(execute=True):  # eager tasks: the check runs
        _send_in_pieces(client, location, data)

    entry.refresh_from_db()
    assert entry.video.name.endswith(".mp4") and entry.video_size == len(data)
    assert _sha256(entry.video) == hashlib.sha256(data).digest()
    video = EntryVideo.objects.get(entry=entry)
    assert video.source == entry.video.name
    assert video.status == EntryVideo.Status.PASSED, video.reasons
    assert client.get(location).json()["created"] == ["video"]


def test_a_form_read_before_an_upload_finished_keeps_the_uploaded_file(
    entry, django_capture_on_commit_callbacks
):
    form_entry = Entry.objects.get(pk=entry.pk)  # the edit form reads the entry, the file goes up meanwhile
    client = _signed_in(entry.applicant)
    location = _create(client, entry, "plan", len(PLAN))["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        patch(client, location, PLAN, 0)
    uploaded = Entry.objects.get(pk=entry.pk).plan.name

    with django_capture_on_commit_callbacks(execute=True):
        services.entry_save(entry=form_entry, by=entry.applicant)  # the form saved without a plan

    entry.refresh_from_db()
    assert entry.plan.name == uploaded and entry.plan_size == len(PLAN)
    assert _sha256(entry.plan) == hashlib.sha256(PLAN).digest()


def test_a_finished_file_is_judged_by_its_content_like_the_forms(entry):
    client = _signed_in(entry.applicant)
    old_plan = entry.plan.name
    not_a_pdf = b"<html>" + b"x" * 4000
    plan_location = _create(client, entry, "plan", len(not_a_pdf))["Location"]
    patch(client, plan_location, not_a_pdf, 0)
    video_location = _create(client, entry, "video", len(not_a_pdf), filename="a.mp4")["Location"]
    patch(client, video_location, not_a_pdf, 0)

    plan_answer = client.get(plan_location)
    assert plan_answer.status_code == 400
    assert plan_answer.json()["errors"] == ["请上传 PDF 文档（按文件内容判断，不看扩展名）。"]
    assert "按文件内容判断" in client.get(video_location).json()["errors"][0]
    entry.refresh_from_db()
    assert entry.plan.name == old_plan and not entry.video and entry.status == Entry.Status.ELIGIBLE
    assert not EntryVideo.objects.exists()


@pytest.mark.parametrize(
    ("kind", "length", "reason"),
    [("plan", 20 * 1024 * 1024 + 1, "文档不能超过 20 MB。"), ("video", 1024**3 + 1, "视频不能超过 1 GB。")],
)
def test_too_large_is_refused_before_the_first_byte(entry, kind, length, reason):
    response = _create(_signed_in(entry.applicant), entry, kind, length)

    assert response.status_code == 413 and response.json()["errors"] == [reason]
    assert not ResumableUpload.objects.exists()
    assert not staging.folder().exists() or not list(staging.folder().iterdir())


def test_only_the_applicant_may_upload_to_the_entry(contest, entry):
    other_applicant = contest_factories.applicant()
    contest_factories.entry(contest=contest, applicant=other_applicant)
    organizer = contest_factories.organizer_member(contest)

    assert _create(_signed_in(other_applicant), entry, "plan", 10).status_code == 404
    assert _create(_signed_in(organizer), entry, "plan", 10).status_code == 404
    assert _create(Client(), entry, "plan", 10).status_code == 302  # to the login page
    assert not ResumableUpload.objects.exists()
    location = _create(_signed_in(entry.applicant), entry, "plan", 10)["Location"]
    # Another applicant learns nothing of it, nor sends bytes to it.
    assert _signed_in(other_applicant).head(location, headers=TUS).status_code == 404
    assert patch(_signed_in(other_applicant), location, b"%PDF-12345", 0).status_code == 404
    assert ResumableUpload.objects.get().offset == 0
    # An upload of the plan is not one of the video.
    upload_id = ResumableUpload.objects.get().pk
    video_url = reverse("contest:entry_video_resumable_upload", args=[entry.pk, upload_id])
    assert _signed_in(entry.applicant).head(video_url, headers=TUS).status_code == 404


def test_after_the_deadline_uploads_are_refused(contest, entry):
    client = _signed_in(entry.applicant)
    location = _create(client, entry, "plan", len(PLAN))["Location"]
    assert patch(client, location, PLAN[:100], 0).status_code == 204
    contest.registration_closes_at = timezone.now() - dt.timedelta(minutes=1)
    contest.save(update_fields=["registration_closes_at"])
    old_plan = entry.plan.name

    created = _create(client, entry, "plan", len(PLAN))
    patched = patch(client, location, PLAN[100:], 100)  # the rest is refused too

    assert created.status_code == patched.status_code == 403
    assert created.json()["errors"] == patched.json()["errors"] == ["报名已截止，报名信息不能再修改。"]

    assert ResumableUpload.objects.get().offset == 100
    entry.refresh_from_db()
    assert entry.plan.name == old_plan


def test_a_withdrawn_entry_takes_no_upload(entry):
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.WITHDRAWN)

    response = _create(_signed_in(entry.applicant), entry, "video", 10)

    assert response.status_code == 403 and response.json()["errors"] == ["已撤回的报名不能修改。"]
    assert response["Tus-Resumable"] == "1.0.0" and not ResumableUpload.objects.exists()
