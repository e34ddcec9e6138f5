"""The office's reminder log: per day, every reminder sent, skipped or failed."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from events.context_processors import current_week

from ..models import Reminder
from ..selectors import reminders as selectors
from ..services.reminders import OVERDUE
from .board import OfficeAreaMixin, board_day

PAGE_SIZE = 200


class ReminderLogView(OfficeAreaMixin, TemplateView):
    """``?day=YYYY-MM-DD`` (default: today in the week's zone, kept within the week),
    ``&status=`` and ``&slot=`` filter, ``&page=`` pages through 200 rows at a time."""

    template_name = "submissions/reminders/day.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        week = current_week(self.request)
        context["week"] = week
        if week is None:
            return context
        query = self.request.GET
        chosen = board_day(week, query.get("day"))
        status = query.get("status", "")
        status = status if status in Reminder.Status.values else ""
        slot = query.get("slot", "")[:16]
        rows = selectors.reminders_for_day(week=week, day=chosen, status=status, slot=slot)
        counts = selectors.reminder_counts(week=week, day=chosen)
        context.update(
            day=chosen,
            status=status,
            slot=slot,
            page=Paginator(rows, PAGE_SIZE).get_page(query.get("page")),
            slots=[
                (name, [(value, counts[name][value]) for value in Reminder.Status.values])
                for name in sorted(counts, key=lambda name: (name == OVERDUE, name))
            ],
            statuses=Reminder.Status.choices,
            dispatches=selectors.dispatches_for_day(week=week, day=chosen),
            overdue=OVERDUE,
        )
        return context
