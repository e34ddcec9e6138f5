"""The reporter's pages: every event day to report, and one day's report with its files.

Every page starts from the user's own units' events, so another unit's event is a 404;
whether the user may file reports for it is asked of the rule ``submissions.file_report``.
"""

from __future__ import annotations

import datetime as dt

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import TemplateView, View

from core.roles import organizer_ids
from core.views import PortalPermissionMixin
from events.context_processors import current_week
from events.models import Event
from events.selectors.public import with_partners

from ..forms import CaptionsForm, LeaderFormSet, ReportForm, UploadForm, leader_initial
from ..media.reasons import format_size
from ..models import DailyReport, MediaFile
from ..presenters import media_as_json, media_card
from ..selectors.reports import EventDay, event_days, reportable_events
from ..services import media as media_services
from ..services import reports as report_services
from ..uploads import HashingLimitedUploadHandler


class ReporterAreaMixin(PortalPermissionMixin):
    permission_required = "events.use_organizer_area"


class UnitEventMixin(ReporterAreaMixin):
    """The event of the URL, if it belongs to one of the user's units and reports may be filed."""

    @cached_property
    def event(self) -> Event:
        event = get_object_or_404(
            with_partners(
                Event.objects.of_units(organizer_ids(self.request.user)).select_related(
                    "week", "venue", "host"
                )
            ),
            pk=self.kwargs["event_id"],
        )
        if not rules.test_rule("submissions.file_report", self.request.user, event):
            raise Http404
        return event

    @cached_property
    def event_day(self) -> EventDay:
        day = self.kwargs["day"]
        if day not in self.event.reporting_days:
            raise Http404
        [row] = [row for row in event_days(events=[self.event], now=timezone.now()) if row.day == day]
        return row


class ReportListView(ReporterAreaMixin, TemplateView):
    template_name = "submissions/organizer/report/list.html"

    def get_context_data(self, **kwargs):
        week = current_week(self.request)
        if week is None:
            return {**super().get_context_data(**kwargs), "rows": [], "today": None, "week": None}
        today = week.today()
        rows = event_days(events=reportable_events(user=self.request.user, week=week), now=timezone.now())
        return {
            **super().get_context_data(**kwargs),
            "rows": sorted(rows, key=lambda row: _newest_first(row.day, today)),
            "today": today,
            "week": week,
        }


def _newest_first(day: dt.date, today: dt.date) -> tuple[bool, int]:
    """Today first, then the days before it, newest first; the days still to come last, in order."""
    return (day > today, day.toordinal() if day > today else -day.toordinal())


