"""Reads for the live relays, recordings and the 云视频 page (``/videos/``).

An event's relay is ``Event.live_url`` (a platform's page, or an HLS stream played in the
page: ``Event.relay_is_hls``). Its recording is ``Event.recording_url``, or else the longest
video of its reports that the office made public and whose web versions are made: events
cannot point at a report's media (``submissions`` sits above them), so the recording is read
here, where both are in reach.

States, decided from the clock at render time and again in the browser (``static/js/player.js``
reads the same moments from ``data-from``/``data-until``), so a page held by a cache or a CDN
never shows a stale state once its scripts run:

- "直播中": the event is approved, has a relay, and ``starts_at <= now < ends_at``;
- "回放": the event is approved, has ended, and has a recording (link or video);
- nothing otherwise.

The 云视频 page lists the week's public report videos, recording links and the online
hall's project videos, always their web versions (never an original). Every function costs
a fixed number of queries, whatever the number of events or videos.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import EntryVideo, RoundEntry
from contests.selectors.voting import public_video as pitch_versions
from core import view_counts
from core.summary_sections import SummarySection, SummaryTable
from events.models import Event, Week
from events.selectors.public import ScheduleFilters, at_place_of_form
from exhibits.models import Pending, ProjectVideo
from exhibits.selectors.public import public_projects
from submissions.models import MediaFile

# What the beacon counts (``core.view_counts`` kinds).
KIND_EVENT = "event"  # an event's relay page opened, or its recording played
KIND_MEDIA = "media"  # a report video played
KIND_PROJECT = "project"  # an online hall project's video played
KIND_ENTRY = "entry"  # a contest entry's pitch video (public in a public vote) played
VIEW_KINDS = (KIND_EVENT, KIND_MEDIA, KIND_PROJECT, KIND_ENTRY)


def _public_videos() -> Q:
    return Q(
        kind=MediaFile.Kind.VIDEO,
        is_public=True,
        status=MediaFile.Status.PASSED,
        rendition_status=MediaFile.RenditionStatus.DONE,
    )


def _playable(videos: Iterable[MediaFile]) -> list[MediaFile]:
    # ``web_versions`` also checks the versions are of the file the report holds now.
    return [video for video in videos if video.web_versions]


def mark_relays(
    events: Iterable[Event],
    *,
    now: dt.datetime | None = None,
    media: Iterable[MediaFile] | None = None,
    read_from: QuerySet[Event] | None = None,
) -> list[Event]:
    """Set on each event (after ``mark_for_display``): ``relay_on`` (直播中 now),
    ``recording_video`` (its longest public report video with web versions, or None),
    ``has_recording`` (a link or such a video; the page shows "回放" once the event is over)
    and ``replay_on`` (回放 now). One query for all events, none when the caller passes the
    events' public ``media`` (``submissions.selectors.public_media``) read already.

    ``read_from``: the queryset ``events`` were read from (all of them, no more); the videos
    are then read with it as a subquery instead of the events' ids as parameters (a thousand
    of them cost ~15 ms to send)."""
    return mark_relay_times(mark_recordings(events, media=media, read_from=read_from), now=now)


def mark_recordings(
    events: Iterable[Event],
    *,
    media: Iterable[MediaFile] | None = None,
    read_from: QuerySet[Event] | None = None,
) -> list[Event]:
    """The part of ``mark_relays`` the clock does not change: ``recording_video`` and
    ``has_recording``."""
    events = list(events)
    best = recording_videos(events, media=media, read_from=read_from)
    for event in events:
        mark_recording(event, best.get(event.pk))
    return events


def recording_videos(
    events: Iterable[Event],
    *,
    media: Iterable[MediaFile] | None = None,
    read_from: QuerySet[Event] | None = None,
) -> dict[int, MediaFile]:
    """Each of ``events``' recording video by the event's id (``mark_recordings``), for the
    events that have one."""
    approved = Event.Status.APPROVED
    best: dict[int, MediaFile] = {}
    events = [event for event in events if event.status == approved]
    if events:
        if media is None:
            if read_from is not None:
                of_events = Q(report__event__in=read_from.filter(status=approved).values("pk"))
            else:
                of_events = Q(report__event_id__in=[event.pk for event in events])
            media = MediaFile.objects.filter(_public_videos(), of_events).select_related("report")
        candidates = [item for item in media if item.kind == MediaFile.Kind.VIDEO and item.is_public]
        candidates.sort(key=lambda video: (-(video.duration or 0), video.pk))
        for video in _playable(candidates):
            best.setdefault(video.report.event_id, video)
    return best


def mark_recording(event: Event, video: MediaFile | None) -> None:
    """Mark ``event`` with its recording ``video`` (``mark_recordings``)."""
    event.recording_video = video
    event.has_recording = event.status == Event.Status.APPROVED and bool(event.recording_url or video)


def mark_relay_times(events: Iterable[Event], *, now: dt.datetime | None = None) -> list[Event]:
    """The part of ``mark_relays`` the clock decides, after ``mark_recordings``: ``relay_on``
    and ``replay_on``."""
    now = now or timezone.now()
    events = list(events)
    approved = Event.Status.APPROVED
    for event in events:
        event.relay_on = (
            event.status == approved and bool(event.live_url) and event.starts_at <= now < event.ends_at
        )
        event.replay_on = event.has_recording and event.ends_at <= now
    return events


# --- The 云视频 page ------------------------------------------------------------------------


@dataclass
class VideoItem:
    """One thing the page plays or links: a report video, a recording link, a project video."""

    kind: str  # "media", "recording" (a link), "project", "entry"
    title: str
    day: dt.date | None
    event: Event | None = None
    media: MediaFile | None = None
    project_video: ProjectVideo | None = None
    candidate: RoundEntry | None = None
    url: str = ""  # the recording link
    versions: dict = field(default_factory=dict)

    @property
    def has_720(self) -> bool:
        return "720" in self.versions


def _filtered_events(*, week: Week, filters: ScheduleFilters):
    events = Event.objects.public_of(week).filter(status=Event.Status.APPROVED)
    return at_place_of_form(events, filters)


def week_videos(*, week: Week, filters: ScheduleFilters, now: dt.datetime | None = None) -> list[VideoItem]:
    """The week's public videos and recordings, filtered by day (a report's day, an event's
    days), form and venue (of the event), newest day first. Contest pitch videos (those a
    public vote shows) follow their contest's event's form and venue and belong to no day;
    project videos belong to no day or event: listed only when no filter is set. Four queries."""
    now = now or timezone.now()
    events = _filtered_events(week=week, filters=filters)
    day = None if filters.all_days else filters.day
    items: list[VideoItem] = []
    media = MediaFile.objects.filter(_public_videos(), report__event__in=events)
    if day:
        media = media.filter(report__day=day)
    media = media.select_related("report__event__week", "report__event__venue").order_by(
        "-report__day", "-uploaded_at", "-id"
    )
    for video in _playable(media):
        event = video.report.event
        items.append(
            VideoItem(
                kind=KIND_MEDIA,
                title=video.caption or event.subtitle,
                day=video.report.day,
                event=event,
                media=video,
                versions=video.web_versions,
            )
        )
    links = events.exclude(recording_url="").filter(ends_at__lte=now).select_related("week", "venue")
    for event in links.order_by("-starts_at", "id"):
        if day and day not in event.days:
            continue
        items.append(
            VideoItem(
                kind="recording",
                title=event.subtitle,
                day=event.days[-1],
                event=event,
                url=event.recording_url,
            )
        )
    if not day:
        items += _pitch_videos(events)
    if not (day or filters.venue or filters.no_venue or filters.form):
        videos = (
            ProjectVideo.objects.filter(
                project__in=public_projects().filter(exhibition__week=week),
                status=ProjectVideo.Status.PASSED,
                versions_status=ProjectVideo.VersionsStatus.DONE,
            )
            .exclude(pending=Pending.ADD)
            .select_related("project")
            .order_by("project__title", "id")
        )
        for video in videos:
            if video.web_versions:
                items.append(
                    VideoItem(
                        kind=KIND_PROJECT,
                        title=video.project.title,
                        day=None,
                        project_video=video,
                        versions=video.web_versions,
                    )
                )
    items.sort(key=lambda item: (item.day is None, -(item.day.toordinal() if item.day else 0)))
    return items


def _public_candidates():
    """Candidates of public votes (a published contest's round with a vote window): their
    pitch videos are as public as the vote page (``contests.views.voting``)."""
    return RoundEntry.objects.filter(round__contest__is_published=True, round__vote_opens_at__isnull=False)


def _pitch_videos(events) -> list[VideoItem]:
    candidates = (
        _public_candidates()
        .filter(
            round__contest__event__in=events,
            entry__video_state__versions_status=EntryVideo.VersionsStatus.DONE,
        )
        .select_related("entry__video_state", "round__contest__event__venue", "round__contest__event__week")
        .order_by("entry_id", "-round__number")
    )
    items, seen = [], set()
    for candidate in candidates:
        versions = pitch_versions(candidate.entry)
        if candidate.entry_id in seen or not versions:
            continue
        seen.add(candidate.entry_id)  # the latest round's, once per entry
        items.append(
            VideoItem(
                kind=KIND_ENTRY,
                title=candidate.entry.name,
                day=None,
                event=candidate.round.contest.event,
                candidate=candidate,
                versions=versions,
            )
        )
    return items


def weeks_with_videos(*, exclude: Week | None = None) -> list[Week]:
    """Published weeks with a public report video or a recording link, newest first: the
    archive of past weeks' videos. One query."""
    with_media = MediaFile.objects.filter(_public_videos()).values("report__event__week_id")
    with_links = Event.objects.public().exclude(recording_url="").values("week_id")
    weeks = Week.objects.filter(is_published=True).filter(Q(pk__in=with_media) | Q(pk__in=with_links))
    if exclude is not None:
        weeks = weeks.exclude(pk=exclude.pk)
    return list(weeks.order_by("-starts_on", "-id"))


# --- The beacon ---------------------------------------------------------------------------


def counted_week_id(*, kind: str, object_id: int, now: dt.datetime | None = None) -> int | None:
    """The week a play of ``kind`` ``object_id`` counts for, when the public may play it now
    (an event with a relay or a recording; a public report video; a public project video);
    else None (not counted). One query."""
    if kind == KIND_EVENT:
        event = (
            Event.objects.public()
            .filter(pk=object_id, status=Event.Status.APPROVED)
            .filter(~Q(live_url="") | ~Q(recording_url="") | Q(pk__in=_event_ids_with_videos()))
            .values_list("week_id", flat=True)
            .first()
        )
        return event
    if kind == KIND_MEDIA:
        return (
            MediaFile.objects.filter(_public_videos(), pk=object_id, report__event__in=Event.objects.public())
            .values_list("report__event__week_id", flat=True)
            .first()
        )
    if kind == KIND_PROJECT:
        return (
            ProjectVideo.objects.filter(project__in=public_projects(), pk=object_id)
            .exclude(pending=Pending.ADD)
            .values_list("project__exhibition__week_id", flat=True)
            .first()
        )
    if kind == KIND_ENTRY:
        return (
            _public_candidates()
            .filter(entry_id=object_id, round__contest__event__in=Event.objects.public())
            .values_list("round__contest__event__week_id", flat=True)
            .first()
        )
    return None


def _event_ids_with_videos():
    return MediaFile.objects.filter(_public_videos()).values("report__event_id")


# --- The office's week summary ------------------------------------------------------------

# Rows of the per-object table: the most watched first, at most this many.
SUMMARY_TOP = 30


def online_views_sections(*, week, now: dt.datetime) -> list[SummarySection]:
    """ "在线观看 N 人次" in the office's week summary (``core.summary_sections``, registered in
    ``PublicConfig.ready``): the week's plays in all, by day, and by event or video. One query
    when nothing was watched, at most five otherwise (the names of what was)."""
    rows = view_counts.week_counts(week.pk)
    total = sum(count for _kind, _id, _day, count in rows)
    paragraph = _(
        "在线观看 %(n)d 人次（打开直播页面、播放回放和活动视频各计一次；不记录观看者信息，"
        "同一网络地址每小时对同一项最多计 5 次）。"
    ) % {"n": total}
    section = SummarySection(key="online-views", heading=_("云活动与云视频"), paragraphs=[paragraph])
    if not rows:
        return [section]
    by_day: dict[dt.date, int] = {}
    by_object: dict[tuple[str, int], int] = {}
    for kind, object_id, day, count in rows:
        by_day[day] = by_day.get(day, 0) + count
        by_object[(kind, object_id)] = by_object.get((kind, object_id), 0) + count
    top = sorted(by_object.items(), key=lambda item: (-item[1], item[0]))[:SUMMARY_TOP]
    names = _object_names([key for key, _count in top])
    kind_labels = {
        KIND_EVENT: _("直播或回放"),
        KIND_MEDIA: _("活动视频"),
        KIND_PROJECT: _("云展厅项目视频"),
        KIND_ENTRY: _("大赛路演视频"),
    }
    section.tables.extend(
        [
            SummaryTable(
                caption=_("在线观看人次（按日期）"),
                headers=[_("日期"), _("人次")],
                rows=[
                    [_("%(month)d月%(day)d日") % {"month": day.month, "day": day.day}, count]
                    for day, count in sorted(by_day.items())
                ],
                total=[_("合计"), total],
            ),
            SummaryTable(
                caption=_("在线观看人次（按活动和视频）"),
                headers=[_("活动或视频"), _("类别"), _("人次")],
                rows=[
                    [names.get(key, _("（已删除）")), str(kind_labels.get(key[0], key[0])), count]
                    for key, count in top
                ],
            ),
        ]
    )
    return [section]


def _object_names(keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """Names of the counted objects: an event's subtitle; a report video's event and caption;
    a project's title; a contest entry's name. One query per kind present."""
    ids: dict[str, list[int]] = {}
    for kind, object_id in keys:
        ids.setdefault(kind, []).append(object_id)
    names: dict[tuple[str, int], str] = {}
    if ids.get(KIND_EVENT):
        for pk, subtitle in Event.objects.filter(pk__in=ids[KIND_EVENT]).values_list("pk", "subtitle"):
            names[(KIND_EVENT, pk)] = subtitle
    if ids.get(KIND_MEDIA):
        media = MediaFile.objects.filter(pk__in=ids[KIND_MEDIA]).values_list(
            "pk", "report__event__subtitle", "caption"
        )
        for pk, subtitle, caption in media:
            names[(KIND_MEDIA, pk)] = f"{subtitle} · {caption}" if caption else subtitle
    if ids.get(KIND_PROJECT):
        videos = ProjectVideo.objects.filter(pk__in=ids[KIND_PROJECT]).values_list("pk", "project__title")
        for pk, title in videos:
            names[(KIND_PROJECT, pk)] = title
    if ids.get(KIND_ENTRY):
        entries = RoundEntry.objects.filter(entry_id__in=ids[KIND_ENTRY]).values_list(
            "entry_id", "entry__name"
        )
        for pk, name in entries:
            names[(KIND_ENTRY, pk)] = name
    return names
