"""The day's exports, opened again: xlsx with openpyxl, docx with python-docx, the zip with zipfile."""

import datetime as dt
import hashlib
import io
import json
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from submissions.exports import docx as docx_export
from submissions.exports import word as word_layout
from submissions.exports.xlsx import DAY_HEADERS, DAY_SHEET, WEEK_HEADERS, WEEK_SHEET, day_workbook
from submissions.exports.zip import stream_day_zip
from submissions.models import MediaFile
from tests import factories
from tests.submissions import media_samples

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 9, 21)
EVENING = dt.datetime(2026, 9, 21, 18, 0, tzinfo=SHANGHAI)


def real_media(report, *, content: bytes, kind="photo", caption="", name="现场.jpg", preview=None):
    media = MediaFile(
        report=report,
        kind=kind,
        original_name=name,
        caption=caption,
        size=len(content),
        sha256=hashlib.sha256(content + name.encode()).hexdigest(),
        status="passed",
        checked_at=timezone.now(),
    )
    media.file.save(name, ContentFile(content), save=False)
    if preview:
        media.preview.save("preview.jpg", ContentFile(preview), save=False)
    media.save()
    return media


@pytest.fixture
def jpeg(tmp_path):
    return media_samples.make_jpeg(tmp_path / "photo.jpg", width=320, height=240).read_bytes()


@pytest.fixture
def day_material(week, office_user, jpeg):
    """Two accepted reports (one with a leader, photos and a video), one late, one missing."""
    tech = factories.organizer(name="昆山市科技局")
    youth = factories.organizer(name="共青团昆山市委")
    hall = factories.venue(name="昆山国际会展中心")
    salon = factories.event(
        week=week,
        host=tech,
        venue=hall,
        subtitle="沪昆新材料产学研沙龙",
        reporter=factories.member(tech, full_name="王晓明", phone="13800000001"),
        starts_at=factories.at(DAY, 9),
        ends_at=factories.at(DAY, 12),
    )
    roadshow = factories.event(
        week=week,
        host=youth,
        venue=hall,
        subtitle="青年创业项目路演",
        starts_at=factories.at(DAY, 13),
        ends_at=factories.at(DAY, 15),
    )
    late = factories.event(
        week=week,
        host=youth,
        venue=hall,
        subtitle="创客市集",
        starts_at=factories.at(DAY, 10),
        ends_at=factories.at(DAY, 11),
    )
    factories.event(
        week=week,
        host=tech,
        venue=hall,
        subtitle="专利服务进园区",
        starts_at=factories.at(DAY, 9),
        ends_at=factories.at(DAY, 10),
    )
    first = factories.report(
        event=salon,
        day=DAY,
        status="accepted",
        reviewed_by=office_user,
        attendance=120,
        text="沙龙邀请沪昆两地 30 家企业参加。\n现场签约合作项目 3 个。",
        leaders=[("周海", "副市长", "municipal"), ("李强", "副省长", "provincial")],
    )
    real_media(first, caption="签约仪式", name="签约.jpg", content=jpeg, preview=jpeg)
    real_media(first, caption="嘉宾合影", name="合影.jpg", content=jpeg + b"2")
    real_media(
        first, kind="video", caption="沙龙视频", name="沙龙.MOV", content=b"\x00\x00\x00\x18ftypqt  video"
    )
    second = factories.report(
        event=roadshow,
        day=DAY,
        status="accepted",
        reviewed_by=office_user,
        text="12 个青年创业项目现场路演。",
    )
    real_media(second, name="路演.jpg", content=jpeg + b"3")
    factories.report(
        event=late,
        day=DAY,
        status="submitted",
        is_late=True,
        submitted_at=factories.at(DAY, 17),
        leaders=[("张伟", "局长", "county")],
    )
    return {"salon": salon, "roadshow": roadshow, "first": first, "second": second}


# --- xlsx ----------------------------------------------------------------------------------


