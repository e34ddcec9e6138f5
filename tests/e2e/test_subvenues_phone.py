"""Sub-venues (federation) in Debian's Chromium: this project under live_server is a city's
portal read by itself as a sub-venue; the schedule's 分会场 choice lists its events apart
from the local ones, linking back, and /subvenues/ adds up the cities' totals, on a 375 px
phone and a desktop. Screenshots go to test-output/<test name>/."""

import pytest

from events import demo
from federation import services
from federation.models import Source

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sub_venues_on_the_schedule_and_their_totals(live_server, settings, page, phone_page, screenshot_dir):
    settings.SITE_URL = live_server.url
    demo.load_demo_week()
    kunshan = Source.objects.create(name="昆山市双创周", city="昆山", base_url=live_server.url)
    services.source_sync(source_id=kunshan.pk)
    services.source_totals_read(source_id=kunshan.pk)
    day = demo.BUSIEST_DAY.isoformat()

    for name, browser_page in (("desktop", page), ("phone", phone_page)):
        browser_page.goto(f"{live_server.url}/schedule/?day={day}")
        browser_page.select_option("#filter-subvenues", "昆山")  # data-autosubmit sends the form
        browser_page.wait_for_url("**subvenues=**")
        remote = browser_page.locator(".subvenue-events .event-card.is-remote")
        assert remote.count() > 0
        assert browser_page.locator(".event-list").first.locator(".is-remote").count() == 0  # never mixed in
        assert remote.first.locator("a").first.get_attribute("href").startswith(live_server.url + "/events/")
        assert (
            browser_page.evaluate("document.documentElement.scrollWidth")
            <= browser_page.viewport_size["width"]
        )
        browser_page.screenshot(path=str(screenshot_dir / f"schedule-{name}.png"), full_page=True)

        browser_page.goto(f"{live_server.url}/subvenues/")
        assert "昆山" in browser_page.locator("table.subvenue-totals tbody tr").first.inner_text()
        assert "更新于" in browser_page.locator(".subvenue-sources li").first.inner_text()
        assert (
            browser_page.evaluate("document.documentElement.scrollWidth")
            <= browser_page.viewport_size["width"]
        )
        browser_page.screenshot(path=str(screenshot_dir / f"subvenues-{name}.png"), full_page=True)
