"""The office's event review: queue, decisions, history, units and invitations, bulk import,
import of the city's plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from core.views import ObjectPermissionMixin, PortalPermissionMixin

from .. import importing, services
from ..context_processors import current_week
from ..forms import (
    ImportForm,
    InvitationForm,
    OrganizerForm,
    PlanConfirmForm,
    PlanImportForm,
    ReasonForm,
    ReportingForm,
)
from ..models import Event, EventChangeRequest, ImportJob, Membership, OrganizerApplication
from ..plan import draft_as_json, draft_from_json, parse_plan
from ..selectors import plans as plan_selectors
from ..selectors import review as selectors
from ..selectors.plans import DAY_ENDS, DAY_STARTS

S = Event.Status


class ReviewAreaMixin(PortalPermissionMixin):
    permission_required = "events.use_review_area"


class QueueView(ReviewAreaMixin, TemplateView):
    """Submitted events (bulk approvable) and pending change requests with what changed."""

    template_name = "events/review/queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = selectors.submitted_events()
        context["changes"] = selectors.with_diffs(selectors.pending_change_requests())
        return context


class EventListView(ReviewAreaMixin, ListView):
    template_name = "events/review/event_list.html"
    context_object_name = "events"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        self.status = status if status in S.values else ""
        return selectors.events_by_status(status=self.status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status"] = self.status
        context["statuses"] = S.choices
        return context


class EventDetailView(ObjectPermissionMixin, DetailView):
    """Everything about one event for the office, with its status history and change requests."""

    permission_required = "events.review_event"
    template_name = "events/review/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return selectors.event_for_review(pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["change_requests"] = selectors.with_diffs(self.object.change_requests.all())
        context["reporting_form"] = ReportingForm(event=self.object)
        return context


class ReportingView(ObjectPermissionMixin, DetailView):
    """POST: the office gives undertaking and co-organizing units the reporter role, and decides
    whether the days before the week's period are reported (form on the event's page)."""

    permission_required = "events.set_reporting"
    http_method_names = ["post"]

    def get_queryset(self):
        return selectors.event_for_review(pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        event = self.get_object()
        form = ReportingForm(request.POST, event=event)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("review_events:detail", pk=event.pk)
        granted = services.event_reporting_set(
            event=event,
            reporting_partner_ids=[p.pk for p in form.cleaned_data["partners"]],
            reports_before_period=form.cleaned_data.get("reports_before_period", event.reports_before_period),
            by=request.user,
        )
        message = _("已保存信息报送设置。")
        if granted:
            message += _("已通知：%(units)s。") % {"units": "、".join(p.display_name for p in granted)}
        messages.success(request, message)
        return redirect("review_events:detail", pk=event.pk)


class DecisionView(ObjectPermissionMixin, FormView):
    """GET shows the event and a comment box; POST calls the service and goes back."""

    template_name = "events/review/decide.html"
    form_class = ReasonForm
    comment_label = gettext_lazy("意见")
    comment_required = True
    heading = ""
    button = ""
    button_class = "btn-primary"

    def get_queryset(self):
        return selectors.event_for_review(pk=self.kwargs["pk"])

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(self.get_queryset())
        return self._object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "label": self.comment_label, "required": self.comment_required}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            event=self.get_object(), heading=self.heading, button=self.button, button_class=self.button_class
        )
        return context

    def form_valid(self, form):
        try:
            self.decide(self.get_object(), form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if self.back_to_detail:
            return redirect("review_events:detail", pk=self.get_object().pk)
        return redirect("review_events:queue")

    back_to_detail = False


class ApproveView(DecisionView):
    permission_required = "events.approve_event"
    comment_label = gettext_lazy("审核意见（可选）")
    comment_required = False
    heading = gettext_lazy("审核通过并发布")
    button = gettext_lazy("审核通过")
    button_class = "btn-success"

    def decide(self, event, comment):
        services.event_approve(event=event, by=self.request.user, comment=comment)
        messages.success(self.request, _("已发布：%(title)s") % {"title": event.subtitle})


class ReturnView(DecisionView):
    permission_required = "events.return_event"
    comment_label = gettext_lazy("退回意见")
    heading = gettext_lazy("退回修改")
    button = gettext_lazy("退回")
    button_class = "btn-warning"

    def decide(self, event, comment):
        services.event_return(event=event, by=self.request.user, comment=comment)
        messages.success(self.request, _("已退回：%(title)s") % {"title": event.subtitle})


class CancelView(DecisionView):
    permission_required = "events.cancel_event"
    comment_label = gettext_lazy("取消原因")
    heading = gettext_lazy("取消活动")
    button = gettext_lazy("确认取消活动")
    button_class = "btn-danger"
    back_to_detail = True

    def decide(self, event, comment):
        services.event_cancel(event=event, by=self.request.user, reason=comment)
        messages.success(self.request, _("已取消：%(title)s") % {"title": event.subtitle})


class BulkApproveView(ReviewAreaMixin, View):
    """Approve the ticked submitted events of the queue at once."""

    permission_required = "events.use_review_area"
    http_method_names = ["post"]

    def post(self, request):
        ids = [int(pk) for pk in request.POST.getlist("event") if pk.isdigit()]
        events = Event.objects.filter(pk__in=ids, status=S.SUBMITTED).select_related("week", "reporter")
        if not ids:
            messages.warning(request, _("请先勾选要通过的活动。"))
            return redirect("review_events:queue")
        count = services.event_approve_many(events=events, by=request.user)
        messages.success(request, _("已批量通过并发布 %(count)d 项活动。") % {"count": count})
        return redirect("review_events:queue")


class ChangeDecisionView(ObjectPermissionMixin, FormView):
    permission_required = "events.decide_change_request"
    template_name = "events/review/decide_change.html"
    form_class = ReasonForm
    accept = True

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(
                EventChangeRequest.objects.select_related("event__host", "event__week", "requested_by"),
                pk=self.kwargs["pk"],
            )
        return self._object

    def get_form_kwargs(self):
        label = _("审核意见（可选）") if self.accept else _("不同意的理由")
        return {**super().get_form_kwargs(), "label": label, "required": not self.accept}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        change = selectors.with_diffs([self.get_object()])[0]
        context.update(change=change, event=change.event, accept=self.accept)
        return context

    def form_valid(self, form):
        change = self.get_object()
        try:
            if self.accept:
                services.change_request_accept(
                    change_request=change, by=self.request.user, comment=form.cleaned_data["comment"]
                )
                messages.success(self.request, _("变更已通过，公开页面已更新。"))
            else:
                services.change_request_reject(
                    change_request=change, by=self.request.user, comment=form.cleaned_data["comment"]
                )
                messages.success(self.request, _("已不同意该变更，活动保持原审核内容。"))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("review_events:queue")


# --- Units, members, invitations, applications --------------------------------------------


class OrganizerListView(ReviewAreaMixin, FormView):
    """All units with member and event counts, and a form to add one."""

    permission_required = "events.manage_organizers"
    template_name = "events/review/organizer_list.html"
    form_class = OrganizerForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organizers"] = selectors.organizers_with_counts()
        context["pending_applications"] = selectors.pending_applications().count()
        return context

    def form_valid(self, form):
        unit = services.organizer_create(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("已添加单位：%(name)s。现在可以邀请成员。") % {"name": unit.name})
        return redirect("review_events:organizer_detail", pk=unit.pk)


class OrganizerDetailView(ReviewAreaMixin, FormView):
    """A unit's members and invitations; invite someone by e-mail."""

    permission_required = "events.manage_organizers"
    template_name = "events/review/organizer_detail.html"
    form_class = InvitationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.unit = get_object_or_404(selectors.organizer_detail(pk=kwargs["pk"]))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unit"] = self.unit
        return context

    def form_valid(self, form):
        services.invitation_create(organizer=self.unit, by=self.request.user, **form.cleaned_data)
        messages.success(
            self.request, _("邀请已发送至 %(email)s，7 天内有效。") % {"email": form.cleaned_data["email"]}
        )
        return redirect("review_events:organizer_detail", pk=self.unit.pk)


