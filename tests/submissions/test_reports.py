"""Filing a day's report: drafts, leaders, what is missing, submission and resubmission."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from submissions.models import DailyReport, ReportLogEntry
from submissions.services.reports import (
    LeaderRow,
    ReportIncomplete,
    missing_items,
    report_for_day,
    report_save_draft,
    report_submit,
)

pytestmark = pytest.mark.django_db


def test_draft_keeps_text_attendance_and_leaders_in_order(event):
    report = report_for_day(event=event, day=event.days[0])

    report_save_draft(
        report=report,
        text=" 论坛顺利举行 ",
        no_leaders=False,
        attendance=320,
        leaders=[LeaderRow("周伟", "副市长", "municipal"), LeaderRow("李明", "市发改委主任", "municipal")],
    )

    report.refresh_from_db()
    assert report.text == "论坛顺利举行"
    assert report.attendance == 320
    assert [(leader.post, leader.name) for leader in report.leaders.all()] == [
        ("副市长", "周伟"),
        ("市发改委主任", "李明"),
    ]
    assert report.status == DailyReport.Status.DRAFT


def test_no_leaders_is_an_explicit_choice_that_excludes_a_list(event):
    report = report_for_day(event=event, day=event.days[0])

    with pytest.raises(ValidationError, match="无领导出席"):
        report_save_draft(
            report=report, text="x", no_leaders=True, attendance=None, leaders=[LeaderRow("周伟", "副市长")]
        )


def test_a_day_the_event_does_not_run_has_no_report(event):
    with pytest.raises(ValidationError):
        report_for_day(event=event, day=event.week.ends_on)


def test_submit_lists_everything_missing_and_changes_nothing(event, member):
    report = report_for_day(event=event, day=event.days[0])

    with pytest.raises(ReportIncomplete) as raised:
        report_submit(report=report, by=member)

    assert raised.value.messages == [
        "还缺：活动信息",
        "还缺：出席领导情况（或勾选“无领导出席”）",
        "还缺：合格照片（至少 1 张，已有 0 张）",
    ]
    report.refresh_from_db()
    assert report.status == DailyReport.Status.DRAFT and report.submitted_at is None


def test_week_can_require_a_video(event, ready_report):
    event.week.video_required = True
    event.week.save()
    report = ready_report(event, event.days[0])

    assert missing_items(report) == ["合格视频"]


def test_submitted_report_is_locked(event, member, ready_report):
    report = report_submit(report=ready_report(event, event.days[0]), by=member)

    with pytest.raises(PermissionDenied):
        report_save_draft(report=report, text="改", no_leaders=True, attendance=None, leaders=[])


def test_returned_report_is_resubmitted_and_its_history_kept(event, member, office_user, ready_report):
    report = report_submit(report=ready_report(event, event.days[0]), by=member)
    report.status, report.reviewed_at, report.review_comment = (
        DailyReport.Status.RETURNED,
        timezone.now(),
        "请补充领导职务",
    )
    report.save()
    report_save_draft(report=report, text="补充后的信息", no_leaders=True, attendance=None, leaders=[])

    resubmitted = report_submit(report=report, by=member)

    assert resubmitted.status == DailyReport.Status.SUBMITTED
    assert list(report.log.values_list("action", flat=True)) == [
        ReportLogEntry.Action.SUBMITTED,
        ReportLogEntry.Action.RESUBMITTED,
    ]
    assert resubmitted.first_submitted_at <= resubmitted.submitted_at


def test_submit_locks_only_the_report_row_not_its_event_and_week(event, member, ready_report):
    """On PostgreSQL a plain FOR UPDATE over the join would lock the week's row too, and every
    submit of the week would queue on it just before the deadline."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.services import require_postgresql

    require_postgresql()
    report = ready_report(event, event.days[0])

    with CaptureQueriesContext(connection) as queries:
        report_submit(report=report, by=member)

    [locking] = [query["sql"] for query in queries if "FOR UPDATE" in query["sql"]]
    assert locking.endswith('FOR UPDATE OF "submissions_dailyreport"')
