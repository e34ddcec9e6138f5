"""The reporter's day: upload a photo and a video, watch both pass their checks, submit on time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests import factories
from tests.submissions import media_samples

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MIB = 1024 * 1024


def test_reporter_uploads_photo_and_video_and_submits_on_time(
    live_server, page, login, screenshot_dir, tmp_path
):
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
    photo = media_samples.make_jpeg(tmp_path / "沙龙现场.jpg", size_bytes=int(2.2 * MIB))
    small = media_samples.make_jpeg(tmp_path / "太小.jpg", size_bytes=int(1.5 * MIB))
    video = media_samples.make_video(tmp_path / "沙龙.mp4", width=1280, height=720, seconds=1)

    with time_machine.travel(dt.datetime.combine(today, dt.time(10, 0), tzinfo=SHANGHAI), tick=True):
        login(page, reporter)
        page.goto(f"{live_server.url}/organizer/reports/")
        page.click(f"text={event.subtitle}")
        # The browser warns before sending a photo that is plainly too small (the server still decides).
        page.set_input_files("input[name=photos]", str(small))
        assert "太小.jpg" in page.inner_text("#upload-warnings")
        assert "小于照片的最小要求" in page.inner_text("#upload-warnings")
        page.set_input_files("input[name=photos]", str(photo))
        assert page.inner_text("#upload-warnings") == ""
        page.set_input_files("input[name=videos]", str(video))
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector(".media-item >> nth=1")
        page.wait_for_function(
            "document.querySelectorAll('.media-item[data-status=passed]').length === 2", timeout=30_000
        )
        page.screenshot(path=screenshot_dir / "files-passed.png", full_page=True)

        page.fill("textarea[name=report-text]", "沙龙邀请沪昆两地 30 家企业，签约合作项目 3 个。")
        page.check("input[name=report-no_leaders]")
        page.click("button[name=action][value=submit]")
        page.wait_for_load_state()

    body = page.inner_text("main")
    assert "已按时报送" in body
    assert "按时报送" in page.inner_text(".day-state")
    page.screenshot(path=screenshot_dir / "submitted.png", full_page=True)


@pytest.fixture
def report_page(live_server, page, login, tmp_path):
    """The reporter on today's report page of a week whose photos may be 1-2 MiB."""
    today = timezone.now().astimezone(SHANGHAI).date()
    week = factories.week(
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=3),
        photo_min_bytes=1 * MIB,
        photo_max_bytes=2 * MIB,
    )
    unit = factories.organizer()
    reporter = factories.member(unit)
    event = factories.event(
        week=week,
        host=unit,
        reporter=reporter,
        subtitle="青年创业项目路演",
        starts_at=factories.at(today, 9),
        ends_at=factories.at(today, 12),
    )
    login(page, reporter)
    page.goto(f"{live_server.url}/organizer/reports/")
    page.click(f"text={event.subtitle}")
    page.evaluate("window.notReloaded = true")
    return page


def test_an_answer_that_is_not_the_upload_json_is_shown_as_a_failure(report_page, tmp_path):
    page = report_page
    photo = media_samples.make_jpeg(tmp_path / "现场.jpg", size_bytes=int(1.5 * MIB))
    # The session ended meanwhile: the server answers with a login page, or a CSRF 403 page.
    page.route(
        "**/upload/**",
        lambda route: route.fulfill(
            status=403, content_type="text/html", body="<html>CSRF verification failed</html>"
        ),
    )

    page.set_input_files("input[name=photos]", str(photo))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-progress .text-danger")

    assert "上传失败" in page.inner_text("#upload-progress")
    assert page.evaluate("window.notReloaded") is True


def test_only_blocked_files_chosen_keeps_the_page_and_its_warnings(report_page, tmp_path):
    page = report_page
    huge = media_samples.make_jpeg(tmp_path / "太大.jpg", size_bytes=int(2.5 * MIB))

    page.set_input_files("input[name=photos]", str(huge))
    page.click("#upload-form button[type=submit]")
    page.wait_for_timeout(500)

    assert page.evaluate("window.notReloaded") is True
    assert "太大.jpg" in page.inner_text("#upload-warnings")
