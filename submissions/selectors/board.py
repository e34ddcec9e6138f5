"""Reads for the office: one day's board, a report with everything the reviewer needs, the
day's accepted material for exports, and the week's compliance per unit.

The board of day D lists every event day due at D's deadline or later that day: D's own
event days, and the previous evening's (an event starting after D−1's deadline reports by
D's deadline, as the digest of D counts it), marked as such (``BoardRow.previous_evening``).
It costs a fixed number of queries whatever the number of event days: the events (with
venue, host, reporter), their reports, the reports' media and leaders, and nothing per row.
States are computed in Python with ``day_state``, so the board, the reporter's pages, the
exports and the bulletin agree on what "late" means.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from events.models import Event, EventPartner, Week

from .. import deadlines
from ..models import DailyReport, MediaFile, ReportLeader, ReportLogEntry
from ..states import DayState, day_state
from .reports import EventDay

# What needs the office's action first: reports waiting for review (late ones on top, they
# were waited for longest), then event days with nothing in, then the rest.
STATE_PRIORITY = {
    DayState.LATE: 0,
    DayState.ON_TIME: 1,
    DayState.MISSING: 2,
    DayState.DRAFT: 3,
    DayState.NOT_STARTED: 4,
    DayState.RETURNED: 5,
    DayState.ACCEPTED: 6,
}
COUNTED_STATES = (DayState.ON_TIME, DayState.LATE, DayState.MISSING, DayState.ACCEPTED, DayState.RETURNED)
REVIEWABLE = DailyReport.Status.SUBMITTED
# Leaders listed on the board and in the bulletin come from filed reports, never drafts.
FILED_STATUSES = (DailyReport.Status.SUBMITTED, DailyReport.Status.ACCEPTED, DailyReport.Status.RETURNED)
LEVEL_ORDER = {level: index for index, level in enumerate(ReportLeader.Level.values)}


@dataclass(frozen=True)
class Filters:
    venue: int | None = None
    unit: int | None = None
    form: str = ""
    state: str = ""

    @classmethod
    def from_query(cls, query) -> Filters:
        return cls(
            venue=_int(query.get("venue")),
            unit=_int(query.get("unit")),
            form=query.get("form", "") if query.get("form", "") in Event.Form.values else "",
            state=query.get("state", "") if query.get("state", "") in DayState.LABELS else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.venue or self.unit or self.form or self.state)


@dataclass
class BoardRow(EventDay):
    """An event day as the office sees it: the reporter's view plus the leaders present."""

    leaders: list[ReportLeader] = field(default_factory=list)
    # An event of the day before the board's day that started after that day's deadline:
    # its report is due at the board's day's deadline.
    previous_evening: bool = False

    @property
    def needs_review(self) -> bool:
        return self.report is not None and self.report.status == REVIEWABLE

    @property
    def sort_key(self) -> tuple:
        submitted = self.report.submitted_at if self.report and self.report.submitted_at else self.due
        return (STATE_PRIORITY[self.state], submitted, self.event.starts_at, self.event.pk)


@dataclass(frozen=True)
class LeaderPresence:
    leader: ReportLeader
    row: BoardRow


