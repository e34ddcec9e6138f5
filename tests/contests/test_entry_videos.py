"""An entry's pitch video through the reports' machinery: the strict check (read to its end in
the sandboxed child, the week's HD rule) after each upload, web versions once it is a public
vote's candidate's, and the vote page playing only those."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests import services
from contests.models import EntryVideo
from contests.services import videos
from tests.contests import factories as contest_factories
from tests.submissions import media_samples

pytestmark = pytest.mark.django_db


def upload(entry, path, django_capture_on_commit_callbacks):
    """The applicant replaces the entry's video; what commits (the check, the versions) runs."""
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_save(
            entry=entry,
            by=entry.applicant,
            video=SimpleUploadedFile("pitch.mp4", path.read_bytes(), content_type="video/mp4"),
            video_suffix=".mp4",
        )
    return EntryVideo.objects.get(entry=entry)


@pytest.fixture
def hd_clip(tmp_path):
    return media_samples.make_video(
        tmp_path / "hd.mp4", width=1280, height=720, seconds=1, fps=5, with_audio=True
    )


@pytest.fixture
def entry(contest):
    return contest_factories.entry(contest=contest)


def vote_round_with(entry):
    now = timezone.now()
    round_ = contest_factories.round_(
        contest=entry.contest,
        vote_opens_at=now - dt.timedelta(hours=1),
        vote_closes_at=now + dt.timedelta(days=1),
    )
    contest_factories.lineup(round_, [entry])
    return round_


def test_an_uploaded_video_is_checked_to_its_end_and_kept_private_until_it_is_a_candidates(
    entry, hd_clip, django_capture_on_commit_callbacks
):
    video = upload(entry, hd_clip, django_capture_on_commit_callbacks)
    entry.refresh_from_db()
    assert video.source == entry.video.name
    assert (video.status, video.width, video.height, video.check_attempts) == ("passed", 1280, 720, 1)
    assert video.duration == pytest.approx(1.0, abs=0.3)
    assert video.versions_status == "" and video.web_versions == {}  # nobody sees it publicly yet


def test_a_video_below_hd_fails_with_its_reason_shown_to_the_applicant(
    entry, tmp_path, client, django_capture_on_commit_callbacks
):
    small = media_samples.make_video(tmp_path / "small.mp4", width=640, height=360, seconds=1, fps=5)
    video = upload(entry, small, django_capture_on_commit_callbacks)
    assert video.status == "failed" and [reason["code"] for reason in video.reasons] == ["video_not_hd"]
    client.force_login(entry.applicant)
    page = client.get(reverse("contest:entry", args=[entry.pk])).content.decode()
    assert "未通过检查" in page and video.reason_messages[0] in page


def test_a_file_that_is_no_video_fails_the_check(entry, tmp_path, django_capture_on_commit_callbacks):
    fake = tmp_path / "fake.mp4"  # an MP4's first bytes, then nothing that plays
    fake.write_bytes(contest_factories.MP4 + b"\x00" * 4096)
    assert upload(entry, fake, django_capture_on_commit_callbacks).status == "failed"


