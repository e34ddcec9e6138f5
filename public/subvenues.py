"""The schedule's sub-venue part: other portals' events (``federation.selectors``) beside the
local ones, never mixed into them, when ``?subvenues=all`` or ``?subvenues=<city>`` asks."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from events.models import Week
from federation import selectors as federation

from .presenters import date_span

# The schedule's query parameter: "all" (local events and every sub-venue's) or a city.
PARAM = "subvenues"
ALL = "all"
# A day of many cities' events is still one page: more than this is cut, with a note.
REMOTE_LIMIT = 300


def schedule_extend(context: dict, query, *, week: Week) -> dict:
    """Add the sub-venues' events to the schedule's ``context`` when ``?subvenues=`` asks for
    them (with the same day, form and search; a local venue or theme filter shows none), and
    keep the choice in the day tabs' links."""
    cities = federation.cities()
    if not cities:
        return context
    choice = query.get(PARAM, "")
    if choice != ALL and choice not in cities:
        choice = ""
    context.update(subvenue_cities=cities, subvenue_choice=choice)
    if not choice:
        return context
    keep = "&" + urlencode({PARAM: choice})
    for tab in context["day_tabs"]:
        tab["url"] += keep
    context["all_days_url"] += keep
    filters = context["filters"]
    if filters.venue or filters.no_venue or filters.theme:
        context["remote_events"] = []
        context["remote_filtered_out"] = True
        return context
    start = end = None
    if not filters.all_days and filters.day:
        start = week.at(filters.day, dt.time.min)
        end = week.at(filters.day + dt.timedelta(days=1), dt.time.min)
    events = list(
        federation.remote_events(
            start=start, end=end, city="" if choice == ALL else choice, form=filters.form, q=filters.q
        )[: REMOTE_LIMIT + 1]
    )
    for event in events:
        # The days it runs, in this week's zone, as the local rows say them ("9月25日—27日");
        # an end at midnight closes the day before.
        last = (event.ends_at - dt.timedelta(microseconds=1)).astimezone(week.zone).date()
        event.date_span = date_span(event.starts_at.astimezone(week.zone).date(), last)
    context["remote_events"] = events[:REMOTE_LIMIT]
    context["remote_cut"] = len(events) > REMOTE_LIMIT
    return context
