"""Small builders for test data: every argument has a sensible default."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group

from core.roles import OBSERVER_GROUP, OFFICE_GROUP
from events.models import Event, Membership, Organizer, User, Week
from venues.models import Venue

_sequence = itertools.count(1)
ZONE = "Asia/Shanghai"
PASSWORD = "correct-horse-battery-staple"


def week(**fields) -> Week:
    defaults = {
        "name": f"测试活动周 {next(_sequence)}",
        "theme": "创新创业",
        "unified_title": "2026年全国大众创业万众创新活动周",
        "starts_on": dt.date(2026, 9, 20),
        "ends_on": dt.date(2026, 9, 26),
        "time_zone": ZONE,
        "is_current": True,
        "is_published": True,
    }
    return Week.objects.create(**{**defaults, **fields})


def venue(**fields) -> Venue:
    defaults = {"name": f"会场 {next(_sequence)}", "kind": Venue.Kind.MAIN, "address": "前进东路 1 号"}
    return Venue.objects.create(**{**defaults, **fields})


def user(**fields) -> User:
    number = next(_sequence)
    defaults = {
        "username": f"user{number}",
        "full_name": f"用户{number}",
        "email": f"user{number}@example.com",
    }
    person = User(**{**defaults, **fields})
    person.set_password(PASSWORD)
    person.save()
    return person


def office_user(**fields) -> User:
    person = user(is_staff=True, **fields)
    # get_or_create: a transactional test (live server, real worker) flushes the tables, the
    # migration-made group included, before the next one runs.
    person.groups.add(Group.objects.get_or_create(name=OFFICE_GROUP)[0])
    return person


def observer(**fields) -> User:
    """A reader from the publicity department or the city leaders' office (read-only)."""
    person = user(**fields)
    person.groups.add(Group.objects.get_or_create(name=OBSERVER_GROUP)[0])
    return person


def organizer(**fields) -> Organizer:
    defaults = {"name": f"昆山市测试局 {next(_sequence)}", "kind": Organizer.Kind.GOVERNMENT}
    return Organizer.objects.create(**{**defaults, **fields})


def member(unit: Organizer, **fields) -> User:
    person = user(**fields)
    Membership.objects.create(organizer=unit, user=person)
    return person


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(ZONE))


def event(*, week: Week, host: Organizer | None = None, **fields) -> Event:
    """An approved event at a new venue; ``venue=None`` with a place kind that has no venue
    (a place typed as text, another city, online) makes one at no venue."""
    host = host or organizer()
    kind = fields.get("place_kind", Event.PlaceKind.VENUE)
    at_no_venue = kind not in Event.VENUE_KINDS and fields.get("venue", None) is None
    defaults = {
        "week": week,
        "host": host,
        "subtitle": f"测试活动 {next(_sequence)}",
        "form": Event.Form.FORUM,
        "venue": None if at_no_venue else (fields.pop("venue", None) or venue()),
        "place": "创酷空间",
        "starts_at": at(week.starts_on, 9),
        "ends_at": at(week.starts_on, 17),
        "status": Event.Status.APPROVED,
    }
    return Event.objects.create(**{**defaults, **fields})


# --- Public site (schedule, feeds, archive) ------------------------------------------------


