"""The office's day: open the board, open a report, return it with a comment; the organizer
sees the comment and resubmits; the office accepts it and downloads the bulletin."""

import datetime as dt
import hashlib
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone
from docx import Document
from PIL import Image

from submissions.models import DailyReport, MediaFile, ReportLeader
from submissions.services.reports import report_submit
from tests import factories
from tests.submissions import media_samples

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _preview(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (480, 320), color).save(out, format="JPEG")
    return out.getvalue()


def _media(report, *, kind, name, caption, content, preview):
    media = MediaFile(
        report=report,
        kind=kind,
        original_name=name,
        caption=caption,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        status="passed",
        checked_at=timezone.now(),
        width=1280,
        height=720 if kind == "video" else 853,
        duration=1.0 if kind == "video" else None,
    )
    media.file.save(name, ContentFile(content), save=False)
    media.preview.save("preview.jpg", ContentFile(preview), save=False)
    media.save()
    return media


def test_review_return_resubmit_accept_and_bulletin(
    live_server, browser, page, login, screenshot_dir, tmp_path
):
    today = timezone.now().astimezone(SHANGHAI).date()
    week = factories.week(starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=3))
    unit = factories.organizer(name="昆山市科技局")
    reporter = factories.member(unit, full_name="王晓明", phone="13800000001")
    reviewer = factories.office_user(full_name="胡丹")
    event = factories.event(
        week=week,
        host=unit,
        reporter=reporter,
        subtitle="沪昆新材料产学研沙龙",
        venue=factories.venue(name="昆山国际会展中心"),
        starts_at=factories.at(today, 9),
        ends_at=factories.at(today, 12),
    )
    factories.event(
        week=week,
        subtitle="专利服务进园区",
        starts_at=factories.at(today, 9),
        ends_at=factories.at(today, 11),
    )
    report = DailyReport.objects.create(
        event=event, day=today, text="沙龙邀请沪昆两地 30 家企业，签约合作项目 3 个。", attendance=120
    )
    ReportLeader.objects.create(report=report, name="周海", post="副市长", level="municipal")
    photo = media_samples.make_jpeg(tmp_path / "签约.jpg", width=1280, height=853).read_bytes()
    _media(
        report,
        kind="photo",
        name="签约仪式.jpg",
        caption="签约仪式",
        content=photo,
        preview=_preview((180, 40, 40)),
    )
    _media(
        report,
        kind="photo",
        name="合影.jpg",
        caption="嘉宾合影",
        content=photo + b"1",
        preview=_preview((40, 90, 160)),
    )
    video = media_samples.make_video(tmp_path / "沙龙.mp4", width=1280, height=720, seconds=1).read_bytes()
    _media(
        report,
        kind="video",
        name="沙龙.mp4",
        caption="沙龙视频",
        content=video,
        preview=_preview((30, 30, 30)),
    )

    with time_machine.travel(dt.datetime.combine(today, dt.time(15, 0), tzinfo=SHANGHAI), tick=True):
        report_submit(report=report, by=reporter)

        # The office opens the board: the leader is listed first, the report waits for review.
        login(page, reviewer)
        page.goto(f"{live_server.url}/review/")
        assert "副市长 周海" in page.inner_text(".board-leaders")
        assert "按时报送" in page.inner_text("tr[data-state=on_time]")
        page.screenshot(path=screenshot_dir / "board.png", full_page=True)

        page.click("text=沪昆新材料产学研沙龙")
        page.wait_for_selector("#return-form")
        page.click(".gallery-link >> nth=0")
        page.wait_for_selector("#media-viewer.show img[src]")
        page.screenshot(path=screenshot_dir / "photo-viewer.png")
        page.click("#media-viewer .btn-close")
        page.wait_for_selector("#media-viewer", state="hidden")
        page.wait_for_selector(".modal-backdrop", state="detached")
        page.screenshot(path=screenshot_dir / "report.png", full_page=True)

        page.fill("#return-comment", "请补充副市长周海的讲话要点和参加企业名单。")
        page.click("#return-button")
        page.wait_for_load_state()
        assert "已退回" in page.inner_text("main")

        # The organizer sees the comment, fixes the text and resubmits.
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 1366, "height": 900}, timezone_id="Asia/Shanghai"
        )
        organizer_page = context.new_page()
        login(organizer_page, reporter)
        organizer_page.goto(f"{live_server.url}/organizer/reports/{event.pk}/{today.isoformat()}/")
        assert "请补充副市长周海的讲话要点和参加企业名单。" in organizer_page.inner_text(".alert-warning")
        organizer_page.fill(
            "textarea[name=report-text]",
            "沙龙邀请沪昆两地 30 家企业。副市长周海在致辞中希望两地企业深化产学研合作。",
        )
        organizer_page.click("button[name=action][value=submit]")
        organizer_page.wait_for_load_state()
        assert "按时报送" in organizer_page.inner_text(".day-state")
        organizer_page.screenshot(path=screenshot_dir / "organizer-resubmitted.png", full_page=True)
        context.close()

        # The office accepts with the checklist ticked (A on the keyboard), then downloads the bulletin.
        page.reload()
        assert "深化产学研合作" in page.inner_text(".report-text")
        for box in page.query_selector_all("input[name=checklist]"):
            box.check()
        page.keyboard.press("a")
        page.wait_for_selector("text=已采用，并已通知信息报送员。")
        history = page.inner_text(".review-history")
        assert "退回" in history and "重新报送" in history and "采用" in history
        page.screenshot(path=screenshot_dir / "accepted.png", full_page=True)

        page.goto(f"{live_server.url}/review/")
        with page.expect_download() as download_info:
            page.click("#export-docx")
        path = download_info.value.path()

    report.refresh_from_db()
    assert report.status == "accepted"
    texts = [p.text for p in Document(path).paragraphs]
    assert texts[0] == "活动周每日简报"
    assert "副市长周海出席“沪昆新材料产学研沙龙”。" in texts
    assert "沙龙邀请沪昆两地 30 家企业。副市长周海在致辞中希望两地企业深化产学研合作。" in texts