@dataclass
class Board:
    week: Week
    day: dt.date
    now: dt.datetime
    rows: list[BoardRow]
    all_rows: list[BoardRow]

    @property
    def counts(self) -> dict[str, int]:
        by_state = Counter(row.state for row in self.all_rows)
        counts = {"due": len(self.all_rows), **{state: by_state[state] for state in COUNTED_STATES}}
        counts["draft"] = by_state[DayState.DRAFT] + by_state[DayState.NOT_STARTED]
        return counts

    @property
    def filing(self) -> dict[str, int]:
        """Counts for the xlsx: lateness of every filed report due that day (accepted and
        returned ones included, judged on the first filing), not only of those still waiting."""
        return _filing(self.all_rows)

    @property
    def own_filing(self) -> dict[str, int]:
        """``filing`` of the day's own event days, the previous evening's left out: the
        bulletin (.docx and its mail) tells the day's activities."""
        return _filing([row for row in self.all_rows if not row.previous_evening])

    @property
    def leaders(self) -> list[LeaderPresence]:
        """Everyone present that day according to filed reports, highest level first."""
        present = [
            LeaderPresence(leader=leader, row=row)
            for row in self.all_rows
            if row.report is not None and row.report.status in FILED_STATUSES
            for leader in row.leaders
        ]
        present.sort(
            key=lambda p: (LEVEL_ORDER.get(p.leader.level, 99), p.row.event.starts_at, p.leader.order)
        )
        return present

    @property
    def next_change_in(self) -> int | None:
        """Seconds until the next deadline of a day not yet filed, when its row turns "missing"
        with nobody changing anything (the board refreshes itself then); None if there is none."""
        waiting = [row.due for row in self.all_rows if row.state in (DayState.NOT_STARTED, DayState.DRAFT)]
        if not waiting:
            return None
        return max(1, math.ceil((min(waiting) - self.now).total_seconds()))

    @property
    def queue(self) -> list[int]:
        """Report ids in board order, for next/previous on the report page."""
        return [
            row.report.pk for row in self.all_rows if row.report is not None and row.state != DayState.DRAFT
        ]


def _filing(rows: list[BoardRow]) -> dict[str, int]:
    filed = [
        row.report
        for row in rows
        if row.report is not None
        and row.state != DayState.DRAFT
        and row.report.status != DailyReport.Status.DRAFT
    ]
    return {
        "due": len(rows),
        "filed": len(filed),
        "on_time": sum(1 for report in filed if not report.is_late),
        "late": sum(1 for report in filed if report.is_late),
        "missing": sum(1 for row in rows if row.state == DayState.MISSING),
        "accepted": sum(1 for report in filed if report.status == DailyReport.Status.ACCEPTED),
        "returned": sum(1 for report in filed if report.status == DailyReport.Status.RETURNED),
    }


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def events_on_day(*, week: Week, day: dt.date) -> QuerySet[Event]:
    """Approved events of the week that run on ``day`` (in the week's zone)."""
    day_start = week.at(day, dt.time.min)
    next_start = week.at(day + dt.timedelta(days=1), dt.time.min)
    return (
        Event.objects.filter(
            week=week, status=Event.Status.APPROVED, starts_at__lt=next_start, ends_at__gt=day_start
        )
        .select_related("venue", "host", "reporter")
        .order_by("starts_at", "id")
    )


def evenings_before(*, week: Week, day: dt.date) -> QuerySet[Event]:
    """Approved events that started on the day before ``day`` at or after that day's
    deadline: their first day is due at ``day``'s deadline (``deadlines.due_at``). An event
    that started earlier runs from midnight on that day, so its day is never an evening."""
    return Event.objects.filter(
        week=week,
        status=Event.Status.APPROVED,
        starts_at__gte=week.deadline_on(day - dt.timedelta(days=1)),
        starts_at__lt=week.at(day, dt.time.min),
    )


# What the board shows of a file; exports load whole rows (``light=False``).
LIGHT_MEDIA_FIELDS = ("id", "report_id", "kind", "status")


def _day_reports(*, week: Week, day: dt.date, prefix: str = "") -> Q:
    """The reports of the board of ``day``: of the events running that day for that day, and
    of the previous evening's events for the previous day. ``prefix`` is the path to the
    report (``"report__"`` from a file or a leader). The events are subqueries: no list of
    a thousand ids goes back to the database."""
    return Q(**{f"{prefix}event__in": events_on_day(week=week, day=day), f"{prefix}day": day}) | Q(
        **{
            f"{prefix}event__in": evenings_before(week=week, day=day),
            f"{prefix}day": day - dt.timedelta(days=1),
        }
    )


