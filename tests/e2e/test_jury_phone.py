"""A juror scores on a 375 px phone in Debian's Chromium, loses the connection (the score
requests are aborted), reconnects, and every score is saved. Screenshots go to
test-output/<test name>/."""

import json
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from contests import services
from contests.models import Score
from tests.contests import factories as contest_factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_scores_typed_offline_are_all_saved_after_reconnecting(live_server, phone_page, screenshot_dir):
    contest = contest_factories.contest()
    round_ = contest_factories.round_(contest=contest)
    criteria = contest_factories.criteria(round_)
    entries = [
        contest_factories.entry(contest=contest, name=name)
        for name in ("智能农业植保无人机", "社区居家养老服务平台")
    ]
    contest_factories.lineup(round_, entries)
    juror = contest_factories.juror(round_=round_, name="周建华")
    page = phone_page

    page.goto(f"{live_server.url}/jury/enter/{services.juror_link_token(juror)}/")
    assert "周建华" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(screenshot_dir / "lineup-375.png"), full_page=True)
    page.click("text=智能农业植保无人机")
    page.wait_for_load_state("networkidle")

    # Online: the first score is saved as it is typed.
    first = page.locator(f"input[data-criterion='{criteria[0].pk}']")
    first.fill("25")
    first.blur()
    expect(page.locator("form [data-save-status]")).to_contain_text("已保存")
    assert Score.objects.get().value == Decimal("25")

    # The connection drops: every score request fails, nothing is lost.
    page.route("**/score/", lambda route: route.abort("internetdisconnected"))
    values = {criteria[0].pk: "27.5", criteria[1].pk: "24", criteria[2].pk: "16", criteria[3].pk: "18.5"}
    for criterion_id, value in values.items():
        field = page.locator(f"input[data-criterion='{criterion_id}']")
        field.fill(value)
        field.blur()
    page.fill("textarea[data-comment]", "商业模式清晰，市场调研扎实。")
    page.locator("textarea[data-comment]").blur()
    expect(page.locator("form [data-save-status]")).to_contain_text("未发送")
    pending = json.loads(page.evaluate(f"localStorage.getItem('jury:{juror.pk}:pending')"))
    assert len(pending) == 5
    page.screenshot(path=str(screenshot_dir / "offline-375.png"), full_page=True)
    assert Score.objects.get().value == Decimal("25")

    # Even a reload while offline keeps what was typed (from this phone's storage).
    page.reload()
    assert page.locator(f"input[data-criterion='{criteria[1].pk}']").input_value() == "24"

    # Back online: what was kept is sent, and the page says so.
    page.unroute("**/score/")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("form [data-save-status]")).to_contain_text("已保存")
    assert page.evaluate(f"localStorage.getItem('jury:{juror.pk}:pending')") == "{}"
    saved = dict(Score.objects.filter(juror=juror, entry=entries[0]).values_list("criterion_id", "value"))
    assert saved == {pk: Decimal(value) for pk, value in values.items()}
    assert juror.assessments.get().comment == "商业模式清晰，市场调研扎实。"
    page.screenshot(path=str(screenshot_dir / "saved-375.png"), full_page=True)

    # "保存，下一个" goes on to the next entrant.
    page.click("form[data-jury-sheet] button[type=submit]")
    page.wait_for_url(f"**/jury/{juror.pk}/entries/{entries[1].pk}/")
    assert "社区居家养老服务平台" in page.locator("h1").inner_text()
