"""Downloads of the day's material: the zip (streamed), the .xlsx and the bulletin .docx."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from events.context_processors import current_week

from ..exports import export_basename
from ..exports.docx import bulletin_document
from ..exports.xlsx import day_workbook
from ..exports.zip import stream_day_zip
from .board import office_only

TYPES = {
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
NAMES = {"zip": "当日材料", "xlsx": "报送情况", "docx": "每日简报"}


@login_required
@office_only
@require_GET
def export(request, day: str, fmt: str):
    week = current_week(request)
    try:
        day = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    if week is None or fmt not in TYPES or day not in week.days:
        raise Http404
    filename = f"{export_basename(week, day, NAMES[fmt])}.{fmt}"
    if fmt == "zip":
        response = StreamingHttpResponse(stream_day_zip(week=week, day=day), content_type=TYPES[fmt])
    elif fmt == "xlsx":
        response = HttpResponse(day_workbook(week=week, day=day, now=timezone.now()), content_type=TYPES[fmt])
    else:
        response = HttpResponse(
            bulletin_document(week=week, day=day, now=timezone.now()), content_type=TYPES[fmt]
        )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