def test_a_candidates_video_gets_web_versions_and_the_vote_page_plays_only_those(
    entry, hd_clip, django_capture_on_commit_callbacks
):
    round_ = vote_round_with(entry)
    video = upload(entry, hd_clip, django_capture_on_commit_callbacks)
    assert video.versions_status == "done" and set(video.web_versions) >= {"360", "720"}
    assert video.versions["source"] == video.source

    public = Client()
    page = public.get(reverse("contest:vote", args=[round_.pk])).content.decode()
    video_url = reverse("contest:candidate_video", args=[round_.pk, entry.pk])
    assert f'src="{video_url}?v=720"' in page and f'src="{video_url}?v=360"' in page
    assert reverse("contest:entry_video", args=[entry.pk]) not in page  # never the upload
    assert reverse("contest:candidate_poster", args=[round_.pk, entry.pk]) in page

    response = public.get(video_url, {"v": "360"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    storage = entry.video.storage
    with storage.open(video.web_versions["360"]["name"]) as version:
        assert body == version.read()
    assert response["Content-Type"] == "video/mp4" and response["Cache-Control"] == "public, max-age=300"
    ranged = public.get(video_url, {"v": "720"}, HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206 and ranged["Content-Length"] == "100"
    assert public.get(reverse("contest:candidate_poster", args=[round_.pk, entry.pk])).status_code == 200


def test_nothing_is_played_before_the_versions_are_made_nor_for_an_entry_not_on_the_lineup(
    entry, hd_clip, contest, django_capture_on_commit_callbacks
):
    round_ = vote_round_with(entry)
    with django_capture_on_commit_callbacks(execute=False):  # the check is queued, not run
        services.entry_save(
            entry=entry,
            by=entry.applicant,
            video=SimpleUploadedFile("pitch.mp4", hd_clip.read_bytes()),
            video_suffix=".mp4",
        )
    assert EntryVideo.objects.get(entry=entry).status == "queued"
    page = Client().get(reverse("contest:vote", args=[round_.pk])).content.decode()
    assert "<video" not in page
    assert Client().get(reverse("contest:candidate_video", args=[round_.pk, entry.pk])).status_code == 404

    other = contest_factories.entry(contest=contest)
    contest_factories.web_versions(other)
    assert Client().get(reverse("contest:candidate_video", args=[round_.pk, other.pk])).status_code == 404


def test_the_sweep_makes_versions_once_a_checked_video_joins_a_vote(
    entry, hd_clip, django_capture_on_commit_callbacks
):
    video = upload(entry, hd_clip, django_capture_on_commit_callbacks)
    assert video.status == "passed" and video.versions_status == ""
    vote_round_with(entry)
    with django_capture_on_commit_callbacks(execute=True):
        assert videos.entry_videos_sweep() == [entry.pk]
    video.refresh_from_db()
    assert video.versions_status == "done" and video.web_versions
    assert videos.entry_videos_sweep() == []


def test_the_sweep_resends_lost_and_dead_work(entry, hd_clip, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.entry_save(
            entry=entry,
            by=entry.applicant,
            video=SimpleUploadedFile("pitch.mp4", hd_clip.read_bytes()),
            video_suffix=".mp4",
        )
    later = timezone.now() + videos.RESEND_QUEUED_AFTER + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert videos.entry_videos_sweep(now=later) == [entry.pk]
    assert EntryVideo.objects.get(entry=entry).status == "passed"
    EntryVideo.objects.filter(entry=entry).update(status="checking", alive_at=timezone.now())
    assert videos.entry_videos_sweep() == []  # a live check is left alone


def test_a_replaced_video_starts_over_and_its_old_versions_are_deleted(
    entry, hd_clip, tmp_path, django_capture_on_commit_callbacks
):
    vote_round_with(entry)
    first = upload(entry, hd_clip, django_capture_on_commit_callbacks)
    old_names = [version["name"] for version in first.web_versions.values()]
    storage = entry.video.storage
    assert all(storage.exists(name) for name in old_names)

    small = media_samples.make_video(tmp_path / "small.mp4", width=640, height=360, seconds=1, fps=5)
    second = upload(entry, small, django_capture_on_commit_callbacks)
    assert second.source != first.source and second.status == "failed" and second.versions == {}
    assert not any(storage.exists(name) for name in old_names)


def test_the_check_of_a_replaced_file_records_nothing(entry, hd_clip, django_capture_on_commit_callbacks):
    video = upload(entry, hd_clip, django_capture_on_commit_callbacks)
    EntryVideo.objects.filter(pk=video.pk).update(status="checking", source="contests/gone.mp4")
    assert videos.entry_video_check(entry_id=entry.pk, resume=True).status == "checking"


def test_the_web_versions_go_to_the_transcoding_queue():
    from shuangchuang.celery import app

    # What apply_async sends with (the task's own options; no route in task_routes needed).
    assert app.tasks[videos.VERSIONS_TASK]._get_exec_options()["queue"] == "media-transcode"
    assert app.tasks[videos.CHECK_TASK]._get_exec_options()["queue"] is None  # the default queue
