"""The day and week summary (报送汇总) for the office and leaders: per day and for the whole
week, the events held, the reports on time, late and missing, the media accepted, the leaders
present, and the reports still missing.

What each count means, once, so the page, the .docx and the .xlsx agree:

- **events held**: approved events (not cancelled) running on the day in the week's zone; an
  event of three days is held on each of them, and counts once in the week.
- **due, on time, late, missing, not due, pending, accepted, returned**: the board's own
  ``Board.filing`` of each day (lateness judged on the first filing, accepted and returned
  reports included), so these figures equal the board's, the day's .xlsx and the bulletin's.
  ``not due`` is an event day with nothing filed whose deadline has not come; ``pending`` a
  filed report the office has not yet accepted or returned.
- **accepted media**: photos and videos whose check passed, in reports the office accepted.
  A passed file of a report still waiting for review, or returned, is not counted.
- **leaders**: the leaders listed in submitted or accepted reports (a returned report's list
  waits for the corrected filing; drafts are not filed). A person is known by name (spaces,
  full-width ones too, ignored): present on two days, or at two events, they are listed under
  each day and counted once in the week's (or the day's) number of people; every listing is
  one attendance (人次).

Four queries for the whole week, however many events: the events, their reports, the counts
of their accepted media, their leaders. Everything else is grouped in Python.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields

from django.db.models import Count, QuerySet

from events.models import Event, Week

from .. import deadlines
from ..models import DailyReport, MediaFile, ReportLeader
from ..states import DayState, day_state
from .board import LEVEL_ORDER, Board, BoardRow

# Leaders counted in the summary: filed and not sent back (see the module's docstring).
LEADER_STATUSES = (DailyReport.Status.SUBMITTED, DailyReport.Status.ACCEPTED)
_SPACES = re.compile(r"\s+")  # \s covers the full-width space (U+3000) that pads two-character names


@dataclass(frozen=True)
class Tally:
    """The counts of one day, or of the week (where ``events`` and ``leaders`` are distinct)."""

    events: int = 0  # events held
    due: int = 0  # event days owing a report
    on_time: int = 0
    late: int = 0
    missing: int = 0
    not_due: int = 0
    pending: int = 0  # filed, not yet reviewed
    accepted: int = 0
    returned: int = 0
    photos: int = 0  # accepted photos
    videos: int = 0  # accepted videos
    leaders: int = 0  # people
    attendances: int = 0  # leaders' attendances (人次)

    @property
    def filed(self) -> int:
        return self.on_time + self.late


# Summed over the days for the week; the others are counted distinct over the week.
ADDITIVE = tuple(f.name for f in fields(Tally) if f.name not in ("events", "leaders"))


@dataclass(frozen=True)
class Attendance:
    """One leader listed in one report: a person at an event on a day."""

    leader: ReportLeader
    row: BoardRow

    @property
    def day(self) -> dt.date:
        return self.row.day

    @property
    def event(self) -> Event:
        return self.row.event


@dataclass
class LeaderTally:
    """A person with every attendance in the span (a day or the week), highest level kept."""

    name: str
    post: str
    level: str
    attendances: list[Attendance] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return ReportLeader.Level(self.level).label

    @property
    def days(self) -> list[dt.date]:
        return sorted({attendance.day for attendance in self.attendances})

    @property
    def sort_key(self) -> tuple:
        first = self.attendances[0]
        return (LEVEL_ORDER.get(self.level, 99), first.day, first.event.starts_at, self.name)


@dataclass
class DaySummary:
    day: dt.date
    board: Board
    tally: Tally
    leaders: list[LeaderTally]
    missing: list[BoardRow]

    @property
    def attendances(self) -> list[Attendance]:
        """Every listing of the day, highest level first, then by the event's start."""
        return sorted(
            (a for person in self.leaders for a in person.attendances),
            key=lambda a: (LEVEL_ORDER.get(a.leader.level, 99), a.event.starts_at, a.leader.order),
        )


@dataclass
class WeekSummary:
    week: Week
    now: dt.datetime
    days: list[DaySummary]
    totals: Tally
    leaders: list[LeaderTally]

    @property
    def missing(self) -> list[BoardRow]:
        return [row for day in self.days for row in day.missing]

    def on(self, day: dt.date) -> DaySummary | None:
        return next((item for item in self.days if item.day == day), None)


def leader_key(name: str) -> str:
    """Who a listed leader is: the name without spaces, case-folded for Latin names."""
    return _SPACES.sub("", name).casefold()


