"""The reporter's day: upload a photo and a video, watch both pass their checks, submit on time."""

import contextlib
import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

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
        # The page's deferred script may still be starting on a loaded machine: wait for its answer.
        page.wait_for_load_state("load")
        page.set_input_files("input[name=photos]", str(small))
        expect(page.locator("#upload-warnings")).to_contain_text("太小.jpg")
        assert "小于照片的最小要求" in page.inner_text("#upload-warnings")
        page.set_input_files("input[name=photos]", str(photo))
        assert page.inner_text("#upload-warnings") == ""
        page.set_input_files("input[name=videos]", str(video))
        page.click("#upload-form button[type=submit]")
        # Two files of 2 MB and more through the live server: on a loaded machine (the other
        # test process may be starting a worker) this took longer than the default 15 s once.
        page.wait_for_selector(".media-item >> nth=1", timeout=30_000)
        # (wait_for_function would evaluate a string, which the page's CSP forbids: selectors instead)
        page.locator(".media-item[data-status=passed] >> nth=1").wait_for(timeout=30_000)
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


def test_typed_work_survives_uploads_is_autosaved_and_a_deleted_photo_can_be_undone(
    live_server, phone_page, login, screenshot_dir, tmp_path
):
    from submissions.models import DailyReport, MediaFile

    page = phone_page
    today = timezone.now().astimezone(SHANGHAI).date()
    week = factories.week(starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=3))
    unit = factories.organizer(name="昆山市科技局")
    reporter = factories.member(unit, full_name="王晓明")
    event = factories.event(
        week=week,
        host=unit,
        reporter=reporter,
        subtitle="青年创业项目路演",
        starts_at=factories.at(today, 9),
        ends_at=factories.at(today, 12),
    )
    first = media_samples.make_jpeg(tmp_path / "路演现场.jpg", size_bytes=int(2.2 * MIB))
    second = media_samples.make_jpeg(tmp_path / "签约仪式.jpg", size_bytes=int(2.4 * MIB))
    text = "路演邀请 12 个青年创业项目，签约 3 个，投资机构 20 家到场。"
    detail_url = f"{live_server.url}/organizer/reports/{event.pk}/{today.isoformat()}/"

    login(page, reporter)
    page.goto(detail_url)
    page.evaluate("window.notReloaded = true")
    page.fill("textarea[name=report-text]", text)
    page.fill("input[name=leaders-0-name]", "李华")
    page.fill("input[name=leaders-0-post]", "副市长")
    page.set_input_files("input[name=photos]", [str(first), str(second)])
    page.click("#upload-form button[type=submit]")
    page.locator(".media-item >> nth=1").wait_for(timeout=30_000)

    # The page was not reloaded: what was typed is still there, and it was saved as the draft.
    assert page.evaluate("window.notReloaded") is True
    assert page.input_value("textarea[name=report-text]") == text
    page.wait_for_selector("#autosave-status.text-success", timeout=15_000)
    assert page.inner_text("#autosave-status").startswith("已自动保存 ")
    # "提交前还缺" follows what was saved, without a reload.
    expect(page.locator("[data-role=missing]")).not_to_contain_text("活动信息")
    expect(page.locator("[data-role=missing]")).not_to_contain_text("出席领导情况")
    report = DailyReport.objects.get(event=event, day=today)
    assert report.text == text
    assert [leader.name for leader in report.leaders.all()] == ["李华"]
    assert MediaFile.objects.filter(report=report).count() == 2

    # On a phone the files come before the submit buttons.
    files_top = page.locator("#files-heading").bounding_box()["y"]
    submit_top = page.locator("button[name=action][value=submit]").bounding_box()["y"]
    assert files_top < submit_top
    page.screenshot(path=screenshot_dir / "phone-uploaded.png", full_page=True)

    # Back on the page later (from any device), the draft is there.
    page.reload()
    assert page.input_value("textarea[name=report-text]") == text
    assert page.input_value("input[name=leaders-0-name]") == "李华"

    # Delete asks first; the card hides with an undo, which brings it back.
    card = page.locator('.media-item[data-name="签约仪式.jpg"]')
    card.locator("[data-role=delete-form] button").click()
    page.wait_for_selector("#delete-modal.show")
    assert "签约仪式.jpg" in page.inner_text("#delete-modal")
    page.click("#delete-modal [data-role=confirm]")
    page.wait_for_selector(".media-undo")
    assert "已删除" in page.inner_text(".media-undo")
    page.screenshot(path=screenshot_dir / "phone-undo.png", full_page=True)
    page.click(".media-undo button")
    assert card.is_visible()
    assert MediaFile.objects.filter(report=report).count() == 2

    # Confirmed and not undone: gone from the page and, after the undo window, from the database.
    card.locator("[data-role=delete-form] button").click()
    page.wait_for_selector("#delete-modal.show")
    page.click("#delete-modal [data-role=confirm]")
    page.wait_for_selector(".media-undo")
    assert not card.is_visible()
    card.wait_for(state="detached", timeout=15_000)
    assert page.locator(".media-item").count() == 1
    assert list(MediaFile.objects.filter(report=report).values_list("original_name", flat=True)) == [
        "路演现场.jpg"
    ]
    page.wait_for_timeout(300)
    page.screenshot(path=screenshot_dir / "phone-deleted.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=screenshot_dir / "desktop.png", full_page=True)


def test_several_uploads_run_at_once_each_can_be_cancelled_and_a_photo_can_be_replaced(report_page, tmp_path):
    from submissions.models import MediaFile

    page = report_page
    old = media_samples.make_jpeg(tmp_path / "旧照片.jpg", size_bytes=int(1.5 * MIB))
    new = media_samples.make_jpeg(tmp_path / "新照片.jpg", size_bytes=int(1.6 * MIB))
    page.set_input_files("input[name=photos]", str(old))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector('.media-item[data-name="旧照片.jpg"]')

    # A cancelled upload stores nothing and says so on its own row.
    held = []
    page.route("**/upload/**", lambda route: held.append(route))  # held: the request never answers
    page.set_input_files("input[name=photos]", str(new))
    page.click("#upload-form button[type=submit]")
    _wait_for(lambda: held, page, what="the upload to be held")
    page.click("#upload-progress .upload-row button")
    assert "已取消" in page.inner_text("#upload-progress")
    # The held request is aborted before the route goes: removing the last route turns the
    # browser's interception off, which sends a request still held on to the server (it was
    # stored, and the replacement below was refused as "已经上传过").
    for route in held:
        with contextlib.suppress(PlaywrightError):  # the browser may have dropped it already
            route.abort()
    page.unroute("**/upload/**")

    page.set_input_files('.media-item[data-name="旧照片.jpg"] [data-role=replace-input]', str(new))
    try:
        page.wait_for_selector('.media-item[data-name="新照片.jpg"]', timeout=30_000)
    except PlaywrightError as error:  # say where the replacement stood (it failed once in CI)
        progress = page.inner_text("#upload-progress")
        raise AssertionError(
            f"no card for the replacement; progress: {progress!r}; held: {len(held)}"
        ) from error
    page.wait_for_selector('.media-item[data-name="旧照片.jpg"]', state="detached")
    assert list(MediaFile.objects.values_list("original_name", flat=True)) == ["新照片.jpg"]
    assert page.evaluate("window.notReloaded") is True


def test_a_photo_stored_whose_answer_was_lost_is_shown_without_a_reload(report_page, tmp_path, monkeypatch):
    """The server stored the photo, but the page never got its answer (here: a proxy's 502
    in its place, as nginx sends when it stops waiting): the row says the upload failed, and
    the page asks the server for its list and shows the stored file. Before, it showed
    nothing, and choosing the file again was refused as already uploaded."""
    from django.http import HttpResponse

    from submissions.models import MediaFile
    from submissions.views.organizer import MediaUploadView

    stored_then_lost = MediaUploadView._checked_upload

    def answer_lost(view, request):
        stored_then_lost(view, request)  # the real upload: the file is stored
        return HttpResponse("Bad Gateway", status=502, content_type="text/html")

    monkeypatch.setattr(MediaUploadView, "_checked_upload", answer_lost)
    page = report_page
    photo = media_samples.make_jpeg(tmp_path / "掉线前.jpg", size_bytes=int(1.5 * MIB))

    page.set_input_files("input[name=photos]", str(photo))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-progress .text-danger")
    assert "上传失败" in page.inner_text("#upload-progress")

    page.wait_for_selector('.media-item[data-name="掉线前.jpg"]', timeout=15_000)
    assert list(MediaFile.objects.values_list("original_name", flat=True)) == ["掉线前.jpg"]
    assert page.locator(".media-item").count() == 1
    assert page.evaluate("window.notReloaded") is True


def _wait_for(condition, page, *, what: str, timeout: float = 15.0) -> None:
    """Let the page's events reach this process (route handlers run while Playwright waits)
    until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(50)