# --- Two reviewers at once, and the board on a phone ------------------------------------------


def _busy_day(today):
    """A week of eleven days ending the day after today (so the day strip has to scroll on a
    phone) and a day of event days in every state, one of them waiting for review."""
    week = factories.week(starts_on=today - dt.timedelta(days=9), ends_on=today + dt.timedelta(days=1))
    unit = factories.organizer(name="昆山市科学技术局")
    reporter = factories.member(unit, full_name="王晓明", phone="13800000001")
    hall = factories.venue(name="昆山国际会展中心")
    waiting = factories.event(
        week=week,
        host=unit,
        reporter=reporter,
        venue=hall,
        subtitle="沪昆新材料产学研沙龙",
        starts_at=factories.at(today, 0, 30),
        ends_at=factories.at(today, 12),
    )
    factories.report(
        event=waiting, day=today, status="submitted", leaders=[("周海", "副市长", "municipal")], photos=3
    )
    for n, (status, late) in enumerate(
        [("accepted", False), ("returned", False), ("submitted", True), (None, False)]
    ):
        made = factories.event(
            week=week,
            host=factories.organizer(name=f"昆山高新区管委会{n}"),
            reporter=factories.member(unit, full_name=f"李{n}", phone=f"1390000000{n}"),
            venue=hall,
            subtitle=f"创新创业大赛路演专场（第{n + 1}场）——面向先进制造业的长标题",
            starts_at=factories.at(today, 0, 30),
            ends_at=factories.at(today, 18),
        )
        if status:
            factories.report(
                event=made, day=today, status=status, is_late=late, photos=2, videos=1, failed=n % 2
            )
    return week, waiting


def test_a_decision_reaches_another_reviewers_board_without_reload(
    live_server, browser, login, screenshot_dir
):
    today = timezone.now().astimezone(SHANGHAI).date()
    _week, waiting = _busy_day(today)
    deciding, watching = factories.office_user(full_name="胡丹"), factories.office_user(full_name="陈静")
    contexts = [
        browser.new_context(
            locale="zh-CN", viewport={"width": 1366, "height": 900}, timezone_id="Asia/Shanghai"
        )
        for _ in range(2)
    ]
    try:
        page, other = (context.new_page() for context in contexts)
        login(page, deciding)
        login(other, watching)
        other.goto(f"{live_server.url}/review/")
        row = f'tr[data-event="{waiting.pk}"]'
        assert other.get_attribute(row, "data-state") == "on_time"
        other.evaluate("window.boardLoaded = true")  # gone if the page reloads

        page.goto(f"{live_server.url}/review/")
        page.click(f"{row} .event-cell a")
        page.wait_for_selector("#accept-form")
        for box in page.query_selector_all("input[name=checklist]"):
            box.check()
        page.keyboard.press("a")
        page.wait_for_selector("text=已采用，并已通知信息报送员。")

        # The other board asks every second: the row turns "accepted" well within 3 s.
        other.wait_for_selector(f'{row}[data-state="accepted"]', timeout=3000)
        assert other.evaluate("window.boardLoaded") is True
        assert other.inner_text('[data-count="accepted"]') == "2"
        other.screenshot(path=screenshot_dir / "board-desktop-after.png", full_page=True)
    finally:
        for context in contexts:
            context.close()


def test_the_board_on_a_phone_is_cards_and_shows_today(live_server, phone_page, login, screenshot_dir):
    today = timezone.now().astimezone(SHANGHAI).date()
    _week, waiting = _busy_day(today)
    login(phone_page, factories.office_user())

    phone_page.goto(f"{live_server.url}/review/")
    phone_page.screenshot(path=screenshot_dir / "board-phone.png", full_page=True)

    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone_page.eval_on_selector("tr.board-row", "row => getComputedStyle(row).display") == "grid"
    assert phone_page.is_hidden(".board-table thead")
    card = phone_page.inner_text(f'tr[data-event="{waiting.pk}"]')
    for part in (
        "沪昆新材料产学研沙龙",
        "昆山市科学技术局",
        "昆山国际会展中心",
        "按时报送",
        "王晓明",
        "审核",
    ):
        assert part in card
    assert (
        phone_page.get_attribute(f'tr[data-event="{waiting.pk}"] td:nth-child(4) a', "href")
        == "tel:13800000001"
    )
    # Today's pill is inside the strip's visible part, the strip having scrolled to it.
    strip, pill = phone_page.evaluate(
        """() => {
            const strip = document.querySelector('.board-days .nav');
            const pill = strip.querySelector('.nav-link.active');
            const a = strip.getBoundingClientRect(), b = pill.getBoundingClientRect();
            return [[a.left, a.right, strip.scrollLeft], [b.left, b.right]];
        }"""
    )
    assert strip[2] > 0
    assert strip[0] - 1 <= pill[0] and pill[1] <= strip[1] + 1
    assert "今天" in phone_page.inner_text(".board-days .nav-link.active")

    # Desktop keeps the table.
    phone_page.set_viewport_size({"width": 1366, "height": 900})
    phone_page.reload()
    assert phone_page.eval_on_selector("tr.board-row", "row => getComputedStyle(row).display") == "table-row"
    assert phone_page.is_visible(".board-table thead")
    phone_page.screenshot(path=screenshot_dir / "board-desktop.png", full_page=True)
