"""axe-core in the browser on every public page and the office's and organizers' main pages:
any serious or critical violation (contrast below WCAG AA, a control without a name, a
missing language, ...) fails the test with the rule, the page and the elements.

axe is vendored under tests/data/axe (no CDN). The pages' CSP admits only the site's own
scripts, so the test's own browser context bypasses CSP to inject it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[1] / "data" / "axe" / "axe.min.js"
SHANGHAI = ZoneInfo("Asia/Shanghai")
FAILING_IMPACTS = ("serious", "critical")


@pytest.fixture
def site():
    today = timezone.now().astimezone(SHANGHAI).date()
    week = factories.week(
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=4),
        theme="创梦新天地，发展新经济",
        # The footer links to them on every page, on its dark background.
        office_contact_name="陈莉",
        office_email="kunshangyk@163.com",
        office_phone="57303063",
    )
    unit = factories.organizer(name="昆山市科学技术局")
    member = factories.member(unit, full_name="王晓明")
    office = factories.office_user(full_name="胡丹")
    main = factories.venue(name="昆山市主会场", kind="main", district="昆山高新区", address="创业路 1 号")
    event = factories.event(
        week=week,
        host=unit,
        reporter=member,
        venue=main,
        subtitle="科普日",
        live_url="https://live.example.com/a",
        starts_at=factories.at(today, 9),
        ends_at=factories.at(today + dt.timedelta(days=2), 17),
    )
    factories.event(
        week=week,
        venue=main,
        subtitle="专利服务进园区",
        starts_at=factories.at(today + dt.timedelta(days=1), 14),
        ends_at=factories.at(today + dt.timedelta(days=1), 16),
    )
    report = factories.report(
        event=event, day=today, status="submitted", photos=1, leaders=[("周海", "副市长", "municipal")]
    )
    factories.public_media(event=event)
    past = factories.week(
        name="2025年双创周", is_current=False, starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 9, 7)
    )
    factories.event(
        week=past,
        subtitle="往届路演",
        starts_at=factories.at(past.starts_on, 9),
        ends_at=factories.at(past.starts_on, 11),
    )
    return {
        "week": week,
        "past": past,
        "event": event,
        "report": report,
        "member": member,
        "office": office,
        "today": today,
    }


def public_pages(site) -> list[str]:
    event = site["event"]
    pages = [
        reverse("home"),
        reverse("schedule"),
        reverse("schedule") + "?day=all",
        reverse("event_detail", args=[event.pk]),
        reverse("venues:list"),
        reverse("venues:detail", args=[event.venue_id]),
        reverse("archive"),
        reverse("archive", query={"q": "路演"}),
        reverse("archive_week", args=[site["past"].pk]),
        reverse("open_data"),
        reverse("expo:hall"),
        reverse("contest:list"),
        reverse("login"),
    ]
    return pages + ["/en" + url for url in pages[:4]]


def staff_pages(site) -> list[tuple[str, list[str]]]:
    event, report = site["event"], site["report"]
    return [
        (
            "member",
            [
                reverse("organizer:dashboard"),
                reverse("reports:list"),
                reverse("reports:detail", args=[event.pk, site["today"]]),
                reverse("organizer:event_detail", args=[event.pk]),
            ],
        ),
        (
            "office",
            [
                reverse("board:home"),
                reverse("board:report", args=[report.pk]),
                reverse("board:summary"),
                reverse("review_events:queue"),
                reverse("review_events:detail", args=[event.pk]),
            ],
        ),
    ]


@pytest.fixture
def axe_page(browser):
    """A page whose context lets the test inject axe despite the site's CSP."""
    contexts = []

    def open_page(viewport: dict):
        context = browser.new_context(
            locale="zh-CN", viewport=viewport, timezone_id="Asia/Shanghai", bypass_csp=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def violations(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] in FAILING_IMPACTS:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
            why = (violation["nodes"][0].get("failureSummary") or "").replace("\n", " ")[:300]
            found.append(
                f"{url}: {violation['id']} ({violation['impact']}) {violation['help']}: {targets} {why}"
            )
    return found


def _console_error(console: list, page, message) -> None:
    if message.type == "error":
        console.append(f"{page.url}: {message.text}")


def test_public_pages_have_no_serious_accessibility_violation(live_server, axe_page, site):
    found, console = [], []
    for viewport in (PHONE, DESKTOP):
        page = axe_page(viewport)
        # Lighthouse counts every console error (a missing icon, a blocked script) against a page.
        page.on("console", lambda message, page=page: _console_error(console, page, message))
        for url in public_pages(site):
            found += violations(page, live_server.url + url)

    assert found == [], "\n".join(found)
    assert console == []


def test_staff_pages_have_no_serious_accessibility_violation(live_server, axe_page, login, site):
    found = []
    for role, urls in staff_pages(site):
        page = axe_page(DESKTOP)
        login(page, site[role])
        for url in urls:
            found += violations(page, live_server.url + url)

    assert found == [], "\n".join(found)


def test_the_check_finds_a_contrast_failure(live_server, axe_page, site):
    """The check itself: Bootstrap's default grey on the portal's off-white is caught."""
    page = axe_page(DESKTOP)
    page.goto(live_server.url + reverse("home"))
    page.evaluate(
        """() => {
            const button = document.createElement("a");
            button.className = "btn btn-sm";
            button.href = "#";
            button.textContent = "通知";
            button.style.color = "#6c757d";
            document.querySelector("main").prepend(button);
        }"""
    )
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {runOnly: ['color-contrast']})")

    assert [v["id"] for v in result["violations"]] == ["color-contrast"]
