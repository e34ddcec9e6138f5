"""Sub-venues (分会场): other portals' events beside the schedule, their totals on one page,
and this portal's own week totals for a parent portal to read. Federated events come from
``federation.selectors``; they are shown apart from the local ones and link back."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.public_cache import PAGE_TIMEOUT
from events.context_processors import public_current_week
from events.models import Week
from federation import selectors as federation

from .. import totals
from ..feeds import absolute
from .feeds import FeedView
from .pages import PublicPageView, share_card


class SubvenuesView(PublicPageView):
    """Each sub-venue's portal with its last read totals, per city and in total."""

    template_name = "federation/subvenues.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cities, overall = federation.totals_by_city()
        context.update(week=public_current_week(self.request), cities=cities, overall=overall)
        return context

    def share_meta(self, context) -> dict:
        return share_card(
            self.request, title=_("分会场"), description=_("各分会场的活动与汇总数据，由各地门户提供。")
        )


class WeekTotalsView(FeedView):
    """``/api/weeks/<id>/totals.json`` and ``/api/weeks/current/totals.json``: a published
    week's aggregate figures (``public.totals``). Public, no key; kept as long as a page
    (report figures move with the clock)."""

    cache_timeout = PAGE_TIMEOUT

    def get(self, request, *args, pk: int | None = None, **kwargs):
        if pk is None:
            week = public_current_week(request)
        else:
            week = Week.objects.filter(pk=pk).first()
        if week is None or not week.is_published:
            raise Http404("No published week")
        data = totals.totals_document(
            week=week, now=timezone.now(), week_url=absolute(reverse("week_totals", args=[week.pk]))
        )
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
        response["X-API-Version"] = totals.TOTALS_VERSION
        return response
