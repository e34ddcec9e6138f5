"""The reporter's pages: every event day to report, and one day's report with its files."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from events.context_processors import current_week
from events.models import Event

from ..forms import LeaderFormSet, ReportForm, UploadForm, leader_initial
from ..media import format_size
from ..models import DailyReport, MediaFile
from ..presenters import media_as_json
from ..selectors.reports import event_days, reportable_events
from ..services import media as media_services
from ..services import reports as report_services
from ..uploads import HashingLimitedUploadHandler

organizer_area = permission_required("events.use_organizer_area", raise_exception=True)


def _unit_event(request, event_id: int) -> Event:
    """The event, if it belongs to one of the user's units: another unit's event is a 404."""
    event = get_object_or_404(
        Event.objects.select_related("week", "venue", "host")
        .filter(host__memberships__user=request.user)
        .distinct(),
        pk=event_id,
    )
    if not request.user.has_perm("submissions.file_report", event):
        raise Http404
    return event


def _event_day(request, event_id: int, day: dt.date):
    event = _unit_event(request, event_id)
    if day not in event.days:
        raise Http404
    [row] = [row for row in event_days(events=[event], now=timezone.now()) if row.day == day]
    return event, row


@login_required
@organizer_area
@require_GET
def report_list(request):
    week = current_week(request)
    rows = (
        event_days(events=reportable_events(user=request.user, week=week), now=timezone.now()) if week else []
    )
    today = week.today() if week else None
    return render(
        request, "submissions/organizer/report/list.html", {"rows": rows, "today": today, "week": week}
    )


@login_required
@organizer_area
def report_detail(request, event_id: int, day: dt.date):
    event, row = _event_day(request, event_id, day)
    report = row.report
    if report is None:
        # Looking writes nothing: the day's report is created by its first save or upload.
        if request.method == "POST":
            report = report_services.report_for_day(event=event, day=day)
        else:
            report = DailyReport(event=event, day=day)
    editable = report.status in report_services.EDITABLE_STATUSES
    form = ReportForm(request.POST or None, instance=report, prefix="report")
    leaders = LeaderFormSet(
        request.POST or None, initial=leader_initial(report) if report.pk else [], prefix="leaders"
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid() and leaders.is_valid():
            try:
                _save(request, report, form, leaders)
                if request.POST.get("action") == "submit":
                    report = report_services.report_submit(report=report, by=request.user)
                    messages.success(request, _submitted_message(report))
                else:
                    messages.success(request, _("草稿已保存。"))
                return redirect(request.path)
            except ValidationError as error:
                form.add_error(None, error)
    context = {
        "event": event,
        "row": row,
        "report": report,
        "editable": editable,
        "form": form,
        "leaders": leaders,
        "upload_form": UploadForm(),
        "missing": report_services.missing_items(report, media=row.media),
        "history": report.log.select_related("by") if report.pk else [],
        "limits": {
            "photo_min": event.week.photo_min_bytes,
            "photo_max": event.week.photo_max_bytes,
            "video_max": event.week.video_max_bytes,
        },
    }
    return render(request, "submissions/organizer/report/detail.html", context)


def _save(request, report, form, leaders) -> None:
    report_services.report_save_draft(
        report=report,
        text=form.cleaned_data["text"],
        no_leaders=form.cleaned_data["no_leaders"],
        attendance=form.cleaned_data["attendance"],
        leaders=leaders.rows(),
    )
    for media in report.media.all():
        caption = request.POST.get(f"caption-{media.pk}")
        if caption is not None and caption != media.caption:
            media_services.media_set_caption(media=media, caption=caption)


def _submitted_message(report: DailyReport) -> str:
    if report.is_late:
        return _("已报送（逾期）。逾期报送仍会被接收，并标记为逾期。")
    return _("已按时报送，市发改委将尽快审核。")


@csrf_exempt
@login_required
@organizer_area
@require_POST
def media_upload(request, event_id: int, day: dt.date):
    """Receive photos and videos. Upload handlers must be set before the body is read, so
    CSRF is checked afterwards by the inner view rather than by the middleware."""
    event = _unit_event(request, event_id)
    week = event.week
    request.upload_handlers = [
        HashingLimitedUploadHandler(
            request, limits={"photos": week.photo_max_bytes, "videos": week.video_max_bytes}
        )
    ]
    return _media_upload(request, event, day)


@csrf_protect
def _media_upload(request, event: Event, day: dt.date):
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    created: list[MediaFile] = []
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
    if valid:
        for kind, field in ((MediaFile.Kind.PHOTO, "photos"), (MediaFile.Kind.VIDEO, "videos")):
            for uploaded in form.cleaned_data[field]:
                try:
                    created.append(
                        media_services.media_upload(
                            report=report,
                            uploaded=uploaded,
                            kind=kind,
                            by=request.user,
                            caption=form.cleaned_data["caption"],
                        )
                    )
                except (ValidationError, PermissionDenied) as error:
                    errors.extend(getattr(error, "messages", [str(error)]))
                except OSError:
                    errors.append(
                        _("“%(name)s”保存失败（存储空间不可用），请稍后重试。") % {"name": uploaded.name}
                    )
    elif not errors:
        errors.extend(message for messages_ in form.errors.values() for message in messages_)
    if wants_json:
        return JsonResponse(
            {"created": [media_as_json(media) for media in created], "errors": errors},
            status=200 if created or not errors else 400,
        )
    for error in errors:
        messages.error(request, error)
    if created:
        messages.success(request, _("已上传 %(count)d 个文件，正在排队检查。") % {"count": len(created)})
    return redirect("reports:detail", event_id=event.pk, day=day)


@login_required
@organizer_area
@require_GET
def media_status(request, event_id: int, day: dt.date):
    """The day's files and their check states, polled by the report page."""
    event, row = _event_day(request, event_id, day)
    return JsonResponse(
        {
            "media": [media_as_json(media) for media in row.media],
            "missing": report_services.missing_items(row.report, media=row.media) if row.report else [],
        }
    )


@login_required
@organizer_area
@require_POST
def media_delete(request, pk: int):
    media = get_object_or_404(
        MediaFile.objects.select_related("report__event__week").filter(
            report__event__host__memberships__user=request.user
        ),
        pk=pk,
    )
    report = media.report
    try:
        media_services.media_delete(media=media)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已删除“%(name)s”，可以重新上传。") % {"name": media.original_name})
    return redirect(reverse("reports:detail", kwargs={"event_id": report.event_id, "day": report.day}))
