"""The week's public events as the schedule and the feeds read them, kept in this process at a
public version and brought up to date by the events each bump names (issue 21).

Reading a thousand events' rows, the days and filter choices they make and their recordings
took a schedule page ten queries and about half its time, on every page after any change.
Now a process reads them once (``WeekSnapshot.read``: five queries) and labels them with the
public version read before them, as the page cache labels pages. At a later version it asks
the cache which events the bumps since then named (``core.public_cache.changed_events_between``)
and re-reads only those and the venues (five queries), keeping every other row as it was. A
venue's, a unit's or a theme's change in the admin names the events that show it. A bump that
named nothing (the week changed, or the record expired) makes it read everything again. So
does a snapshot older than ``MAX_AGE``: a change that skipped its bump (a script writing to the
database) is then stale no longer than a cached page would be. Rows older than ``REFRESH_AGE``
are read again after the response that used them is sent (``read_due_after_response``, on
``request_finished``): a process asked for a page at least every half minute keeps its rows
young without a request waiting for their whole read.

What the clock decides (直播中, 进行中, 回放 now) is marked on the rows per request, never kept
(a request in another thread of the development server may mark them a moment later; its
marks then tell that moment, and the cards kept per mark follow them).
Without the shared cache there is no version: pages then read the database as before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
import operator
import threading
import time
from collections import Counter
from functools import cached_property

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import QuerySet

from core.public_cache import PAGE_TIMEOUT, changed_events_between, public_version
from events.models import Event, Theme, Week
from events.selectors.public import FEW_ROWS, EventRow, ScheduleFilters, event_rows, search
from venues.models import Venue
from venues.selectors import venues_in_order

from .selectors import event_page_flags
from .videos import mark_recording, recording_videos

log = logging.getLogger(__name__)

# Seconds: as long as a public page is kept.
MAX_AGE = PAGE_TIMEOUT
# Seconds: rows older than this are read again once the response that used them is sent.
REFRESH_AGE = MAX_AGE / 2
# Seconds between a process's own rounds reading rows that old again (``keep_young``): its rows
# are then never older than REFRESH_AGE + KEEP_YOUNG_EVERY.
KEEP_YOUNG_EVERY = REFRESH_AGE / 2


@dataclasses.dataclass(eq=False)
class WeekSnapshot:
    week: Week
    version: int
    # When its rows were last all read (time.monotonic()): patches keep the age.
    read_at: float
    # The week's public events in the schedule's order, with their venues, description,
    # partners and themes (what the cards and every feed print) and recordings. Never changed
    # in place: a patch makes a new list of new rows beside the old.
    rows: list[EventRow]
    # Every venue in the venue filter's order (the filter offers those the rows name).
    venues: list[Venue]
    # Set once it cannot be brought to a later version by patches (too old, or a bump since
    # named nothing): then only a whole read replaces it, and an event's page stops asking.
    outdated: bool = False

    @classmethod
    def read(cls, week: Week, *, version: int, earlier: WeekSnapshot | None = None) -> WeekSnapshot:
        """The week's rows read afresh. A row that reads as it did in ``earlier`` (the same
        week's) is that row again, with what lists and feeds made of it: after a change that
        named nothing, only the cards and feed pieces of what did change are made again."""
        venues = list(venues_in_order())
        rows, reused = _read_rows(Event.objects.public_of(week), week=week, venues=venues, earlier=earlier)
        snapshot = cls(week=week, version=version, read_at=time.monotonic(), rows=rows, venues=venues)
        if (
            earlier is not None
            and "facets" in earlier.__dict__
            and reused == len(rows) == len(earlier.rows)
            and _same_venues(venues, earlier.venues)
        ):
            # Every row and venue reads as before (a bump that named nothing changed nothing
            # they show): so do the days and the filter's choices.
            snapshot.facets = earlier.facets
        return snapshot

    def patched(self, changed: set[int], *, version: int) -> WeekSnapshot:
        """This snapshot at ``version``, the ``changed`` events read again (gone from it when
        no longer public); itself, relabelled, when none changed. The venues are read again
        too (one small query): a venue's change names the events at it, whose new rows take
        the venue as it is now."""
        if not changed:
            self.version = version
            return self
        venues = list(venues_in_order())
        fresh, _ = _read_rows(
            Event.objects.public_of(self.week).filter(pk__in=changed), week=self.week, venues=venues
        )
        rows = sorted(
            [row for row in self.rows if row.pk not in changed] + fresh,
            key=lambda row: (row.starts_at, row.pk),
        )
        snapshot = WeekSnapshot(self.week, version, self.read_at, rows, venues)
        replaced = [row for row in self.rows if row.pk in changed]
        if (
            "facets" in self.__dict__
            and _same_venues(venues, self.venues)
            and Counter(map(_facet_key, replaced)) == Counter(map(_facet_key, fresh))
        ):
            # The changed events run on the same days at the same places with the same themes
            # (a new title, a cancellation), and the venues read as before: the days and
            # choices stay as they were.
            snapshot.facets = self.facets
        return snapshot

    @cached_property
    def by_pk(self) -> dict[int, EventRow]:
        return {row.pk: row for row in self.rows}

    @cached_property
    def facets(self) -> tuple[list[dt.date], dict]:
        """What ``events.selectors.public.schedule_facets`` reads from the database: the days
        on which an event runs, and the filter's choices."""
        days: set[dt.date] = set()
        venue_ids: set[int] = set()
        themes: dict[tuple[int, int], str] = {}
        for row in self.rows:
            days.update(row.days)
            if row.venue is not None:
                venue_ids.add(row.venue_id)
                # A sub-venue's main venue is offered too: choosing it lists its sub-venues' events.
                if row.venue.parent_id is not None:
                    venue_ids.add(row.venue.parent_id)
            themes.update(zip(row.theme_keys, row.themes, strict=True))
        choices = {
            "venues": [venue for venue in self.venues if venue.pk in venue_ids],
            "no_venue": any(row.venue_id is None for row in self.rows),
            # The themes as their rows name them, in the themes' order.
            "themes": [Theme(pk=pk, name=name, order=order) for (order, pk), name in sorted(themes.items())],
            "forms": Event.Form.choices,
        }
        return [day for day in self.week.days if day in days], choices

    def schedule(self, filters: ScheduleFilters) -> list[EventRow]:
        """The rows ``events.selectors.public.schedule_rows`` reads for ``filters``; a search's
        words are matched by the database (one query for the ids that match)."""
        rows = self.rows
        if filters.q:
            matching = set(search(Event.objects.public_of(self.week), filters.q).values_list("pk", flat=True))
            rows = [row for row in rows if row.pk in matching]
        if filters.day and not filters.all_days:
            day_start = _utc(self.week.at(filters.day, dt.time.min))
            day_end = _utc(self.week.at(filters.day + dt.timedelta(days=1), dt.time.min))
            rows = [row for row in rows if row.starts_at < day_end and row.ends_at > day_start]
        if filters.venue:
            rows = [
                row
                for row in rows
                if row.venue_id == filters.venue
                or (row.venue is not None and row.venue.parent_id == filters.venue)
            ]
        elif filters.no_venue:
            rows = [row for row in rows if row.venue_id is None]
        if filters.form:
            rows = [row for row in rows if row.form == filters.form]
        if filters.theme:
            rows = [row for row in rows if any(pk == filters.theme for _order, pk in row.theme_keys)]
        return rows

    def at_venue(self, venue_id: int) -> list[EventRow]:
        """The rows ``events.selectors.public.venue_events`` reads: the events at that venue
        (not its sub-venues')."""
        return [row for row in self.rows if row.venue_id == venue_id]

    def upcoming(self, *, after: dt.date, limit: int) -> list[EventRow]:
        """The rows ``public.selectors.upcoming_events`` reads: the first ``limit`` approved
        events starting after the day ``after``."""
        next_day = _utc(self.week.at(after + dt.timedelta(days=1), dt.time.min))
        approved = Event.Status.APPROVED
        return list(
            itertools.islice(
                (row for row in self.rows if row.status == approved and row.starts_at >= next_day), limit
            )
        )


