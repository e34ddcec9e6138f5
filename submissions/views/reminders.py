"""The office's reminder log: per day, every reminder and what became of it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from events.selectors.reporting import reporting_calendar

from ..models import Reminder
from ..selectors import reminders as selectors
from ..services.reminders import OVERDUE
from .board import OfficeDayMixin

PAGE_SIZE = 200


class ReminderLogView(OfficeDayMixin, TemplateView):
    """``?day=YYYY-MM-DD`` (default: today in the week's zone, kept within the week),
    ``&status=`` (a delivery state) and ``&slot=`` filter, ``&page=`` pages through 200
    rows at a time."""

    template_name = "submissions/reminders/day.html"

    def day_context(self, week, day) -> dict:
        query = self.request.GET
        delivery = query.get("status", "")
        delivery = delivery if delivery in Reminder.Delivery.values else ""
        slot = query.get("slot", "")[:16]
        rows = selectors.reminders_for_day(week=week, day=day, delivery=delivery, slot=slot)
        counts = selectors.reminder_counts(week=week, day=day)
        dispatches = selectors.dispatches_for_day(week=week, day=day)
        uncertain = sum(counter[Reminder.Delivery.UNCERTAIN] for counter in counts.values())
        return {
            "days": reporting_calendar(week=week),
            "status": delivery,
            "slot": slot,
            "page": Paginator(rows, PAGE_SIZE).get_page(query.get("page")),
            "slots": [
                (name, [(value, counts[name][value]) for value in Reminder.Delivery.values])
                for name in sorted(counts, key=lambda name: (name == OVERDUE, name))
            ],
            "statuses": Reminder.Delivery.choices,
            "dispatches": dispatches,
            "uncertain": uncertain + sum(line.uncertain for line in dispatches),
            "overdue": OVERDUE,
        }