def _people(attendances: list[Attendance]) -> list[LeaderTally]:
    """Attendances grouped by person (in the order given), each at the highest level listed."""
    people: dict[str, LeaderTally] = {}
    for attendance in attendances:
        leader = attendance.leader
        key = leader_key(leader.name)
        person = people.get(key)
        if person is None:
            person = people[key] = LeaderTally(name=leader.name.strip(), post=leader.post, level=leader.level)
        elif LEVEL_ORDER.get(leader.level, 99) < LEVEL_ORDER.get(person.level, 99):
            person.level, person.post = leader.level, leader.post
        person.attendances.append(attendance)
    return sorted(people.values(), key=lambda person: person.sort_key)


def _week_events(week: Week) -> QuerySet[Event]:
    """Approved events of the week that run on at least one of its days."""
    return (
        Event.objects.filter(
            week=week,
            status=Event.Status.APPROVED,
            starts_at__lt=week.at(week.ends_on + dt.timedelta(days=1), dt.time.min),
            ends_at__gt=week.at(week.starts_on, dt.time.min),
        )
        .select_related("venue", "host", "reporter")
        .order_by("starts_at", "id")
    )


def week_summary(*, week: Week, now: dt.datetime) -> WeekSummary:
    """The summary of every day of ``week`` as it stands at ``now``. Four queries."""
    week_events = _week_events(week)
    events = list(week_events)
    span = (week.starts_on, week.ends_on)
    # ``week_events`` is passed unevaluated: the database reads it as a subquery.
    reports = {
        (report.event_id, report.day): report
        for report in DailyReport.objects.filter(event__in=week_events, day__range=span).defer(
            "text", "review_comment"
        )
    }
    accepted_media: dict[tuple[int, str], int] = {
        (report_id, kind): count
        for report_id, kind, count in MediaFile.objects.filter(
            report__event__in=week_events,
            report__day__range=span,
            report__status=DailyReport.Status.ACCEPTED,
            status=MediaFile.Status.PASSED,
        )
        .values_list("report_id", "kind")
        .annotate(count=Count("id"))
        .order_by()
    }
    leaders: dict[int, list[ReportLeader]] = {}
    for leader in ReportLeader.objects.filter(
        report__event__in=week_events, report__day__range=span, report__status__in=LEADER_STATUSES
    ).order_by("order", "id"):
        leaders.setdefault(leader.report_id, []).append(leader)

    rows_by_day: dict[dt.date, list[BoardRow]] = {day: [] for day in week.days}
    for event in events:
        event.week = week  # the same object: deadlines need it, and no query per row
        for day in event.reporting_days:
            if day not in rows_by_day:
                continue
            report = reports.get((event.pk, day))
            due = deadlines.due_at(event, day)
            rows_by_day[day].append(
                BoardRow(
                    event=event,
                    day=day,
                    due=due,
                    report=report,
                    state=day_state(report, due=due, now=now),
                    leaders=leaders.get(report.pk, []) if report else [],
                )
            )

    days = [_day_summary(week, day, rows, now, accepted_media) for day, rows in rows_by_day.items()]
    week_people = _people([a for item in days for person in item.leaders for a in person.attendances])
    totals = Tally(
        events=len({row.event.pk for item in days for row in item.board.all_rows}),
        leaders=len(week_people),
        **{name: sum(getattr(item.tally, name) for item in days) for name in ADDITIVE},
    )
    return WeekSummary(week=week, now=now, days=days, totals=totals, leaders=week_people)


def _day_summary(
    week: Week, day: dt.date, rows: list[BoardRow], now: dt.datetime, accepted_media: dict
) -> DaySummary:
    rows.sort(key=lambda row: (row.event.starts_at, row.event.pk))
    board = Board(week=week, day=day, now=now, rows=rows, all_rows=rows)
    filing = board.filing
    accepted_ids = [
        row.report.pk
        for row in rows
        if row.report is not None and row.report.status == DailyReport.Status.ACCEPTED
    ]
    attendances = [
        Attendance(leader=leader, row=row)
        for row in rows
        if row.report is not None and row.report.status in LEADER_STATUSES
        for leader in row.leaders
    ]
    people = _people(attendances)
    tally = Tally(
        events=len(rows),
        due=filing["due"],
        on_time=filing["on_time"],
        late=filing["late"],
        missing=filing["missing"],
        not_due=filing["due"] - filing["filed"] - filing["missing"],
        pending=filing["filed"] - filing["accepted"] - filing["returned"],
        accepted=filing["accepted"],
        returned=filing["returned"],
        photos=sum(accepted_media.get((pk, MediaFile.Kind.PHOTO), 0) for pk in accepted_ids),
        videos=sum(accepted_media.get((pk, MediaFile.Kind.VIDEO), 0) for pk in accepted_ids),
        leaders=len(people),
        attendances=len(attendances),
    )
    missing = sorted(
        (row for row in rows if row.state == DayState.MISSING),
        key=lambda row: (row.due, row.event.host.name, row.event.starts_at, row.event.pk),
    )
    return DaySummary(day=day, board=board, tally=tally, leaders=people, missing=missing)
