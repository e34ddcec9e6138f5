"""The demo week, built from the Kunshan 2017 work plan (seed 002).

Nine events, their host units, places and dates as the plan gives them: 科普日 starts two
days before the plan's period (flagged to the office, its early days not reported), event 七
is online only, event 八 has three hosts, event 九 is in 广州 (no venue). The office's
contacts and the 抄送 list are the plan's section 七. The plan gives no clock times, so the
times below are plausible ones. Loading is idempotent: every object is found by a natural key
and brought to the state described here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.contrib.auth.models import Group
from django.db import transaction

from core.roles import OFFICE_GROUP
from venues.models import Venue

from .models import Event, EventPartner, Membership, Organizer, Theme, User, Week

ZONE = "Asia/Shanghai"
WEEK_NAME = "2017年全国大众创业万众创新活动周暨“创响江苏”活动月苏州分会场（昆山）"
UNIFIED_TITLE = "2017年全国大众创业万众创新活动周暨“创响江苏”活动月"
THEME = "创梦新天地，发展新经济；创客新天堂，培育新动能"
# The plan's month runs 15 Sep – 15 Oct; its first event (科普日) starts on 13 Sep, before it.
STARTS_ON = dt.date(2017, 9, 15)
ENDS_ON = dt.date(2017, 10, 15)
# The plan's section 七 (信息报送) and its 抄送 line.
OFFICE_CONTACTS = {
    "office_contact_name": "陈莉",
    "report_contact_name": "胡丹",
    "office_email": "kunshangyk@163.com",
    "office_phone": "57303063",
    "copy_to": "市委办公室，市人大常委会办公室，市政协办公室，市委各部门，市法院，市检察院，市各民主党派，各群众团体",
}
# With --today, this day of the plan (three events at once) becomes today.
BUSIEST_DAY = dt.date(2017, 9, 25)
# The edition before, finished, so the archive has something to show: 52 weeks earlier (the
# same weekdays), its own name, a few of the plan's events as that year's.
PAST_WEEK_NAME = "2016年全国大众创业万众创新活动周（昆山）"
PAST_UNIFIED_TITLE = "2016年全国大众创业万众创新活动周"
PAST_THEME = "发展新经济，培育新动能"
PAST_SHIFT = dt.timedelta(weeks=-52)
# That year's titles for three of the plan's events (same hosts, forms and places).
PAST_SUBTITLES = {
    "昆山市第二届“创业梦+就业桥”青年创业大赛预赛": "昆山市首届“创业梦+就业桥”青年创业大赛",
    "孵化基地创业孵化培训会": "众创空间运营能力培训会",
    "SAE 2017 汽车智能与网联技术国际学术会议": "SAE 2016 汽车智能与网联技术国际学术会议",
}

OFFICE_ACCOUNT = ("fgw", "office-demo-2017", "胡丹", "kunshangyk@example.com", "0512-57303063")
ORGANIZER_PASSWORD = "organizer-demo-2017"

THEMES = ["科技创新", "创业就业", "人才培养", "智能制造", "新材料", "产学研合作"]

VENUES = [
    # name, kind, parent, district, address, order
    ("昆山市主会场", "main", None, "昆山高新区", "昆山市高新技术创业服务中心创酷空间", 0),
    ("昆山开发区分会场", "sub", "昆山市主会场", "昆山开发区", "昆山金陵大饭店", 1),
    ("科技广场分会场", "sub", "昆山市主会场", "昆山开发区", "前进东路科技广场（东创蒲公英）", 2),
    ("工业技术研究院分会场", "sub", "昆山市主会场", "昆山高新区", "昆山市工业技术研究院", 3),
    ("登云学院分会场", "sub", "昆山市主会场", "玉山镇", "昆山市登云科技职业学院", 4),
]

UNITS = [
    # unit name, kind, login, member name, phone
    ("昆山市科技局", "government", "kjj", "王晓明", "13800000001"),
    ("昆山市人社局", "government", "rsj", "李娜", "13800000002"),
    ("昆山开发区管委会", "district", "kfq", "张伟", "13800000003"),
    ("昆山市自主创业者联谊会", "association", "cyz", "刘洋", "13800000004"),
    ("昆山市经济和信息化委员会", "government", "jxw", "陈静", "13800000005"),
    ("昆山市总工会", "government", "zgh", "赵磊", "13800000006"),
]


@dataclass(frozen=True)
class DemoEvent:
    subtitle: str
    host: str
    form: str
    venue: str  # "" for a place typed as text, another city, or online
    place: str
    starts: tuple[dt.date, dt.time]
    ends: tuple[dt.date, dt.time]
    status: str
    themes: tuple[str, ...]
    co_organizers: tuple[str, ...] = ()
    description: str = ""
    place_kind: str = Event.PlaceKind.VENUE
    co_hosts: tuple[str, ...] = ()


def _d(month: int, day: int) -> dt.date:
    return dt.date(2017, month, day)


EVENTS = [
    DemoEvent(
        "全国“科普日”活动",
        "昆山市科技局",
        "culture",
        "",
        "全市各区镇",
        (_d(9, 13), dt.time(9)),
        (_d(9, 17), dt.time(17)),
        "approved",
        ("科技创新",),
        description="在全市各区镇开展科普展示、科普讲座和科普体验活动。",
        place_kind=Event.PlaceKind.PLACE,
    ),
    DemoEvent(
        "昆山市第二届“创业梦+就业桥”青年创业大赛预赛",
        "昆山市人社局",
        "contest",
        "昆山市主会场",
        "昆山市高新技术创业服务中心创酷空间",
        (_d(9, 22), dt.time(9)),
        (_d(9, 22), dt.time(17)),
        "approved",
        ("创业就业",),
    ),
    DemoEvent(
        "孵化基地创业孵化培训会",
        "昆山市人社局",
        "service",
        "科技广场分会场",
        "前进东路科技广场（东创蒲公英）",
        (_d(9, 23), dt.time(9, 30)),
        (_d(9, 23), dt.time(16)),
        "approved",
        ("创业就业", "人才培养"),
    ),
    DemoEvent(
        "SAE 2017 汽车智能与网联技术国际学术会议",
        "昆山开发区管委会",
        "forum",
        "昆山开发区分会场",
        "昆山金陵大饭店",
        (_d(9, 25), dt.time(8, 30)),
        (_d(9, 27), dt.time(17, 30)),
        "approved",
        ("科技创新", "智能制造"),
    ),
    DemoEvent(
        "2017年姑苏创协与昆山创协联谊活动",
        "昆山市自主创业者联谊会",
        "culture",
        "昆山市主会场",
        "昆山高新区创酷空间",
        (_d(9, 25), dt.time(18, 30)),
        (_d(9, 25), dt.time(21)),
        "approved",
        ("创业就业",),
        description="晚间联谊活动，当日信息次日 16 时前报送。",
    ),
    DemoEvent(
        "沪昆“新材料技术应用与创新”产学研沙龙",
        "昆山市科技局",
        "forum",
        "工业技术研究院分会场",
        "昆山市工业技术研究院",
        (_d(9, 25), dt.time(14)),
        (_d(9, 25), dt.time(17)),
        "approved",
        ("新材料", "产学研合作"),
    ),
    DemoEvent(
        "创业典型专题宣传",
        "昆山市人社局",
        "culture",
        "",
        "",
        (_d(10, 10), dt.time(9)),
        (_d(10, 15), dt.time(17)),
        "approved",
        ("创业就业",),
        description="对参加创业梦+就业桥的12位参赛选手进行采访，展示其创业项目，分享其创业经历与心得。"
        "通过网络投票形式进行集中宣传和营造创业典型氛围。",
        place_kind=Event.PlaceKind.ONLINE,
    ),
    DemoEvent(
        "第一届昆山市工业机器人技术应用技能大赛",
        "昆山市经济和信息化委员会",
        "contest",
        "登云学院分会场",
        "昆山市登云科技职业学院",
        (_d(10, 10), dt.time(8, 30)),
        (_d(10, 13), dt.time(17)),
        "submitted",
        ("智能制造", "人才培养"),
        co_hosts=("昆山市人社局", "昆山市总工会"),
    ),
    DemoEvent(
        "组织五家创新创业企业赴广州参加“创客中国”总决赛",
        "昆山市经济和信息化委员会",
        "contest",
        "",
        "广州",
        (_d(10, 10), dt.time(9)),
        (_d(10, 13), dt.time(17)),
        "draft",
        ("创业就业",),
        place_kind=Event.PlaceKind.ELSEWHERE,
    ),
]


@dataclass
class DemoAccounts:
    office: tuple[str, str]
    organizers: list[tuple[str, str, str]]


@transaction.atomic
def load_demo_week(*, today: dt.date | None = None) -> DemoAccounts:
    """Create or bring up to date the demo week; with ``today``, shift it to run today.

    Side effects: the demo week becomes the current, published week, and last year's edition a
    finished, published one (for the archive); venues, themes, units, accounts and events are
    created or updated. Nothing else is touched.
    """
    shift = (today - BUSIEST_DAY) if today else dt.timedelta(0)
    week = _week(shift)
    venues = _venues()
    themes = {
        name: Theme.objects.update_or_create(name=name, defaults={"order": i})[0]
        for i, name in enumerate(THEMES)
    }
    units, organizers = _units()
    for demo in EVENTS:
        _event(week, demo, shift, venues, themes, units)
    past = _past_week(shift + PAST_SHIFT)
    for demo in EVENTS:
        if demo.subtitle in PAST_SUBTITLES:
            last_year = replace(demo, subtitle=PAST_SUBTITLES[demo.subtitle])
            _event(past, last_year, shift + PAST_SHIFT, venues, themes, units)
    office = _office_account()
    return DemoAccounts(office=(office.username, OFFICE_ACCOUNT[1]), organizers=organizers)


def _week(shift: dt.timedelta) -> Week:
    Week.objects.filter(is_current=True).exclude(name=WEEK_NAME).update(is_current=False)
    week = Week.objects.filter(name=WEEK_NAME).first()
    starts_on, ends_on = STARTS_ON + shift, ENDS_ON + shift
    if week is None:
        return Week.objects.create(
            name=WEEK_NAME,
            theme=THEME,
            unified_title=UNIFIED_TITLE,
            starts_on=starts_on,
            ends_on=ends_on,
            time_zone=ZONE,
            is_current=True,
            is_published=True,
            **OFFICE_CONTACTS,
        )
    for field, value in OFFICE_CONTACTS.items():
        setattr(week, field, value)
    week.starts_on, week.ends_on = starts_on, ends_on
    week.theme, week.unified_title, week.time_zone = THEME, UNIFIED_TITLE, ZONE
    week.is_current = week.is_published = True
    week.save()
    return week


def _past_week(shift: dt.timedelta) -> Week:
    """Last year's edition: published, finished, not current (the archive lists it)."""
    week, _ = Week.objects.update_or_create(
        name=PAST_WEEK_NAME,
        defaults={
            "theme": PAST_THEME,
            "unified_title": PAST_UNIFIED_TITLE,
            "starts_on": STARTS_ON + shift,
            "ends_on": ENDS_ON + shift,
            "time_zone": ZONE,
            "is_current": False,
            "is_published": True,
            **OFFICE_CONTACTS,
        },
    )
    return week


