"""Web versions of videos: the transcode in the sandbox, the service on the row, the public
pages that play them, and a real worker on the transcoding queue."""

import datetime as dt
import io
import time

import av
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from submissions.media.renditions import render_video
from submissions.media.sandbox import ChildFailed, ChildLimits
from submissions.media.transcode import plan_slots
from submissions.models import DailyReport, MediaFile
from submissions.services import media as media_services
from submissions.services import renditions as renditions_services
from tests import celery_processes, factories
from tests.services import redis_url, require_postgresql
from tests.submissions import media_samples

Status = MediaFile.RenditionStatus


def top_level_boxes(path) -> list[str]:
    return [kind for kind, _at, _size in media_samples.iso_boxes(path)]


def video_seconds(path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return float(stream.duration * stream.time_base)


@pytest.fixture(scope="module")
def hevc_clip(tmp_path_factory):
    """A phone-like 1080p HEVC clip with sound (browsers other than Safari cannot play it)."""
    folder = tmp_path_factory.mktemp("hevc")
    return media_samples.make_video(
        folder / "phone.mp4", width=1920, height=1080, seconds=2, fps=10, codec="hevc", with_audio=True
    )


# --- the transcode, in the sandboxed child ---------------------------------------------------


def test_hevc_clip_gets_720p_and_360p_h264_versions_with_faststart(tmp_path, hevc_clip):
    percents = []

    made = render_video(hevc_clip, tmp_path, duration=2.0, on_progress=percents.append)

    assert set(made["versions"]) == {"360", "720"}  # no preview: the clip is shorter than one
    source_seconds = video_seconds(hevc_clip)
    for slot, size in {"720": (1280, 720), "360": (640, 360)}.items():
        version = made["versions"][slot]
        assert (version["width"], version["height"], version["codec"]) == (*size, "h264")
        with av.open(str(version["path"])) as container:
            video, audio = container.streams.video[0], container.streams.audio[0]
            assert (video.codec_context.name, video.codec_context.width, video.codec_context.height) == (
                "h264",
                *size,
            )
            assert audio.codec_context.name == "aac"
            assert sum(1 for _frame in container.decode(video)) == 20
        assert video_seconds(version["path"]) == pytest.approx(source_seconds, abs=0.1)
        assert version["duration"] == pytest.approx(2.0, abs=0.1)
        boxes = top_level_boxes(version["path"])
        assert boxes.index("moov") < boxes.index("mdat"), boxes  # faststart
        assert version["size"] == version["path"].stat().st_size
    with Image.open(made["poster"]["path"]) as poster:
        assert (poster.format, poster.size) == ("JPEG", (1280, 720))
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] == 100


def test_a_360p_source_gets_only_360p(tmp_path):
    clip = media_samples.make_video(tmp_path / "small.mp4", width=640, height=360, seconds=1)

    made = render_video(clip, tmp_path, duration=1.0)

    assert list(made["versions"]) == ["360"]
    assert (made["versions"]["360"]["width"], made["versions"]["360"]["height"]) == (640, 360)


def test_a_portrait_phone_video_keeps_its_rotation_and_gets_an_upright_poster(tmp_path):
    clip = media_samples.make_video(tmp_path / "phone.mp4", width=1280, height=720, rotation=90, seconds=1)

    made = render_video(clip, tmp_path, duration=1.0)

    version = made["versions"]["720"]
    assert (version["width"], version["height"]) == (720, 1280)  # as shown
    with av.open(str(version["path"])) as container:
        assert next(container.decode(video=0)).rotation == 90
    with Image.open(made["poster"]["path"]) as poster:
        assert poster.size == (720, 1280)


def test_a_longer_video_gets_a_short_muted_preview(tmp_path):
    clip = media_samples.make_video(
        tmp_path / "talk.webm",
        container="webm",
        codec="vp9",
        width=640,
        height=360,
        seconds=8,
        fps=5,
        with_audio=True,
    )

    made = render_video(clip, tmp_path, duration=8.0, preview_seconds=3.0)

    preview = made["versions"]["preview"]
    assert video_seconds(preview["path"]) == pytest.approx(3.0, abs=0.3)
    with av.open(str(preview["path"])) as container:
        assert not container.streams.audio
    assert video_seconds(made["versions"]["360"]["path"]) == pytest.approx(8.0, abs=0.1)


def test_slots_never_upscale():
    assert plan_slots(1080) == [(360, 360), (720, 720)]
    assert plan_slots(540) == [(360, 360), (720, 540)]
    assert plan_slots(360) == [(360, 360)]
    assert plan_slots(240) == [(360, 240)]


