"""The 承办/协办 unit pickers in a browser: type part of a name, the list narrows, the chosen
unit becomes a chip; by mouse, by keyboard and on a 375 px phone; the host is greyed out and
the form's refusal of it stays visible; without JavaScript the plain multi-select still saves.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event, EventPartner, Membership
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Names alike enough that a filter has to tell them apart; the list is long like the real one.
UNITS = [
    "昆山市总工会",
    "昆山市科学技术局",
    "昆山市青年创业协会",
    "昆山市妇女联合会",
    "昆山高新区管委会",
    "昆山市大学科技园创新创业孵化服务中心与青年人才发展促进会",
]


@pytest.fixture
def setup(db):
    today = timezone.localdate()
    week = factories.week(starts_on=today, ends_on=today + dt.timedelta(days=6))
    venue = factories.venue(name="科技广场分会场", kind="main")
    host = factories.organizer(name="昆山市人社局")
    member = factories.member(host, full_name="李娜")
    units = {name: factories.organizer(name=name) for name in UNITS}
    for number in range(60):
        factories.organizer(name=f"昆山市测试单位{number:02d}")
    return {"week": week, "venue": venue, "host": host, "member": member, "units": units}


def _fill_required(page, week, venue):
    day = week.starts_on + dt.timedelta(days=1)
    page.fill("#id_subtitle", "孵化基地创业孵化培训会")
    page.select_option("#id_form", "service")
    page.fill("#id_starts_at", f"{day:%Y-%m-%d}T09:00")
    page.fill("#id_ends_at", f"{day:%Y-%m-%d}T11:30")
    page.select_option("#id_venue", str(venue.pk))
    page.fill("#id_place", "科技广场")


def _csp_violations(page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and messages.append(m.text))
    return messages


def _picker(page, field):
    """The picker's wrapper, its search input and its dropdown."""
    wrapper = page.locator(f"#id_{field} + .ts-wrapper")
    return wrapper, page.locator(f"#id_{field}-ts-control"), page.locator(f"#id_{field}-ts-dropdown")


def _stored(event) -> set[tuple[str, str]]:
    return {
        (p.role, p.organizer.name)
        for p in EventPartner.objects.filter(event=event).select_related("organizer")
    }


