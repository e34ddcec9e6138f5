"""The home page's chart of the week (``public.stats``) as JSON, cached like the home page."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.views.generic import View

from core.chart_specs import with_table
from core.views import PublicCachedMixin
from events.context_processors import public_current_week

from .. import stats


class WeekChartView(PublicCachedMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        week = public_current_week(request)
        if week is None:
            raise Http404
        spec = with_table(stats.events_chart(week=week, today=week.today()))
        return JsonResponse(spec, json_dumps_params={"ensure_ascii": False})
