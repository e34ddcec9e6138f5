"""The office's reminder log: per day, every reminder sent, skipped or failed."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from ..models import Reminder
from ..selectors import reminders as selectors
from ..services.reminders import OVERDUE
from .board import OfficeDayMixin

PAGE_SIZE = 200


class ReminderLogView(OfficeDayMixin, TemplateView):
    """``?day=YYYY-MM-DD`` (default: today in the week's zone, kept within the week),
    ``&status=`` and ``&slot=`` filter, ``&page=`` pages through 200 rows at a time."""

    template_name = "submissions/reminders/day.html"

    def day_context(self, week, day) -> dict:
        query = self.request.GET
        status = query.get("status", "")
        status = status if status in Reminder.Status.values else ""
        slot = query.get("slot", "")[:16]
        rows = selectors.reminders_for_day(week=week, day=day, status=status, slot=slot)
        counts = selectors.reminder_counts(week=week, day=day)
        return {
            "status": status,
            "slot": slot,
            "page": Paginator(rows, PAGE_SIZE).get_page(query.get("page")),
            "slots": [
                (name, [(value, counts[name][value]) for value in Reminder.Status.values])
                for name in sorted(counts, key=lambda name: (name == OVERDUE, name))
            ],
            "statuses": Reminder.Status.choices,
            "dispatches": selectors.dispatches_for_day(week=week, day=day),
            "overdue": OVERDUE,
        }
