"""The office's page for one report: read it, accept or return it, choose public media."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import deadlines
from ..models import DailyReport, MediaFile
from ..selectors import board as selectors
from ..services import review as review_services
from ..states import day_state
from .board import office_only


def _report(pk: int) -> DailyReport:
    try:
        return selectors.report_for_review(pk=pk)
    except DailyReport.DoesNotExist:
        raise Http404 from None


def _neighbours(report: DailyReport) -> tuple[int | None, int | None, int, int]:
    """Previous and next report of the day's queue (board order), position and length."""
    board = selectors.board_for_day(week=report.event.week, day=report.day, now=timezone.now(), light=True)
    queue = board.queue
    if report.pk not in queue:
        return None, (queue[0] if queue else None), 0, len(queue)
    index = queue.index(report.pk)
    previous = queue[index - 1] if index > 0 else None
    following = queue[index + 1] if index + 1 < len(queue) else None
    return previous, following, index + 1, len(queue)


@login_required
@office_only
@require_GET
def detail(request, pk: int):
    report = _report(pk)
    event = report.event
    due = deadlines.due_at(event, report.day)
    media = list(report.media.all())
    previous, following, position, total = _neighbours(report)
    context = {
        "report": report,
        "event": event,
        "week": event.week,
        "due": due,
        "state": day_state(report, due=due, now=timezone.now()),
        "photos": [m for m in media if m.kind == MediaFile.Kind.PHOTO],
        "videos": [m for m in media if m.kind == MediaFile.Kind.VIDEO],
        "leaders": list(report.leaders.all()),
        "history": list(report.log.all()),
        "checklist": event.week.publication_checklist or [],
        "can_decide": report.status == DailyReport.Status.SUBMITTED,
        "previous": previous,
        "next": following,
        "position": position,
        "total": total,
        "board_url": f"{reverse('board:home')}?day={report.day.isoformat()}",
    }
    return render(request, "submissions/review/report.html", context)


def _after_decision(request, report: DailyReport):
    """Back to the report, or with ``then=next`` on to the first report of the day that
    still waits for review (a decided report moves down the board, so "next in the queue"
    means the next one needing action, not the neighbour in the old order)."""
    if request.POST.get("then") == "next":
        board = selectors.board_for_day(
            week=report.event.week, day=report.day, now=timezone.now(), light=True
        )
        waiting = next(
            (row.report.pk for row in board.all_rows if row.needs_review and row.report.pk != report.pk), None
        )
        if waiting:
            return redirect("board:report", pk=waiting)
        messages.info(request, _("当日已没有待审核的报送。"))
        return redirect(f"{reverse('board:home')}?day={report.day.isoformat()}")
    return redirect("board:report", pk=report.pk)


@login_required
@office_only
@require_POST
def accept(request, pk: int):
    report = get_object_or_404(DailyReport, pk=pk)
    try:
        report = review_services.report_accept(
            report=report, by=request.user, checklist=request.POST.getlist("checklist")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("board:report", pk=pk)
    messages.success(request, _("已采用，并已通知信息报送员。"))
    return _after_decision(request, report)


@login_required
@office_only
@require_POST
def return_report(request, pk: int):
    report = get_object_or_404(DailyReport, pk=pk)
    try:
        report = review_services.report_return(
            report=report, by=request.user, comment=request.POST.get("comment", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("board:report", pk=pk)
    messages.success(request, _("已退回，信息报送员会收到邮件和站内通知。"))
    return _after_decision(request, report)


@login_required
@office_only
@require_POST
def media_public(request, pk: int):
    media = get_object_or_404(MediaFile.objects.select_related("report"), pk=pk)
    public = request.POST.get("public") == "1"
    try:
        review_services.media_set_public(media=media, by=request.user, public=public)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if public:
            messages.success(
                request, _("“%(name)s”已设为公开，将出现在活动档案中。") % {"name": media.original_name}
            )
        else:
            messages.success(request, _("“%(name)s”已取消公开。") % {"name": media.original_name})
    return redirect(f"{reverse('board:report', kwargs={'pk': media.report_id})}#media-{media.pk}")