def test_xlsx_has_a_row_per_event_day_and_the_weeks_compliance(week, day_material):
    book = load_workbook(io.BytesIO(day_workbook(week=week, day=DAY, now=EVENING)))

    assert book.sheetnames == [DAY_SHEET, WEEK_SHEET]
    sheet = book[DAY_SHEET]
    assert "2026年9月21日" in sheet["A1"].value and week.unified_title in sheet["A1"].value
    assert [cell.value for cell in sheet[2]] == DAY_HEADERS
    data = [
        dict(zip(DAY_HEADERS, [cell.value for cell in row], strict=False))
        for row in sheet.iter_rows(min_row=3, max_row=6)
    ]
    # The unified title is in the sheet's title once; each row names its own subtitle.
    by_title = {row["活动"]: row for row in data}
    assert {title: row["状态"] for title, row in by_title.items()} == {
        "沪昆新材料产学研沙龙": "已采用",
        "青年创业项目路演": "已采用",
        "创客市集": "逾期报送",
        "专利服务进园区": "未报送",
    }
    salon = by_title["沪昆新材料产学研沙龙"]
    assert salon["出席领导"] == "副市长 周海；副省长 李强"
    assert (salon["信息报送员"], salon["联系电话"], salon["参加人数"]) == ("王晓明", "13800000001", 120)
    assert (salon["合格照片"], salon["照片总数"], salon["合格视频"], salon["视频总数"]) == (2, 2, 1, 1)
    assert salon["截止时间"] == dt.datetime(2026, 9, 21, 16, 0)  # local wall time
    assert by_title["创客市集"]["首次报送时间"] == dt.datetime(2026, 9, 21, 17, 0)
    total = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "合计"][0]
    assert "应报送 4 份；按时 2 份；逾期 1 份；未报送 1 份；已采用 2 份" in total[1]

    week_sheet = book[WEEK_SHEET]
    assert [cell.value for cell in week_sheet[2]] == WEEK_HEADERS
    units = {row[0]: row[1:] for row in week_sheet.iter_rows(min_row=3, values_only=True)}
    assert units["昆山市科技局"] == (2, 1, 0, 1, 0.5, 0)
    assert units["共青团昆山市委"] == (2, 1, 1, 0, 0.5, 0)


# --- docx ----------------------------------------------------------------------------------


def test_bulletin_docx_layout_counts_leaders_first_and_chinese_fonts(week, day_material):
    doc = Document(io.BytesIO(docx_export.bulletin_document(week=week, day=DAY, now=EVENING)))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]

    assert texts[0] == "活动周每日简报"
    assert texts[1] == "第二期"
    assert texts[2].startswith("市发改委编") and texts[2].endswith("2026年9月21日")
    assert texts[3] == week.unified_title and texts[4] == "2026年9月21日活动情况"
    summary = texts[5]
    assert "应报送活动信息4份，按时报送2份，逾期报送1份，未报送1份；经审核采用2份" in summary
    leaders_at, activities_at = texts.index("一、领导出席情况"), texts.index("二、活动情况")
    assert leaders_at < activities_at
    assert texts[leaders_at + 1] == "副市长周海、副省长李强出席“沪昆新材料产学研沙龙”。"
    assert "张伟" not in "".join(texts)  # only accepted reports go into the bulletin
    sections = [t for t in texts if t.startswith("（")]
    assert sections == ["（一）沪昆新材料产学研沙龙", "（二）青年创业项目路演"]
    assert "现场签约合作项目 3 个。" in texts and "12 个青年创业项目现场路演。" in texts
    assert "签约仪式" in texts  # the first photo's caption under it
    assert len(doc.inline_shapes) == 2  # one first photo per report
    masthead = doc.paragraphs[0].runs[0]
    assert masthead._element.rPr.rFonts.get(qn("w:eastAsia")) == word_layout.TITLE_FONT
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == word_layout.BODY_FONT
    assert all(
        run._element.rPr.rFonts.get(qn("w:eastAsia")) for p in doc.paragraphs for run in p.runs if run.text
    )