class ReportDetailView(UnitEventMixin, TemplateView):
    """The day's report: text, leaders and captions saved as a draft, or submitted."""

    template_name = "submissions/organizer/report/detail.html"

    def get(self, request, *args, **kwargs):
        # Looking writes nothing: the day's report is created by its first save or upload.
        report = self.event_day.report or DailyReport(event=self.event, day=self.kwargs["day"])
        return self._render(report, *self._forms(report, data=None))

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "autosave":
            return self._autosave(request)
        report = self.event_day.report or report_services.report_for_day(
            event=self.event, day=self.kwargs["day"]
        )
        if not report_services.report_is_editable(report):
            raise PermissionDenied
        form, leaders = self._forms(report, data=request.POST)
        captions = CaptionsForm(request.POST, media=report.media.all())
        if form.is_valid() and leaders.is_valid() and captions.is_valid():
            try:
                self._save(report, form, leaders, captions)
                if request.POST.get("action") == "submit":
                    report = report_services.report_submit(report=report, by=request.user)
                    messages.success(request, _submitted_message(report))
                else:
                    messages.success(request, _("草稿已保存。"))
                return redirect(request.path)
            except ValidationError as error:
                form.add_error(None, error)
        return self._render(report, form, leaders)

    def _autosave(self, request) -> JsonResponse:
        """The page's script saves the draft as the reporter types and on leaving the page:
        always answered with JSON (a beacon cannot ask for it), never with a message."""
        report = self.event_day.report
        if report is not None:
            try:
                report_services.report_require_editable(report)
            except PermissionDenied as error:
                return JsonResponse({"errors": {"__all__": [str(error)]}}, status=403)
        report = report or report_services.report_for_day(event=self.event, day=self.kwargs["day"])
        form, leaders = self._forms(report, data=request.POST)
        captions = CaptionsForm(request.POST, media=report.media.all())
        if not (form.is_valid() and leaders.is_valid() and captions.is_valid()):
            return JsonResponse({"errors": _field_errors(form, leaders)}, status=400)
        try:
            self._save(report, form, leaders, captions)
        except PermissionDenied as error:
            return JsonResponse({"errors": {"__all__": [str(error)]}}, status=403)
        except ValidationError as error:
            return JsonResponse({"errors": {"__all__": error.messages}}, status=400)
        saved_at = timezone.localtime(report.updated_at)
        return JsonResponse(
            {
                "saved_at": saved_at.isoformat(),
                "saved_label": _("已自动保存 %(time)s") % {"time": saved_at.strftime("%H:%M")},
                # What the page's "提交前还缺" lists now that the text and leaders are saved.
                "missing": report_services.missing_items(report, media=self.event_day.media),
            }
        )

    def _forms(self, report: DailyReport, *, data) -> tuple[ReportForm, LeaderFormSet]:
        # The saved leaders fill the rows shown; a post carries every row as the page holds it.
        # Bound to the saved leaders as initial values, an added row that equals one of them
        # (posted again by the next autosave, or by the submit after it) would count as
        # unchanged and be dropped, and saving would delete the leader.
        initial = leader_initial(report) if report.pk and data is None else None
        return (
            ReportForm(data, instance=report, prefix="report"),
            LeaderFormSet(data, initial=initial, prefix="leaders"),
        )

    def _save(self, report, form, leaders, captions) -> None:
        report_services.report_save_draft(
            report=report,
            text=form.cleaned_data["text"],
            no_leaders=form.cleaned_data["no_leaders"],
            attendance=form.cleaned_data["attendance"],
            leaders=leaders.rows(),
        )
        for media, caption in captions.changed():
            media_services.media_set_caption(media=media, caption=caption)

    def _render(self, report: DailyReport, form: ReportForm, leaders: LeaderFormSet):
        event, row = self.event, self.event_day
        week = event.week
        context = self.get_context_data(
            event=event,
            row=row,
            report=report,
            editable=report_services.report_is_editable(report),
            form=form,
            leaders=leaders,
            upload_form=UploadForm(),
            missing=report_services.missing_items(report, media=row.media),
            history=report.log.select_related("by") if report.pk else [],
            limits={
                "photo_min": week.photo_min_bytes,
                "photo_max": week.photo_max_bytes,
                "video_max": week.video_max_bytes,
            },
        )
        return self.render_to_response(context)


def _field_errors(form: ReportForm, leaders: LeaderFormSet) -> dict[str, list[str]]:
    """Each field's messages under its HTML name, a leader row's own under its prefix, the rest under ``__all__``."""
    errors: dict[str, list[str]] = {}
    for bound in (form, *leaders.forms):
        for field, messages_ in bound.errors.items():
            if field != "__all__":
                key = bound.add_prefix(field)
            else:
                key = "__all__" if bound is form else bound.prefix
            errors.setdefault(key, []).extend(messages_)
    if leaders.non_form_errors():
        errors.setdefault("__all__", []).extend(leaders.non_form_errors())
    return errors


def _submitted_message(report: DailyReport) -> str:
    if report.is_late:
        return _("已报送（逾期）。逾期报送仍会被接收，并标记为逾期。")
    return _("已按时报送，市发改委将尽快审核。")


