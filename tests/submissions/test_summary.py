"""The day and week summary (报送汇总): the selector's counts, the page, the .docx and the
.xlsx agree with each other, with counts taken straight from the database, and with the board.

The week of ``factories.week()`` runs 2026-09-20 to 09-26; the clock stands at 09-23 10:00,
so the 20th to the 22nd are past their deadlines, the 23rd's is still ahead, the rest to come.
"""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from events.models import Event
from submissions.exports.summary_docx import TABLE_HEADERS, summary_document
from submissions.exports.summary_xlsx import (
    DAYS_HEADERS,
    DAYS_SHEET,
    LEADERS_SHEET,
    MISSING_SHEET,
    summary_workbook,
)
from submissions.models import DailyReport, MediaFile, ReportLeader
from submissions.selectors.board import board_for_day
from submissions.selectors.summary import LEADER_STATUSES, leader_key, week_summary
from tests import factories

pytestmark = pytest.mark.django_db

D20, D21, D22, D23, D24, D25, D26 = (dt.date(2026, 9, n) for n in range(20, 27))
NOW = factories.at(D23, 10)
SELECTOR_QUERIES = 4  # events, reports, accepted media counts, leaders


def at(day, hour, minute=0):
    return factories.at(day, hour, minute)


@pytest.fixture
def world(week, office_user):
    """Every kind of event day (see the expected counts in ``EXPECTED``)."""
    unit, other = factories.organizer(name="昆山市科技局"), factories.organizer(name="共青团昆山市委")
    reporter = factories.member(unit, full_name="王晓明", phone="13800000001")

    def make(subtitle, day, start=9, end=17, last=None, host=unit, **fields):
        return factories.event(
            week=week,
            host=host,
            reporter=reporter,
            subtitle=subtitle,
            starts_at=at(day, start),
            ends_at=at(last or day, end),
            **fields,
        )

    def report(event, day, status, *, late=False, **fields):
        submitted = at(day, 17 if late else 15) if status != "draft" else None
        return factories.report(
            event=event,
            day=day,
            status=status,
            is_late=late if status != "draft" else None,
            submitted_at=submitted,
            reviewed_by=office_user if status in ("accepted", "returned") else None,
            **fields,
        )

    # The 20th: accepted on time, two photos and a video passed, one photo failed.
    report(
        make("开幕式", D20),
        D20,
        "accepted",
        photos=2,
        videos=1,
        failed=1,
        leaders=[("周海", "副市长", "municipal")],
    )
    # The 21st: late and waiting; returned (its leader and passed photo not counted); missing;
    # and the first day of a two-day event, accepted late with a photo passed and a video
    # failed, the same 周海 (a full-width space).
    report(
        make("创客市集", D21, host=other),
        D21,
        "submitted",
        late=True,
        leaders=[("周海", "副市长", "municipal"), ("李强", "副省长", "provincial")],
    )
    report(make("路演", D21), D21, "returned", photos=1, leaders=[("王五", "局长", "county")])
    make("专利服务进园区", D21, host=other)
    two_days = make("产学研沙龙", D21, last=D22)
    report(
        two_days, D21, "accepted", late=True, photos=1, videos=1, leaders=[("周　海", "副市长", "municipal")]
    )
    MediaFile.objects.filter(report__event=two_days, kind="video").update(status="failed")
    # The 22nd: a draft after the deadline (missing, its leader not counted), the two-day
    # event's second day (missing), a cancelled event (not held), an evening event (due the 23rd).
    report(make("科普讲座", D22), D22, "draft", leaders=[("赵六", "主任", "other")])
    make("已取消的论坛", D22, status=Event.Status.CANCELLED, cancel_reason="场地调整")
    make("夜间论坛", D22, start=18, end=21)
    # The 23rd (today, before the deadline): nothing yet; submitted on time with a leader.
    make("上午活动", D23, start=9, end=12)
    early = make("早场活动", D23, start=8, end=9)
    factories.report(
        event=early,
        day=D23,
        status="submitted",
        submitted_at=at(D23, 9, 30),
        is_late=False,
        leaders=[("张伟", "局长", "county")],
    )
    # The 24th: a draft event (not held). The 25th: an approved event to come.
    make("草稿活动", D24, status=Event.Status.DRAFT)
    make("闭幕式", D25)
    return {"two_days": two_days}


