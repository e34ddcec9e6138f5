"""A week's public totals (``/api/weeks/<id>/totals.json``): aggregate numbers only, nothing
personal, for a parent portal (a province's) that shows its cities' weeks side by side.

What each figure means (documented in docs/api.md, "Week totals"):

- ``events_held``, ``reports_due``, ``reports_on_time``, ``media_accepted``: the office's
  week summary (``submissions.selectors.summary.week_summary``), so the figures equal the
  summary page's: events held on a day of the week (approved, not cancelled), report days
  whose deadline has passed (on time + late + missing), those filed on time, and the
  accepted photos and videos of accepted reports; ``report_on_time_rate`` is
  ``reports_on_time / reports_due`` (None before any report is due);
- ``units``: the distinct units (lead host, co-hosts, undertaking and co-organizing units)
  of the week's approved events;
- ``projects_shown``: accepted projects of the week's published online halls; ``intents``:
  their confirmed cooperation intents; ``signings``: their signings;
- ``online_views``: plays counted for the week (``core.view_counts.week_total``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from core import view_counts
from events.models import Event, EventPartner, Week
from exhibits.models import Intent, Project, Signing
from submissions.selectors.summary import week_summary

TOTALS_VERSION = "1.0"


def week_totals(*, week: Week, now: dt.datetime) -> dict:
    """The figures above for ``week`` as it stands at ``now``. Eleven queries."""
    tally = week_summary(week=week, now=now).totals
    due = tally.on_time + tally.late + tally.missing
    approved = Event.objects.filter(week=week, status=Event.Status.APPROVED)
    units = set(approved.values_list("host__name", flat=True))
    for organizer_name, name in EventPartner.objects.filter(event__in=approved).values_list(
        "organizer__name", "name"
    ):
        units.add(organizer_name or name)
    shown = Project.objects.filter(
        exhibition__week=week, exhibition__is_published=True, status=Project.Status.ACCEPTED
    )
    return {
        "events_held": tally.events,
        "units": len({name for name in units if name}),
        "reports_due": due,
        "reports_on_time": tally.on_time,
        "report_on_time_rate": round(tally.on_time / due, 4) if due else None,
        "media_accepted": tally.photos + tally.videos,
        "projects_shown": shown.count(),
        "intents": Intent.objects.filter(Q(project__in=shown), confirmed_at__isnull=False).count(),
        "signings": Signing.objects.filter(project__in=shown).count(),
        "online_views": view_counts.week_total(week.pk),
    }


def totals_document(*, week: Week, now: dt.datetime, week_url: str) -> dict:
    """The JSON answer: the version, the week named, the figures."""
    return {
        "api_version": TOTALS_VERSION,
        "week": {
            "id": week.pk,
            "name": week.name,
            "starts_on": week.starts_on.isoformat(),
            "ends_on": week.ends_on.isoformat(),
            "url": week_url,
        },
        "totals": week_totals(week=week, now=now),
    }
