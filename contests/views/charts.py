"""A contest's charts as JSON (``selectors.charts``): registrations for whoever runs the
contest (``base.ContestMixin``), a round's votes for whoever may watch them
(``contests.watch_votes``, as the votes page)."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.generic import View

from core.chart_specs import Spec, with_table

from ..models import Round
from ..selectors import charts as selectors
from .base import ContestMixin, ManagedObjectMixin


def _json(spec: Spec) -> JsonResponse:
    response = JsonResponse(with_table(spec), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


class RegistrationsChartView(ContestMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        return _json(selectors.registrations_chart(contest=self.contest))


class VotesChartView(ManagedObjectMixin, View):
    http_method_names = ["get", "head"]
    model = Round
    related = ("contest__event__week",)
    permission_required = "contests.watch_votes"

    def get(self, request, *args, **kwargs):
        return _json(selectors.votes_chart(round_=self.get_object()))