# events, due, on_time, late, missing, not_due, pending, accepted, returned, photos, videos,
# leaders (people), attendances
EXPECTED = {
    D20: (1, 1, 1, 0, 0, 0, 0, 1, 0, 2, 1, 1, 1),
    D21: (4, 4, 1, 2, 1, 0, 1, 1, 1, 1, 0, 2, 3),
    D22: (3, 3, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0),
    D23: (2, 2, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1),
    D24: (0,) * 13,
    D25: (1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0),
    D26: (0,) * 13,
}
WEEK = (10, 11, 3, 2, 3, 3, 2, 2, 1, 3, 1, 3, 5)
FIELDS = (
    "events",
    "due",
    "on_time",
    "late",
    "missing",
    "not_due",
    "pending",
    "accepted",
    "returned",
    "photos",
    "videos",
    "leaders",
    "attendances",
)


def _values(tally):
    return tuple(getattr(tally, name) for name in FIELDS)


def _from_database(week):
    """The week's figures counted straight from the tables, without the selector."""
    approved = Event.objects.filter(week=week, status=Event.Status.APPROVED)
    filed = DailyReport.objects.filter(event__in=approved).exclude(status=DailyReport.Status.DRAFT)
    leaders = ReportLeader.objects.filter(report__event__in=approved, report__status__in=LEADER_STATUSES)
    accepted_media = MediaFile.objects.filter(
        report__event__in=approved, report__status=DailyReport.Status.ACCEPTED, status=MediaFile.Status.PASSED
    )
    return {
        "events": approved.count(),
        "due": sum(len(event.days) for event in approved.select_related("week")),
        "on_time": filed.filter(is_late=False).count(),
        "late": filed.filter(is_late=True).count(),
        "pending": filed.filter(status=DailyReport.Status.SUBMITTED).count(),
        "accepted": filed.filter(status=DailyReport.Status.ACCEPTED).count(),
        "returned": filed.filter(status=DailyReport.Status.RETURNED).count(),
        "photos": accepted_media.filter(kind=MediaFile.Kind.PHOTO).count(),
        "videos": accepted_media.filter(kind=MediaFile.Kind.VIDEO).count(),
        "leaders": len({leader_key(name) for name in leaders.values_list("name", flat=True)}),
        "attendances": leaders.count(),
    }


def test_the_weeks_counts_per_day_and_in_total(week, world):
    summary = week_summary(week=week, now=NOW)

    assert [item.day for item in summary.days] == week.days
    assert {item.day: _values(item.tally) for item in summary.days} == EXPECTED
    assert _values(summary.totals) == WEEK
    database = _from_database(week)
    assert {name: getattr(summary.totals, name) for name in database} == database
    # Every event day owing a report is in exactly one of on time, late, missing, not due.
    for tally in [item.tally for item in summary.days] + [summary.totals]:
        assert tally.due == tally.on_time + tally.late + tally.missing + tally.not_due
        assert tally.filed == tally.pending + tally.accepted + tally.returned


def test_the_days_agree_with_the_board(week, world):
    summary = week_summary(week=week, now=NOW)

    for item in summary.days:
        # The summary counts each event day on its own day; the board of a day also lists the
        # previous evening's (due at its deadline), which ``own_filing`` leaves out.
        filing = board_for_day(week=week, day=item.day, now=NOW).own_filing
        tally = item.tally
        assert (tally.due, tally.on_time, tally.late, tally.missing, tally.accepted, tally.returned) == (
            filing["due"],
            filing["on_time"],
            filing["late"],
            filing["missing"],
            filing["accepted"],
            filing["returned"],
        )


