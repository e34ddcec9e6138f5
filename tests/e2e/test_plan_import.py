"""The office imports the city's plan in a browser: from the spreadsheet import page to the
plan's page, the .docx uploaded, the preview with its warnings, one event unticked, the
confirm. Screenshot of the preview in test-output/."""

import io
from pathlib import Path

import docx
import pytest
from playwright.sync_api import expect

from events.models import Event, Week
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parent.parent / "data" / "plans" / "kunshan_2017.txt"


@pytest.fixture
def plan_docx(tmp_path) -> Path:
    document = docx.Document()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "昆山市工作方案.docx"
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_the_office_uploads_the_plan_sees_the_preview_and_confirms(
    live_server, page, login, plan_docx, screenshot_dir
):
    week = factories.week()
    factories.organizer(name="昆山市人社局")
    office = factories.office_user(full_name="胡丹")
    login(page, office)

    page.goto(f"{live_server.url}/review/events/import/")
    page.get_by_role("link", name="导入工作方案").first.click()
    page.set_input_files("input[name=file]", str(plan_docx))
    page.get_by_role("button", name="读取并预览").click()

    rows = page.locator("table.plan-events tbody tr")
    expect(rows).to_have_count(9)
    expect(rows.nth(0)).to_contain_text("活动周前已开始")
    expect(rows.nth(0)).to_contain_text("活动开始于方案活动时间之前")
    expect(rows.nth(6)).to_contain_text("线上")
    expect(rows.nth(7)).to_contain_text("共 3 个主办单位")
    expect(rows.nth(8)).to_contain_text("活动地点在其他城市（广州）")
    expect(page.locator("table.plan-week")).to_contain_text("陈莉")
    assert Event.objects.count() == 0
    page.screenshot(path=str(screenshot_dir / "preview.png"), full_page=True)

    page.uncheck("#plan-event-5")
    page.get_by_role("button", name="确认导入所勾选的活动和活动周设置").click()

    expect(page.locator(".alert-success, .alert-info").first).to_contain_text("新建活动 8 项")
    week = Week.objects.get(pk=week.pk)
    assert (week.office_contact_name, week.report_contact_name) == ("陈莉", "胡丹")
    assert Event.objects.filter(week=week, status="approved").count() == 8
