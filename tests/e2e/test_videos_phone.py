"""云视频 and 云活动 in Debian's Chromium: /videos/ on a 375 px phone plays a report video's
360p web version (720p on a desktop) and counts the play; an event's HLS relay plays in the
page through hls.js while the event runs, and a page rendered during the relay shows "回放"
by the browser's clock once the event is over. Screenshots go to test-output/<test name>/."""

import datetime as dt
import mimetypes
import time
from pathlib import Path

import av
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from core.models import ViewCount
from submissions.models import MediaFile
from tests import factories
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_accessibility import axe_page, violations  # noqa: F401 - the fixture and the check
from tests.e2e.waiting import wait_until
from tests.submissions import media_samples

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def running_week():
    today = timezone.localdate()
    return factories.week(starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=5))


def real_report_video(event, tmp_path) -> MediaFile:
    """A public report video whose web versions are real H.264 clips of their sizes."""
    media = factories.public_media(event=event, kind="video", name="clip.mp4", content=b"original upload")
    versions = {}
    for slot, (width, height) in {"360": (640, 360), "720": (1280, 720)}.items():
        clip = media_samples.make_video(
            tmp_path / f"{slot}.mp4", width=width, height=height, seconds=2, faststart=True
        )
        name = default_storage.save(f"renditions/{event.pk}/{slot}.mp4", ContentFile(clip.read_bytes()))
        versions[slot] = {"name": name, "size": clip.stat().st_size, "width": width, "height": height}
    poster = default_storage.save(
        f"renditions/{event.pk}/poster.jpg", ContentFile(media_samples_jpeg(tmp_path))
    )
    MediaFile.objects.filter(pk=media.pk).update(
        caption="开幕式精彩回顾",
        duration=2.0,
        rendition_status=MediaFile.RenditionStatus.DONE,
        renditions={"source": media.file.name, "versions": versions, "poster": {"name": poster}},
    )
    return MediaFile.objects.get(pk=media.pk)


def media_samples_jpeg(tmp_path) -> bytes:
    return media_samples.make_jpeg(tmp_path / "poster.jpg", width=640, height=360).read_bytes()


