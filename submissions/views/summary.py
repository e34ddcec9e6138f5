"""The day and week summary (报送汇总): the page, and its .docx and .xlsx.

Readers are whoever ``submissions.view_summary`` lets in (the office now; a read-only role
for the publicity department and leaders later), so nothing here assumes the reader may
open the board: links to it are shown only to those who may review.

The week's page (and its .docx) ends with the sections apps above this one registered in
``core.summary_sections`` (the online hall's totals), rendered without knowing their app.
"""

from __future__ import annotations

import rules
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.generic import TemplateView, View

from core.summary_sections import summary_sections
from core.views import PortalPermissionMixin
from events.context_processors import current_week

from ..exports import week_export_basename
from ..exports.summary_docx import summary_document
from ..exports.summary_xlsx import summary_workbook
from ..selectors.summary import week_summary
from .board import board_day
from .board_exports import TYPES


class SummaryAreaMixin(PortalPermissionMixin):
    permission_required = "submissions.view_summary"


class SummaryView(SummaryAreaMixin, TemplateView):
    """The week (no ``?day=``) or one day of it (``?day=``, kept inside the week)."""

    template_name = "submissions/summary/page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        week = current_week(self.request)
        context["week"] = week
        if week is None:
            return context
        now = timezone.now()
        summary = week_summary(week=week, now=now)
        asked = self.request.GET.get("day")
        day = board_day(week, asked) if asked else None
        context.update(
            sections=[] if day else summary_sections(week=week, now=now),
            summary=summary,
            day=day,
            day_summary=summary.on(day) if day else None,
            today=week.today(),
            can_review=rules.test_rule("submissions.review_reports", self.request.user),
            show_phones=rules.test_rule("events.see_contact_phones", self.request.user),
        )
        return context


class SummaryExportView(SummaryAreaMixin, View):
    """The whole week's summary as a file: ``fmt`` is "docx" or "xlsx" (set in the URLconf)."""

    http_method_names = ["get", "head"]
    fmt = ""
    names = {"docx": "报送工作总结", "xlsx": "报送汇总"}
    builders = {"docx": summary_document, "xlsx": summary_workbook}

    def get(self, request, *args, **kwargs):
        week = current_week(request)
        if week is None:
            raise Http404
        with_phones = rules.test_rule("events.see_contact_phones", request.user)
        body = self.builders[self.fmt](week=week, now=timezone.now(), with_phones=with_phones)
        response = HttpResponse(body, content_type=TYPES[self.fmt])
        filename = f"{week_export_basename(week, self.names[self.fmt])}.{self.fmt}"
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        response["Cache-Control"] = "private, no-store"
        return response