def test_bulletin_of_a_quiet_day_still_opens(week):
    doc = Document(io.BytesIO(docx_export.bulletin_document(week=week, day=DAY, now=EVENING)))
    texts = [p.text for p in doc.paragraphs]

    assert "当日已采用的活动信息中无领导出席。" in texts and "当日暂无已采用的活动信息。" in texts


@pytest.mark.parametrize("n,word", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (34, "三十四")])
def test_chinese_numbers(n, word):
    assert word_layout.chinese_number(n) == word


# --- zip -----------------------------------------------------------------------------------


def _zip(week, day=DAY, chunk_size=1024 * 1024):
    chunks = list(stream_day_zip(week=week, day=day, chunk_size=chunk_size))
    return chunks, zipfile.ZipFile(io.BytesIO(b"".join(chunks)))


def test_zip_has_folders_per_event_named_files_and_a_manifest(week, day_material):
    chunks, archive = _zip(week)

    assert archive.testzip() is None
    assert archive.namelist() == [
        "清单.txt",
        "manifest.json",
        "01_沪昆新材料产学研沙龙/信息.txt",
        "01_沪昆新材料产学研沙龙/沪昆新材料产学研沙龙_照片01.jpg",
        "01_沪昆新材料产学研沙龙/沪昆新材料产学研沙龙_照片02.jpg",
        "01_沪昆新材料产学研沙龙/沪昆新材料产学研沙龙_视频01.mov",
        "02_青年创业项目路演/信息.txt",
        "02_青年创业项目路演/青年创业项目路演_照片01.jpg",
    ]
    manifest = json.loads(archive.read("manifest.json"))
    salon = manifest["events"][0]
    assert [leader["name"] for leader in salon["leaders"]] == ["周海", "李强"]
    assert [(f["caption"], f["original_name"]) for f in salon["files"]] == [
        ("签约仪式", "签约.jpg"),
        ("嘉宾合影", "合影.jpg"),
        ("沙龙视频", "沙龙.MOV"),
    ]
    first = day_material["first"].media.get(original_name="签约.jpg")
    assert archive.read(salon["files"][0]["file"]) == first.file.open("rb").read()
    assert (
        hashlib.sha256(archive.read(salon["files"][0]["file"]) + b"\xe7\xad\xbe\xe7\xba\xa6.jpg").hexdigest()
        == first.sha256
    )
    listing = archive.read("清单.txt").decode()
    assert "出席领导：副市长 周海；副省长 李强" in listing and "说明：签约仪式" in listing
    assert "副市长 周海" in archive.read("01_沪昆新材料产学研沙龙/信息.txt").decode()
    assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
    assert all(info.flag_bits & 0x800 for info in archive.infolist() if not info.filename.isascii())


def test_zip_is_yielded_in_pieces_no_bigger_than_a_chunk_plus_headers(week, day_material):
    chunks, archive = _zip(week, chunk_size=1024)

    assert len(chunks) > 10
    manifests = sum(archive.getinfo(name).file_size for name in ("清单.txt", "manifest.json"))
    # Files go out a chunk at a time; only the small texts written whole can be bigger.
    assert max(len(chunk) for chunk in chunks) < max(1024, manifests) + 1024
    assert len(archive.namelist()) == 8


def test_zip_of_a_day_without_accepted_reports_has_only_the_manifest(week):
    _chunks, archive = _zip(week)

    assert archive.namelist() == ["清单.txt", "manifest.json"]
    assert "当日没有已采用的报送。" in archive.read("清单.txt").decode()