def test_type_to_filter_pick_chips_and_save(live_server, page, login, setup, screenshot_dir):
    violations = _csp_violations(page)
    login(page, setup["member"])
    page.goto(f"{live_server.url}/organizer/events/new/")
    _fill_required(page, setup["week"], setup["venue"])

    # 承办: part of the name narrows ~65 units to one; a click makes it a chip.
    wrapper, search, dropdown = _picker(page, "undertakers")
    assert search.get_attribute("placeholder") == "输入单位名称搜索"
    search.click()
    assert dropdown.locator(".option").count() > 50, "all units listed, not only the first 50"
    search.press_sequentially("总工")
    options = dropdown.locator(".option")
    expect(options).to_have_text(["昆山市总工会"])
    page.screenshot(path=screenshot_dir / "filtered.png")
    options.first.click()
    assert wrapper.locator(".item").all_inner_texts()[0].startswith("昆山市总工会")

    # A name nobody has says so, in the page's language.
    search.press_sequentially("不存在的单位")
    expect(dropdown.locator(".no-results")).to_have_text("无匹配单位")
    search.fill("")

    # 协办 by keyboard alone: Tab in, type, the first match is highlighted, Enter takes it.
    search.press("Escape")
    page.focus("#id_undertaker_names")
    page.keyboard.press("Tab")
    co_wrapper, co_search, co_dropdown = _picker(page, "co_organizers")
    assert page.evaluate("document.activeElement.id") == "id_co_organizers-ts-control"
    page.keyboard.type("妇女")
    expect(co_dropdown.locator(".option.active")).to_have_text(["昆山市妇女联合会"])
    page.keyboard.press("Enter")
    page.keyboard.type("创业协会")
    expect(co_dropdown.locator(".option.active")).to_have_text(["昆山市青年创业协会"])
    expect(co_dropdown.locator(".option")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(co_wrapper.locator(".item")).to_have_count(2)
    # Left moves the cursor between the chips; Backspace takes off the one before it.
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Backspace")
    expect(co_wrapper.locator(".item")).to_have_count(1)
    assert co_wrapper.locator(".item").inner_text().startswith("昆山市青年创业协会")
    page.screenshot(path=screenshot_dir / "chosen.png", full_page=True)

    page.click("button[name=action][value=draft]")
    assert "已保存草稿" in page.inner_text("main")
    event = Event.objects.get(subtitle="孵化基地创业孵化培训会")
    assert _stored(event) == {("undertaker", "昆山市总工会"), ("co_organizer", "昆山市青年创业协会")}

    # Editing shows the stored units as chips again.
    page.goto(f"{live_server.url}/organizer/events/{event.pk}/edit/")
    assert _picker(page, "undertakers")[0].locator(".item").all_inner_texts()[0].startswith("昆山市总工会")
    assert (
        _picker(page, "co_organizers")[0]
        .locator(".item")
        .all_inner_texts()[0]
        .startswith("昆山市青年创业协会")
    )
    assert violations == []


def test_host_is_greyed_out_and_its_refusal_stays_visible(live_server, page, login, setup, screenshot_dir):
    second = setup["units"]["昆山市总工会"]
    Membership.objects.create(organizer=second, user=setup["member"])
    login(page, setup["member"])
    page.goto(f"{live_server.url}/organizer/events/new/")
    _fill_required(page, setup["week"], setup["venue"])
    page.select_option("#id_host", str(setup["host"].pk))
    wrapper, search, dropdown = _picker(page, "undertakers")

    search.press_sequentially("人社")
    option = dropdown.locator(".option", has_text="昆山市人社局")
    expect(option).to_have_attribute("aria-disabled", "true")
    option.click(force=True)
    assert wrapper.locator(".item").count() == 0, "the host cannot be picked"

    # Chosen before the host changed to it: the chip stays, and the form says why it is refused.
    search.fill("")
    search.press_sequentially("总工")
    dropdown.locator(".option", has_text="昆山市总工会").click()
    page.select_option("#id_host", str(second.pk))
    page.click("button[name=action][value=draft]")
    error = page.locator("#div_id_undertakers .invalid-feedback")
    assert error.is_visible()
    assert "主办单位不必再列为承办或协办单位。" in error.inner_text()
    assert _picker(page, "undertakers")[0].locator(".item").all_inner_texts()[0].startswith("昆山市总工会")
    page.screenshot(path=screenshot_dir / "host-refused.png", full_page=True)
    assert not Event.objects.exists()


def test_phone_chips_fit_and_are_tappable(live_server, phone_page, login, setup, screenshot_dir):
    page = phone_page
    violations = _csp_violations(page)
    login(page, setup["member"])
    page.goto(f"{live_server.url}/organizer/events/new/")
    wrapper, search, dropdown = _picker(page, "undertakers")
    for part in ("高新区", "科学技术", "孵化服务", "测试单位07"):
        search.click()
        search.press_sequentially(part)
        expect(dropdown.locator(".option")).to_have_count(1)
        dropdown.locator(".option").first.click()
    assert wrapper.locator(".item").count() == 4
    search.click()
    search.press_sequentially("测试单位1")
    dropdown.locator(".option").first.wait_for()
    page.locator("#div_id_undertakers").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "phone-open.png")
    search.press("Escape")
    page.locator("#div_id_undertakers").screenshot(path=screenshot_dir / "phone-chips.png")

    # Nothing wider than the phone, and each chip's × is a finger-sized target (the phone fixture has no touch, so clicks stand in for taps).
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    box = wrapper.locator(".item .remove").first.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    wrapper.locator(".item", has_text="昆山高新区管委会").locator(".remove").click()
    assert wrapper.locator(".item").count() == 3
    assert "昆山高新区管委会" not in wrapper.inner_text()

    # A picker scrolled beneath the sticky save buttons stays beneath them.
    page.evaluate("document.querySelector('#id_co_organizers + .ts-wrapper').scrollIntoView({block: 'end'})")
    button = page.locator("button[name=action][value=draft]").bounding_box()
    on_top = "(p) => document.elementFromPoint(p.x, p.y).closest('.form-actions') !== null"
    assert page.evaluate(on_top, {"x": button["x"] + 4, "y": button["y"] + button["height"] / 2})
    page.screenshot(path=screenshot_dir / "phone-under-buttons.png")
    assert violations == []


def test_without_javascript_the_plain_multi_select_still_saves(live_server, browser, setup):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", setup["member"].username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"{live_server.url}/organizer/events/new/")
    assert page.locator(".ts-wrapper").count() == 0
    _fill_required(page, setup["week"], setup["venue"])
    units = setup["units"]
    page.select_option("#id_undertakers", [str(units["昆山市总工会"].pk), str(units["昆山市科学技术局"].pk)])
    page.select_option("#id_co_organizers", str(units["昆山市青年创业协会"].pk))
    page.click("button[name=action][value=draft]")
    assert "已保存草稿" in page.inner_text("main")
    assert _stored(Event.objects.get()) == {
        ("undertaker", "昆山市总工会"),
        ("undertaker", "昆山市科学技术局"),
        ("co_organizer", "昆山市青年创业协会"),
    }
    context.close()
