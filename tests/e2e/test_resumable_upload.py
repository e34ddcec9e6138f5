"""The report page uploads a video resumably (tus): the connection drops at about 60 % and
the upload continues on the same page, or after a reload when the same file is chosen again;
the bytes sent stay within 1.05× the file, and the stored file is the source."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from submissions.models import MediaFile
from tests import factories
from tests.submissions import media_samples

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def staging_folder(settings, tmp_path):
    settings.RESUMABLE_UPLOAD_DIR = tmp_path / "uploads-in-progress"


@pytest.fixture
def report_day(tmp_path):
    today = timezone.now().astimezone(SHANGHAI).date()
    week = factories.week(starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=3))
    unit = factories.organizer(name="昆山市科技局")
    reporter = factories.member(unit, full_name="王晓明")
    event = factories.event(
        week=week,
        host=unit,
        reporter=reporter,
        subtitle="沪昆新材料产学研沙龙",
        starts_at=factories.at(today, 9),
        ends_at=factories.at(today, 12),
    )
    # 24 MiB: the page sends 1 MiB chunks, so one lost chunk stays within the 5 %.
    video = media_samples.make_large_video(
        tmp_path / "沙龙全程.mp4", size_bytes=24 * MIB, width=1280, height=720, fps=10, bit_rate=4_000_000
    )
    return event, reporter, video, f"/organizer/reports/{event.pk}/{today.isoformat()}/"


class Network:
    """Counts the PATCH bytes the page sends and drops the connection of the PATCH that
    starts past ``drop_at`` bytes; while ``down``, every request of the upload fails."""

    def __init__(self, drop_at: int, *, stay_down: bool = False):
        self.drop_at = drop_at
        self.stay_down = stay_down
        self.dropped = False
        self.down = False
        self.sent = 0
        self.first_offsets: list[int] = []

    def route(self, route, request):
        if self.down:
            route.abort("internetdisconnected")
            return
        if request.method == "PATCH":
            self.sent += len(request.post_data_buffer or b"")
            self.first_offsets.append(int(request.headers["upload-offset"]))
            if not self.dropped and int(request.headers["upload-offset"]) >= self.drop_at:
                self.dropped = True
                self.down = self.stay_down
                route.abort("connectionreset")
                return
        route.continue_()


def _stored_matches(video) -> MediaFile:
    media = MediaFile.objects.get()
    source = hashlib.sha256(video.read_bytes()).hexdigest()
    with media.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == source == media.sha256
    return media


def test_a_dropped_connection_resumes_on_the_same_page(live_server, page, login, report_day, screenshot_dir):
    event, reporter, video, path = report_day
    size = video.stat().st_size
    network = Network(drop_at=int(size * 0.6))
    login(page, reporter)
    page.route("**/tus/**", network.route)
    page.goto(live_server.url + path)

    page.set_input_files("input[name=videos]", str(video))
    page.click("#upload-form button[type=submit]")
    page.locator("#upload-progress .progress").wait_for()
    page.screenshot(path=screenshot_dir / "uploading-desktop.png", full_page=True)
    page.locator(".media-item[data-name='沙龙全程.mp4']").wait_for(timeout=90_000)

    assert network.dropped
    assert size <= network.sent <= 1.05 * size
    assert "已上传，正在排队检查" in page.inner_text("#upload-progress")
    _stored_matches(video)
    page.screenshot(path=screenshot_dir / "done-desktop.png", full_page=True)


def test_after_a_reload_the_same_file_continues(live_server, phone_page, login, report_day, screenshot_dir):
    page = phone_page
    event, reporter, video, path = report_day
    size = video.stat().st_size
    network = Network(drop_at=int(size * 0.6), stay_down=True)
    login(page, reporter)
    page.route("**/tus/**", network.route)
    page.goto(live_server.url + path)
    page.set_input_files("input[name=videos]", str(video))
    page.click("#upload-form button[type=submit]")
    # The connection drops at 60 % and stays away: the reporter gives up and reloads.
    page.locator("#upload-progress .progress").wait_for()
    while not network.dropped:
        page.wait_for_timeout(100)
    page.reload()
    network.down = False
    stored_before = MediaFile.objects.count()

    hint = page.locator("#upload-unfinished")
    hint.wait_for()
    assert "沙龙全程.mp4" in hint.inner_text()
    page.screenshot(path=screenshot_dir / "unfinished-phone.png", full_page=True)
    resumed_from = len(network.first_offsets)
    page.set_input_files("input[name=videos]", str(video))
    page.click("#upload-form button[type=submit]")
    page.locator(".media-item[data-name='沙龙全程.mp4']").wait_for(timeout=90_000)

    assert stored_before == 0
    assert network.first_offsets[resumed_from] >= int(size * 0.5)  # continued, not from zero
    assert size <= network.sent <= 1.05 * size
    _stored_matches(video)
    page.screenshot(path=screenshot_dir / "done-phone.png", full_page=True)


def test_a_projects_video_goes_resumably_from_its_page(
    live_server, page, phone_page, login, tmp_path, screenshot_dir
):
    from exhibits.models import Project, ProjectVideo
    from tests.exhibits import factories as exhibit_factories

    hall = exhibit_factories.exhibition()
    exhibit_factories.section(exhibition=hall, name="碳中和")
    holder = exhibit_factories.holder(exhibition=hall, full_name="李老师")
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    video = media_samples.make_video(tmp_path / "项目路演.mp4", width=1280, height=720, seconds=1)
    network = Network(drop_at=0)  # the first PATCH's connection drops; the client tries again
    login(page, holder)
    page.route("**/tus/**", network.route)
    page.goto(f"{live_server.url}/exhibits/projects/{project.pk}/")

    page.set_input_files("#project-video-form input[type=file]", str(video))
    page.click("#project-video-form button[type=submit]")
    page.locator(".video-card").wait_for(timeout=90_000)  # the page reloads once the video is stored

    assert network.dropped and len(network.first_offsets) >= 2
    assert "项目路演.mp4" in page.inner_text(".video-card")
    stored = ProjectVideo.objects.get(project=project)
    with stored.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).digest() == hashlib.sha256(video.read_bytes()).digest()
    page.screenshot(path=screenshot_dir / "project-desktop.png", full_page=True)
    login(phone_page, holder)
    phone_page.goto(f"{live_server.url}/exhibits/projects/{project.pk}/")
    phone_page.screenshot(path=screenshot_dir / "project-phone.png", full_page=True)


def test_a_projects_pdf_goes_resumably_from_its_page(live_server, page, login, tmp_path, screenshot_dir):
    from exhibits.models import Project, ProjectDocument
    from tests.exhibits import factories as exhibit_factories

    hall = exhibit_factories.exhibition()
    exhibit_factories.section(exhibition=hall, name="智能制造")
    holder = exhibit_factories.holder(exhibition=hall, full_name="王工")
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    # 3 MiB: the page sends 1 MiB chunks; the second one's connection drops.
    brochure = tmp_path / "项目介绍.pdf"
    brochure.write_bytes(b"%PDF-1.7\n" + os.urandom(3 * MIB) + b"\n%%EOF\n")
    network = Network(drop_at=MIB)
    login(page, holder)
    page.route("**/tus/**", network.route)
    page.goto(f"{live_server.url}/exhibits/projects/{project.pk}/")

    page.fill("#project-document-form input[name=title]", "项目介绍（2026版）")
    page.set_input_files("#project-document-form input[type=file]", str(brochure))
    page.click("#project-document-form button[type=submit]")
    page.locator("text=项目介绍（2026版）").wait_for(timeout=90_000)  # the page reloads once stored

    assert network.dropped
    assert network.first_offsets[0] == 0 and 0 not in network.first_offsets[1:]  # resumed, not restarted
    stored = ProjectDocument.objects.get(project=project)
    assert stored.title == "项目介绍（2026版）"
    with stored.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).digest() == hashlib.sha256(brochure.read_bytes()).digest()
    page.screenshot(path=screenshot_dir / "project-document.png", full_page=True)
