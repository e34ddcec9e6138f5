"""The office's page for one report: read it, accept or return it, choose public media."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from .. import deadlines
from ..forms import MediaPublicForm, ReportAcceptForm, ReportReturnForm
from ..models import DailyReport, MediaFile
from ..selectors import board as selectors
from ..services import review as review_services
from ..states import day_state
from .board import OfficeAreaMixin, ResultsReaderMixin


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


def _accepted_media(report: DailyReport, media: list[MediaFile]) -> list[MediaFile]:
    """What an observer may see of a report's files (rule ``submissions.see_media``): those
    that passed their checks, once the office accepted the report."""
    if report.status != DailyReport.Status.ACCEPTED:
        return []
    return [m for m in media if m.status == MediaFile.Status.PASSED]


class ReportReviewView(ResultsReaderMixin, TemplateView):
    template_name = "submissions/review/report.html"

    def get_context_data(self, **kwargs):
        try:
            report = selectors.report_for_review(pk=self.kwargs["pk"])
        except DailyReport.DoesNotExist:
            raise Http404 from None
        event = report.event
        due = deadlines.due_at(event, report.day)
        reader = self.reader_context()
        every_file = list(report.media.all())
        media = every_file if reader["can_review"] else _accepted_media(report, every_file)
        previous, following, position, total = _neighbours(report)
        return {
            **reader,
            "media_withheld": len(media) < len(every_file),
            **super().get_context_data(**kwargs),
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
            "can_decide": reader["can_review"] and report.status == DailyReport.Status.SUBMITTED,
            "previous": previous,
            "next": following,
            "position": position,
            "total": total,
            "board_url": f"{reverse('board:home')}?day={report.day.isoformat()}",
        }


class ReportDecisionView(OfficeAreaMixin, View):
    """Accept or return a report, then back to it or, with ``then=next``, on to the next one."""

    http_method_names = ["post"]
    form_class: type = ReportAcceptForm
    done_message = ""

    def decide(self, report: DailyReport, form) -> DailyReport:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        report = get_object_or_404(DailyReport, pk=self.kwargs["pk"])
        form = self.form_class(
            request.POST
        )  # every field is optional: the service says what a decision needs
        try:
            if not form.is_valid():
                raise ValidationError([message for errors in form.errors.values() for message in errors])
            report = self.decide(report, form)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("board:report", pk=report.pk)
        messages.success(request, self.done_message)
        return self._after_decision(report, go_next=form.cleaned_data["then"] == "next")

    def _after_decision(self, report: DailyReport, *, go_next: bool):
        """Back to the report, or on to the first report of the day that still waits for
        review (a decided report moves down the board, so "next in the queue" means the next
        one needing action, not the neighbour in the old order)."""
        if not go_next:
            return redirect("board:report", pk=report.pk)
        board = selectors.board_for_day(
            week=report.event.week, day=report.day, now=timezone.now(), light=True
        )
        waiting = next(
            (row.report.pk for row in board.all_rows if row.needs_review and row.report.pk != report.pk), None
        )
        if waiting:
            return redirect("board:report", pk=waiting)
        messages.info(self.request, _("当日已没有待审核的报送。"))
        return redirect(f"{reverse('board:home')}?day={report.day.isoformat()}")


class ReportAcceptView(ReportDecisionView):
    form_class = ReportAcceptForm

    @property
    def done_message(self) -> str:
        return _("已采用，并已通知信息报送员。")

    def decide(self, report, form):
        return review_services.report_accept(
            report=report, by=self.request.user, checklist=form.cleaned_data["checklist"]
        )


class ReportReturnView(ReportDecisionView):
    form_class = ReportReturnForm

    @property
    def done_message(self) -> str:
        return _("已退回，信息报送员会收到邮件和站内通知。")

    def decide(self, report, form):
        return review_services.report_return(
            report=report, by=self.request.user, comment=form.cleaned_data["comment"]
        )


class MediaPublicView(OfficeAreaMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        media = get_object_or_404(MediaFile.objects.select_related("report"), pk=self.kwargs["pk"])
        form = MediaPublicForm(request.POST)
        public = form.is_valid() and form.cleaned_data["public"]
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
