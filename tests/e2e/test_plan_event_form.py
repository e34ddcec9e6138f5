"""The event form as a plan writes an event, in a browser: co-hosts picked in the plan's order
keep it; the kind of place shows the fields it uses (static/js/place_kind.js, no inline
script under the CSP); without JavaScript every place field shows and the form still saves."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(db):
    today = timezone.localdate()
    week = factories.week(starts_on=today, ends_on=today + dt.timedelta(days=6))
    factories.venue(name="登云学院分会场", kind="main")
    host = factories.organizer(name="昆山市经济和信息化委员会")
    member = factories.member(host, full_name="陈静")
    for name in ("昆山市人力资源和社会保障局", "昆山市总工会"):
        factories.organizer(name=name)
    return {"week": week, "member": member}


def _fill(page, week):
    day = week.starts_on + dt.timedelta(days=1)
    page.fill("#id_subtitle", "第一届昆山市工业机器人技术应用技能大赛")
    page.select_option("#id_form", "contest")
    page.fill("#id_starts_at", f"{day:%Y-%m-%d}T09:00")
    page.fill("#id_ends_at", f"{day:%Y-%m-%d}T17:00")


def test_co_hosts_keep_the_order_picked_and_the_kind_shows_its_fields(live_server, page, login, setup):
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    login(page, setup["member"])
    page.goto(f"{live_server.url}/organizer/events/new/")
    _fill(page, setup["week"])

    # A city venue at first: the venue shows, the online link does not.
    expect(page.locator("#id_venue")).to_be_visible()
    expect(page.locator("#id_online_url")).to_be_hidden()
    page.check("input[name=place_kind][value=online]")
    expect(page.locator("#id_venue")).to_be_hidden()
    expect(page.locator("#id_place")).to_be_hidden()
    expect(page.locator("#id_online_url")).to_be_visible()
    page.check("input[name=place_kind][value=place]")
    expect(page.locator("#id_venue")).to_be_hidden()
    expect(page.locator("#id_place")).to_be_visible()
    page.fill("#id_place", "昆山市登云科技职业学院")

    # The plan lists 人社局 before 总工会; picked in the other order, they stay as picked.
    search = page.locator("#id_co_hosts-ts-control")
    for part in ("总工会", "人力资源"):
        search.click()
        search.press_sequentially(part)
        page.locator("#id_co_hosts-ts-dropdown .option").first.click()
    page.click("button[value=draft]")
    expect(page.locator("h1")).to_contain_text("工业机器人")

    event = Event.objects.get()
    assert event.place_kind == "place" and event.venue is None
    assert [unit.name for unit in event.hosts] == [
        "昆山市经济和信息化委员会",
        "昆山市总工会",
        "昆山市人力资源和社会保障局",
    ]
    assert violations == []


def test_without_javascript_every_place_field_shows_and_the_form_saves(live_server, browser, setup):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", setup["member"].username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"{live_server.url}/organizer/events/new/")
    _fill(page, setup["week"])
    for field in ("venue", "place", "address", "online_url"):
        expect(page.locator(f"#id_{field}")).to_be_visible()
    page.check("input[name=place_kind][value=elsewhere]")
    page.fill("#id_place", "广州")
    page.click("button[name=action][value=draft]")
    assert "已保存草稿" in page.inner_text("main")

    event = Event.objects.get()
    assert (event.place_kind, event.venue, event.place) == ("elsewhere", None, "广州")
    context.close()
