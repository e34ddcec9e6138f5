"""Reads of a public vote: the candidates, the totals (exact: rows counted, voided ones left
out), the public's totals (the same, kept ``PUBLIC_TOTALS_SECONDS`` in the cache), and the
organizer's view of bursts (votes per minute per candidate)."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMinute
from django.utils import timezone

from core.cache_guard import CacheGuard, CacheUnavailable

from ..models import Entry, EntryVideo, Round, RoundEntry, Vote, VoteVoid

PUBLIC_TOTALS_SECONDS = 5
# The last count is kept this long, served while one process recounts (at most this long
# for the recount itself).
STALE_KEPT_SECONDS = 60
RECOUNT_LOCK_SECONDS = 10
_guard = CacheGuard(consequence="vote totals are counted for every page")


def candidates(*, round_: Round) -> QuerySet[RoundEntry]:
    return (
        RoundEntry.objects.filter(round=round_)
        .select_related("entry__track", "entry__video_state")
        .order_by("entry__track__order", "entry__track_id", "running_order", "id")
    )


def public_video(entry: Entry) -> dict[str, dict]:
    """The web versions of a candidate's pitch video by slot ("360", "720", "preview"), when
    made for the video the entry holds now; else empty (the upload itself is never public).
    ``entry.video_state`` is expected loaded (``candidates`` does)."""
    try:
        state = entry.video_state
    except EntryVideo.DoesNotExist:
        return {}
    return state.web_versions if entry.video and state.source == entry.video.name else {}


def vote_totals(*, round_: Round) -> dict[int, int]:
    """Entry → its valid votes, counted from the rows (the final count)."""
    return dict(
        Vote.objects.filter(round=round_, void__isnull=True)
        .values_list("entry_id")
        .annotate(total=Count("id"))
        .order_by()
    )


def public_vote_totals(*, round_: Round) -> dict[int, int]:
    """The totals the public sees while the vote runs: at most ``PUBLIC_TOTALS_SECONDS`` old
    (a little more while a recount runs). Once the vote has closed, the exact count.

    No stampede when the copy expires under load: the copy is kept ``STALE_KEPT_SECONDS``;
    once it is older than ``PUBLIC_TOTALS_SECONDS`` the one process that takes the recount's
    lock (``cache.add``) counts the rows, and every other one serves the old copy meanwhile.
    Without any copy (the first request, or none for a minute) the request counts itself."""
    if round_.vote_has_closed():
        return vote_totals(round_=round_)
    key = f"contests:vote-totals:{round_.pk}"
    try:
        cached = _guard.call(cache.get, key)
    except CacheUnavailable:
        return vote_totals(round_=round_)
    now = time.time()
    if isinstance(cached, dict) and "at" in cached:
        totals = {int(entry): total for entry, total in cached["totals"].items()}
        if now - cached["at"] < PUBLIC_TOTALS_SECONDS:
            return totals
        try:
            if not _guard.call(cache.add, f"{key}:recount", 1, RECOUNT_LOCK_SECONDS):
                return totals  # another process is counting
        except CacheUnavailable:
            return totals
    totals = vote_totals(round_=round_)
    try:
        _guard.call(cache.set, key, {"at": now, "totals": totals}, STALE_KEPT_SECONDS)
        _guard.call(cache.delete, f"{key}:recount")
    except CacheUnavailable:
        pass
    return totals


@dataclass
class CandidateActivity:
    round_entry: RoundEntry
    valid: int = 0
    voided: int = 0
    peak_minute: dt.datetime | None = None
    peak: int = 0


@dataclass
class VoteActivity:
    candidates: list[CandidateActivity]
    minutes: list[tuple[dt.datetime, dict[int, int]]]  # minute → entry → votes (valid and voided)
    voids: list[VoteVoid]
    since: dt.datetime
    until: dt.datetime


def vote_activity(
    *, round_: Round, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> VoteActivity:
    """What the organizer watches: each candidate's valid and voided votes and busiest minute
    (whole vote), and votes per minute per candidate between ``since`` and ``until`` (the
    last hour by default, at most a day). Four queries."""
    until = until or min(timezone.now(), round_.vote_closes_at or timezone.now())
    since = since or until - dt.timedelta(hours=1)
    since = max(since, until - dt.timedelta(days=1))
    lineup = list(candidates(round_=round_))
    activity = {item.entry_id: CandidateActivity(item) for item in lineup}
    for entry_id, valid, voided in (
        Vote.objects.filter(round=round_)
        .values_list("entry_id")
        .annotate(
            valid=Count("id", filter=Q(void__isnull=True)), voided=Count("id", filter=Q(void__isnull=False))
        )
        .order_by()
    ):
        if entry_id in activity:
            activity[entry_id].valid, activity[entry_id].voided = valid, voided
    zone = timezone.get_current_timezone()
    per_minute = (
        Vote.objects.filter(round=round_)
        .annotate(minute=TruncMinute("created_at", tzinfo=zone))
        .values_list("minute", "entry_id")
        .annotate(total=Count("id"))
        .order_by()
    )
    minutes: dict[dt.datetime, dict[int, int]] = defaultdict(dict)
    for minute, entry_id, total in per_minute:
        item = activity.get(entry_id)
        if item is not None and total > item.peak:
            item.peak, item.peak_minute = total, minute
        if since <= minute < until:
            minutes[minute][entry_id] = total
    return VoteActivity(
        candidates=list(activity.values()),
        minutes=sorted(minutes.items(), reverse=True),
        voids=list(VoteVoid.objects.filter(round=round_).select_related("entry", "by")),
        since=since,
        until=until,
    )
