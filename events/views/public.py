from django.shortcuts import render
from django.utils import timezone

from venues.selectors import venues_in_order

from ..selectors import public as selectors
from ..context_processors import current_week

UPCOMING_LIMIT = 6


def home(request):
    """The current week: title, theme and dates, what is on today and next, the venues."""
    week = current_week(request)
    context = {"week": week}
    if week is not None:
        today = week.today()
        context.update(
            today=today,
            today_events=selectors.public_events_on(week=week, day=today),
            upcoming_events=selectors.public_events_from(
                week=week, moment=timezone.now(), limit=UPCOMING_LIMIT
            ),
            venues=venues_in_order(),
            phase=_phase(week, today),
            days_to_go=(week.starts_on - today).days,
        )
    return render(request, "events/public/home.html", context)


def _phase(week, today) -> str:
    if today < week.starts_on:
        return "before"
    if today > week.ends_on:
        return "after"
    return "running"