def test_leaders_by_name_once_a_week_and_under_each_day(week, world):
    summary = week_summary(week=week, now=NOW)

    people = [(person.name, person.level, len(person.attendances), person.days) for person in summary.leaders]
    assert people == [
        ("李强", "provincial", 1, [D21]),  # the highest level first
        ("周海", "municipal", 3, [D20, D21]),  # "周　海" on the 21st is the same person
        ("张伟", "county", 1, [D23]),
    ]
    day21 = summary.on(D21)
    assert [person.name for person in day21.leaders] == ["李强", "周海"]
    assert [a.leader.name for a in day21.attendances] == ["李强", "周海", "周　海"]
    names = {a.leader.name for person in summary.leaders for a in person.attendances}
    assert not names & {"王五", "赵六"}  # a returned report's and a draft's leaders


def test_missing_reports_are_listed_by_day(week, world):
    summary = week_summary(week=week, now=NOW)

    assert [(row.day, row.event.subtitle) for row in summary.missing] == [
        (D21, "专利服务进园区"),
        (D22, "产学研沙龙"),  # same deadline: the earlier start first
        (D22, "科普讲座"),
    ]


@pytest.mark.parametrize("count", [3, 30])
def test_the_selector_costs_the_same_queries_for_3_and_30_events(week, count, django_assert_num_queries):
    for day in (D21, D22):
        factories.board_events(week=week, day=day, count=count)

    with django_assert_num_queries(SELECTOR_QUERIES):
        summary = week_summary(week=week, now=NOW)

    assert summary.totals.due == 2 * count
    assert summary.totals.attendances == 2 * (count // 2)


# --- the files -----------------------------------------------------------------------------


def _sheet_rows(sheet):
    return [row for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_xlsx_rows_and_totals_equal_the_database(week, world):
    book = load_workbook(io.BytesIO(summary_workbook(week=week, now=NOW)))

    # Then a sheet per section other apps registered (core.summary_sections), by its heading.
    assert book.sheetnames == [DAYS_SHEET, LEADERS_SHEET, MISSING_SHEET, "云活动与云视频"]
    days = book[DAYS_SHEET]
    assert [cell.value for cell in days[2]] == DAYS_HEADERS
    rows = _sheet_rows(days)
    by_day = {row[0].date(): tuple(row[1:]) for row in rows if isinstance(row[0], dt.datetime)}
    assert by_day == EXPECTED
    total = next(row for row in rows if row[0] == "全周合计")
    assert tuple(total[1:]) == WEEK
    database = _from_database(week)
    assert total[1 + FIELDS.index("photos")] == database["photos"]
    assert total[1 + FIELDS.index("leaders")] == database["leaders"]
    # The additive columns' totals are the sums of the days; events and leaders are distinct.
    for index, name in enumerate(FIELDS, start=1):
        column_sum = sum(row[index - 1] for row in by_day.values())
        assert (total[index] == column_sum) is (name not in ("events", "leaders")), name

    leaders = _sheet_rows(book[LEADERS_SHEET])
    numbered = [row for row in leaders if isinstance(row[0], int)]
    assert [(row[1], row[6]) for row in numbered] == [("李强", 1), ("周海", 3), ("张伟", 1)]
    assert numbered[0][3] == "省部级"
    assert leaders[-1][0] == "合计" and leaders[-1][1] == "3 人" and leaders[-1][6] == database["attendances"]

    missing = _sheet_rows(book[MISSING_SHEET])
    assert [row[2] for row in missing if isinstance(row[0], int)] == [
        "专利服务进园区",
        "产学研沙龙",
        "科普讲座",
    ]
    assert missing[-1][:2] == ("合计", "3 份")
    for number, sheet in enumerate(book.worksheets):
        assert sheet.page_setup.orientation == "landscape"
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        # The three tables repeat their column names; a section's sheet has several tables.
        assert sheet.print_title_rows == ("$2:$2" if number < 3 else None)
        assert sheet.print_area.startswith(f"'{sheet.title}'!$A$1:")
        assert sheet.freeze_panes == ("A3" if number < 3 else None)


def test_xlsx_keeps_a_leaders_name_as_text(week, office_user):
    made = factories.event(week=week, starts_at=at(D20, 9), ends_at=at(D20, 12))
    factories.report(
        event=made, day=D20, status="accepted", reviewed_by=office_user, leaders=[("=1+1", "局长", "county")]
    )

    book = load_workbook(io.BytesIO(summary_workbook(week=week, now=NOW)))

    cell = book[LEADERS_SHEET]["B3"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_docx_table_and_text_equal_the_database(week, world):
    doc = Document(io.BytesIO(summary_document(week=week, now=NOW)))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]

    assert texts[0] == week.unified_title and texts[1] == "信息报送工作总结"
    assert "共举办专题活动10项，应报送活动信息11份" in texts[2]
    assert (
        "按时报送3份，逾期报送2份，未报送3份，尚未到截止时间3份；经审核采用2份，退回修改1份，待审核2份"
        in texts[2]
    )
    assert "采用照片3张、视频1段。共有3位领导出席活动5人次。" in texts[2]
    table = doc.tables[0]
    assert [cell.text for cell in table.rows[0].cells] == TABLE_HEADERS
    columns = [
        name
        for name in ("events", "due", "on_time", "late", "missing", "accepted", "photos", "videos", "leaders")
    ]
    cells = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert len(cells) == 8  # seven days and the totals
    for row, day in zip(cells[:7], week.days, strict=True):
        assert row[0].startswith(f"{day.month}月{day.day}日")
        assert [int(value) for value in row[1:]] == [EXPECTED[day][FIELDS.index(name)] for name in columns]
    assert cells[7][0] == "合计"
    assert [int(value) for value in cells[7][1:]] == [WEEK[FIELDS.index(name)] for name in columns]
    database = _from_database(week)
    assert int(cells[7][1 + columns.index("accepted")]) == database["accepted"]

    leaders_at, missing_at = texts.index("二、领导出席情况"), texts.index("三、未报送情况")
    assert texts[leaders_at + 2] == "副省长李强（省部级）：9月21日出席“创客市集”。"
    assert (
        texts[leaders_at + 3]
        == "副市长周海（市级）：9月20日出席“开幕式”；9月21日出席“创客市集”；9月21日出席“产学研沙龙”。"
    )
    missing = [t for t in texts[missing_at:] if t[:2] in ("1.", "2.", "3.")]
    assert (
        missing[0]
        == "1. 9月21日“专利服务进园区”，主办单位共青团昆山市委，信息报送员王晓明，联系电话13800000001。"
    )
    assert len(missing) == 3


def test_docx_of_an_empty_week_opens(week):
    doc = Document(io.BytesIO(summary_document(week=week, now=NOW)))
    texts = [p.text for p in doc.paragraphs]

    assert "已报送的活动信息中无领导出席。" in texts
    assert any("无已过截止时间仍未报送的活动信息" in text for text in texts)


# --- the page and the downloads --------------------------------------------------------------


def _tiles(html: str) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(r'data-count="([\w-]+)">(\d+)<', html)}


def test_the_week_page_shows_the_totals_leaders_and_missing(client, office_user, week, world):
    client.force_login(office_user)

    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("board:summary"))

    assert response.status_code == 200
    html = response.content.decode()
    tiles = _tiles(html)
    assert {name: tiles[name] for name in FIELDS if name != "attendances"} == {
        name: value for name, value in zip(FIELDS, WEEK, strict=True) if name != "attendances"
    }
    assert (tiles["leader-list"], tiles["missing-list"]) == (3, 3)
    database = _from_database(week)
    assert tiles["photos"] == database["photos"] and tiles["leaders"] == database["leaders"]
    assert "5 人次" in html and "周海" in html and "王五" not in html and "赵六" not in html
    assert reverse("board:summary_docx") in html and reverse("board:summary_xlsx") in html
    assert response.context["day_summary"] is None