# --- downloads and the command ---------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt,kind", [("zip", "application/zip"), ("xlsx", "spreadsheetml"), ("docx", "wordprocessingml")]
)
def test_office_downloads_each_format(client, office_user, week, day_material, fmt, kind):
    client.force_login(office_user)

    response = client.get(reverse("board:export", args=["2026-09-21", fmt]))

    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200 and kind in response["Content-Type"]
    assert "attachment" in response["Content-Disposition"] and f".{fmt}" in response["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None  # all three are zip containers


def test_download_of_a_day_outside_the_week_is_404(client, office_user, week):
    client.force_login(office_user)

    assert client.get(reverse("board:export", args=["2030-01-01", "zip"])).status_code == 404
    assert client.get(reverse("board:export", args=["2026-09-21", "pdf"])).status_code == 404


@pytest.mark.parametrize("fmt", ["zip", "xlsx", "docx"])
def test_export_day_command_writes_each_format(week, day_material, tmp_path, fmt):
    out = tmp_path / f"day.{fmt}"

    call_command("export_day", "--date", "2026-09-21", "--format", fmt, "--output", str(out))

    archive = zipfile.ZipFile(out)
    if fmt == "zip":
        assert "manifest.json" in archive.namelist()
    elif fmt == "xlsx":
        assert load_workbook(out).sheetnames == [DAY_SHEET, WEEK_SHEET]
    else:
        assert Document(str(out)).paragraphs[0].text == "活动周每日简报"


def test_export_day_command_refuses_a_day_outside_any_week(week, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a day of any week"):
        call_command(
            "export_day", "--date", "2030-01-01", "--format", "zip", "--output", str(tmp_path / "x.zip")
        )


def test_xlsx_keeps_text_typed_by_organizers_as_text_not_formulas(week):
    """Formula injection: a name typed as "=HYPERLINK(...)" must not become a live formula."""
    unit = factories.organizer(name='=HYPERLINK("http://evil.example","单位")')
    reporter = factories.member(unit, full_name="=1+1", phone="=2+2")
    event = factories.event(
        week=week,
        host=unit,
        subtitle="=cmd|' /C calc'!A0",
        reporter=reporter,
        starts_at=factories.at(DAY, 9),
        ends_at=factories.at(DAY, 12),
    )
    factories.report(
        event=event,
        day=DAY,
        status="submitted",
        submitted_at=factories.at(DAY, 11),
        leaders=[("=SUM(A1:A9)", "-局长", "county")],
    )

    book = load_workbook(io.BytesIO(day_workbook(week=week, day=DAY, now=EVENING)))

    row = {header: cell for header, cell in zip(DAY_HEADERS, book[DAY_SHEET][3], strict=False)}
    assert (row["主办单位"].value, row["主办单位"].data_type) == (
        '=HYPERLINK("http://evil.example","单位")',
        "s",
    )
    assert (row["联系电话"].value, row["联系电话"].data_type) == ("=2+2", "s")
    assert (row["出席领导"].value, row["出席领导"].data_type) == ("-局长 =SUM(A1:A9)", "s")
    assert row["活动"].data_type == "s" and "=cmd|' /C calc'!A0" in row["活动"].value
    unit_cell = book[WEEK_SHEET]["A3"]
    assert (unit_cell.value, unit_cell.data_type) == ('=HYPERLINK("http://evil.example","单位")', "s")
    formulas = [
        cell.coordinate
        for sheet in book
        for line in sheet.iter_rows()
        for cell in line
        if cell.data_type == "f"
    ]
    assert formulas == []


def test_the_day_workbook_prints_landscape_one_page_wide_with_the_header_on_each_page(week):
    book = load_workbook(io.BytesIO(day_workbook(week=week, day=DAY, now=EVENING)))

    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.print_title_rows == "$2:$2"
        assert sheet.print_area.startswith(f"'{sheet.title}'!$A$1:")
        assert sheet.freeze_panes == "A3"


def test_a_quoted_title_inside_the_bulletins_quotes_takes_single_quotes(week, day_material):
    from events.models import Event

    Event.objects.filter(subtitle="沪昆新材料产学研沙龙").update(
        subtitle="沪昆“新材料技术应用与创新”产学研沙龙"
    )

    doc = Document(io.BytesIO(docx_export.bulletin_document(week=week, day=DAY, now=EVENING)))

    texts = [p.text for p in doc.paragraphs]
    assert "副市长周海、副省长李强出席“沪昆‘新材料技术应用与创新’产学研沙龙”。" in texts
