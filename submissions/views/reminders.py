"""The office's reminder log: per day, every reminder sent, skipped or failed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from rules.contrib.views import permission_required

from events.context_processors import current_week

from ..models import Reminder
from ..selectors import reminders as selectors
from ..services.reminders import OVERDUE
from .board import board_day

PAGE_SIZE = 200


@login_required
@permission_required("submissions.review_reports", raise_exception=True)
def day(request):
    """``?day=YYYY-MM-DD`` (default: today in the week's zone, kept within the week),
    ``&status=`` and ``&slot=`` filter, ``&page=`` pages through 200 rows at a time."""
    week = current_week(request)
    context = {"week": week}
    if week is not None:
        chosen = board_day(week, request.GET.get("day"))
        status = request.GET.get("status", "")
        status = status if status in Reminder.Status.values else ""
        slot = request.GET.get("slot", "")[:16]
        rows = selectors.reminders_for_day(week=week, day=chosen, status=status, slot=slot)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        counts = selectors.reminder_counts(week=week, day=chosen)
        context.update(
            day=chosen,
            status=status,
            slot=slot,
            page=page,
            slots=[
                (name, [(value, counts[name][value]) for value in Reminder.Status.values])
                for name in sorted(counts, key=lambda name: (name == OVERDUE, name))
            ],
            statuses=Reminder.Status.choices,
            dispatches=selectors.dispatches_for_day(week=week, day=chosen),
            overdue=OVERDUE,
        )
    return render(request, "submissions/reminders/day.html", context)