def test_a_days_page_shows_that_day(client, office_user, week, world):
    client.force_login(office_user)

    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("board:summary"), {"day": D21.isoformat()})

    assert response.status_code == 200
    html = response.content.decode()
    tiles = _tiles(html)
    assert {name: tiles[name] for name in FIELDS if name != "attendances"} == {
        name: value for name, value in zip(FIELDS, EXPECTED[D21], strict=True) if name != "attendances"
    }
    assert (tiles["leader-list"], tiles["missing-list"]) == (2, 1)
    assert "专利服务进园区" in html and "科普讲座" not in html
    assert html.count("周　海") == 1 and "3 人次" in html


def test_a_day_outside_the_week_is_kept_inside_it(client, office_user, week, world):
    client.force_login(office_user)

    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("board:summary"), {"day": "2026-10-30"})

    assert response.context["day"] == D26


def test_the_page_in_english(client, office_user, week, world):
    client.force_login(office_user)
    client.cookies["django_language"] = "en"

    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("board:summary"))
        day = client.get(reverse("board:summary"), {"day": D21.isoformat()})

    html = response.content.decode()
    assert '<html lang="en">' in html
    for text in (
        "Week report summary",
        "Events held",
        "Accepted photos",
        "Week total",
        "Still missing",
        "5 attendances",
        "How the figures are counted",
    ):
        assert text in html, text
    assert "2 days · 3 attendances" in re.sub(r"<[^>]+>", "", html)  # 周海
    assert "活动周报送汇总" not in html
    assert "Report summary, " in day.content.decode()


