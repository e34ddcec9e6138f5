"""A hall's charts as JSON (``selectors.charts``) for its totals page: its curators and the
office only, the hall looked up as on every curator page (``curator.HallMixin``)."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.views.generic import View

from core.chart_specs import with_table

from ..selectors import charts as selectors
from .curator import HallMixin


class HallChartView(HallMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, *args, name: str, **kwargs):
        if name not in selectors.CHARTS:
            raise Http404
        spec = selectors.hall_chart(name, exhibition=self.exhibition)
        response = JsonResponse(with_table(spec), json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "private, no-store"
        return response
