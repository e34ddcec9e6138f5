"""A contest's charts for its organizers and the office, counted in the database (``Count``
with ``TruncDate``/``TruncHour`` in the week's zone): the query count does not depend on the
number of entries or votes.

- ``registrations``: entries registered (``submitted_at``) per day, stacked by track, from the
  first day with a registration to the last;
- ``votes``: a round's votes per hour, valid and voided stacked, each voided window
  (``VoteVoid``) shaded over the hours it touches.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncHour
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.chart_specs import MUTED, NEUTRAL, Spec, series_chart

from ..models import Contest, Entry, Round, Track, Vote, VoteVoid


def _span(first, last, step):
    items = []
    while first <= last:
        items.append(first)
        first += step
    return items


def registrations_chart(*, contest: Contest) -> Spec:
    """Two queries: the tracks, the entries counted by day and track."""
    zone = contest.event.week.zone
    tracks = list(Track.objects.filter(contest=contest).order_by("order", "id").values_list("id", "name"))
    counts = {
        (row["day"], row["track_id"]): row["total"]
        for row in Entry.objects.filter(contest=contest, submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at", tzinfo=zone))
        .values("day", "track_id")
        .annotate(total=Count("id"))
        .order_by()
    }
    found = sorted({day for day, _track in counts})
    days = _span(found[0], found[-1], dt.timedelta(days=1)) if found else []
    return series_chart(
        title=_("每日报名（按组别）"),
        x_name=_("日期"),
        y_name=_("报名数"),
        labels=[date_format(day, _("n月j日")) for day in days],
        series=[(name, [counts.get((day, pk), 0) for day in days]) for pk, name in tracks],
        stacked=True,
    )


def votes_chart(*, round_: Round) -> Spec:
    """Two queries: the votes counted by hour (valid and voided apart), the voided windows."""
    zone = round_.contest.event.week.zone
    counts: dict[tuple[dt.datetime, bool], int] = {}
    for row in (
        Vote.objects.filter(round=round_)
        .annotate(hour=TruncHour("created_at", tzinfo=zone))
        .values("hour")
        .annotate(
            valid=Count("id", filter=Q(void__isnull=True)), voided=Count("id", filter=Q(void__isnull=False))
        )
        .order_by()
    ):
        hour = row["hour"].astimezone(zone)
        counts[(hour, True)] = row["valid"]
        counts[(hour, False)] = row["voided"]
    windows = list(
        VoteVoid.objects.filter(round=round_).order_by("starts_at").values_list("starts_at", "ends_at")
    )
    found = sorted({hour for hour, _valid in counts})
    hours = _span(found[0], found[-1], dt.timedelta(hours=1)) if found else []
    marks = []
    for starts_at, ends_at in windows:
        touched = [
            i for i, hour in enumerate(hours) if hour < ends_at and hour + dt.timedelta(hours=1) > starts_at
        ]
        if touched:
            marks.append({"from": touched[0], "to": touched[-1], "label": _("已作废时段")})
    return series_chart(
        title=_("每小时投票"),
        x_name=_("时间"),
        y_name=_("票数"),
        labels=[date_format(hour, _("n月j日")) + hour.strftime(" %H:00") for hour in hours],
        series=[
            (_("有效票"), [counts.get((hour, True), 0) for hour in hours]),
            (_("已作废"), [counts.get((hour, False), 0) for hour in hours]),
        ],
        stacked=True,
        colors=[NEUTRAL, MUTED],
        marks=marks,
    )