def hls_stream(folder: Path) -> Path:
    """A 3-second H.264 HLS stream (playlist and MPEG-TS segments) made with PyAV."""
    folder.mkdir(parents=True, exist_ok=True)
    playlist = folder / "index.m3u8"
    options = {"hls_time": "1", "hls_list_size": "0", "hls_playlist_type": "vod"}
    with av.open(str(playlist), "w", format="hls", options=options) as out:
        stream = out.add_stream("h264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
        stream.options = {"g": "10"}
        for index in range(30):
            frame = av.VideoFrame.from_image(media_samples._moving_pattern(640, 360, index))
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return playlist


def test_the_videos_page_plays_the_small_version_on_a_phone_and_counts_the_play(
    live_server, phone_page, page, screenshot_dir, tmp_path
):
    week = running_week()
    forum = factories.event(
        week=week,
        subtitle="开幕式暨创新论坛",
        starts_at=timezone.now() - dt.timedelta(days=1, hours=2),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    media = real_report_video(forum, tmp_path)
    factories.event(
        week=week,
        subtitle="青年创业项目路演",
        recording_url="https://v.example.cn/replay/roadshow",
        starts_at=timezone.now() - dt.timedelta(hours=5),
        ends_at=timezone.now() - dt.timedelta(hours=3),
    )

    phone_page.goto(f"{live_server.url}/videos/")
    wait_until(phone_page, "document.querySelector('.video-card video').readyState >= 1")
    assert phone_page.evaluate("document.querySelector('.video-card video').currentSrc").endswith("?v=360")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone_page.locator(".video-card").count() == 2
    phone_page.screenshot(path=str(screenshot_dir / "videos-375.png"), full_page=True)

    phone_page.evaluate(
        "() => { const v = document.querySelector('.video-card video'); v.muted = true; return v.play(); }"
    )
    wait_until(phone_page, "document.querySelector('.video-card video').currentTime > 0")
    wait_until(
        phone_page,
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('/videos/play/'))",
    )
    assert _plays_counted("media", media.pk, within=10) == 1  # the beacon is sent, not awaited

    page.goto(f"{live_server.url}/videos/")
    wait_until(page, "document.querySelector('.video-card video').readyState >= 1")
    assert page.evaluate("document.querySelector('.video-card video').currentSrc").endswith("?v=720")
    page.screenshot(path=str(screenshot_dir / "videos-desktop.png"), full_page=True)


def test_an_hls_relay_plays_through_hls_js_and_turns_to_replay_by_the_browsers_clock(
    live_server, phone_page, browser, screenshot_dir, tmp_path
):
    week = running_week()
    starts_at = timezone.now() - dt.timedelta(minutes=30)
    ends_at = timezone.now() + dt.timedelta(minutes=30)
    relay_url = f"{live_server.url}/live/relay/index.m3u8"
    event = factories.event(
        week=week,
        subtitle="双创成果直播发布会",
        live_url=relay_url,
        recording_url="https://v.example.cn/replay/launch",
        starts_at=starts_at,
        ends_at=ends_at,
    )
    playlist = hls_stream(tmp_path / "relay")
    served = []

    def from_folder(route):
        name = route.request.url.rsplit("/", 1)[-1]
        served.append(name)
        body = (playlist.parent / name).read_bytes()
        kind = (
            "application/vnd.apple.mpegurl"
            if name.endswith(".m3u8")
            else (mimetypes.guess_type(name)[0] or "video/mp2t")
        )
        route.fulfill(status=200, body=body, headers={"Content-Type": kind})

    # The stream is served at the live server's own address (what the policy lets the page fetch).
    phone_page.route(f"{live_server.url}/live/relay/*", from_folder)
    phone_page.goto(f"{live_server.url}/events/{event.pk}/")
    phone_page.wait_for_selector("video[data-hls-attached='hls.js']", state="attached")
    wait_until(phone_page, "document.querySelector('#relay video').readyState >= 1")
    assert "index.m3u8" in served and any(name.endswith(".ts") for name in served)
    assert phone_page.evaluate("typeof window.Hls") == "function"
    assert phone_page.locator("#relay").is_visible() and not phone_page.locator("#recording").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.screenshot(path=str(screenshot_dir / "relay-375.png"), full_page=True)
    assert _plays_counted("event", event.pk, within=10) == 1  # the relay page opened: its beacon counted once

    # The same page an hour later by the browser's clock (as a copy a cache kept would be):
    # the relay is gone and the recording shows, with no new request to the server's pages.
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812})
    later = context.new_page()
    later.clock.install(time=ends_at + dt.timedelta(minutes=30))
    later.goto(f"{live_server.url}/events/{event.pk}/")
    later.wait_for_load_state("load")
    wait_until(later, "document.querySelector('#recording') && !document.querySelector('#recording').hidden")
    assert not later.locator("#relay").is_visible()
    assert later.locator("#recording a[href='https://v.example.cn/replay/launch']").is_visible()
    later.screenshot(path=str(screenshot_dir / "replay-375.png"), full_page=True)
    context.close()
    # hls.js keeps asking for segments: stop answering them before the page closes, so no
    # route handler is left pending when the browser goes.
    phone_page.unroute_all(behavior="ignoreErrors")


def _plays_counted(kind: str, object_id: int, *, within: float) -> int:
    """The play count once its beacon (sent by the page, not awaited) has arrived."""
    deadline = time.monotonic() + within
    while True:
        counted = ViewCount.objects.filter(kind=kind, object_id=object_id).first()
        if counted is not None or time.monotonic() > deadline:
            return counted.count if counted else 0
        time.sleep(0.1)


def test_the_videos_and_relay_pages_have_no_serious_accessibility_violation(live_server, axe_page, tmp_path):  # noqa: F811
    week = running_week()
    factories.event(  # live now: the schedule shows its "直播中" badge
        week=week,
        subtitle="双创成果直播发布会",
        live_url=f"{live_server.url}/live/relay/index.m3u8",
        starts_at=timezone.now() - dt.timedelta(minutes=30),
        ends_at=timezone.now() + dt.timedelta(minutes=30),
    )
    done = factories.event(
        week=week,
        subtitle="开幕式",
        recording_url="https://v.example.cn/replay/1",
        starts_at=timezone.now() - dt.timedelta(days=1, hours=2),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    real_report_video(done, tmp_path)
    found, console = [], []
    for viewport in (PHONE, DESKTOP):
        page = axe_page(viewport)
        page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
        for url in ("/videos/", f"/events/{done.pk}/", "/en/videos/", "/schedule/?day=all"):
            found += violations(page, live_server.url + url)

    assert found == [], "\n".join(found)
    assert console == []
