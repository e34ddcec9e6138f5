"""The reporter's report list, the reminder log, the board's exports and the day and week
summary cost the same number of queries for few rows as for many. (The board and its live
part are pinned in test_board.py.)"""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from events.models import Event
from submissions.models import DailyReport
from tests import factories
from tests.submissions import media_samples
from tests.submissions.reminder_helpers import DAY, local, run_tick

pytestmark = pytest.mark.django_db

# session, user, week, events, reports, media, the layout's unit memberships and notices.
REPORT_LIST_QUERIES = 9
# session, user, office group, week, reminder rows, counts per slot, the day's mailings, layout,
# and the reporting days for the day links (days before the period an event reports).
REMINDER_LOG_QUERIES = 11
# session, user, office group, week, then the board's events, reports, media and leaders
# (read once: the .docx takes its accepted reports from the board it counts), the events'
# partners (every host is named), and the week's compliance for the .xlsx.
EXPORT_QUERIES = {"xlsx": 11, "docx": 9, "zip": 9}
# session, user, office group, week, then the summary's events, reports, accepted media
# counts and leaders; the page adds the layout's unit memberships and notices.
# The page, the .docx and the .xlsx add the registered sections (core.summary_sections): the
# online hall's totals read the week's halls in one query, whatever the number of events.
SUMMARY_QUERIES = {"board:summary": 12, "board:summary_docx": 10, "board:summary_xlsx": 10}
# The registered sections' share of the week's page, .docx and .xlsx, one query each: the hall's
# totals (exhibits) and the online views (public.videos, nothing watched in these tests).
SECTION_QUERIES = 2


@pytest.fixture
def jpeg(tmp_path):
    return media_samples.make_jpeg(tmp_path / "photo.jpg", width=32, height=24).read_bytes()


@pytest.mark.parametrize("count", [5, 50])
def test_report_list_query_count(client, week, organizer, member, count, django_assert_num_queries):
    """Every approved event of the unit over the week; every third runs two days, every other
    has a report with a leader, a photo and a video."""
    for n in range(count):
        day = week.days[n % 6]
        last_day = day + dt.timedelta(days=1 if n % 3 == 0 else 0)
        made = factories.event(
            week=week,
            host=organizer,
            reporter=member,
            venue=factories.venue(),
            starts_at=factories.at(day, 9),
            ends_at=factories.at(last_day, 12),
        )
        if n % 2:
            factories.report(
                event=made,
                day=day,
                status="submitted",
                leaders=[("周海", "副市长", "municipal")],
                photos=1,
                videos=1,
            )
    factories.event(week=week, host=organizer, reporter=member, status=Event.Status.DRAFT)  # owes nothing
    client.force_login(member)

    with (
        time_machine.travel(factories.at(week.starts_on, 10), tick=False),
        django_assert_num_queries(REPORT_LIST_QUERIES),
    ):
        response = client.get(reverse("reports:list"))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == count + len(range(0, count, 3))
    assert sum(len(row.media) for row in rows) == 2 * (count // 2)


@pytest.mark.parametrize("count", [5, 50])
def test_reminder_log_query_count(
    client, week, office_user, count, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Per event: a site notice, an e-mail to the reporter and one to the contact (three rows);
    every other event's reporter has no address, so half the e-mails are skipped."""
    week.remind_contact = True
    week.save()
    unit = factories.organizer(webhook_url="")
    for n in range(count):
        reporter = factories.member(unit, email="" if n % 2 else f"reporter{n}@example.com")
        factories.event(
            week=week,
            host=unit,
            reporter=reporter,
            contact_name=f"联系人{n}",
            contact_email=f"contact{n}@example.com",
            starts_at=local(9),
            ends_at=local(12),
        )
    run_tick(django_capture_on_commit_callbacks, local(14))
    client.force_login(office_user)

    with django_assert_num_queries(REMINDER_LOG_QUERIES):
        response = client.get(reverse("reminders:day"), {"day": DAY.isoformat()})

    assert response.status_code == 200
    assert len(response.context["page"]) == 3 * count


@pytest.fixture
def export_day(week, office_user, jpeg):
    """``count`` events on DAY; every other one accepted with a leader and a photo on disk,
    the rest submitted without files."""

    def build(count):
        units = [factories.organizer() for _ in range(3)]
        for n in range(count):
            unit = units[n % 3]
            made = factories.event(
                week=week,
                host=unit,
                reporter=factories.member(unit, phone="13800000000"),
                starts_at=local(8 + n % 8),
                ends_at=local(9 + n % 8),
            )
            if n % 2:
                factories.report(
                    event=made,
                    day=DAY,
                    status="accepted",
                    reviewed_by=office_user,
                    attendance=80,
                    leaders=[(f"领导{n}", "副市长", "municipal")],
                )
                factories.public_media(
                    event=made,
                    content=jpeg + str(n).encode(),
                    name=f"现场{n}.jpg",
                    is_public=False,
                    preview=False,
                )
            else:
                factories.report(event=made, day=DAY, status="submitted")

    return build


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "zip"])
@pytest.mark.parametrize("count", [5, 50])
def test_board_export_query_count(client, office_user, export_day, fmt, count, django_assert_num_queries):
    export_day(count)
    client.force_login(office_user)

    with time_machine.travel(local(17), tick=False), django_assert_num_queries(EXPORT_QUERIES[fmt]):
        response = client.get(reverse("board:export", args=[DAY.isoformat(), fmt]))
        # The zip is streamed: its files are read (and any query run) while it is consumed.
        body = b"".join(response.streaming_content) if response.streaming else response.content

    assert response.status_code == 200
    accepted = count // 2
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(body)).active
        numbered = [row for row in sheet.iter_rows(min_row=3, values_only=True) if isinstance(row[0], int)]
        assert len(numbered) == count
    elif fmt == "docx":
        assert len(Document(io.BytesIO(body)).inline_shapes) == accepted  # one photo per accepted report
    else:
        assert len(zipfile.ZipFile(io.BytesIO(body)).namelist()) == 2 + 2 * accepted  # lists, text and photo


@pytest.mark.parametrize("name", sorted(SUMMARY_QUERIES))
@pytest.mark.parametrize("count", [3, 30])
def test_summary_query_count(client, week, office_user, name, count, django_assert_num_queries):
    """``count`` events on each of two days, every other one filed with a leader, a photo and
    a video; half of those accepted. The page is asked for the week and for one day."""
    for day in (DAY, DAY + dt.timedelta(days=1)):
        factories.board_events(week=week, day=day, count=count)
    accepted = list(DailyReport.objects.order_by("id").values_list("pk", flat=True))[::2]
    DailyReport.objects.filter(pk__in=accepted).update(
        status=DailyReport.Status.ACCEPTED, reviewed_at=local(16), reviewed_by=office_user
    )
    client.force_login(office_user)
    asks = [{}, {"day": DAY.isoformat()}] if name == "board:summary" else [{}]

    for query in asks:
        # One day's page shows no registered sections (the hall's totals are the week's).
        expected = SUMMARY_QUERIES[name] - (SECTION_QUERIES if "day" in query else 0)
        with time_machine.travel(local(17), tick=False), django_assert_num_queries(expected):
            response = client.get(reverse(name), query)
        assert response.status_code == 200
    if name == "board:summary":
        assert response.context["summary"].totals.due == 2 * count