class MemberRemoveView(ReviewAreaMixin, View):
    permission_required = "events.manage_organizers"
    http_method_names = ["post"]

    def post(self, request, pk: int, membership_pk: int):
        membership = get_object_or_404(
            Membership.objects.select_related("user"), pk=membership_pk, organizer_id=pk
        )
        services.membership_remove(membership=membership, by=request.user)
        messages.success(request, _("已移除成员：%(name)s") % {"name": membership.user.display_name})
        return redirect("review_events:organizer_detail", pk=pk)


class ApplicationListView(ReviewAreaMixin, TemplateView):
    permission_required = "events.manage_organizers"
    template_name = "events/review/applications.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = selectors.pending_applications()
        context["decided"] = selectors.decided_applications()
        return context


class ApplicationAcceptView(ReviewAreaMixin, View):
    permission_required = "events.manage_organizers"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        application = get_object_or_404(OrganizerApplication, pk=pk)
        try:
            invitation = services.application_accept(application=application, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("review_events:applications")
        messages.success(
            request,
            _("已接受“%(name)s”的申请，邀请已发送至 %(email)s。")
            % {"name": application.name, "email": invitation.email},
        )
        return redirect("review_events:organizer_detail", pk=invitation.organizer_id)


class ApplicationDeclineView(ReviewAreaMixin, FormView):
    permission_required = "events.manage_organizers"
    template_name = "events/review/application_decline.html"
    form_class = ReasonForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.application = get_object_or_404(OrganizerApplication, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "label": _("拒绝原因")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "application": self.application}

    def form_valid(self, form):
        try:
            services.application_decline(
                application=self.application, by=self.request.user, reason=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("已拒绝“%(name)s”的申请，并已邮件告知原因。") % {"name": self.application.name}
        )
        return redirect("review_events:applications")


# --- Bulk import --------------------------------------------------------------------------

IMPORT_SESSION_KEY = "events_import"


class ImportView(ReviewAreaMixin, FormView):
    """Upload → preview with row-by-row errors → confirm. Nothing is saved unless every row is valid.

    The uploaded file waits in the session between preview and confirm (it is small: 5 MB at
    most), so any web process can take the confirm.

    A file larger than ``IMPORT_IN_WORKER_BYTES`` is not checked here: it is stored as an
    ``ImportJob`` for a worker, and the answer is this page for the job (``?job=<id>``), which
    refreshes itself until the preview is ready and then confirms from the stored job. Only the
    uploader sees a job, and only while its week is the current one; anyone else gets 404.
    """

    permission_required = "events.import_events"
    template_name = "events/review/import.html"
    form_class = ImportForm
    REFRESH_SECONDS = 2

    def dispatch(self, request, *args, **kwargs):
        self.week = current_week(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "week": self.week, "columns": importing.COLUMNS}

    def get(self, request, *args, **kwargs):
        if "job" in request.GET:
            # The page refreshes every few seconds while it waits: the file stays in the database.
            return self.render_job(self.get_job(defer_content=True))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if request.POST.get("confirm"):
            return self.confirm_job(self.get_job()) if "job" in request.GET else self.confirm()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if self.week is None:
            form.add_error(None, _("当前没有活动周，无法导入。"))
            return self.form_invalid(form)
        upload = form.cleaned_data["file"]
        if services.import_in_worker(size=upload.size):
            self.request.session.pop(IMPORT_SESSION_KEY, None)
            job = services.import_job_create(
                content=upload.read(),
                name=upload.name,
                week=self.week,
                by=self.request.user,
                publish=form.cleaned_data["publish"],
                language=get_language() or "",
            )
            return redirect(import_job_url(job))
        content = upload.read()
        preview = importing.preview(content=content, week=self.week)
        if preview.is_valid:
            request = self.request
            request.session[IMPORT_SESSION_KEY] = {
                "content": importing.encode(content),
                "week": self.week.pk,
                "publish": form.cleaned_data["publish"],
                "name": form.cleaned_data["file"].name,
            }
        return self.render_to_response(
            self.get_context_data(form=form, preview=preview, publish=form.cleaned_data["publish"])
        )

    def confirm(self):
        pending = self.request.session.pop(IMPORT_SESSION_KEY, None)
        if not pending or self.week is None or pending["week"] != self.week.pk:
            messages.error(self.request, _("导入已过期，请重新上传文件。"))
            return redirect("review_events:import")
        try:
            result = importing.import_events(
                content=importing.decode(pending["content"]),
                week=self.week,
                by=self.request.user,
                publish=pending["publish"],
            )
        except importing.ImportRejected as rejected:
            return self.render_to_response(self.get_context_data(preview=rejected.preview))
        return self.imported(result)

    def imported(self, result: importing.ImportResult):
        messages.success(
            self.request,
            _("导入完成：新建 %(created)d 项，已存在跳过 %(skipped)d 项。")
            % {"created": result.created, "skipped": result.skipped},
        )
        return redirect("review_events:list")

    # --- A large upload, checked by a worker ---

    def get_job(self, *, defer_content: bool = False) -> ImportJob:
        jobs = ImportJob.objects.select_related("week").filter(uploaded_by=self.request.user, week=self.week)
        if defer_content:
            jobs = jobs.defer("content")
        pk = self.request.GET.get("job", "")
        if not pk.isdigit():
            raise Http404
        return get_object_or_404(jobs, pk=int(pk))

    def render_job(self, job: ImportJob, preview: importing.ImportPreview | None = None):
        if preview is None and job.result is not None and job.status != ImportJob.Status.IMPORTED:
            preview = importing.preview_from_json(job.result)
        context = self.get_context_data(
            form=self.get_form_class()(),
            job=job,
            preview=preview,
            publish=job.publish,
            refresh=self.REFRESH_SECONDS if job.is_pending and not job.is_stale else None,
        )
        return self.render_to_response(context)

    def confirm_job(self, job: ImportJob):
        try:
            result = importing.import_job_confirm(job=job, by=self.request.user)
        except importing.ImportRejected as rejected:
            return self.render_job(job, rejected.preview)
        if result is None:
            messages.error(self.request, _("该文件已导入或尚未检查完毕，未重复导入。"))
            return redirect("review_events:import")
        return self.imported(result)


def import_job_url(job: ImportJob) -> str:
    return f"{reverse('review_events:import')}?job={job.pk}"


class ImportTemplateView(ReviewAreaMixin, View):
    permission_required = "events.import_events"

    def get(self, request):
        response = HttpResponse(
            importing.template_workbook(week=current_week(request)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            "attachment; filename*=UTF-8''%E6%B4%BB%E5%8A%A8%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
        )
        return response


# --- Import of the city's plan (工作方案) ------------------------------------------------------

PLAN_SESSION_KEY = "events_plan_import"


class PlanImportView(ReviewAreaMixin, FormView):
    """The plan as .docx or pasted text → a preview of the week and every event, with warnings
    and a tick per event → confirm (``services.plan_apply``) or cancel. Nothing is saved before
    the confirm.

    Between the preview and the confirm the parsed draft (``plan.draft_as_json``, a few KB for a
    plan of dozens of events) waits in the session with the office's choice of week, so any web
    process can take the confirm without the file; the confirm checks it again against the
    database as it is then. An ``ImportJob`` is not used: it holds a file for a worker and
    belongs to an existing week, while a plan is parsed at once and may create its week.
    """

    permission_required = "events.import_events"
    template_name = "events/review/import_plan.html"
    form_class = PlanImportForm

    def dispatch(self, request, *args, **kwargs):
        self.week = current_week(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "week": self.week}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(week=self.week, day_starts=DAY_STARTS, day_ends=DAY_ENDS)
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("cancel"):
            request.session.pop(PLAN_SESSION_KEY, None)
            messages.info(request, _("已取消导入，未保存任何内容。"))
            return redirect("review_events:import_plan")
        if request.POST.get("confirm"):
            return self.confirm()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        draft = parse_plan(form.cleaned_data["plan_text"])
        new_week = form.cleaned_data["target"] == PlanImportForm.NEW or self.week is None
        outcome = plan_selectors.plan_outcome(draft=draft, week=None if new_week else self.week)
        upload = form.cleaned_data.get("file")
        self.request.session[PLAN_SESSION_KEY] = {
            "draft": draft_as_json(draft),
            "week": None if new_week else self.week.pk,
            "name": upload.name if upload else "",
        }
        return self.render_preview(outcome, form=form, name=upload.name if upload else "")

    def render_preview(self, outcome, *, form=None, name="", chosen=None, errors=()):
        if chosen is None:
            chosen = {event.number for event in outcome.events if event.importable}
        return self.render_to_response(
            self.get_context_data(
                form=form or self.get_form_class()(week=self.week),
                outcome=outcome,
                name=name,
                chosen=chosen,
                confirm_errors=list(errors),
            )
        )

    def confirm(self):
        pending = self.request.session.get(PLAN_SESSION_KEY)
        try:
            draft = draft_from_json(pending["draft"])
        except (TypeError, KeyError, ValueError):
            draft = None
        stale = (
            pending and pending.get("week") is not None and pending["week"] != getattr(self.week, "pk", None)
        )
        if draft is None or stale:
            self.request.session.pop(PLAN_SESSION_KEY, None)
            messages.error(self.request, _("导入已过期或当前活动周已变更，请重新上传方案。"))
            return redirect("review_events:import_plan")
        week = self.week if pending["week"] is not None else None
        form = PlanConfirmForm(self.request.POST, numbers=[event.number for event in draft.events])
        if not form.is_valid():
            outcome = plan_selectors.plan_outcome(draft=draft, week=week)
            return self.render_preview(outcome, name=pending["name"], errors=[_("请重新勾选要导入的活动。")])
        numbers = form.cleaned_data["events"]
        try:
            result = services.plan_apply(draft=draft, week=week, by=self.request.user, numbers=numbers)
        except ValidationError as error:
            outcome = plan_selectors.plan_outcome(draft=draft, week=week)
            return self.render_preview(
                outcome, name=pending["name"], chosen=set(numbers), errors=error.messages
            )
        self.request.session.pop(PLAN_SESSION_KEY, None)
        message = _("已导入工作方案：") + (
            _("新建活动周“%(week)s”（已设为当前活动周，尚未公开）")
            if result.week_created
            else _("已更新活动周“%(week)s”")
        ) % {"week": result.week.name}
        message += _("；新建活动 %(created)d 项，更新 %(updated)d 项，新建单位 %(units)d 个。") % {
            "created": len(result.created),
            "updated": len(result.updated),
            "units": len(result.units_created),
        }
        messages.success(self.request, message)
        return redirect("review_events:list")
