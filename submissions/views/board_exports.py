"""Downloads of the day's material: the zip (streamed), the .xlsx and the bulletin .docx."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.generic import View

from events.context_processors import current_week
from events.selectors.reporting import reporting_calendar

from ..exports import export_basename
from ..exports.docx import bulletin_document
from ..exports.xlsx import day_workbook
from ..exports.zip import stream_day_zip
from .board import OfficeAreaMixin

TYPES = {
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
NAMES = {"zip": "当日材料", "xlsx": "报送情况", "docx": "每日简报"}


class DayExportView(OfficeAreaMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, *args, day: str, fmt: str, **kwargs):
        week = current_week(request)
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            raise Http404 from None
        # Days outside the period count when an event reports them (days before it) or its
        # last day's evening events are due then (the day after): asked only for those days.
        if week is None or fmt not in TYPES:
            raise Http404
        if not week.starts_on <= day <= week.ends_on and day not in reporting_calendar(week=week):
            raise Http404
        if fmt == "zip":
            response = StreamingHttpResponse(stream_day_zip(week=week, day=day), content_type=TYPES[fmt])
        elif fmt == "xlsx":
            response = HttpResponse(
                day_workbook(week=week, day=day, now=timezone.now()), content_type=TYPES[fmt]
            )
        else:
            document = bulletin_document(week=week, day=day, now=timezone.now())
            response = HttpResponse(document, content_type=TYPES[fmt])
        filename = f"{export_basename(week, day, NAMES[fmt])}.{fmt}"
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        response["Cache-Control"] = "private, no-store"
        return response