def _utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC, as the rows' times are read: two times in one zone compare as
    plain numbers, while a time in the week's zone is asked its offset at every comparison
    (today's rows out of a thousand: 13 ms against 0.4)."""
    return moment.astimezone(dt.UTC)


def kept(event, key: tuple, make):
    """What a list or feed makes of ``event`` (``make()``), kept with the row when the row is
    kept across requests (``EventRow.memo``), under ``key``: everything else it depends on
    (the language, the kind of list, the clock's marks it reads). Made afresh for anything else
    (an ``Event``, a row read for one request)."""
    memo = getattr(event, "memo", None)
    if memo is None:
        return make()
    piece = memo.get(key)
    if piece is None:
        piece = memo[key] = make()
    return piece


_venue_fields = operator.attrgetter(*(f.attname for f in Venue._meta.concrete_fields))


def _same_venues(venues: list[Venue], others: list[Venue]) -> bool:
    """Whether two reads of the venues list the same venues, in order, holding the same."""
    return list(map(_venue_fields, venues)) == list(map(_venue_fields, others))


class _SameVenue:
    """Whether a kept row's venue (an object of the read that made the row: a patch since may
    have read the venues again, keeping the rows it was not told about) holds what the venues
    read now hold; each of those objects compared once."""

    def __init__(self, venues: list[Venue]):
        self.now = {venue.pk: _venue_fields(venue) for venue in venues}
        self.answers: dict[int, bool] = {}

    def __call__(self, venue: Venue | None) -> bool:
        if venue is None:
            return True  # the record says it has none, as before
        answer = self.answers.get(id(venue))
        if answer is None:
            answer = self.answers[id(venue)] = _venue_fields(venue) == self.now.get(venue.pk)
        return answer


def _video_key(video) -> tuple | None:
    """What lists and feeds print of a recording video."""
    return None if video is None else (video.pk, video.duration, video.renditions)


def _facet_key(row: EventRow) -> tuple:
    """What of a row the days and filter choices (``WeekSnapshot.facets``) are made of."""
    parent = row.venue.parent_id if row.venue is not None else None
    return (row.days[0], row.days[-1], row.venue_id, parent, tuple(row.theme_keys), tuple(row.themes))


def _read_rows(
    events: QuerySet[Event], *, week: Week, venues: list[Venue], earlier: WeekSnapshot | None = None
) -> tuple[list[EventRow], int]:
    """The rows of ``events``, and how many of them are ``earlier``'s rows again: a row made of
    the same record, partners and themes as one of ``earlier``'s, at a venue that reads as
    before, with the same recording, is that row, with what lists and feeds made of it. The
    rows compared are the database's answers (tuples compared in C): a thousand events made
    into rows and those compared field by field cost a whole read a third of its time."""
    events = events.order_by("starts_at", "id")
    keep = None
    # The rows kept print their week too (an event's page its name and theme): a week that
    # reads otherwise in any field has every row made again.
    if earlier is not None and _all_week_fields(earlier.week) == _all_week_fields(week):
        before = earlier.by_pk
        same_venue = _SameVenue(venues)

        def keep(pk: int, source: tuple) -> EventRow | None:
            old = before.get(pk)
            if old is not None and old.source == source and same_venue(old.venue):
                return old
            return None

    rows = event_rows(
        events,
        week=week,
        with_venues=True,
        venues_read={venue.pk: venue for venue in venues},
        with_description=True,
        with_partners=True,
        with_themes=True,
        # An event's page takes what else it reads from its kept row (covers, files made public
        # and hall presentations name their event when they change).
        with_page_facts=event_page_flags(),
        earlier=keep,
    )
    # A recording video is one of the event's public files: an event without any has none (a
    # changed event seldom has: its patch then asks for no video). The recordings' query takes
    # the events' as a subquery (a thousand ids as parameters cost ~7 ms to send), or a few
    # events' ids.
    videos = recording_videos(
        [row for row in rows if row.page_facts["has_files"]],
        read_from=events if len(rows) > FEW_ROWS else None,
    )
    reused = 0
    for index, row in enumerate(rows):
        video = videos.get(row.pk)
        if row.memo is not None:  # an earlier row
            if _video_key(row.recording_video) == _video_key(video):
                reused += 1
                continue
            row = rows[index] = dataclasses.replace(row, memo=None)
        row.memo = {}  # kept rows keep their cards (public.cards)
        mark_recording(row, video)
    return rows, reused


_held: dict[int, WeekSnapshot] = {}
# The weeks whose rows to read again after the response.
_due: set[int] = set()
_lock = threading.Lock()


# What of its week the rows were read with: their days, zone and title are made of it.
_week_fields = operator.attrgetter("time_zone", "starts_on", "ends_on", "unified_title", "is_published")
_all_week_fields = operator.attrgetter(*(f.attname for f in Week._meta.concrete_fields))


def current(week: Week) -> WeekSnapshot | None:
    """The week's snapshot at the current public version (read or patched as needed), or
    None while the shared cache is away (there is no version to label it with) or
    ``settings.PUBLIC_WEEK_SNAPSHOT`` is off."""
    version = _version()
    if version is None:
        return None
    with _lock:
        held = _held.get(week.pk)
        if held is not None and _week_fields(held.week) != _week_fields(week):
            held = None
        snapshot = None if held is None else _brought_up_to(held, version)
        if snapshot is None:
            snapshot = WeekSnapshot.read(week, version=version, earlier=held)
            # Another week's rows nobody asked for in a minute (the week that was current)
            # would otherwise stay in this process for good.
            for other_pk, other in list(_held.items()):
                if other_pk != week.pk and time.monotonic() - other.read_at > MAX_AGE:
                    del _held[other_pk]
        elif time.monotonic() - snapshot.read_at > REFRESH_AGE:
            _due.add(week.pk)
        _held[week.pk] = snapshot
        return snapshot


def held_row(pk: int) -> EventRow | None:
    """The kept row of the public event ``pk`` when rows held here hold it and no bump since
    they were read named it (nor named nothing); else None. Patches and reads nothing: a page
    of one event does not pay for the week's rows. Rows it could not use, or found half a
    minute old, are brought up to date once its response is sent (``read_due_after_response``)."""
    version = _version()
    if version is None:
        return None
    with _lock:
        for held in _held.values():
            row = held.by_pk.get(pk)
            if row is not None:
                changed = _changes_since(held, version)
                stale = changed is None or pk in changed
                if stale or time.monotonic() - held.read_at > REFRESH_AGE:
                    # Brought up to date once the page is answered: the next page asking for a
                    # row (this event's in the other language, a list) finds it kept.
                    _due.add(held.week.pk)
                return None if stale else row
    return None


def read_due_after_response(**_kwargs) -> None:
    """Bring up to date the rows a request found older than ``REFRESH_AGE``, or that an event's
    page could not use (``request_finished``: the response is sent): rows that old are read
    whole again, younger ones patched as a list page would.

    The week is read again first (one query): the rows of a week no longer current or
    published, or whose days, zone or title changed, are dropped instead (the next list page
    reads them with the week as it is; an event's page reads its event). The rows are read
    outside the lock, so a request in another thread (``keep_young``'s rounds run beside the
    requests) is not held up by them, and replace the held ones only if no other thread
    replaced those meanwhile. A database error leaves them as they are: the next request that
    needs them reads them."""
    if not _due:
        return
    with _lock:
        due = {week_pk: _held.get(week_pk) for week_pk in _due}
        _due.clear()
    version = _version()
    if version is None:
        return
    for week_pk, held in due.items():
        if held is None:
            continue  # dropped meanwhile
        try:
            week = Week.objects.filter(pk=week_pk).first()
            if (
                week is None
                or not (week.is_current and week.is_published)
                or _week_fields(week) != _week_fields(held.week)
            ):
                snapshot = None
            else:
                young = time.monotonic() - held.read_at <= REFRESH_AGE
                snapshot = _brought_up_to(held, version) if young else None
                snapshot = snapshot or WeekSnapshot.read(week, version=version, earlier=held)
        except DatabaseError:
            log.warning("The week's rows could not be read again after a response", exc_info=True)
            continue
        with _lock:
            if _held.get(week_pk) is held:
                if snapshot is None:
                    del _held[week_pk]
                else:
                    _held[week_pk] = snapshot


def refresh_aged() -> None:
    """Bring up to date the rows held here longer than ``REFRESH_AGE``, as after a response
    (``read_due_after_response``): for a process's own timer (``keep_young``)."""
    with _lock:
        _due.update(pk for pk, held in _held.items() if time.monotonic() - held.read_at > REFRESH_AGE)
    read_due_after_response()


def keep_young(
    *, interval: float = KEEP_YOUNG_EVERY, stop: threading.Event | None = None
) -> threading.Thread:
    """Start a thread that calls ``refresh_aged`` every ``interval`` seconds until ``stop`` is
    set (gunicorn's ``post_worker_init``). A process asked for no page for a minute would
    otherwise find its rows a minute old at its next request and read the week whole in that
    request's time (a quiet site's usual first page: 21 ms instead of 6 at 1,000 events); kept
    young meanwhile, they only need the bumps since patched. The thread's database connection
    is closed after each round; an error is logged and the next round tries again."""
    stop = stop or threading.Event()

    def run() -> None:
        while not stop.wait(interval):
            try:
                refresh_aged()
            except Exception:
                log.warning("The week's rows could not be kept young", exc_info=True)
            finally:
                connections.close_all()  # this thread's own

    thread = threading.Thread(target=run, name="week-rows-young", daemon=True)
    thread.start()
    return thread


def _version() -> int | None:
    """The public version to label rows with; None while ``settings.PUBLIC_WEEK_SNAPSHOT`` is
    off or the shared cache is away."""
    return public_version() if settings.PUBLIC_WEEK_SNAPSHOT else None


def _brought_up_to(held: WeekSnapshot, version: int) -> WeekSnapshot | None:
    """``held`` at ``version``, patched with the events the bumps since named; None when it
    must be read again, or when they named half its rows or more (the main venue renamed names
    nearly every event): reading a few thousand events by id costs more than a whole read,
    which keeps the rows that read as before with their cards and feed pieces."""
    changed = _changes_since(held, version)
    if changed is None or len(changed & held.by_pk.keys()) * 2 >= max(len(held.rows), 2):
        return None
    return held.patched(changed, version=version)


def _changes_since(held: WeekSnapshot, version: int) -> set[int] | None:
    """The events whose rows the bumps after ``held``'s version up to ``version`` named (none:
    an empty set); None when ``held`` cannot be brought to it, being too old or a bump having
    named nothing. That stays so for every later version: ``held`` is then marked outdated."""
    if held.outdated:
        return None
    if held.version > version:
        # Another thread brought the rows past the version this request read: it reads the
        # database this once; the rows are no worse for it.
        return None
    if time.monotonic() - held.read_at <= MAX_AGE:
        if held.version == version:
            return set()
        changed = changed_events_between(held.version, version)
        if changed is not None:
            return changed
    held.outdated = True
    return None


def forget() -> None:
    """Drop every snapshot (the tests start each test without them, as with the cache)."""
    with _lock:
        _held.clear()
        _due.clear()