def test_a_transcode_over_its_time_limit_fails(tmp_path, hevc_clip):
    with pytest.raises(ChildFailed) as failure:
        render_video(hevc_clip, tmp_path, duration=2.0, limits=ChildLimits(seconds=0.3, memory_bytes=2**31))

    assert failure.value.code == "check_timed_out"


def test_the_transcode_task_goes_to_its_own_queue():
    from shuangchuang.celery import app

    route = app.amqp.router.route({}, renditions_services.TASK_NAME)

    assert route["queue"].name == "media-transcode"
    assert app.amqp.router.route({}, "submissions.check_media")["queue"].name == app.conf.task_default_queue


# --- the service, on the row -----------------------------------------------------------------


def video_media(event, folder, *, public=True, seconds=2, **options) -> MediaFile:
    clip = media_samples.make_video(folder / "src.mp4", seconds=seconds, fps=10, with_audio=True, **options)
    media = factories.public_media(
        event=event, kind="video", content=clip.read_bytes(), name="现场.mp4", is_public=public
    )
    MediaFile.objects.filter(pk=media.pk).update(duration=float(seconds))
    media.refresh_from_db()
    return media


def accept(report_id: int) -> None:
    now = timezone.now()
    DailyReport.objects.filter(pk=report_id).update(
        status=DailyReport.Status.ACCEPTED,
        submitted_at=now,
        first_submitted_at=now,
        is_late=False,
        reviewed_at=now,
    )


@pytest.mark.django_db
def test_web_versions_are_stored_and_recorded(event, tmp_path, django_capture_on_commit_callbacks):
    from core.public_cache import public_version

    media = video_media(event, tmp_path)
    before = public_version()

    with django_capture_on_commit_callbacks(execute=True):
        assert renditions_services.renditions_schedule(media=media)
    media.refresh_from_db()

    assert (media.rendition_status, media.rendition_progress, media.rendition_attempts) == (
        Status.DONE,
        100,
        1,
    )
    assert media.renditions["source"] == media.file.name
    storage = media.file.storage
    for slot, height in (("720", 720), ("360", 360)):
        version = media.web_versions[slot]
        assert version["name"].startswith(f"renditions/{event.pk}/") and version["name"].endswith(".mp4")
        assert version["height"] == height and storage.size(version["name"]) == version["size"]
    assert storage.exists(media.web_poster_name)
    assert public_version() != before  # cached public pages learn of the versions
    assert renditions_services.renditions_make(media_id=media.pk).rendition_attempts == 1  # done: left alone


