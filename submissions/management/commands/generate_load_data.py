"""Generate a busy week for benchmarks: ``generate_load_data --events 1000``.

One week (by default the current one, 7 days from the day before yesterday) with ``--events``
events over ``--venues`` venues (one main venue, the rest its sub-venues) and ``--units``
host units, ``--busiest`` of them on the busiest day and the rest spread evenly over the
other days, starting between ``--hours``; a few start after the deadline (``--evening``:
evening events, due the next day) and every fiftieth is cancelled (``--cancelled``). Every
third has a theme, every other a co-organizer, every fourth a live stream. Each unit has an
information reporter (or ``--reporters`` of them, taken in turn: one per event for the
reminder benchmark), and ``--password`` lets them sign in. ``--reports`` of the approved
event days have a report (submitted, accepted, returned or a draft; every fourth filed one
late, every fifth with a leader) and the reports share ``--media`` photo and video rows
(rows only: no file is written; the board, review list and exports count rows, and the
bulletin leaves out a picture it cannot read).

Everything is made with a few bulk inserts and comes out the same for the same options and
``--seed``. The week is known by ``--name``: a second run with the same options does nothing
(and says what is there); ``--reset`` removes the week and everything generated with it
(units, venues, reporters and their reports) and makes it again. The last line written is a
JSON summary (week id, days, busiest day, counts, a reporter per unit with an event of the
busiest day) for the benchmarks that call this command.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.roles import OFFICE_GROUP
from events.models import Event, EventPartner, Membership, Organizer, Theme, User, Week
from submissions import deadlines
from submissions.models import DailyReport, MediaFile, ReportLeader
from venues.models import Venue

from ..load_text import KINDS, PLACES, SENTENCES, TOPICS

THEMES = ["科技创新", "创业就业", "智能制造"]
STATUSES = ["submitted", "accepted", "returned", "submitted", "draft"]
BATCH = 1000


def _hours(value: str) -> tuple[int, int]:
    try:
        first, last = (int(part) for part in value.split("-"))
    except ValueError:
        raise CommandError(f"--hours must be FIRST-LAST (e.g. 8-17), not {value!r}") from None
    if not 0 <= first <= last <= 21:
        raise CommandError("--hours: 0 <= FIRST <= LAST <= 21 (events last two hours)")
    return first, last


class Command(BaseCommand):
    help = "生成压测数据：一个活动周的活动、报送和照片视频记录（--events N；同样的参数和 --seed 得到同样的数据）。"

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=1000, help="events in the week (default 1000)")
        parser.add_argument("--days", type=int, default=7, help="days in the week (default 7)")
        parser.add_argument(
            "--busiest",
            type=int,
            help="events on the busiest day (default 15%% of --events, at least an even share)",
        )
        parser.add_argument(
            "--busiest-day",
            type=int,
            default=2,
            help="which day is busiest, from 0 (default 2: today by default)",
        )
        parser.add_argument("--start", help="first day, YYYY-MM-DD (default: two days before today)")
        parser.add_argument("--venues", type=int, default=30)
        parser.add_argument("--units", type=int, default=20, help="host units")
        parser.add_argument(
            "--reporters",
            type=int,
            help="information reporters, members of the units in turn, named on the events in turn "
            "(default: one per unit; a multiple of --units keeps each event's reporter in its host unit)",
        )
        parser.add_argument(
            "--reports", type=float, default=0.67, help="share of approved event days with a report"
        )
        parser.add_argument("--media", type=int, help="photo and video rows in all (default 3 per event)")
        parser.add_argument("--evening", type=float, default=0.05, help="share of events starting at 19:00")
        parser.add_argument(
            "--cancelled", type=int, default=50, help="every Nth event is cancelled (0: none)"
        )
        parser.add_argument("--hours", default="8-17", help="start hours of day events, FIRST-LAST")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--name", default="压测活动周", help="the week's name: what --reset removes")
        parser.add_argument("--tag", default="load", help="prefix of generated usernames, units and venues")
        parser.add_argument("--time-zone", default="Asia/Shanghai")
        parser.add_argument("--deadline", default="16:00", help="the week's daily deadline, HH:MM")
        parser.add_argument(
            "--password", help="password of the reporters and of --office (default: unusable)"
        )
        parser.add_argument("--office", help="also make an office reviewer with this username")
        parser.add_argument("--not-current", action="store_true", help="leave the current week as it is")
        parser.add_argument(
            "--set", action="append", default=[], metavar="FIELD=VALUE", help="another field of the week"
        )
        parser.add_argument(
            "--reset", action="store_true", help="remove the week made before and make it again"
        )

    def handle(self, *args, **options):
        plan = self._plan(options)
        week = Week.objects.filter(name=options["name"]).first()
        if week is not None and options["reset"]:
            remove(week=week, tag=options["tag"])
            week = None
        if week is not None:
            made = Event.objects.filter(week=week).count()
            if made != options["events"]:
                raise CommandError(
                    f"活动周“{week.name}”已有 {made} 场活动，不是 {options['events']} 场：加 --reset 重新生成。"
                )
            self.stderr.write(f"活动周“{week.name}”已生成（{made} 场活动），未做改动。")
        else:
            with transaction.atomic():
                week = generate(plan=plan, options=options)
        self.stdout.write(json.dumps(summary(week=week, plan=plan, tag=options["tag"]), ensure_ascii=False))

    def _plan(self, options) -> dict:
        events, days = options["events"], options["days"]
        if min(events, days, options["venues"], options["units"], options["reporters"] or 1) < 1:
            raise CommandError("--events, --days, --venues, --units and --reporters must be at least 1.")
        if not 0 <= options["busiest_day"] < days:
            raise CommandError(f"--busiest-day must be between 0 and {days - 1}.")
        if not (0 <= options["reports"] <= 1 and 0 <= options["evening"] <= 1):
            raise CommandError("--reports and --evening are shares between 0 and 1.")
        try:
            zone = ZoneInfo(options["time_zone"])
            deadline = dt.time.fromisoformat(options["deadline"])
            start = (
                dt.date.fromisoformat(options["start"])
                if options["start"]
                else timezone.now().astimezone(zone).date() - dt.timedelta(days=2)
            )
        except (ValueError, KeyError) as error:
            raise CommandError(f"--start, --deadline or --time-zone: {error}") from None
        even = -(-events // days)
        busiest = min(
            events, max(options["busiest"] if options["busiest"] is not None else events * 15 // 100, even)
        )
        if days == 1:
            busiest = events
        per_day = [0] * days
        per_day[options["busiest_day"]] = busiest
        others = [n for n in range(days) if n != options["busiest_day"]]
        for n in range(events - busiest):
            per_day[others[n % len(others)]] += 1
        return {
            "start": start,
            "days": [start + dt.timedelta(days=n) for n in range(days)],
            "per_day": per_day,
            "busiest_day": start + dt.timedelta(days=options["busiest_day"]),
            "zone": zone,
            "deadline": deadline,
            "hours": _hours(options["hours"]),
            "media": options["media"] if options["media"] is not None else 3 * events,
        }


def generate(*, plan: dict, options: dict) -> Week:
    """Every row, in a few bulk inserts; the same for the same options and seed."""
    rng = random.Random(options["seed"])
    tag, name = options["tag"], options["name"]
    if not options["not_current"]:
        Week.objects.filter(is_current=True).update(is_current=False)
    week = Week(
        name=name,
        theme="创新创业",
        unified_title="2026年全国大众创业万众创新活动周",
        starts_on=plan["days"][0],
        ends_on=plan["days"][-1],
        time_zone=str(plan["zone"]),
        deadline_time=plan["deadline"],
        is_current=not options["not_current"],
        is_published=True,
    )
    for assignment in options["set"]:
        field, _sep, value = assignment.partition("=")
        try:
            value = json.loads(value)  # a list of reminder times, a number
        except ValueError:
            pass  # a date, a time, a word
        try:
            setattr(week, field, Week._meta.get_field(field).to_python(value))
        except (LookupError, ValidationError) as error:
            raise CommandError(f"--set {assignment!r}: {error}") from None
    week.save()

    main = Venue.objects.create(
        name=f"{tag}·主会场", kind=Venue.Kind.MAIN, address="创业路 1 号", district="高新区"
    )
    venues = [main] + Venue.objects.bulk_create(
        Venue(
            name=f"{tag}·第{n}分会场",
            kind=Venue.Kind.SUB,
            parent=main,
            district=f"第{n % 10}区",
            address=f"前进东路 {n} 号",
            order=n,
        )
        for n in range(1, options["venues"])
    )
    units = Organizer.objects.bulk_create(
        Organizer(name=f"{tag}·昆山市第{n}局", contact_name=f"联系人{n}", contact_phone="051200000000")
        for n in range(options["units"])
    )
    password = make_password(options["password"]) if options["password"] else make_password(None)
    reporters = User.objects.bulk_create(
        (
            User(
                username=f"{tag}-reporter-{n}",
                full_name=f"报送员{n}",
                email=f"{tag}-reporter-{n}@example.com",
                phone=f"138{n:08d}",
                password=password,
            )
            for n in range(options["reporters"] or options["units"])
        ),
        batch_size=BATCH,
    )
    if reporters and reporters[0].pk is None:
        reporters = list(User.objects.filter(username__startswith=f"{tag}-reporter-").order_by("id"))
    Membership.objects.bulk_create(
        (Membership(organizer=units[n % len(units)], user=user) for n, user in enumerate(reporters)),
        batch_size=BATCH,
    )
    if options["office"]:
        office, _created = User.objects.update_or_create(
            username=options["office"],
            defaults={"full_name": "压测审核员", "is_staff": True, "password": password},
        )
        office.groups.add(Group.objects.get_or_create(name=OFFICE_GROUP)[0])

    first_hour, last_hour = plan["hours"]
    forms = Event.Form.values
    events = []
    number = 0
    for day, count in zip(plan["days"], plan["per_day"], strict=True):
        for k in range(count):
            n = number
            number += 1
            evening = rng.random() < options["evening"]
            hour = 19 if evening else first_hour + k % (last_hour - first_hour + 1)
            begins = week.at(day, dt.time(hour, rng.choice((0, 30))))
            cancelled = bool(options["cancelled"]) and n % options["cancelled"] == options["cancelled"] - 1
            unit = n % len(units)
            events.append(
                Event(
                    week=week,
                    host=units[unit],
                    reporter=reporters[n % len(reporters)],
                    subtitle=f"{rng.choice(PLACES)}{rng.choice(TOPICS)}{rng.choice(KINDS)}（第{n}场）",
                    form=forms[n % len(forms)],
                    venue=venues[n % len(venues)],
                    place=f"报告厅{n % 12}",
                    address=f"前进东路 {n % 30} 号",
                    starts_at=begins,
                    ends_at=begins + dt.timedelta(hours=2),
                    status=Event.Status.CANCELLED if cancelled else Event.Status.APPROVED,
                    cancel_reason="场地调整" if cancelled else "",
                    live_url=f"https://live.example.com/{n}" if n % 4 == 0 else "",
                    contact_name=f"联系人{unit}",
                    contact_phone="13900000000",
                    description="".join(rng.sample(SENTENCES, rng.randint(2, 6))),
                )
            )
    events = Event.objects.bulk_create(events, batch_size=BATCH)
    if events and events[0].pk is None:  # a backend that does not return ids
        events = list(Event.objects.filter(week=week).order_by("id"))
    themes = [
        Theme.objects.get_or_create(name=label, defaults={"order": n})[0] for n, label in enumerate(THEMES)
    ]
    Event.themes.through.objects.bulk_create(
        (
            Event.themes.through(event_id=event.pk, theme_id=themes[n % 3].pk)
            for n, event in enumerate(events[::3])
        ),
        batch_size=BATCH,
    )
    EventPartner.objects.bulk_create(
        (
            EventPartner(event=event, role=EventPartner.Role.CO_ORGANIZER, name="协办单位")
            for event in events[::2]
        ),
        batch_size=BATCH,
    )
    _reports(week=week, events=events, plan=plan, options=options, rng=rng)
    return week


def _reports(*, week: Week, events: list[Event], plan: dict, options: dict, rng: random.Random) -> None:
    approved = [event for event in events if event.status == Event.Status.APPROVED]
    filed = [event for event in approved if rng.random() < options["reports"]]
    now = timezone.now()
    rows = []
    for n, event in enumerate(filed):
        day = event.starts_at.astimezone(plan["zone"]).date()
        status = STATUSES[n % len(STATUSES)]
        event.week = week
        due = deadlines.due_at(event, day)
        late = status != "draft" and n % 4 == 0
        submitted = None
        if status != "draft":
            submitted = due + dt.timedelta(hours=1) if late else due - dt.timedelta(minutes=60 - n % 50)
        rows.append(
            DailyReport(
                event=event,
                day=day,
                status=status,
                text="活动顺利举行，签约项目 3 个。" * 10,
                attendance=50 + n % 200,
                no_leaders=n % 5 != 0,
                submitted_at=submitted,
                first_submitted_at=submitted,
                is_late=late if status != "draft" else None,
                reviewed_at=now if status in ("accepted", "returned") else None,
                review_comment="请补充现场照片。" if status == "returned" else "",
            )
        )
    reports = DailyReport.objects.bulk_create(rows, batch_size=BATCH)
    if reports and reports[0].pk is None:
        reports = list(DailyReport.objects.filter(event__week=week).order_by("id"))
    ReportLeader.objects.bulk_create(
        (
            ReportLeader(report=report, name=f"领导{n}", post="副市长", level="municipal", order=0)
            for n, report in enumerate(reports)
            if n % 5 == 0
        ),
        batch_size=BATCH,
    )
    if not reports:
        return
    media = []
    for n in range(plan["media"]):
        report = reports[n % len(reports)]
        kind = "video" if n % 3 == 2 else "photo"
        status = "failed" if n % 10 == 9 else ("queued" if n % 25 == 24 else "passed")
        media.append(
            MediaFile(
                report=report,
                kind=kind,
                file=f"load/{report.pk}/{n}.{'mp4' if kind == 'video' else 'jpg'}",
                original_name=f"现场{n}.{'mp4' if kind == 'video' else 'jpg'}",
                size=3_000_000 if kind == "photo" else 80_000_000,
                sha256=f"{n:064x}",
                status=status,
                checked_at=now if status != "queued" else None,
                width=4000 if kind == "photo" else 1920,
                height=3000 if kind == "photo" else 1080,
                reasons=[{"code": "photo_too_small", "params": {"size": 1, "minimum": 2}}]
                if status == "failed"
                else [],
            )
        )
    MediaFile.objects.bulk_create(media, batch_size=BATCH)


def remove(*, week: Week, tag: str) -> None:
    """The week and everything generated with it: reports (their media and leaders), events,
    the tagged units, reporters and venues."""
    with transaction.atomic():
        events = Event.objects.filter(week=week)
        DailyReport.objects.filter(event__in=events).delete()
        events.delete()
        week.delete()
        User.objects.filter(username__startswith=f"{tag}-reporter-").delete()
        Organizer.objects.filter(name__startswith=f"{tag}·", events__isnull=True).delete()
        Venue.objects.filter(name__startswith=f"{tag}·", parent__isnull=False, events__isnull=True).delete()
        Venue.objects.filter(
            name__startswith=f"{tag}·", sub_venues__isnull=True, events__isnull=True
        ).delete()


def summary(*, week: Week, plan: dict, tag: str) -> dict:
    """What the benchmarks need to know about the generated week."""
    busiest = plan["busiest_day"]
    events = Event.objects.filter(week=week)
    first_today = {}
    for event_id, host_id in (
        events.filter(
            status=Event.Status.APPROVED,
            starts_at__gte=week.at(busiest, dt.time.min),
            starts_at__lt=week.at(busiest + dt.timedelta(days=1), dt.time.min),
        )
        .order_by("starts_at", "id")
        .values_list("id", "host_id")
    ):
        first_today.setdefault(host_id, event_id)
    reporters = [
        {"username": username, "unit": unit_id, "event": first_today.get(unit_id)}
        for username, unit_id in Membership.objects.filter(
            organizer__events__week=week, user__username__startswith=f"{tag}-reporter-"
        )
        .order_by("organizer_id")
        .distinct()
        .values_list("user__username", "organizer_id")
    ]
    ids = list(events.order_by("id").values_list("id", flat=True))
    return {
        "week": week.pk,
        "days": [day.isoformat() for day in week.days],
        "busiest_day": busiest.isoformat(),
        "events": len(ids),
        "events_on_busiest_day": events.filter(
            starts_at__gte=week.at(busiest, dt.time.min),
            starts_at__lt=week.at(busiest + dt.timedelta(days=1), dt.time.min),
        ).count(),
        "middle_event": ids[len(ids) // 2] if ids else None,
        "reports": DailyReport.objects.filter(event__week=week).count(),
        "media": MediaFile.objects.filter(report__event__week=week).count(),
        "reporters": reporters,
    }
