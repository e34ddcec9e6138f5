from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from rules.contrib.views import permission_required

from events.selectors import organizer as selectors
from events.context_processors import current_week
from events.models import Event


@login_required
@permission_required("events.use_review_area", raise_exception=True)
def home(request):
    """The office's start page: the week's events by status, what waits for review."""
    week = current_week(request)
    context = {"week": week}
    if week is not None:
        context["counts"] = selectors.status_counts(week=week)
        context["waiting"] = (
            Event.objects.filter(week=week, status=Event.Status.SUBMITTED)
            .select_related("host", "venue", "week")
            .order_by("starts_at")
        )
    return render(request, "submissions/board/home.html", context)
