"""The hall's totals in the office's week summary (page, .docx and .xlsx), handed to ``submissions``
through ``core.summary_sections`` (registered in ``ExhibitsConfig.ready``): the numbers are
the database's, and the observers read them as the office does."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from core import summary_sections
from exhibits.models import Intent, Project, ProjectDailyViews, Signing
from exhibits.presenters import hall_summary_sections
from tests import factories
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_hall(week):
    """A hall of the current week with projects in every state, views, intents and signings,
    some of them after the week."""
    hall = exhibit_factories.exhibition(week=week, title="高校科技成果云展厅")
    carbon = exhibit_factories.section(exhibition=hall, name="碳中和", order=0)
    health = exhibit_factories.section(exhibition=hall, name="生物医药", order=1)
    a = exhibit_factories.project(exhibition=hall, section=carbon)
    exhibit_factories.project(exhibition=hall, section=carbon, status=Project.Status.SUBMITTED)
    c = exhibit_factories.project(exhibition=hall, section=health)
    exhibit_factories.project(exhibition=hall, section=health, status=Project.Status.DRAFT)
    exhibit_factories.project(exhibition=hall, section=health, status=Project.Status.REJECTED)
    day = week.starts_on
    ProjectDailyViews.objects.create(project=a, day=day, count=10)
    ProjectDailyViews.objects.create(project=c, day=day + dt.timedelta(days=2), count=7)
    ProjectDailyViews.objects.create(project=a, day=day + dt.timedelta(days=40), count=3)  # after the week
    exhibit_factories.intent(project=a, confirmed_at=factories.at(day, 12))
    exhibit_factories.intent(project=c, confirmed_at=factories.at(day + dt.timedelta(days=1), 9))
    exhibit_factories.intent(project=c, confirmed=False)  # never reached the holder: not counted
    exhibit_factories.signing(project=a, signed_on=day + dt.timedelta(days=1), amount=Decimal("150.50"))
    exhibit_factories.signing(project=c, signed_on=day + dt.timedelta(days=2), amount=None)
    other_week = exhibit_factories.exhibition(title="往届展厅")  # another week's hall: not in this summary
    exhibit_factories.project(exhibition=other_week)
    return hall


def database_counts(hall) -> dict:
    projects = Project.objects.filter(exhibition=hall)
    return {
        "submitted": projects.exclude(status=Project.Status.DRAFT).count(),
        "accepted": projects.filter(status=Project.Status.ACCEPTED).count(),
        "views": ProjectDailyViews.objects.filter(project__exhibition=hall).aggregate(n=Sum("count"))["n"],
        "intents": Intent.objects.filter(project__exhibition=hall, confirmed_at__isnull=False).count(),
        "signings": Signing.objects.filter(project__exhibition=hall).count(),
        "amount": Signing.objects.filter(project__exhibition=hall).aggregate(n=Sum("amount"))["n"],
    }


def table_cells(html: str, section_id: str) -> list[list[str]]:
    part = html[html.index(f'id="{section_id}"') :]
    part = part[: part.index("</section>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", part, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def test_the_hall_registers_its_section_with_the_summary():
    assert summary_sections._providers["exhibits"] is hall_summary_sections


def test_the_summary_page_shows_the_halls_totals_to_the_office_and_the_observers(busy_hall, week):
    counts = database_counts(busy_hall)
    section_id = f"summary-hall-{busy_hall.pk}"

    for reader in (factories.office_user(), factories.observer()):
        client = Client()
        client.force_login(reader)
        html = client.get(reverse("board:summary")).content.decode()

        assert "云展厅：高校科技成果云展厅" in html and "往届展厅" not in html
        assert (
            f"共征集展项{counts['submitted']}项，已入展{counts['accepted']}项；展项页面浏览{counts['views']}次，"
            f"收到经验证的合作意向{counts['intents']}条，签约{counts['signings']}项，"
            f"签约金额合计{counts['amount']:.2f}万元"
        ) in html
        rows = table_cells(html, section_id)
        assert ["碳中和", "2", "1"] in rows and ["生物医药", "2", "1"] in rows
        assert ["合计", str(counts["submitted"]), str(counts["accepted"])] in rows
        days = {row[0]: row[1:] for row in rows if row and "月" in row[0]}
        assert len(days) == (week.ends_on - week.starts_on).days + 1  # every day of the week
        assert days["9月20日"] == ["10", "1", "0", "0.00"]
        assert days["9月21日"] == ["0", "1", "1", "150.50"]
        assert ["活动周外其他日期", "3", "0", "0", "0.00"] in rows
        assert ["合计", "20", "2", "2", "150.50"] in rows

    # A day of the week shows that day's reporting only.
    client = Client()
    client.force_login(factories.office_user())
    day_html = client.get(reverse("board:summary"), {"day": week.starts_on.isoformat()}).content.decode()
    assert section_id not in day_html


def test_the_summary_docx_carries_the_section_before_the_notes(busy_hall, week):
    client = Client()
    client.force_login(factories.observer())
    document = Document(io.BytesIO(client.get(reverse("board:summary_docx")).content))
    counts = database_counts(busy_hall)

    texts = [paragraph.text for paragraph in document.paragraphs]
    heading = texts.index("四、云展厅：高校科技成果云展厅")
    notes = next(i for i, text in enumerate(texts) if text.endswith("、统计口径"))
    assert notes > heading
    assert any(f"收到经验证的合作意向{counts['intents']}条" in text for text in texts[heading:])
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    by_section = next(table for table in tables if table[0] == ["展区", "已提交", "已入展"])
    assert by_section[-1] == ["合计", str(counts["submitted"]), str(counts["accepted"])]
    by_day = next(table for table in tables if table[0][:2] == ["日期", "浏览量"])
    assert by_day[-1] == ["合计", str(counts["views"]), "2", "2", "150.50"]


def test_the_summary_xlsx_has_a_sheet_of_the_halls_totals(busy_hall, week):
    client = Client()
    client.force_login(factories.observer())
    book = load_workbook(io.BytesIO(client.get(reverse("board:summary_xlsx")).content))
    counts = database_counts(busy_hall)

    # The registered sections in their order: the hall's, then the online views'.
    assert book.sheetnames == [
        "每日汇总",
        "出席领导",
        "未报送",
        "云展厅：高校科技成果云展厅",
        "云活动与云视频",
    ]
    rows = [[cell for cell in row if cell is not None] for row in book["云展厅：高校科技成果云展厅"].values]
    assert rows[0][0].startswith("云展厅：高校科技成果云展厅（截至 ")
    assert any(f"收到经验证的合作意向{counts['intents']}条" in row[0] for row in rows if row)
    by_section = rows.index(["展项（按展区）"])
    assert rows[by_section + 1] == ["展区", "已提交", "已入展"]
    assert ["合计", counts["submitted"], counts["accepted"]] in rows
    assert ["合计", counts["views"], 2, 2, "150.50"] in rows
    assert book["云展厅：高校科技成果云展厅"]["A1"].font.b


def test_a_week_without_a_hall_has_no_section(week):
    client = Client()
    client.force_login(factories.office_user())

    html = client.get(reverse("board:summary")).content.decode()
    document = Document(io.BytesIO(client.get(reverse("board:summary_docx")).content))
    book = load_workbook(io.BytesIO(client.get(reverse("board:summary_xlsx")).content))

    assert book.sheetnames == ["每日汇总", "出席领导", "未报送", "云活动与云视频"]
    assert "云展厅：" not in html and "summary-hall-" not in html
    headings = [paragraph.text for paragraph in document.paragraphs if "、" in paragraph.text[:3]]
    assert headings[-1].endswith("、统计口径") and not any("云展厅" in text for text in headings)