def _venues() -> dict[str, Venue]:
    venues: dict[str, Venue] = {}
    for name, kind, parent, district, address, order in VENUES:
        venues[name], _ = Venue.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "parent": venues.get(parent),
                "district": district,
                "address": address,
                "order": order,
            },
        )
    return venues


def _units() -> tuple[dict[str, Organizer], list[tuple[str, str, str]]]:
    units: dict[str, Organizer] = {}
    accounts = []
    for name, kind, login, person, phone in UNITS:
        unit, _ = Organizer.objects.update_or_create(
            name=name, defaults={"kind": kind, "contact_name": person, "contact_phone": phone}
        )
        user, created = User.objects.get_or_create(
            username=login, defaults={"full_name": person, "phone": phone, "email": f"{login}@example.com"}
        )
        if created:
            user.set_password(ORGANIZER_PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            organizer=unit, user=user, defaults={"role": Membership.Role.MANAGER}
        )
        units[name] = unit
        accounts.append((name, login, ORGANIZER_PASSWORD))
    return units, accounts


def _event(week, demo: DemoEvent, shift, venues, themes, units) -> Event:
    host = units[demo.host]
    reporter = host.memberships.order_by("id").first().user
    starts_at = dt.datetime.combine(demo.starts[0] + shift, demo.starts[1], tzinfo=week.zone)
    ends_at = dt.datetime.combine(demo.ends[0] + shift, demo.ends[1], tzinfo=week.zone)
    venue = venues[demo.venue] if demo.venue else None
    event, _ = Event.objects.update_or_create(
        week=week,
        host=host,
        subtitle=demo.subtitle,
        defaults={
            "form": demo.form,
            "place_kind": demo.place_kind,
            "venue": venue,
            "place": demo.place,
            "address": venue.address if venue else "",
            "starts_at": starts_at,
            "ends_at": ends_at,
            "status": demo.status,
            "contact_name": reporter.full_name,
            "contact_phone": reporter.phone,
            "contact_email": reporter.email,
            "reporter": reporter,
            "description": demo.description,
        },
    )
    event.themes.set([themes[name] for name in demo.themes])
    partners = [(EventPartner.Role.HOST, name) for name in demo.co_hosts]
    partners += [(EventPartner.Role.CO_ORGANIZER, name) for name in demo.co_organizers]
    for order, (role, name) in enumerate(partners):
        member = units[name].memberships.order_by("id").first().user
        people = (
            {"contact_name": member.full_name, "contact_phone": member.phone, "reporter": member}
            if role == EventPartner.Role.HOST
            else {}
        )
        EventPartner.objects.update_or_create(
            event=event,
            organizer=units[name],
            defaults={"role": role, "order": order, "may_report": role == EventPartner.Role.HOST, **people},
        )
    return event


def _office_account() -> User:
    username, password, full_name, email, phone = OFFICE_ACCOUNT
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "email": email, "phone": phone, "is_staff": True}
    )
    if created:
        user.set_password(password)
        user.save()
    # get_or_create: the group comes with a migration, but a test database flushed between
    # transactional tests (live server, real workers) has lost it.
    user.groups.add(Group.objects.get_or_create(name=OFFICE_GROUP)[0])
    return user