@pytest.mark.django_db
def test_a_failed_transcode_is_retried_once(event, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    media = video_media(event, tmp_path)
    real, calls = renditions_services.render_video, []

    def failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise ChildFailed("check_crashed", exit_code=-9, detail="")
        return real(*args, **kwargs)

    monkeypatch.setattr(renditions_services, "render_video", failing_once)
    with django_capture_on_commit_callbacks(execute=True):
        renditions_services.renditions_schedule(media=media)
    media.refresh_from_db()

    assert len(calls) == 2
    assert (media.rendition_status, media.rendition_attempts) == (Status.DONE, 2)
    assert "error" not in media.renditions and media.web_versions


@pytest.mark.django_db
def test_a_transcode_that_fails_twice_is_failed_and_the_video_stays_off_the_public_pages(
    client, event, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    media = video_media(event, tmp_path)

    def failing(*args, **kwargs):
        raise ChildFailed("check_timed_out", seconds=60.0)

    monkeypatch.setattr(renditions_services, "render_video", failing)
    with django_capture_on_commit_callbacks(execute=True):
        renditions_services.renditions_schedule(media=media)
    media.refresh_from_db()

    assert (media.rendition_status, media.rendition_attempts) == (Status.FAILED, 2)
    assert media.renditions["error"]["code"] == "check_timed_out"
    assert client.get(reverse("public_media", args=[media.pk])).status_code == 404


@pytest.mark.django_db
def test_work_whose_worker_keeps_dying_is_failed(event, tmp_path):
    media = video_media(event, tmp_path)
    MediaFile.objects.filter(pk=media.pk).update(
        rendition_status=Status.WORKING, rendition_attempts=renditions_services.MAX_ATTEMPTS
    )

    media = renditions_services.renditions_make(media_id=media.pk, resume=True)

    assert media.rendition_status == Status.FAILED
    assert media.renditions["error"]["code"] == "transcode_keeps_crashing"


@pytest.mark.django_db
def test_the_sweep_queues_due_videos_and_resends_lost_and_dead_work(event, tmp_path):
    public = video_media(event, tmp_path)
    other_day = factories.event(week=event.week)
    private = video_media(other_day, tmp_path, public=False)
    accepted_day = factories.event(week=event.week)
    accepted = video_media(accepted_day, tmp_path, public=False)
    accept(accepted.report_id)
    lost, dead = (video_media(factories.event(week=event.week), tmp_path) for _ in range(2))
    long_ago = timezone.now() - dt.timedelta(hours=2)
    MediaFile.objects.filter(pk=lost.pk).update(rendition_status=Status.QUEUED, rendition_alive_at=long_ago)
    MediaFile.objects.filter(pk=dead.pk).update(rendition_status=Status.WORKING, rendition_alive_at=long_ago)

    sent = renditions_services.renditions_sweep()

    assert set(sent) == {public.pk, accepted.pk, lost.pk, dead.pk}
    statuses = dict(MediaFile.objects.values_list("pk", "rendition_status"))
    assert statuses[public.pk] == statuses[accepted.pk] == Status.QUEUED
    assert statuses[private.pk] == Status.NONE  # neither public nor of an accepted report
    assert renditions_services.renditions_sweep() == [dead.pk]  # until a worker claims it


@pytest.mark.django_db
def test_deleting_a_video_deletes_its_web_versions(event, tmp_path, django_capture_on_commit_callbacks):
    media = video_media(event, tmp_path, public=False)
    storage = media.file.storage
    names = [
        storage.save(f"renditions/{event.pk}/x.mp4", ContentFile(b"v")),
        storage.save(f"renditions/{event.pk}/p.jpg", ContentFile(b"p")),
    ]
    MediaFile.objects.filter(pk=media.pk).update(
        rendition_status=Status.DONE,
        renditions={
            "source": media.file.name,
            "versions": {"360": {"name": names[0]}},
            "poster": {"name": names[1]},
        },
    )
    media.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        media_services.media_delete(media=media)

    assert not any(storage.exists(name) for name in names)


# --- the public pages play the web versions, never the original ------------------------------


@pytest.mark.django_db
def test_event_page_plays_the_web_versions_and_never_links_the_original(
    client, event, tmp_path, django_capture_on_commit_callbacks
):
    media = video_media(event, tmp_path, width=1920, height=1080, codec="hevc")
    url = reverse("public_media", args=[media.pk])
    pending = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        renditions_services.renditions_schedule(media=media)
    media.refresh_from_db()

    html = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    served = b"".join(client.get(f"{url}?v=720").streaming_content)
    part = client.get(f"{url}?v=360", HTTP_RANGE="bytes=0-99")

    assert "视频处理中" in pending and "<video" not in pending
    assert f'"{url}"' not in pending and f"{url}?v=" not in pending
    assert f'<source src="{url}?v=360" type="video/mp4" media="(max-width: 640px)">' in html
    assert f'<source src="{url}?v=720" type="video/mp4">' in html
    assert 'preload="metadata"' in html and reverse("public_media_preview", args=[media.pk]) in html
    assert media.file.name not in html and "/media/reports/" not in html
    original = media.file.read()
    assert served == media.file.storage.open(media.web_versions["720"]["name"]).read() != original
    assert top_level_boxes_of_bytes(served).index("moov") < top_level_boxes_of_bytes(served).index("mdat")
    assert part.status_code == 206 and part["Content-Type"] == "video/mp4"
    assert part["Content-Range"] == f"bytes 0-99/{media.web_versions['360']['size']}"
    poster = client.get(reverse("public_media_preview", args=[media.pk]))
    with Image.open(io.BytesIO(b"".join(poster.streaming_content))) as image:
        assert image.size == (1280, 720)


def top_level_boxes_of_bytes(data: bytes) -> list[str]:
    kinds, at = [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        kinds.append(data[at + 4 : at + 8].decode("latin-1"))
        if size < 8:
            break
        at += size
    return kinds


# --- a real worker, consuming only the transcoding queue -------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_web_versions_are_made_by_a_worker_on_the_transcode_queue(event, tmp_path):
    require_postgresql()
    url = redis_url()
    queue, transcode_queue = celery_processes.new_queue(), celery_processes.new_queue()
    media = video_media(event, tmp_path)
    # This worker consumes the transcoding queue only: the task reaches it by its route.
    env = celery_processes.worker_environment(
        redis_url=url, queue=transcode_queue, CELERY_TRANSCODE_QUEUE=transcode_queue
    )
    worker = celery_processes.start_worker(env=env, folder=tmp_path, name="transcoder")
    try:
        with celery_processes.sending_to(redis_url=url, queue=queue, transcode_queue=transcode_queue):
            assert renditions_services.renditions_schedule(media=media)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            media.refresh_from_db()
            if media.rendition_status in (Status.DONE, Status.FAILED):
                break
            time.sleep(0.1)
    finally:
        worker.stop()

    assert media.rendition_status == Status.DONE, media.renditions
    assert set(media.web_versions) == {"360", "720"} and media.rendition_progress == 100
    assert renditions_services.TASK_NAME in worker.log()