@method_decorator(csrf_exempt, name="dispatch")
class MediaUploadView(UnitEventMixin, View):
    """Receive photos and videos. Upload handlers must be set before the body is read, so
    CSRF is checked after they are in place (``_checked_upload``), not by the middleware."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        week = self.event.week
        request.upload_handlers = [
            HashingLimitedUploadHandler(
                request, limits={"photos": week.photo_max_bytes, "videos": week.video_max_bytes}
            )
        ]
        return csrf_protect(self._checked_upload)(request)

    def _checked_upload(self, request):
        event, day = self.event, self.kwargs["day"]
        wants_json = _wants_json(request)
        try:
            report = report_services.report_for_day(event=event, day=day)
        except ValidationError:
            raise Http404 from None
        form = UploadForm(request.POST, request.FILES)
        valid = form.is_valid()  # reads the body: only now are refused uploads known
        errors: list[str] = [
            _("“%(name)s”超过 %(limit)s 的上限，未保存。") % {"name": name, "limit": format_size(limit)}
            for _field, name, limit in getattr(request, "refused_uploads", [])
        ]
        created: list[MediaFile] = []
        if valid:
            created = self._store(report, form, errors)
        elif not errors:
            errors.extend(message for messages_ in form.errors.values() for message in messages_)
        if wants_json:
            editable = report_services.report_is_editable(report)
            return JsonResponse(
                {
                    "created": [media_card(media, editable=editable, request=request) for media in created],
                    "errors": errors,
                },
                status=200 if created or not errors else 400,
            )
        for error in errors:
            messages.error(request, error)
        if created:
            messages.success(request, _("已上传 %(count)d 个文件，正在排队检查。") % {"count": len(created)})
        return redirect("reports:detail", event_id=event.pk, day=day)

    def _store(self, report: DailyReport, form: UploadForm, errors: list[str]) -> list[MediaFile]:
        created = []
        for kind, field in ((MediaFile.Kind.PHOTO, "photos"), (MediaFile.Kind.VIDEO, "videos")):
            for uploaded in form.cleaned_data[field]:
                try:
                    created.append(
                        media_services.media_upload(
                            report=report,
                            uploaded=uploaded,
                            kind=kind,
                            by=self.request.user,
                            caption=form.cleaned_data["caption"],
                        )
                    )
                except (ValidationError, PermissionDenied) as error:
                    errors.extend(getattr(error, "messages", [str(error)]))
                except OSError:
                    errors.append(
                        _("“%(name)s”保存失败（存储空间不可用），请稍后重试。") % {"name": uploaded.name}
                    )
        return created


class MediaStatusView(UnitEventMixin, View):
    """The day's files and their check states, polled by the report page."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        row = self.event_day
        missing = report_services.missing_items(row.report, media=row.media) if row.report else []
        if request.GET.get("cards"):
            # The page reconciles its list after an upload whose answer it never saw (cancelled
            # after the file was sent, or the connection dropped): stored files get their cards.
            editable = report_services.report_is_editable(row.report)
            media = [media_card(item, editable=editable, request=request) for item in row.media]
        else:
            media = [media_as_json(item) for item in row.media]
        return JsonResponse({"media": media, "missing": missing})


class MediaDeleteView(ReporterAreaMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        media = get_object_or_404(
            MediaFile.objects.select_related("report__event__week").filter(
                report__event__in=Event.objects.of_units(organizer_ids(request.user))
            ),
            pk=self.kwargs["pk"],
        )
        report = media.report
        # The page's script asks for JSON after its undo window: no message is left for the next page.
        wants_json = _wants_json(request)
        try:
            media_services.media_delete(media=media)
        except PermissionDenied as error:
            if wants_json:
                return JsonResponse({"deleted": None, "errors": [str(error)]}, status=403)
            messages.error(request, str(error))
        else:
            if wants_json:
                return JsonResponse({"deleted": self.kwargs["pk"], "errors": []})
            messages.success(request, _("已删除“%(name)s”，可以重新上传。") % {"name": media.original_name})
        return redirect("reports:detail", event_id=report.event_id, day=report.day)


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")
