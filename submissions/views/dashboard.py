"""The organizer area's home: the unit's events, what needs doing next, and today's reports.

It lives here, above ``events``, because it shows the day's reports beside the events.
"""

from __future__ import annotations

from django.views.generic import TemplateView

from core.views import PortalPermissionMixin
from events.context_processors import current_week
from events.presenters import next_step
from events.selectors import organizer as selectors

from ..selectors.reports import todays_report_rows


class DashboardView(PortalPermissionMixin, TemplateView):
    """The unit's events with their status, dates, venue and what needs doing next."""

    permission_required = "events.use_organizer_area"
    template_name = "submissions/organizer/dashboard.html"

    def get_context_data(self, **kwargs):
        week = current_week(self.request)
        events, other_weeks = [], []
        for event in selectors.events_for_units(user=self.request.user):
            # Only this week's events have a next step; the others (last year's, mostly) are
            # listed apart, with their year, so none of them looks like work to do now.
            if week is not None and event.week_id == week.pk:
                event.next_step = next_step(event)
                events.append(event)
            else:
                other_weeks.append(event)
        return {
            **super().get_context_data(**kwargs),
            "events": events,
            "other_weeks_events": sorted(
                other_weeks, key=lambda event: (-event.starts_at.timestamp(), event.pk)
            ),
            "notices": selectors.latest_notices(user=self.request.user),
            "week": week,
            "todays_reports": todays_report_rows(user=self.request.user, week=week),
        }
