"""A project's video: uploaded by its holder, checked and given web versions with the reports'
machinery (``submissions``), played on the public page only as those versions; a replacement
on an accepted project waits for review like an image."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exhibits import services
from exhibits.forms import VideoForm
from exhibits.models import Pending, Project, ProjectVideo
from exhibits.services import videos as video_services
from submissions.media.sandbox import ChildFailed
from tests.exhibits import factories as exhibit_factories
from tests.submissions import media_samples

pytestmark = pytest.mark.django_db

V, W = ProjectVideo.Status, ProjectVideo.VersionsStatus


@pytest.fixture(scope="module")
def hd_clip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("project-video")
    return media_samples.make_video(
        folder / "路演.mp4", width=1280, height=720, seconds=1, fps=5, with_audio=True
    )


@pytest.fixture(scope="module")
def small_clip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("project-video-small")
    return media_samples.make_video(folder / "small.mp4", width=640, height=360, seconds=1, fps=5)


def upload_of(path, name="项目介绍.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, path.read_bytes(), content_type="video/mp4")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_form_takes_a_video_by_its_content_not_its_name(hd_clip):
    disguised = SimpleUploadedFile("介绍.mp4", b"<html>not a video</html>", content_type="video/mp4")
    form = VideoForm(files={"video": disguised})
    assert not form.is_valid()
    assert "按文件内容判断" in form.errors["video"][0]

    renamed = VideoForm(files={"video": upload_of(hd_clip, name="clip.bin")})
    assert renamed.is_valid() and renamed.stored_name == "video.mp4"


def test_an_uploaded_video_is_checked_given_web_versions_and_played_only_as_those(
    hall, holder, hd_clip, django_capture_on_commit_callbacks
):
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    client = signed_in(holder)

    with django_capture_on_commit_callbacks(execute=True):  # eager tasks: the check, then the versions
        response = client.post(
            reverse("exhibits:video_add", args=[project.pk]), {"video": upload_of(hd_clip)}
        )

    assert response.status_code == 302
    video = ProjectVideo.objects.get(project=project)
    assert (video.status, video.versions_status, video.check_attempts, video.versions_attempts) == (
        V.PASSED,
        W.DONE,
        1,
        1,
    )
    assert (video.width, video.height) == (1280, 720) and video.duration == pytest.approx(1.0, abs=0.2)
    assert (
        video.file.name.startswith(f"exhibits/videos/{project.pk}/") and video.original_name == "项目介绍.mp4"
    )
    assert set(video.web_versions) >= {"360", "720"}
    for slot in ("360", "720"):
        name = video.web_versions[slot]["name"]
        assert name.startswith(f"exhibits/videos/{project.pk}/web/") and default_storage.exists(name)
    assert default_storage.exists(video.poster_name)

    # Not public yet: its holder plays it in the area (privately cached), the public gets nothing.
    url = reverse("expo:video", args=[project.pk, video.pk])
    area = client.get(reverse("exhibits:project", args=[project.pk])).content.decode()
    assert f'src="{url}?v=720"' in area
    mine = client.get(f"{url}?v=360")
    assert mine.status_code == 200 and mine["Cache-Control"].startswith("private")
    assert Client().get(f"{url}?v=360").status_code == 404

    # Accepted, the public page plays the web versions: 360p on narrow screens, 720p otherwise.
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACCEPTED, accepted_at=timezone.now())
    anonymous = Client()
    html = anonymous.get(reverse("expo:project", args=[project.pk])).content.decode()
    assert f'<source src="{url}?v=360" type="video/mp4" media="(max-width: 640px)">' in html
    assert f'<source src="{url}?v=720" type="video/mp4">' in html
    assert f'poster="{reverse("expo:video_poster", args=[project.pk, video.pk])}"' in html
    assert video.file.name not in html and "/media/" not in html and "视频处理中" not in html
    served = b"".join(anonymous.get(f"{url}?v=720").streaming_content)
    original = video.file.read()
    assert served == default_storage.open(video.web_versions["720"]["name"]).read() != original
    part = anonymous.get(f"{url}?v=360", HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206 and part["Content-Type"] == "video/mp4"
    assert part["Cache-Control"].startswith("public")
    poster = anonymous.get(reverse("expo:video_poster", args=[project.pk, video.pk]))
    assert poster.status_code == 200 and poster["Content-Type"] == "image/jpeg"


def test_until_its_web_versions_are_made_the_public_page_says_so_and_links_no_file(
    hall, holder, hd_clip, django_capture_on_commit_callbacks
):
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    video = services.project_video_add(
        project=project, by=holder, upload=upload_of(hd_clip), name="video.mp4"
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACCEPTED, accepted_at=timezone.now())
    anonymous, page = Client(), reverse("expo:project", args=[project.pk])

    waiting = anonymous.get(page).content.decode()  # now cached
    services.project_video_check(video_id=video.pk)
    checked = anonymous.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # bumps the public version on commit
        services.project_video_versions_make(video_id=video.pk)
    ready = anonymous.get(page).content.decode()

    video_url = reverse("expo:video", args=[project.pk, video.pk])
    for html in (waiting, checked):
        assert "视频处理中" in html and "<video" not in html and video_url not in html
    assert "视频处理中" not in ready and f"{video_url}?v=720" in ready
    assert anonymous.get(f"{video_url}?v=720").status_code == 200


def test_a_video_that_fails_its_check_is_explained_to_its_holder_and_never_shown(
    hall, holder, small_clip, django_capture_on_commit_callbacks
):
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    client = signed_in(holder)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exhibits:video_add", args=[project.pk]), {"video": upload_of(small_clip)})
    video = ProjectVideo.objects.get(project=project)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACCEPTED, accepted_at=timezone.now())

    assert (video.status, video.versions_status) == (V.FAILED, W.NONE)
    assert [reason["code"] for reason in video.reasons] == ["video_not_hd"]
    area = client.get(reverse("exhibits:project", args=[project.pk])).content.decode()
    assert "视频未通过检查" in area and "640×360" in area
    html = Client().get(reverse("expo:project", args=[project.pk])).content.decode()
    assert "项目视频" not in html and "视频处理中" not in html


def test_a_new_video_replaces_the_old_one_on_a_draft(
    hall, holder, small_clip, django_capture_on_commit_callbacks
):
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    old = exhibit_factories.video(project=project)
    old_files = services.video_file_names(old)

    with django_capture_on_commit_callbacks(execute=True):
        new = services.project_video_add(
            project=project, by=holder, upload=upload_of(small_clip), name="video.mp4"
        )

    assert list(project.videos.values_list("pk", "pending")) == [(new.pk, Pending.NONE)]
    assert len(old_files) == 4 and not any(default_storage.exists(name) for name in old_files)
    assert default_storage.exists(new.file.name)


def test_on_an_accepted_project_a_new_video_waits_for_review_while_the_public_keeps_the_old(
    hall, holder, curator, hd_clip, django_capture_on_commit_callbacks
):
    project = exhibit_factories.project(exhibition=hall, owner=holder)
    old = exhibit_factories.video(project=project)
    old_files = services.video_file_names(old)
    page = reverse("expo:project", args=[project.pk])
    old_url = reverse("expo:video", args=[project.pk, old.pk])

    new = services.project_video_add(project=project, by=holder, upload=upload_of(hd_clip), name="video.mp4")

    project.refresh_from_db()
    old.refresh_from_db()
    assert (new.pending, old.pending) == (Pending.ADD, Pending.DELETE)
    assert project.status == Project.Status.ACCEPTED and project.has_pending_changes
    html = Client().get(page).content.decode()
    assert f"{old_url}?v=720" in html and reverse("expo:video", args=[project.pk, new.pk]) not in html
    # The waiting video is its holder's and the curators' until accepted.
    new.refresh_from_db()
    assert Client().get(reverse("expo:video_poster", args=[project.pk, new.pk])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        services.project_accept(project=project, by=curator)

    assert list(project.videos.values_list("pk", "pending")) == [(new.pk, Pending.NONE)]
    assert not any(default_storage.exists(name) for name in old_files)
    assert not Project.objects.get(pk=project.pk).has_pending_changes


def test_changes_not_accepted_discard_the_new_video_and_keep_the_old(
    hall, holder, curator, hd_clip, django_capture_on_commit_callbacks
):
    project = exhibit_factories.project(exhibition=hall, owner=holder)
    old = exhibit_factories.video(project=project)
    with django_capture_on_commit_callbacks(execute=False):
        new = services.project_video_add(
            project=project, by=holder, upload=upload_of(hd_clip), name="video.mp4"
        )
    new_file = new.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.project_reject(project=project, by=curator, reason="视频与项目无关。")

    assert list(project.videos.values_list("pk", "pending")) == [(old.pk, Pending.NONE)]
    assert not default_storage.exists(new_file)


def test_deleting_the_public_video_of_an_accepted_project_is_a_change_in_review(hall, holder, curator):
    project = exhibit_factories.project(exhibition=hall, owner=holder)
    video = exhibit_factories.video(project=project)
    client = signed_in(holder)

    client.post(reverse("exhibits:video_delete", args=[video.pk]))

    video.refresh_from_db()
    assert video.pending == Pending.DELETE and Project.objects.get(pk=project.pk).has_pending_changes
    assert Client().get(reverse("expo:video", args=[project.pk, video.pk])).status_code == 200
    services.project_accept(project=project, by=curator)
    assert not project.videos.exists()


def test_a_check_runs_once_and_a_dead_one_is_taken_over_by_the_sweep(hall, holder):
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    video = exhibit_factories.video(project=project, ready=False)  # a few bytes: no video at all

    first = services.project_video_check(video_id=video.pk)
    again = services.project_video_check(video_id=video.pk)

    assert (first.status, first.check_attempts) == (V.FAILED, 1)
    assert [reason["code"] for reason in first.reasons] == ["unknown_format"]
    assert again.check_attempts == 1  # a verdict stands

    lost = exhibit_factories.video(
        project=exhibit_factories.project(exhibition=hall, owner=holder, status="draft"), ready=False
    )
    dead = exhibit_factories.video(
        project=exhibit_factories.project(exhibition=hall, owner=holder, status="draft"), ready=False
    )
    fresh = exhibit_factories.video(
        project=exhibit_factories.project(exhibition=hall, owner=holder, status="draft"), ready=False
    )
    now = timezone.now()
    ProjectVideo.objects.filter(pk=lost.pk).update(alive_at=now - dt.timedelta(hours=2))
    ProjectVideo.objects.filter(pk=dead.pk).update(status=V.CHECKING, alive_at=now - dt.timedelta(minutes=20))
    ProjectVideo.objects.filter(pk=fresh.pk).update(alive_at=now)

    sent = services.project_videos_sweep(now=now)  # tasks are eager here: they run at once

    assert sorted(sent) == sorted([lost.pk, dead.pk])
    for item in (lost, dead):
        item.refresh_from_db()
        assert item.status == V.FAILED  # checked at last
    assert ProjectVideo.objects.get(pk=fresh.pk).status == V.QUEUED


def test_web_versions_that_fail_twice_are_failed_and_the_page_stops_waiting(
    hall, holder, hd_clip, monkeypatch, django_capture_on_commit_callbacks
):
    project = exhibit_factories.project(exhibition=hall, owner=holder)
    calls = []

    def failing(**kwargs):
        calls.append(kwargs)
        raise ChildFailed("check_crashed")

    monkeypatch.setattr(video_services, "web_versions_make", failing)
    video = exhibit_factories.video(project=project, ready=False)
    ProjectVideo.objects.filter(pk=video.pk).update(status=V.PASSED, versions_status=W.QUEUED, duration=1.0)

    with django_capture_on_commit_callbacks(execute=True):  # the retry is enqueued after commit
        services.project_video_versions_make(video_id=video.pk)

    video.refresh_from_db()
    assert len(calls) == 2 and (video.versions_status, video.versions_attempts) == (W.FAILED, 2)
    assert video.versions["error"]["code"] == "check_crashed"
    html = Client().get(reverse("expo:project", args=[project.pk])).content.decode()
    assert "视频处理中" not in html and "<video" not in html


def test_the_web_versions_go_to_the_transcoding_queue():
    from shuangchuang.celery import app

    task = app.tasks[video_services.VERSIONS_TASK]

    assert task._get_exec_options()["queue"] == "media-transcode"
    assert app.tasks[video_services.CHECK_TASK]._get_exec_options().get("queue") is None
