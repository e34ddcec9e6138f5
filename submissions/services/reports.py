"""Filing a day's report: drafts, leaders, submission, and the report's state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event

from .. import deadlines
from ..board_version import bump_board
from ..models import DailyReport, MediaFile, ReportLeader, ReportLogEntry

EDITABLE_STATUSES = (DailyReport.Status.DRAFT, DailyReport.Status.RETURNED)


@dataclass(frozen=True)
class LeaderRow:
    name: str
    post: str
    level: str = ReportLeader.Level.MUNICIPAL


class ReportIncomplete(ValidationError):
    """The report cannot be submitted yet; ``messages`` says what is missing."""


def report_for_day(*, event: Event, day: dt.date) -> DailyReport:
    """The event day's report, created as an empty draft on first use."""
    if day not in event.reporting_days:
        raise ValidationError(_("活动在 %(day)s 没有安排。") % {"day": day.isoformat()})
    report, created = DailyReport.objects.get_or_create(event=event, day=day)
    if created:
        bump_board()  # "not started" becomes "draft" on the board
    return report


def report_is_editable(report: DailyReport | None) -> bool:
    """Whether ``report`` exists and its unit may still change it (``EDITABLE_STATUSES``)."""
    return report is not None and report.status in EDITABLE_STATUSES


def report_require_editable(report: DailyReport) -> None:
    if not report_is_editable(report):
        raise PermissionDenied(_("该报送已提交，不能再修改；如需修改请联系市发改委退回。"))


@transaction.atomic
def report_save_draft(
    *,
    report: DailyReport,
    text: str,
    no_leaders: bool,
    attendance: int | None,
    leaders: list[LeaderRow],
) -> DailyReport:
    """Save the day's text, attendance and leaders present, replacing the leader list.

    Side effects: the report's leader rows are replaced. Status is unchanged. The report's row
    is locked meanwhile, so two saves at once (an autosave and the page's last beacon) replace
    the leaders one after the other instead of adding both lists.
    """
    locked = DailyReport.objects.select_for_update(of=("self",)).only("status").get(pk=report.pk)
    report.status = locked.status
    report_require_editable(report)
    if no_leaders and leaders:
        raise ValidationError(_("已选择“无领导出席”，就不能再填写出席领导。"))
    report.text = text.strip()
    report.no_leaders = no_leaders
    report.attendance = attendance
    report.save(update_fields=["text", "no_leaders", "attendance", "updated_at"])
    report.leaders.all().delete()
    ReportLeader.objects.bulk_create(
        ReportLeader(
            report=report, name=row.name.strip(), post=row.post.strip(), level=row.level, order=index
        )
        for index, row in enumerate(leaders)
    )
    if report.status == DailyReport.Status.RETURNED:
        bump_board()  # a returned report's leaders are on the board; a draft's are not
    return report


def missing_items(report: DailyReport | None, *, media: list[MediaFile] | None = None) -> list[str]:
    """What the week's minimum still lacks, in plain words for the reporter."""
    if report is None:
        return [_("活动信息"), _("出席领导情况"), _("合格照片")]
    week = report.event.week
    saved = report.pk is not None  # an unsaved report is the day nobody has started yet
    if media is None:
        media = list(report.media.all()) if saved else []
    passed_photos = sum(
        1 for m in media if m.kind == MediaFile.Kind.PHOTO and m.status == MediaFile.Status.PASSED
    )
    passed_videos = sum(
        1 for m in media if m.kind == MediaFile.Kind.VIDEO and m.status == MediaFile.Status.PASSED
    )
    missing = []
    if not report.text.strip():
        missing.append(_("活动信息"))
    if not report.no_leaders and not (saved and report.leaders.exists()):
        missing.append(_("出席领导情况（或勾选“无领导出席”）"))
    if passed_photos < week.photos_required:
        missing.append(
            _("合格照片（至少 %(required)d 张，已有 %(passed)d 张）")
            % {"required": week.photos_required, "passed": passed_photos}
        )
    if week.video_required and passed_videos == 0:
        missing.append(_("合格视频"))
    return missing


@transaction.atomic
def report_submit(*, report: DailyReport, by, now: dt.datetime | None = None) -> DailyReport:
    """Submit (or resubmit after a return) the day's report to the office.

    Raises ReportIncomplete listing what is missing. Side effects: submitted_at is now,
    lateness is judged against the deadline in the week's zone, a log entry is written.
    """
    # Only the report row: locking the joined event and week would queue every submit of the week.
    report = (
        DailyReport.objects.select_for_update(of=("self",)).select_related("event__week").get(pk=report.pk)
    )
    report_require_editable(report)
    missing = missing_items(report)
    if missing:
        raise ReportIncomplete([_("还缺：%(item)s") % {"item": item} for item in missing])
    now = now or timezone.now()
    resubmission = report.status == DailyReport.Status.RETURNED
    report.status = DailyReport.Status.SUBMITTED
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    # Lateness is the first filing's: a report filed on time, returned and fixed stays on time.
    report.is_late = deadlines.is_late(
        submitted_at=report.first_submitted_at, due=deadlines.due_at(report.event, report.day)
    )
    report.save()
    ReportLogEntry.objects.create(
        report=report,
        action=ReportLogEntry.Action.RESUBMITTED if resubmission else ReportLogEntry.Action.SUBMITTED,
        by=by,
        at=now,
    )
    bump_board()
    return report
