"""The whole path in a browser: the office invites a unit, the member sets a password,
registers and submits an event on a phone, the office approves it from the queue, and the
event shows on the public schedule (/schedule/) and the home page.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Shuangchuang-2026!"


def test_invite_register_submit_approve_publish(live_server, page, phone_page, login, screenshot_dir):
    today = timezone.localdate()
    week = factories.week(
        starts_on=today, ends_on=today + dt.timedelta(days=6), theme="创梦新天地，发展新经济"
    )
    factories.venue(name="科技广场分会场", kind="main")
    factories.theme(name="创业就业")
    office = factories.office_user(full_name="胡丹")
    tomorrow = today + dt.timedelta(days=1)

    # The office adds the unit and invites its member.
    login(page, office)
    page.goto(f"{live_server.url}/review/events/units/")
    page.fill("#id_name", "昆山市人社局")
    page.select_option("#id_kind", "government")
    page.fill("#id_contact_phone", "0512-57303063")
    page.get_by_role("button", name="添加", exact=True).click()
    page.wait_for_url(re.compile(r".*/review/events/units/\d+/$"))
    page.fill("#id_email", "lina@example.com")
    page.fill("#id_full_name", "李娜")
    page.get_by_role("button", name="发送邀请").click()
    assert "邀请已发送至 lina@example.com" in page.inner_text("main")
    (invitation,) = mail.outbox
    assert invitation.subject == "邀请您加入“昆山市人社局”，登记双创周活动"
    link = re.search(r"https?://\S+/organizer/invitation/\S+/", invitation.body).group(0)
    path = link.split("/organizer/", 1)[1]

    # The member sets a password on a phone and lands in the organizer area.
    phone = phone_page
    phone.goto(f"{live_server.url}/organizer/{path}")
    phone.fill("#id_password1", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/organizer/")
    assert "欢迎！您已加入“昆山市人社局”" in phone.inner_text("main")

    # Registers an event; the full title follows the subtitle as it is typed.
    phone.get_by_role("link", name="登记新活动").click()
    phone.fill("#id_subtitle", "孵化基地创业孵化培训会")
    # (The page's deferred script may start after the typing: it reads the field when it does.)
    expect(phone.locator("#full-title-preview")).to_have_text(f"{week.unified_title}——孵化基地创业孵化培训会")
    phone.select_option("#id_form", "service")
    phone.check("text=创业就业")
    phone.fill("#id_starts_at", f"{tomorrow:%Y-%m-%d}T09:00")
    phone.fill("#id_ends_at", f"{tomorrow:%Y-%m-%d}T11:30")
    phone.select_option("#id_venue", label="科技广场分会场（主会场）")
    phone.fill("#id_place", "科技广场（东创蒲公英）")
    phone.fill("#id_address", "前进东路科技广场")
    phone.fill("#id_undertaker_names", "东创蒲公英")
    phone.fill("#id_contact_name", "李娜")
    phone.fill("#id_contact_phone", "13800000002")
    phone.fill("#id_contact_email", "lina@example.com")
    phone.select_option("#id_reporter", index=1)
    phone.fill("#id_description", "面向初创团队的孵化培训。\n\n现场答疑。")
    phone.screenshot(path=screenshot_dir / "organizer-form-phone.png", full_page=True)
    phone.click("button[name=action][value=submit]")
    assert "已提交审核" in phone.inner_text("main")
    assert "待审核" in phone.inner_text("main")

    # The office sees it in the queue and approves it.
    page.goto(f"{live_server.url}/review/events/")
    assert "孵化基地创业孵化培训会" in page.inner_text("main")
    page.screenshot(path=screenshot_dir / "office-queue.png", full_page=True)
    page.check("#select-all")
    page.get_by_role("button", name="批量通过并发布").click()
    assert "已批量通过并发布 1 项活动。" in page.inner_text("main")

    # The member is told, and the public sees the event.
    phone.goto(f"{live_server.url}/organizer/")
    assert "活动已审核通过并发布：孵化基地创业孵化培训会" in phone.inner_text("main")
    public = page.context.browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/schedule/")
    assert "孵化基地创业孵化培训会" in public.inner_text("main")
    public.goto(f"{live_server.url}/")
    assert "孵化基地创业孵化培训会" in public.inner_text("main")
    public.context.close()
