"""The office's decisions on daily reports: accept, return with a comment, publish media.

Each action locks the report row, checks its state, records a ``ReportLogEntry`` and tells
the organizer (e-mail after commit and an in-site notice, through ``events.notifications``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.public_cache import bump_public_version_after_commit
from events.models import User
from events.notifications import Subject, notify

from ..board_version import bump_board
from ..models import DailyReport, MediaFile, ReportLogEntry


def _locked(report: DailyReport) -> DailyReport:
    return (
        DailyReport.objects.select_for_update(of=("self",))
        .select_related("event__week", "event__host", "event__reporter")
        .get(pk=report.pk)
    )


def _require_submitted(report: DailyReport) -> None:
    if report.status != DailyReport.Status.SUBMITTED:
        raise ValidationError(
            _("只有已报送、待审核的报送才能采用或退回；这份报送当前为“%(status)s”。")
            % {"status": report.get_status_display()}
        )


def _organizer_people(report: DailyReport) -> list[User]:
    """Who hears about a decision: the information reporters every reporting unit named (the
    lead host's, co-hosts', partners' with the reporter role), or, if none is named, every
    member of the lead host."""
    event = report.event
    reporters = event.reporters
    if reporters:
        return reporters
    return list(User.objects.filter(memberships__organizer_id=event.host_id, is_active=True))


def _tell_organizer(report: DailyReport, *, subject: Subject, template: str) -> None:
    notify(
        users=_organizer_people(report),
        subject=subject,
        template_base=f"submissions/emails/{template}",
        context={"report": report, "event": report.event},
        url=reverse("reports:detail", kwargs={"event_id": report.event_id, "day": report.day}),
    )


@transaction.atomic
def report_accept(*, report: DailyReport, by: User, checklist: list[str]) -> DailyReport:
    """Accept a submitted report after the reviewer ticked the week's publication checklist.

    ``checklist`` is the items ticked; every item of ``week.publication_checklist`` must be
    among them (a ValidationError names those missing). Side effects: status accepted,
    reviewed_at/by set, review_comment cleared; a log entry "accepted" with the ticked list;
    the reporter (or the unit's members) told by e-mail after commit and an in-site notice.
    """
    report = _locked(report)
    _require_submitted(report)
    # Both sides stripped: an item saved with a stray space must still match its tick box.
    required = [
        str(item).strip() for item in (report.event.week.publication_checklist or []) if str(item).strip()
    ]
    ticked = {str(item).strip() for item in checklist}
    unticked = [item for item in required if item not in ticked]
    if unticked:
        raise ValidationError(
            _("采用前请逐项确认发布审核清单，还未确认：%(items)s") % {"items": "、".join(unticked)}
        )
    now = timezone.now()
    report.status = DailyReport.Status.ACCEPTED
    report.reviewed_at = now
    report.reviewed_by = by
    report.review_comment = ""
    report.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "updated_at"])
    ReportLogEntry.objects.create(
        report=report, action=ReportLogEntry.Action.ACCEPTED, by=by, at=now, checklist=required
    )
    bump_board()
    _tell_organizer(
        report,
        subject=Subject(gettext_noop("每日信息已采用：%(title)s（%(day)s）"), _subject_args(report)),
        template="report_accepted",
    )
    return report


@transaction.atomic
def report_return(*, report: DailyReport, by: User, comment: str) -> DailyReport:
    """Return a submitted report to the organizer with a comment saying what to fix.

    Side effects: status returned (the reporter can edit and resubmit; lateness stays the
    first filing's), reviewed_at/by and review_comment set; a log entry "returned" with the
    comment; the reporter (or the unit's members) told by e-mail after commit and in-site.
    """
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("退回时请填写退回意见，说明需要修改什么。"))
    report = _locked(report)
    _require_submitted(report)
    now = timezone.now()
    report.status = DailyReport.Status.RETURNED
    report.reviewed_at = now
    report.reviewed_by = by
    report.review_comment = comment
    report.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "updated_at"])
    ReportLogEntry.objects.create(
        report=report, action=ReportLogEntry.Action.RETURNED, by=by, at=now, comment=comment
    )
    bump_board()
    _tell_organizer(
        report,
        subject=Subject(
            gettext_noop("每日信息被退回，请修改后重新报送：%(title)s（%(day)s）"), _subject_args(report)
        ),
        template="report_returned",
    )
    return report


@transaction.atomic
def media_set_public(*, media: MediaFile, by: User, public: bool) -> MediaFile:
    """Show (or stop showing) one photo or video in the public archive.

    Only files that passed their checks, of accepted reports, can be made public; taking a
    file out of the archive is always allowed. Side effects: ``is_public`` changes and a log
    entry (media_published / media_unpublished, naming the file) is written on the report;
    the public pages' cache version is bumped after commit; nothing happens when the flag already has that value.
    """
    media = MediaFile.objects.select_for_update(of=("self",)).select_related("report").get(pk=media.pk)
    if media.is_public == public:
        return media
    if public:
        if media.status != MediaFile.Status.PASSED:
            raise ValidationError(_("只有检查合格的照片和视频才能公开。"))
        if media.report.status != DailyReport.Status.ACCEPTED:
            raise ValidationError(_("报送采用后，才能把其中的照片和视频设为公开。"))
    media.is_public = public
    media.save(update_fields=["is_public"])
    bump_public_version_after_commit(events=[media.report.event_id])
    ReportLogEntry.objects.create(
        report=media.report,
        action=ReportLogEntry.Action.MEDIA_PUBLISHED if public else ReportLogEntry.Action.MEDIA_UNPUBLISHED,
        by=by,
        comment=media.original_name,
    )
    return media


def _subject_args(report: DailyReport) -> dict:
    return {"title": report.event.subtitle, "day": f"{report.day.month}月{report.day.day}日"}
