"""The office's charts of the week as JSON (``selectors.charts``), for ``static/js/charts.js`` on
the board and the summary: read by whoever may read those pages (``submissions.see_board``)."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.generic import View

from core.chart_specs import with_table
from events.context_processors import current_week

from ..selectors import charts as selectors
from .board import ResultsReaderMixin


class WeekChartView(ResultsReaderMixin, View):
    """``name`` is one of ``selectors.charts.CHARTS``."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, name: str, **kwargs):
        week = current_week(request)
        if week is None or name not in selectors.CHARTS:
            raise Http404
        spec = selectors.week_chart(name, week=week, now=timezone.now())
        response = JsonResponse(with_table(spec), json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "private, no-store"
        return response