@pytest.mark.parametrize(
    "name,kind", [("board:summary_docx", "wordprocessingml"), ("board:summary_xlsx", "spreadsheetml")]
)
def test_the_office_downloads_the_week(client, office_user, week, world, name, kind):
    client.force_login(office_user)
    client.cookies["django_language"] = "en"  # the files stay Chinese

    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse(name))

    assert response.status_code == 200
    assert kind in response["Content-Type"]
    assert "attachment" in response["Content-Disposition"] and "private" in response["Cache-Control"]
    if kind == "spreadsheetml":
        book = load_workbook(io.BytesIO(response.content))
        assert book[LEADERS_SHEET]["D3"].value == "省部级"


@pytest.mark.parametrize("name", ["board:summary", "board:summary_docx", "board:summary_xlsx"])
def test_others_may_not_read_the_summary(client, week, world, name):
    unit = factories.organizer()
    client.force_login(factories.member(unit))
    assert client.get(reverse(name)).status_code == 403

    client.logout()
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_without_a_current_week(client, office_user):
    client.force_login(office_user)

    assert client.get(reverse("board:summary")).status_code == 200
    assert client.get(reverse("board:summary_xlsx")).status_code == 404


def test_the_rule_is_the_office_now(office_user):
    import rules

    assert rules.test_rule("submissions.view_summary", office_user)
    assert rules.test_rule("submissions.view_summary", factories.superuser())
    assert not rules.test_rule("submissions.view_summary", factories.user())


@pytest.mark.parametrize(
    "heading,taken,expected",
    [
        ("云展厅：高校科技成果云展厅", [], "云展厅：高校科技成果云展厅"),
        ("Hall [A]: 1/2*?", [], "Hall -A-- 1-2--"),  # Excel forbids [ ] : * ? / \\
        ("'引号'", [], "引号"),  # nor an apostrophe at either end
        ("Expo", ["每日汇总", "EXPO"], "Expo（2）"),  # names differ whatever the case
        ("🚀" * 20, [], "🚀" * 15),  # 31 UTF-16 units: a rocket is two
        ("展" * 40, ["展" * 31], "展" * 28 + "（2）"),
    ],
)
def test_a_sections_sheet_name_is_one_excel_accepts(heading, taken, expected):
    from submissions.exports.summary_xlsx import _sheet_name

    assert _sheet_name(heading, taken) == expected
