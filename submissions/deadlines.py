"""When an event day's report is due, and whether a submission was late.

All arithmetic happens in the week's zone: 16:00 means 16:00 Asia/Shanghai whatever the
server's clock zone is. An event day whose activity only starts at or after the deadline
(an evening forum) is due at the next day's deadline instead.
"""

from __future__ import annotations

import datetime as dt

from events.models import Event


def activity_start_on(event: Event, day: dt.date) -> dt.datetime:
    """When the event's activity starts on ``day``: its start time on the first day, else midnight."""
    day_start = event.week.at(day, dt.time.min)
    return max(event.starts_at.astimezone(event.week.zone), day_start)


def due_at(event: Event, day: dt.date) -> dt.datetime:
    week = event.week
    deadline = week.deadline_on(day)
    if activity_start_on(event, day) >= deadline:
        return week.deadline_on(day + dt.timedelta(days=1))
    return deadline


def is_due_next_day(event: Event, day: dt.date, *, due: dt.datetime | None = None) -> bool:
    """Whether the day's report is due on a later day (an evening event); pass ``due`` when
    it is already known."""
    return (due or due_at(event, day)).date() != day


def is_late(*, submitted_at: dt.datetime, due: dt.datetime) -> bool:
    """Late means after the deadline; a report at the deadline's very second is on time."""
    return submitted_at > due
