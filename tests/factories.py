"""Small builders for test data: every argument has a sensible default."""
from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth.models import Group

from events.models import Event, Membership, Organizer, User, Week
from events.roles import OFFICE_GROUP
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
    defaults = {"username": f"user{number}", "full_name": f"用户{number}", "email": f"user{number}@example.com"}
    person = User(**{**defaults, **fields})
    person.set_password(PASSWORD)
    person.save()
    return person


def office_user(**fields) -> User:
    person = user(is_staff=True, **fields)
    person.groups.add(Group.objects.get(name=OFFICE_GROUP))
    return person


def organizer(**fields) -> Organizer:
    defaults = {"name": f"昆山市测试局 {next(_sequence)}", "kind": Organizer.Kind.GOVERNMENT}
    return Organizer.objects.create(**{**defaults, **fields})


def member(unit: Organizer, **fields) -> User:
    person = user(**fields)
    Membership.objects.create(organizer=unit, user=person)
    return person


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(ZONE))


def event(*, week: Week, host: Organizer | None = None, **fields) -> Event:
    host = host or organizer()
    defaults = {
        "week": week,
        "host": host,
        "subtitle": f"测试活动 {next(_sequence)}",
        "form": Event.Form.FORUM,
        "venue": fields.pop("venue", None) or venue(),
        "place": "创酷空间",
        "starts_at": at(week.starts_on, 9),
        "ends_at": at(week.starts_on, 17),
        "status": Event.Status.APPROVED,
    }
    return Event.objects.create(**{**defaults, **fields})