def _reports(*, week: Week, day: dt.date, light: bool, light_media: bool) -> tuple[dict, dict, dict]:
    """The board's reports by (event id, day), and their media and leaders by report id.

    Three queries; media and leaders are grouped here rather than with ``prefetch_related``,
    which for a thousand reports spent most of the board's time building a filtered queryset
    per report.
    """
    reports = DailyReport.objects.filter(_day_reports(week=week, day=day))
    if light:
        reports = reports.defer("text", "review_comment")
    else:
        reports = reports.select_related("reviewed_by")
    by_event = {(report.event_id, report.day): report for report in reports}
    media_rows = MediaFile.objects.filter(_day_reports(week=week, day=day, prefix="report__")).order_by(
        "uploaded_at", "id"
    )
    if light_media:
        media_rows = media_rows.only(*LIGHT_MEDIA_FIELDS)
    media: dict[int, list[MediaFile]] = {}
    for item in media_rows:
        media.setdefault(item.report_id, []).append(item)
    leaders: dict[int, list[ReportLeader]] = {}
    for leader in ReportLeader.objects.filter(_day_reports(week=week, day=day, prefix="report__")).order_by(
        "order", "id"
    ):
        leaders.setdefault(leader.report_id, []).append(leader)
    return by_event, media, leaders


def board_event_days(*, week: Week, day: dt.date) -> list[tuple[Event, dt.date]]:
    """The (event, event day) pairs of the board of ``day``, by start: the events running
    that day that report it, and the previous evening's events (their day before). One query."""
    yesterday = day - dt.timedelta(days=1)
    events = (
        Event.objects.filter(week=week, status=Event.Status.APPROVED)
        .filter(
            Q(
                starts_at__lt=week.at(day + dt.timedelta(days=1), dt.time.min),
                ends_at__gt=week.at(day, dt.time.min),
            )
            | Q(starts_at__gte=week.deadline_on(yesterday), starts_at__lt=week.at(day, dt.time.min))
        )
        .select_related("venue", "host", "reporter")
        .order_by("starts_at", "id")
    )
    pairs = []
    for event in events:
        event.week = week  # the same object: deadlines need it, and no query per row
        reporting = event.reporting_days
        if yesterday in reporting and deadlines.is_due_next_day(event, yesterday):
            if deadlines.due_at(event, yesterday).date() == day:
                pairs.append((event, yesterday))
        if day in reporting:
            pairs.append((event, day))
    return pairs


def board_for_day(
    *,
    week: Week,
    day: dt.date,
    now: dt.datetime,
    filters: Filters = Filters(),
    light: bool = False,
    light_media: bool | None = None,
) -> Board:
    """The board of one day: every event day due at the day's deadline (the previous
    evening's included) or later that day (this evening's), its report and state.

    Four queries: events, the reports, their media, their leaders. ``light`` loads only
    what the board shows (not the report text nor the files' details); ``light_media`` only
    the files' kind and status (default: as ``light``), for the .xlsx that counts them.
    """
    pairs = board_event_days(week=week, day=day)
    light_media = light if light_media is None else light_media
    by_event, media, leaders = _reports(week=week, day=day, light=light, light_media=light_media)
    rows = []
    for event, event_day in pairs:
        report = by_event.get((event.pk, event_day))
        due = deadlines.due_at(event, event_day)
        rows.append(
            BoardRow(
                event=event,
                day=event_day,
                due=due,
                report=report,
                state=day_state(report, due=due, now=now),
                media=media.get(report.pk, []) if report else [],
                leaders=leaders.get(report.pk, []) if report else [],
                previous_evening=event_day != day,
            )
        )
    rows.sort(key=lambda row: row.sort_key)
    shown = [row for row in rows if _matches(row, filters)]
    return Board(week=week, day=day, now=now, rows=shown, all_rows=rows)


def _matches(row: BoardRow, filters: Filters) -> bool:
    return (
        (filters.venue is None or row.event.venue_id == filters.venue)
        and (filters.unit is None or row.event.host_id == filters.unit)
        and (not filters.form or row.event.form == filters.form)
        and (not filters.state or row.state == filters.state)
    )


def filter_choices(*, week: Week) -> dict[str, list[tuple]]:
    """Venues and units that have approved events in the week, for the board's filters."""
    pairs = (
        Event.objects.filter(week=week, status=Event.Status.APPROVED)
        .order_by()
        .values_list("venue_id", "venue__name", "host_id", "host__name")
        .distinct()
    )
    venues, units = {}, {}
    for venue_id, venue_name, host_id, host_name in pairs:
        if venue_id is not None:  # events without a venue show when no venue is chosen
            venues[venue_id] = venue_name
        units[host_id] = host_name
    return {
        "venues": sorted(venues.items(), key=lambda item: item[1]),
        "units": sorted(units.items(), key=lambda item: item[1]),
        "forms": list(Event.Form.choices),
        "states": [(state, label) for state, label in DayState.LABELS.items()],
    }