def many_events(*, week: Week, count: int, venues: list[Venue] | None = None, **fields) -> list[Event]:
    """``count`` approved events spread over the week's days, venues, forms and hosts.

    Every fifth has a theme and a co-organizer and every seventh is cancelled, so the
    relations a public page shows all have rows at every size.
    """
    from events.models import EventPartner, Theme

    venues = venues or [venue(), venue(kind=Venue.Kind.SUB)]
    hosts = [organizer() for _ in range(3)]
    theme, _ = Theme.objects.get_or_create(name="科技创新")
    forms = Event.Form.values
    days = week.days
    events = []
    for n in range(count):
        day = days[n % len(days)]
        hour = 8 + n % 10
        cancelled = n % 7 == 6
        events.append(
            Event(
                week=week,
                host=hosts[n % len(hosts)],
                subtitle=f"批量活动 {n} 创新论坛",
                form=forms[n % len(forms)],
                venue=venues[n % len(venues)],
                place=f"报告厅 {n % 5}",
                address="前进东路 1 号",
                starts_at=at(day, hour),
                ends_at=at(day, hour + 2),
                status=Event.Status.CANCELLED if cancelled else Event.Status.APPROVED,
                cancel_reason="场地调整" if cancelled else "",
                live_url="https://live.example.com/" + str(n) if n % 3 == 0 else "",
                **fields,
            )
        )
    created = Event.objects.bulk_create(events)
    if not created or created[0].pk is None:  # backends that do not return ids
        created = list(Event.objects.filter(week=week).order_by("-id")[:count])
    for event in created[::5]:
        event.themes.add(theme)
        EventPartner.objects.create(event=event, role=EventPartner.Role.CO_ORGANIZER, name="昆山市协办单位")
    return created


