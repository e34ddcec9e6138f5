"""A curator's bulk import of projects: upload → a worker checks (progress bar) → preview with
each row's errors → confirm (a worker imports, progress bar) or cancel (nothing is saved).

The job's page polls ``import_progress`` (a small JSON answer) through
``static/exhibits/import.js`` and reloads itself when the worker is done; without JavaScript
it shows the same page with a "refresh" link. Jobs are looked up among the halls the user
curates, so another hall's import is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from core.views import PortalPermissionMixin

from .. import importing, services
from ..forms import ImportForm
from ..models import ProjectImportJob
from ..selectors import area as selectors
from .curator import HallMixin

S = ProjectImportJob.Status
# Rows the preview lists: every row with errors (up to this many), and a sample of the others.
PREVIEW_ERROR_ROWS = 1000
PREVIEW_SAMPLE_ROWS = 100


class ImportView(HallMixin, FormView):
    """The upload form, the columns, the template and the hall's latest imports."""

    permission_required = "exhibits.import_projects"
    template_name = "exhibits/curator/import.html"
    form_class = ImportForm

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "columns": importing.COLUMNS,
            "jobs": selectors.import_jobs(exhibition=self.exhibition),
            "max_rows": importing.MAX_ROWS,
        }

    def form_valid(self, form):
        job = services.import_job_create(
            exhibition=self.exhibition,
            by=self.request.user,
            sheet=form.cleaned_data["sheet"],
            images=form.cleaned_data["images"],
            accept=form.cleaned_data["accept"],
            language=get_language() or "",
        )
        return redirect("exhibits:import_job", pk=job.pk)


class ImportTemplateView(HallMixin, View):
    http_method_names = ["get", "head"]
    permission_required = "exhibits.import_projects"

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            importing.template_workbook(exhibition=self.exhibition),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=_("展项导入模板.xlsx")
        )
        return response


class JobMixin(PortalPermissionMixin):
    permission_required = "exhibits.import_projects"
    with_preview = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.job = get_object_or_404(
            selectors.managed_import_job(user=request.user, pk=kwargs["pk"], with_preview=self.with_preview)
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.job.exhibition


def progress_label(job: ProjectImportJob) -> str:
    """What the worker is doing, in a few words."""
    if job.status == S.QUEUED:
        return _("排队等待后台处理…")
    if job.phase == "archive":
        return _("正在检查文件…")
    if job.phase == "rows" and job.total:
        counts = {"done": job.done, "total": job.total}
        if job.status == S.CHECKING:
            return _("正在检查第 %(done)d / %(total)d 行…") % counts
        return _("正在再次核对第 %(done)d / %(total)d 行…") % counts
    if job.phase == "images" and job.total:
        return _("正在保存图片 %(done)d / %(total)d…") % {"done": job.done, "total": job.total}
    if job.phase == "saving":
        return _("正在写入展项…")
    return _("正在处理…")


class ImportJobView(JobMixin, TemplateView):
    """One import: its progress while a worker runs, then the preview (counts, the rows with
    errors, a sample of the others) with "import" and "cancel", then the outcome."""

    http_method_names = ["get", "post", "head"]
    template_name = "exhibits/curator/import_job.html"

    def get_context_data(self, **kwargs):
        job = self.job
        preview = job.preview or {}
        rows = preview.get("rows", [])
        error_rows = [row for row in rows if row["errors"]]
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "exhibition": job.exhibition,
            "counts": preview.get("counts", {}),
            "error_rows": error_rows[:PREVIEW_ERROR_ROWS],
            "more_errors": max(0, len(error_rows) - PREVIEW_ERROR_ROWS),
            "sample_rows": [row for row in rows if not row["errors"]][:PREVIEW_SAMPLE_ROWS],
            "outcome": job.outcome or {},
            "progress_label": progress_label(job),
            "watch": job.is_pending and not job.is_stale,
        }

    def post(self, request, *args, **kwargs):
        job = self.job
        action = request.POST.get("action")
        try:
            if action == "confirm":
                services.import_job_confirm(job=job, by=request.user)
                messages.info(request, _("已开始导入，完成后本页会显示结果。"))
            elif action == "cancel":
                services.import_job_cancel(job=job, by=request.user)
                messages.success(request, _("已取消导入，没有保存任何展项。"))
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return redirect("exhibits:import_job", pk=job.pk)


class ImportProgressView(JobMixin, View):
    """How far the worker got, for the job page's progress bar: a few fields of one row."""

    http_method_names = ["get", "head"]
    with_preview = False

    def get(self, request, *args, **kwargs):
        job = self.job
        response = JsonResponse(
            {
                "status": job.status,
                "pending": job.is_pending and not job.is_stale,
                "phase": job.phase,
                "done": job.done,
                "total": job.total,
                "percent": job.percent,
                "label": progress_label(job),
            }
        )
        response["Cache-Control"] = "no-store"
        return response
