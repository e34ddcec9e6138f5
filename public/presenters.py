"""Dates as the public pages say them: "9月25日", and a multi-day event's "9月25日—27日".

Django's zh-hans MONTH_DAY_FORMAT pads the month ("09月25日"), which no Chinese schedule
prints; these formats are msgids, so the English catalogue gives "September 25–27".
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _


def month_day(day: dt.date) -> str:
    return date_format(day, _("n月j日"))


def date_span(first: dt.date, last: dt.date) -> str:
    """``first`` to ``last``, naming the month and year only where they change."""
    if first == last:
        return month_day(first)
    if first.year != last.year:
        start, end = date_format(first, "DATE_FORMAT"), date_format(last, "DATE_FORMAT")
    elif first.month != last.month:
        start, end = month_day(first), month_day(last)
    else:
        start, end = month_day(first), date_format(last, _("j日"))
    return _("%(start)s—%(end)s") % {"start": start, "end": end}


def event_date_span(event) -> str:
    """The calendar days the event runs on, in its week's zone."""
    days = event.days
    return date_span(days[0], days[-1])
