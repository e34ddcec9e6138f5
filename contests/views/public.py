"""The public pages: the list of contests, a contest's page (tracks, rounds, registration,
results, votes) and a round's published results. Answered from the public cache for
anonymous visitors; publishing and changes bump the public version."""

from __future__ import annotations

import rules
from django.http import Http404
from django.views.generic import TemplateView

from core.views import PublicCachedMixin

from .. import exports
from ..selectors import public as selectors
from ..selectors.hall import contest_projects


class PublicPageView(PublicCachedMixin, TemplateView):
    http_method_names = ["get", "head"]


class ContestListView(PublicPageView):
    template_name = "contests/public/list.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "contests": list(selectors.public_contests()),
            # Signed-in pages are never cached: the way to one's entries and contests.
            "show_area_link": rules.test_rule("contests.use_area", self.request.user),
        }


class ContestPageView(PublicPageView):
    template_name = "contests/public/contest.html"

    def get_context_data(self, **kwargs):
        contest = selectors.public_contest(slug=kwargs["slug"])
        rounds = list(contest.rounds.all())
        return {
            **super().get_context_data(**kwargs),
            "contest": contest,
            "tracks": list(contest.tracks.all()),
            "rounds": rounds,
            "registration_open": contest.registration_is_open(),
            "registration_closed": contest.registration_has_closed(),
            "projects": contest_projects(contest=contest),
        }


class ResultsView(PublicPageView):
    template_name = "contests/public/results.html"

    def get_context_data(self, **kwargs):
        contest = selectors.public_contest(slug=kwargs["slug"])
        round_ = selectors.public_round(contest=contest, pk=kwargs["round_pk"])
        if not round_.results_are_published:
            raise Http404("Results not published")
        return {
            **super().get_context_data(**kwargs),
            "contest": contest,
            "round": round_,
            "results": round_.results or [],
            "rules_text": exports.rules_text(round_),
        }