def report_for_review(*, pk: int) -> DailyReport:
    """One report with its event, media, leaders and history (log with who)."""
    return (
        DailyReport.objects.select_related(
            "event__week", "event__venue", "event__host", "event__reporter", "reviewed_by"
        )
        .prefetch_related(
            Prefetch("leaders", queryset=ReportLeader.objects.order_by("order", "id")),
            Prefetch("media", queryset=MediaFile.objects.order_by("kind", "uploaded_at", "id")),
            Prefetch("log", queryset=ReportLogEntry.objects.select_related("by").order_by("at", "id")),
        )
        .get(pk=pk)
    )


def accepted_reports(*, week: Week, day: dt.date, board: Board | None = None) -> list[BoardRow]:
    """The day's accepted reports in board order (by event start), media, leaders and the
    events' partners (every host is named in the bulletin) loaded. ``board``: the day's board
    already read with whole rows (``light=False``), to read it once (an accepted report is
    accepted whatever the moment)."""
    board = board or board_for_day(week=week, day=day, now=week.at(day, dt.time.max))
    # The bulletin tells the day's activities: the previous evening's are the previous day's.
    rows = [row for row in board.all_rows if row.state == DayState.ACCEPTED and not row.previous_evening]
    rows.sort(key=lambda row: (row.event.starts_at, row.event.pk))
    load_partners(rows)
    return rows


def load_partners(rows: list[BoardRow]) -> None:
    """Load the partners of the rows' events in one query (none for no rows), for the files
    that name every host (``Event.host_names``). The board itself names the lead host only."""
    prefetch_related_objects(
        list({row.event.pk: row.event for row in rows}.values()),
        Prefetch("partners", queryset=EventPartner.objects.select_related("organizer")),
    )


@dataclass
class UnitCompliance:
    name: str
    due: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass
class _Timing:
    """What an event's reporting days and deadlines read (``Event.reporting_days``,
    ``deadlines.due_at``), without building a thousand model instances for the week's sheet:
    the same rules, the same properties."""

    pk: int
    week: Week
    starts_at: dt.datetime
    ends_at: dt.datetime
    reports_before_period: bool

    days = Event.days
    reporting_days = Event.reporting_days


def week_compliance(*, week: Week, now: dt.datetime) -> list[UnitCompliance]:
    """Per host unit, over the whole week up to ``now``: event days whose deadline passed
    ("due"), filed on time, filed late (first filing after the deadline), and missing.
    Event days not yet due count as ``pending``. Two queries however long the week; rows
    read as tuples (a thousand events and their reports)."""
    events = (
        Event.objects.filter(week=week, status=Event.Status.APPROVED)
        .order_by("host__name", "id")
        .values_list("id", "host_id", "host__name", "starts_at", "ends_at", "reports_before_period")
    )
    reports = {
        (event_id, day): (status, is_late)
        for event_id, day, status, is_late in DailyReport.objects.filter(event__week=week).values_list(
            "event_id", "day", "status", "is_late"
        )
    }
    units: dict[int, UnitCompliance] = {}
    for event_id, host_id, host_name, starts_at, ends_at, before_period in events:
        event = _Timing(
            pk=event_id, week=week, starts_at=starts_at, ends_at=ends_at, reports_before_period=before_period
        )
        unit = units.setdefault(host_id, UnitCompliance(name=host_name))
        for day in event.reporting_days:
            due = deadlines.due_at(event, day)
            status, is_late = reports.get((event_id, day), (None, None))
            filed = status is not None and status != DailyReport.Status.DRAFT
            if now <= due and not filed:
                unit.pending += 1
                continue
            unit.due += 1
            if not filed:
                unit.missing += 1
            elif is_late:
                unit.late += 1
            else:
                unit.on_time += 1
    return sorted(units.values(), key=lambda unit: unit.name)
