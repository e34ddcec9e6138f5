"""Charts on a 375 px phone: the office board's and the public home page's canvases are drawn
by ECharts (pixels painted), the table toggle shows the same numbers as a table and back, and
no Content Security Policy violation is reported."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from events import demo as event_demo
from events.models import Event, Week
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Pixels a drawn chart paints on its canvas (not transparent); an empty one paints none.
PAINTED = """(figure) => {
  const canvas = figure.querySelector('.chart-canvas canvas');
  if (!canvas || !canvas.width) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""


@pytest.fixture
def demo_today(db):
    """The demo week shifted to run today, with reports filed for the days before today."""
    today = timezone.localdate()
    event_demo.load_demo_week(today=today)
    week = Week.objects.get(name=event_demo.WEEK_NAME)
    for n, event in enumerate(Event.objects.filter(week=week, status=Event.Status.APPROVED)):
        for day in event.reporting_days:
            if day < today and (n + day.day) % 3:
                factories.report(event=event, day=day, status="submitted", is_late=bool((n + day.day) % 2))
    return week


def _watch_csp(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return errors


def _check_chart(page, figure_id: str, shots, name: str) -> None:
    figure = page.locator(f"figure#chart-{figure_id}")
    figure.scroll_into_view_if_needed()
    page.wait_for_selector(f"figure#chart-{figure_id}.chart-ready")
    handle = figure.element_handle()
    box = figure.locator(".chart-canvas").bounding_box()
    assert box["width"] <= 375  # fits the phone
    assert page.evaluate(PAINTED, handle) > 2000

    toggle = figure.locator("button.chart-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    table_id = toggle.get_attribute("aria-controls")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    table = page.locator(f"#{table_id} table")
    assert table.is_visible() and table.locator("tbody tr").count() > 0
    assert not figure.locator(".chart-canvas").is_visible()
    figure.screenshot(path=shots / f"{name}-table.png")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert not table.is_visible() and figure.locator(".chart-canvas").is_visible()
    figure.screenshot(path=shots / f"{name}-chart.png")


def test_board_charts_on_a_phone(live_server, phone_page, login, screenshot_dir, demo_today):
    page = phone_page
    errors = _watch_csp(page)
    login(page, factories.office_user())
    page.goto(live_server.url + reverse("board:home"))
    _check_chart(page, "reports", screenshot_dir, "board-reports")
    _check_chart(page, "units", screenshot_dir, "board-units")
    page.screenshot(path=screenshot_dir / "board-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    assert errors == []


def test_summary_charts_on_a_desktop(live_server, page, login, screenshot_dir, demo_today):
    errors = _watch_csp(page)
    login(page, factories.observer())
    page.goto(live_server.url + reverse("board:summary"))
    for name in ("reports", "media", "forms", "units"):
        page.wait_for_selector(f"figure#chart-{name}.chart-ready")
    page.locator(".summary-charts").screenshot(path=screenshot_dir / "summary-charts.png")
    page.emulate_media(media="print")
    page.locator(".summary-charts").screenshot(path=screenshot_dir / "summary-charts-print.png")
    assert errors == []


def test_home_strip_on_a_phone(live_server, phone_page, screenshot_dir, demo_today):
    page = phone_page
    errors = _watch_csp(page)
    page.goto(live_server.url + "/")
    strip = page.locator(".week-strip")
    assert strip.locator(".strip-label").all_inner_texts() == ["举办活动", "参与单位", "展示项目", "在线观看"]
    held = Event.objects.filter(week=demo_today, status=Event.Status.APPROVED, starts_at__lte=timezone.now())
    assert strip.locator(".strip-value").first.inner_text() == str(held.count())
    _check_chart(page, "week", screenshot_dir, "home-week")
    strip.screenshot(path=screenshot_dir / "home-strip-phone.png")
    # The phone's window of days opens on today, not on the week's last scheduled days.
    start, end, labels = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.querySelector('figure#chart-week .chart-canvas'));
            const option = chart.getOption();
            return [option.dataZoom[0].startValue, option.dataZoom[0].endValue, option.xAxis[0].data];
        }"""
    )
    today = timezone.localdate()
    assert len(labels) > end - start + 1  # a month-long week: more days than the window
    assert f"{today.month}月{today.day}日" in labels[start : end + 1]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert errors == []


def test_hall_and_contest_charts_on_a_phone(live_server, phone_page, login, screenshot_dir, demo_today):
    from contests.demo import load_demo_contest
    from contests.models import Contest, Round
    from exhibits.demo import load_demo_exhibition
    from exhibits.models import Exhibition

    load_demo_exhibition()
    load_demo_contest()
    hall = Exhibition.objects.get(week=demo_today)
    contest = Contest.objects.get(event__week=demo_today)
    final = Round.objects.filter(contest=contest, vote_opens_at__isnull=False).first()
    page = phone_page
    errors = _watch_csp(page)
    login(page, factories.office_user())
    page.goto(live_server.url + reverse("exhibits:totals", args=[hall.pk]))
    _check_chart(page, "sections", screenshot_dir, "hall-sections")
    _check_chart(page, "intents", screenshot_dir, "hall-intents")
    page.goto(live_server.url + reverse("contests:contest", args=[contest.pk]))
    _check_chart(page, "registrations", screenshot_dir, "contest-registrations")
    page.goto(live_server.url + reverse("contests:votes", args=[final.pk]))
    _check_chart(page, "votes", screenshot_dir, "contest-votes")
    assert errors == []
