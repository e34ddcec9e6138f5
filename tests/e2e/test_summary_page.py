"""The summary page (报送汇总) read by the office on a phone and at a desk: it fits 375 px
without sideways scrolling (the days' table stacks into cards), a day opens from the table,
and the wide layout shows the table with its totals row. Screenshots in test-output/."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def reviewer():
    """A week around today: filed, late, returned, accepted and missing days, leaders on two."""
    today = timezone.now().astimezone(SHANGHAI).date()
    week = factories.week(starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=3))
    units = [factories.organizer(name=name) for name in ("昆山市科技局", "共青团昆山市委", "昆山市人社局")]
    office = factories.office_user(full_name="胡丹")
    titles = ["沪昆新材料产学研沙龙", "青年创业项目路演", "专利服务进园区", "创客市集", "人才政策宣讲会"]
    for offset in range(-3, 1):
        day = today + dt.timedelta(days=offset)
        for n, title in enumerate(titles):
            unit = units[n % 3]
            event = factories.event(
                week=week,
                host=unit,
                reporter=factories.member(unit, full_name=f"报送员{n}", phone=f"1380000000{n}"),
                subtitle=f"{title}（第{offset + 4}天）",
                starts_at=factories.at(day, 9 + n),
                ends_at=factories.at(day, 10 + n),
            )
            if n == 4 or offset == 0:
                continue  # missing (or, today, perhaps not yet due)
            factories.report(
                event=event,
                day=day,
                status=("accepted", "submitted", "returned", "accepted")[n],
                is_late=n == 1,
                submitted_at=factories.at(day, 17 if n == 1 else 15),
                reviewed_by=office if n in (0, 2, 3) else None,
                photos=2 if n == 0 else 1,
                videos=1 if n == 0 else 0,
                failed=1 if n == 3 else 0,
                leaders=[("周海", "副市长", "municipal"), ("李强", "副省长", "provincial")]
                if n == 0 and offset in (-3, -2)
                else [],
            )
    return office


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_summary_on_a_phone_and_at_a_desk(
    live_server, browser, page, phone_page, login, reviewer, screenshot_dir
):
    login(phone_page, reviewer)
    phone_page.goto(f"{live_server.url}/review/summary/")
    assert phone_page.locator("h1").inner_text() == "活动周报送汇总"
    assert phone_page.locator(".summary-table thead").is_hidden()  # stacked into cards
    assert phone_page.locator(".summary-total td").first.is_visible()
    assert _no_sideways_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "week-375.png", full_page=True)

    phone_page.locator(".summary-table tbody th a").first.click()
    phone_page.wait_for_load_state()
    assert "报送汇总" in phone_page.locator("h1").inner_text()
    assert phone_page.locator("#leaders-heading").is_visible()
    assert _no_sideways_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "day-375.png", full_page=True)

    # English labels are longer: the cards still fit.
    phone_page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    phone_page.goto(f"{live_server.url}/review/summary/")
    assert phone_page.locator("h1").inner_text() == "Week report summary"
    assert _no_sideways_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "week-375-en.png", full_page=True)

    login(page, reviewer)
    page.goto(f"{live_server.url}/review/summary/")
    assert page.locator(".summary-table thead").is_visible()
    assert page.locator(".summary-total th").inner_text() == "全周合计"
    page.screenshot(path=screenshot_dir / "week-desktop.png", full_page=True)
    page.emulate_media(media="print")
    assert page.locator(".portal-header").is_hidden() and page.locator(".summary-actions").is_hidden()
    page.screenshot(path=screenshot_dir / "week-print.png", full_page=True)
