"""The office's daily board: one day's event days, their states and the leaders present.

``home`` renders the page; ``live`` renders only the part that changes (counts, leaders,
rows) for ``static/js/board.js``, which polls it with the page's own query string.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from events.context_processors import current_week
from events.models import Week

from ..selectors import board as selectors

office_only = permission_required("submissions.review_reports", raise_exception=True)
POLL_SECONDS = 30


def board_day(week: Week, value: str | None) -> dt.date:
    """The day asked for, or today in the week's zone, kept inside the week (the board's and
    the reminder log's ``?day=``)."""
    try:
        day = dt.date.fromisoformat(value) if value else week.today()
    except ValueError:
        day = week.today()
    return min(max(day, week.starts_on), week.ends_on)


def _context(request) -> dict:
    week = current_week(request)
    if week is None:
        return {"week": None}
    day = board_day(week, request.GET.get("day"))
    filters = selectors.Filters.from_query(request.GET)
    board = selectors.board_for_day(week=week, day=day, now=timezone.now(), filters=filters, light=True)
    kept = {
        key: value
        for key, value in request.GET.items()
        if key in ("venue", "unit", "form", "state") and value
    }
    return {
        "week": week,
        "day": day,
        "board": board,
        "filters": filters,
        "counts": board.counts,
        "today": week.today(),
        "now": board.now,
        "poll_seconds": POLL_SECONDS,
        "filter_query": urlencode(kept),
        "query": urlencode({"day": day.isoformat(), **kept}),
        "base_query": urlencode({"day": day.isoformat(), **{k: v for k, v in kept.items() if k != "state"}}),
    }


@login_required
@office_only
@require_GET
def home(request):
    context = _context(request)
    if context["week"] is not None:
        context["choices"] = selectors.filter_choices(week=context["week"])
        context["days"] = context["week"].days
    return render(request, "submissions/board/home.html", context)


@login_required
@office_only
@require_GET
def live(request):
    context = _context(request)
    if context["week"] is None:
        raise Http404
    response = render(request, "submissions/board/_live.html", context)
    response["Cache-Control"] = "no-store"
    return response