def public_media(
    *,
    event: Event,
    kind: str = "photo",
    is_public: bool = True,
    status: str = "passed",
    content: bytes = b"\xff\xd8\xff\xe0 jpeg bytes",
    name: str = "photo.jpg",
    preview: bool = True,
):
    """A checked media file of the event's first day's report, with an optional preview."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from submissions.models import DailyReport, MediaFile

    report, _ = DailyReport.objects.get_or_create(event=event, day=event.days[0])
    media = MediaFile(
        report=report,
        kind=kind,
        original_name=name,
        caption=f"{name} 说明",
        size=len(content),
        sha256=hashlib.sha256(content + name.encode()).hexdigest(),
        status=status,
        checked_at=timezone.now() if status in ("passed", "failed") else None,
        is_public=is_public,
    )
    media.file.save(name, ContentFile(content), save=False)
    if preview:
        media.preview.save("preview.jpg", ContentFile(b"\xff\xd8\xff\xe0 preview"), save=False)
    media.save()
    return media


# --- Added for event registration and review (issue 3) ----------------------------------


def theme(**fields):
    from events.models import Theme

    defaults = {"name": f"主题 {next(_sequence)}"}
    return Theme.objects.create(**{**defaults, **fields})


def superuser(**fields) -> User:
    return user(is_staff=True, is_superuser=True, **fields)


def complete_event(*, week: Week, host: Organizer, reporter: User | None = None, **fields) -> Event:
    """An event with everything review needs, in draft unless told otherwise."""
    reporter = reporter or member(host)
    defaults = {
        "status": Event.Status.DRAFT,
        "contact_name": "李娜",
        "contact_phone": "13800000002",
        "contact_email": "lina@example.com",
        "reporter": reporter,
        "description": "第一段。\n\n第二段。",
    }
    return event(week=week, host=host, **{**defaults, **fields})


def change_request(*, event: Event, by: User | None = None, **proposed):
    from events.models import EventChangeRequest
    from events.services import guarded_values

    previous = guarded_values(event)
    return EventChangeRequest.objects.create(
        event=event, previous=previous, proposed={**previous, **proposed}, requested_by=by
    )


def invitation(*, organizer: Organizer, email: str = "", **fields):
    from events.models import Invitation

    return Invitation.objects.create(
        organizer=organizer, email=email or f"invitee{next(_sequence)}@example.com", **fields
    )


def application(**fields):
    from events.models import OrganizerApplication

    number = next(_sequence)
    defaults = {
        "name": f"申请单位 {number}",
        "kind": Organizer.Kind.ENTERPRISE,
        "contact_name": "周明",
        "contact_phone": "13900000000",
        "contact_email": f"apply{number}@example.com",
    }
    return OrganizerApplication.objects.create(**{**defaults, **fields})


# --- Added for the office board, review and exports (issue 6) ------------------------------


def report(
    *,
    event: Event,
    day: dt.date | None = None,
    status: str = "draft",
    submitted_at: dt.datetime | None = None,
    is_late: bool | None = None,
    leaders: list[tuple[str, str, str]] = (),
    photos: int = 0,
    videos: int = 0,
    failed: int = 0,
    text: str = "活动顺利举行，签约项目 3 个。",
    reviewed_by: User | None = None,
    **fields,
):
    """A daily report in any state, with leaders ``(name, post, level)`` and media rows
    (checked, files not on disk: enough for the board; exports write real files themselves)."""
    from django.utils import timezone

    from submissions.models import DailyReport, MediaFile, ReportLeader

    day = day or event.days[0]
    if status != "draft" and submitted_at is None:
        submitted_at = at(day, 15)
    if status != "draft" and is_late is None:
        is_late = False
    reviewed = (
        {"reviewed_at": timezone.now(), "reviewed_by": reviewed_by}
        if status in ("accepted", "returned")
        else {}
    )
    made = DailyReport.objects.create(
        event=event,
        day=day,
        status=status,
        text=text,
        submitted_at=submitted_at,
        first_submitted_at=submitted_at,
        is_late=is_late,
        no_leaders=not leaders,
        **reviewed,
        **fields,
    )
    ReportLeader.objects.bulk_create(
        ReportLeader(report=made, name=name, post=post, level=level, order=n)
        for n, (name, post, level) in enumerate(leaders)
    )
    number = next(_sequence)
    rows = [("photo", "passed")] * photos + [("video", "passed")] * videos + [("photo", "failed")] * failed
    MediaFile.objects.bulk_create(
        MediaFile(
            report=made,
            kind=kind,
            file=f"reports/{number}-{n}.jpg",
            original_name=f"现场{n + 1}.jpg",
            size=3 * 1024 * 1024,
            sha256=f"{number:032d}{n:032d}",
            status=verdict,
            checked_at=timezone.now(),
            reasons=[{"code": "photo_too_small", "params": {"size": 1, "minimum": 2}}]
            if verdict == "failed"
            else [],
        )
        for n, (kind, verdict) in enumerate(rows)
    )
    return made


def board_events(*, week: Week, day: dt.date, count: int, **fields) -> list[Event]:
    """``count`` approved events on ``day`` over a few venues and units, each with a reporter;
    every other one with a submitted report, a leader, a photo and a video."""
    venues = [venue() for _ in range(3)]
    units = [organizer() for _ in range(3)]
    reporters = [member(unit, phone="13800000000") for unit in units]
    events = []
    for n in range(count):
        made = event(
            week=week,
            host=units[n % 3],
            reporter=reporters[n % 3],
            venue=venues[n % 3],
            starts_at=at(day, 8 + n % 8),
            ends_at=at(day, 9 + n % 8),
            form=Event.Form.values[n % 6],
            **fields,
        )
        if n % 2:
            report(
                event=made,
                day=day,
                status="submitted",
                leaders=[(f"领导{n}", "副市长", "municipal")],
                photos=1,
                videos=1,
            )
        events.append(made)
    return events


def png_file(*, width: int = 64, height: int = 40):
    """A small real PNG, as a Django file, for cover images."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (179, 22, 27)).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="cover.png")


def event_edit_data(event: Event, **overrides) -> dict:
    """The organizer's edit form as the unit sends it back: the event's values, with ``overrides``."""
    zone = ZoneInfo(event.week.time_zone)
    data = {
        "subtitle": event.subtitle,
        "form": event.form,
        "place_kind": event.place_kind,
        "venue": event.venue_id or "",
        "online_url": event.online_url,
        "place": event.place,
        "address": event.address,
        "starts_at": f"{event.starts_at.astimezone(zone):%Y-%m-%dT%H:%M}",
        "ends_at": f"{event.ends_at.astimezone(zone):%Y-%m-%dT%H:%M}",
        "host": event.host_id,
        "contact_name": event.contact_name,
        "contact_phone": event.contact_phone,
        "contact_email": event.contact_email,
        "reporter": event.reporter_id,
        "live_url": event.live_url,
        "description": event.description,
        "action": "save",
    }
    return {**data, **overrides}
