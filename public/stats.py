"""The home page's strip "本届活动周": the week's figures as the public sees them, and a small
chart of events per day. Several domains are read here (events, the online hall), so it lives
in the public face; cached with the home page (``PublicCachedMixin``), it updates as the week
goes on. Five queries, however many events, units, projects or plays.

- **events held**: approved events of the week that have started by ``now`` (cancelled ones
  are not held);
- **units taking part**: the units hosting or co-organizing approved events (lead hosts and
  every partner with an account), each once;
- **projects shown**: accepted projects in the week's published online halls;
- **online views**: every play counted for the week (``core.view_counts.week_total``: videos
  started, live relays opened);
- **events per day**: approved events running (or to run) on each day of the week (a
  three-day event counts on each), in the week's zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import view_counts
from core.chart_specs import NEUTRAL, Spec, series_chart
from events.models import Event, EventPartner, Organizer, Week
from exhibits.selectors.charts import projects_shown


@dataclass(frozen=True)
class WeekStrip:
    events_held: int
    units: int
    projects: int
    online_views: int


def _approved(week: Week):
    return Event.objects.public_of(week).filter(status=Event.Status.APPROVED)


def week_strip(*, week: Week, now: dt.datetime) -> WeekStrip:
    """Four queries."""
    approved = _approved(week)
    partners = EventPartner.objects.filter(event__in=approved, organizer__isnull=False).values("organizer_id")
    return WeekStrip(
        events_held=approved.filter(starts_at__lte=now).count(),
        units=Organizer.objects.filter(Q(events__in=approved) | Q(pk__in=partners)).distinct().count(),
        projects=projects_shown(week=week),
        online_views=view_counts.week_total(week.pk),
    )


def events_per_day(*, week: Week) -> list[tuple[dt.date, int]]:
    """One query: the approved events' times, spread over the days they run."""
    counts = dict.fromkeys(week.days, 0)
    zone = week.zone
    for starts_at, ends_at in _approved(week).values_list("starts_at", "ends_at").order_by():
        first = starts_at.astimezone(zone).date()
        last = (ends_at.astimezone(zone) - dt.timedelta(microseconds=1)).date()  # as Event.days
        day = max(first, week.starts_on)
        while day <= min(last, week.ends_on):
            counts[day] += 1
            day += dt.timedelta(days=1)
    return list(counts.items())


def events_chart(*, week: Week, today: dt.date | None = None) -> Spec:
    """Events per day; on a phone the chart opens on ``today`` (a month-long week's later
    days, scheduled already, would otherwise fill the window)."""
    days = events_per_day(week=week)
    listed = [day for day, _count in days]
    return series_chart(
        title=_("每日活动场次"),
        x_name=_("日期"),
        y_name=_("场次"),
        labels=[date_format(day, _("n月j日")) for day in listed],
        series=[(_("活动场次"), [count for _day, count in days])],
        colors=[NEUTRAL],
        focus=listed.index(today) if today in listed else None,
    )
