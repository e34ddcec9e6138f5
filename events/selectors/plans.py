"""What a city plan (工作方案) read by ``events.plan`` becomes on the platform, before anything is saved.

``plan_outcome`` maps a ``PlanDraft`` to the week's new values and to one ``PlannedEvent`` per
item of 主要活动: its units (found by name, or to be created), its place kind (a city venue
found by name, else the place as text; another city → 外地; no place but an online campaign →
线上; "全市各区镇" → a place as text), its times, whether it exists already (its import key),
what an update would change, and every warning and error. The office's preview shows it and
``services.plan_apply`` saves it, so both say the same thing.

Decisions stated to the office on the preview:

- A plan gives dates, not times: an event runs from 09:00 on its first day to 17:00 on its
  last (``DAY_STARTS``, ``DAY_ENDS``), editable later. An update that moves an event to other
  days keeps the times of day it has.
- The event's import key is its title and the plan's period (``plan_import_key``): the same plan
  imported again finds its events and updates them; the subtitle the units may have edited,
  their form, contacts and description (once written) are kept.
- The form (活动形式), which plans do not state, is guessed from the title (``guess_form``).
- A unit the plan names that the platform lacks is created with a kind guessed from its name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from core.text import CONTROL_RE
from venues.models import Venue

from .. import plan
from ..models import MIB, Event, EventPartner, Organizer, Week
from ..plan import PlanDraft, PlanEvent
from ..validation import HOST_AS_PARTNER_MESSAGE, HOST_TWICE_MESSAGE, week_range_errors

DAY_STARTS = dt.time(9, 0)
DAY_ENDS = dt.time(17, 0)

# Title words → the event's form, first match wins (a 技能大赛 at a 会议中心 is a contest).
_FORM_WORDS = (
    (Event.Form.CONTEST, ("大赛", "比赛", "竞赛", "选拔赛", "挑战赛", "总决赛", "决赛", "创客中国")),
    (Event.Form.ROADSHOW, ("路演",)),
    (Event.Form.FORUM, ("论坛", "峰会", "会议", "研讨", "沙龙", "座谈", "年会", "对话")),
    (Event.Form.EXHIBITION, ("展示", "展览", "博览", "展会", "成果展")),
    (Event.Form.SERVICE, ("培训", "辅导", "对接", "服务", "讲座", "咨询", "洽谈", "签约", "解读")),
    (Event.Form.CULTURE, ("宣传", "科普", "文化", "直播", "采访", "联谊", "开放日")),
)
# Name endings and words → the kind of a unit to be created; else a government department.
_UNIT_KIND_WORDS = (
    (Organizer.Kind.ASSOCIATION, ("联谊会", "协会", "学会", "商会", "促进会", "联合会", "研究会", "创协")),
    (Organizer.Kind.ACADEMIC, ("大学", "学院", "研究院", "研究所", "学校")),
    (Organizer.Kind.ENTERPRISE, ("公司", "集团", "企业", "银行")),
    (Organizer.Kind.DISTRICT, ("开发区", "高新区", "度假区", "管委会", "街道", "镇人民政府", "区政府")),
)
_SPACE_NEXT_TO_QUOTE = re.compile(r"(?<=[\u4e00-\u9fff“”‘’])\s+(?=[“‘])|(?<=[”’])\s+(?=[\u4e00-\u9fff“‘])")


def one_line(text: str) -> str:
    """``text`` on one line: line breaks as spaces, other control characters dropped (a title,
    place or name ends up in .ics lines and headers)."""
    return CONTROL_RE.sub("", re.sub(r"[\r\n\t\u2028\u2029]+", " ", text or "")).strip()


def tidy_title(text: str) -> str:
    """A title as Chinese is typeset, on one line: no spaces around “quotes” between Chinese
    characters (a plan's "活动周暨 “创响江苏” 活动月" becomes "活动周暨“创响江苏”活动月")."""
    return _SPACE_NEXT_TO_QUOTE.sub("", one_line(text))


def guess_form(title: str) -> str:
    for form, words in _FORM_WORDS:
        if any(word in title for word in words):
            return form
    return Event.Form.CULTURE


def guess_unit_kind(name: str) -> str:
    for kind, words in _UNIT_KIND_WORDS:
        if any(word in name for word in words):
            return kind
    if name.endswith("镇"):
        return Organizer.Kind.DISTRICT
    return Organizer.Kind.GOVERNMENT


def plan_import_key(*, title: str, period: tuple[dt.date, dt.date]) -> str:
    """The import key of an event of a plan: its title as written and the plan's period."""
    raw = "\n".join(["plan", title.strip(), period[0].isoformat(), period[1].isoformat()])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


def week_name_from_title(title: str) -> str:
    """A new week's name: the plan's title without "工作方案"/"实施方案"/"方案"."""
    name = re.sub(r"(?:工作|实施|活动)?方案$", "", tidy_title(title)).strip()
    return name or tidy_title(title)


# ---------------------------------------------------------------------------------------------


@dataclass
class WeekField:
    """One setting of the week as the plan gives it, beside the current week's value."""

    name: str
    label: str
    value: str  # as shown; "" when the plan does not state it
    current: str | None = None  # the current week's, None when a new week is created
    applied: bool = True  # False: not stated, or not usable (``note`` says why)
    note: str = ""

    @property
    def changed(self) -> bool:
        return self.applied and self.current is not None and self.value != self.current


@dataclass
class PlanUnit:
    name: str
    organizer: Organizer | None  # None: created by the import
    kind: str = ""  # the kind a new unit gets
    similar: str = ""  # an existing unit whose name contains this one's, or the other way round

    @property
    def exists(self) -> bool:
        return self.organizer is not None

    def get_kind_display(self) -> str:
        return str(Organizer.Kind(self.kind).label) if self.kind else ""


@dataclass
class PlannedEvent:
    source: PlanEvent
    key: str
    subtitle: str
    form: str
    hosts: list[PlanUnit]
    place_kind: str
    venue: Venue | None
    place: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    description: str
    undertakers: list[str]
    co_organizers: list[str]
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    existing: Event | None = None  # imported before (same import key in the week)
    changes: list[str] = field(default_factory=list)  # labels of what an update changes
    period: tuple[dt.date, dt.date] | None = None  # the week's period after the import

    CREATE, UPDATE, UNCHANGED, CANCELLED, ERROR = "create", "update", "unchanged", "cancelled", "error"

    @property
    def number(self) -> int:
        return self.source.number

    @property
    def number_label(self) -> str:
        return f"（{plan.chinese_number(self.number)}）"

    @property
    def action(self) -> str:
        if self.errors:
            return self.ERROR
        if self.existing is None:
            return self.CREATE
        if self.existing.status == Event.Status.CANCELLED:
            return self.CANCELLED
        return self.UPDATE if self.changes else self.UNCHANGED

    @property
    def importable(self) -> bool:
        return self.action in (self.CREATE, self.UPDATE)

    @property
    def starts_before_period(self) -> bool:
        return bool(self.source.starts_on and self.period and self.source.starts_on < self.period[0])

    def get_form_display(self) -> str:
        return str(Event.Form(self.form).label)

    def get_place_kind_display(self) -> str:
        return str(Event.PlaceKind(self.place_kind).label)


@dataclass
class PlanOutcome:
    draft: PlanDraft
    week: Week | None  # the week the plan updates; None: a new week is created
    period: tuple[dt.date, dt.date] | None
    zone: ZoneInfo
    week_fields: list[WeekField]
    events: list[PlannedEvent]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Where this plan's events were imported before, when it is not the week updated.
    imported_into: list[Week] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict, repr=False)  # week field → value

    @property
    def can_import(self) -> bool:
        return not self.errors

    @property
    def week_values(self) -> dict[str, object]:
        """Model field → value for the week, for what the plan states and the week can take."""
        return {f.name: self.values[f.name] for f in self.week_fields if f.applied}

    def new_units(self, events: list[PlannedEvent] | None = None) -> list[PlanUnit]:
        """The units to be created for ``events`` (by default every importable one), each once."""
        units: dict[str, PlanUnit] = {}
        for event in self.events if events is None else events:
            if event.importable:
                for unit in event.hosts:
                    if not unit.exists:
                        units.setdefault(unit.name, unit)
        return list(units.values())


def plan_outcome(*, draft: PlanDraft, week: Week | None) -> PlanOutcome:
    """What importing ``draft`` into ``week`` (None: a new week) would do. Reads units, venues
    and the week's events; writes nothing."""
    zone = week.zone if week is not None else ZoneInfo(Week._meta.get_field("time_zone").default)
    errors: list[str] = []
    if draft.period_start and draft.period_end:
        period = (draft.period_start, draft.period_end)
    elif week is not None:
        period = (week.starts_on, week.ends_on)
    else:
        period = None
        errors.append(
            _("方案中没有可识别的活动时间，无法新建活动周。请在方案中补写“三、活动时间”后重新导入。")
        )
    outcome = PlanOutcome(
        draft=draft, week=week, period=period, zone=zone, week_fields=[], events=[], errors=errors
    )
    _week_fields(outcome)
    if not draft.events:
        outcome.warnings.append(_("方案中没有读取到活动，只会导入活动周的设置。"))
    units = {unit.name: unit for unit in Organizer.objects.all()}
    venues = {_compact(venue.name): venue for venue in Venue.objects.all()}
    existing: dict[str, Event] = {}
    if week is not None and period is not None:
        keys = [plan_import_key(title=item.title, period=period) for item in draft.events if item.title]
        existing = {
            event.import_key: event
            for event in Event.objects.filter(week=week, import_key__in=keys)
            .select_related("host", "venue", "week")
            .prefetch_related("partners__organizer")
        }
    checking_week = Week(
        starts_on=period[0] if period else None, ends_on=period[1] if period else None, time_zone=zone.key
    )
    seen: dict[str, PlannedEvent] = {}
    for item in draft.events:
        planned = _planned_event(item, outcome=outcome, units=units, venues=venues, week=checking_week)
        if planned.key and planned.key in seen:
            planned.errors.append(
                _("与%(other)s名称相同，同一方案中活动名称须不同。")
                % {"other": seen[planned.key].number_label}
            )
        elif planned.key:
            seen[planned.key] = planned
            planned.existing = existing.get(planned.key)
            if planned.existing is not None and not planned.errors:
                planned.changes = _changes(planned, planned.existing)
        outcome.events.append(planned)
    if week is not None and period is not None:
        _warn_about_other_events(outcome, week, keys=list(seen))
    if seen:
        outcome.imported_into = list(
            Week.objects.filter(events__import_key__in=list(seen))
            .exclude(pk=week.pk if week is not None else None)
            .distinct()
        )
    return outcome


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _period_text(start: dt.date, end: dt.date) -> str:
    return _("%(start)s 至 %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}


def _week_fields(outcome: PlanOutcome) -> None:
    draft, week = outcome.draft, outcome.week
    rows: list[WeekField] = []
    values: dict[str, object] = {}

    def add(name, label, value, shown, current, *, note_if_missing=None, problem=""):
        stated = value not in ("", None, [])
        row = WeekField(
            name=name,
            label=label,
            value=shown if stated else "",
            current=current if week is not None else None,
            applied=stated and not problem,
        )
        if problem:
            row.note = problem
        elif not stated:
            row.note = note_if_missing or (
                _("方案未写明，保持原值。") if week is not None else _("方案未写明。")
            )
        rows.append(row)
        values[name] = value

    def too_long(name, value):
        limit = Week._meta.get_field(name).max_length
        if value and len(value) > limit:
            return _("超过 %(limit)d 个字，未采用。") % {"limit": limit}
        return ""

    if week is None:
        name = week_name_from_title(draft.title) if draft.title else tidy_title(draft.unified_title)
        name = name[: Week._meta.get_field("name").max_length]
        add(
            "name", _("名称"), name, name, None, note_if_missing=_("方案未写明标题，请导入后在管理后台填写。")
        )
    unified = tidy_title(draft.unified_title)
    add(
        "unified_title",
        _("统一冠名"),
        unified,
        unified,
        week and week.unified_title,
        problem=too_long("unified_title", unified),
    )
    theme = one_line(draft.theme)
    add("theme", _("主题"), theme, theme, week and week.theme, problem=too_long("theme", theme))
    current_period = _period_text(week.starts_on, week.ends_on) if week is not None else None
    if draft.period_start and draft.period_end:
        add(
            "period",
            _("活动时间"),
            (draft.period_start, draft.period_end),
            _period_text(draft.period_start, draft.period_end),
            current_period,
        )
    else:
        add("period", _("活动时间"), None, "", current_period)
    for name, label, value in (
        ("office_contact_name", _("活动周联系人"), one_line(draft.office_contact)),
        ("report_contact_name", _("信息报送联系人"), one_line(draft.report_contact)),
        ("office_phone", _("联系电话"), one_line(draft.phone)),
    ):
        add(name, label, value, value, week and getattr(week, name), problem=too_long(name, value))
    email_problem = ""
    if draft.email:
        try:
            EmailValidator()(draft.email)
        except ValidationError:
            email_problem = _("邮箱格式不正确，未采用。")
    add(
        "office_email",
        _("联系邮箱"),
        draft.email,
        draft.email,
        week and week.office_email,
        problem=email_problem,
    )
    copy_to = "，".join(one_line(name) for name in draft.cc)
    add("copy_to", _("抄送"), copy_to, copy_to, week and week.copy_to)
    deadline = draft.deadline.strftime("%H:%M") if draft.deadline else ""
    add(
        "deadline_time",
        _("每日报送截止时间"),
        draft.deadline,
        deadline,
        week and week.deadline_time.strftime("%H:%M"),
    )
    photo_min = round(draft.photo_min_megabytes * MIB) if draft.photo_min_megabytes else None
    photo_max = week.photo_max_bytes if week is not None else Week._meta.get_field("photo_max_bytes").default
    add(
        "photo_min_bytes",
        _("照片最小大小"),
        photo_min,
        _megabytes(photo_min) if photo_min else "",
        week and _megabytes(week.photo_min_bytes),
        problem=_("大于照片最大大小（%(max)s），未采用。") % {"max": _megabytes(photo_max)}
        if photo_min and photo_min > photo_max
        else "",
    )
    outcome.week_fields = rows
    outcome.values = values


def _megabytes(size: int) -> str:
    return f"{size / MIB:g} MB"


def _unit(name: str, units: dict[str, Organizer]) -> PlanUnit:
    organizer = units.get(name)
    if organizer is not None:
        return PlanUnit(name=name, organizer=organizer)
    similar = next(
        (
            other
            for other in units
            if len(min(other, name, key=len)) >= 4 and (name in other or other in name)
        ),
        "",
    )
    return PlanUnit(name=name, organizer=None, kind=guess_unit_kind(name), similar=similar)


def _planned_event(
    item: PlanEvent,
    *,
    outcome: PlanOutcome,
    units: dict[str, Organizer],
    venues: dict[str, Venue],
    week: Week,
) -> PlannedEvent:
    period, zone = outcome.period, outcome.zone
    warnings, errors = list(item.warnings), []
    subtitle = tidy_title(item.title)
    hosts = [one_line(name) for name in item.hosts]
    kind, venue, place = _place(item, venues, warnings, errors)
    starts_at = ends_at = None
    if item.starts_on and item.ends_on:
        starts_at = dt.datetime.combine(item.starts_on, DAY_STARTS, tzinfo=zone)
        ends_at = dt.datetime.combine(item.ends_on, DAY_ENDS, tzinfo=zone)
    planned = PlannedEvent(
        source=item,
        key=plan_import_key(title=item.title, period=period) if item.title and period else "",
        subtitle=subtitle,
        form=guess_form(item.title),
        hosts=[_unit(name, units) for name in hosts],
        place_kind=kind,
        venue=venue,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        description="\n".join(line for line in item.content.splitlines() if line.strip()),
        undertakers=[one_line(name) for name in item.undertakers],
        co_organizers=[one_line(name) for name in item.co_organizers],
        warnings=warnings,
        errors=errors,
        period=period,
    )
    if not subtitle:
        errors.append(_("没有活动名称，无法导入。"))
    elif len(subtitle) > Event._meta.get_field("subtitle").max_length:
        errors.append(
            _("活动名称超过 %(limit)d 个字，无法导入。")
            % {"limit": Event._meta.get_field("subtitle").max_length}
        )
    if not hosts:
        errors.append(_("没有主办单位，无法导入。"))
    limit = Organizer._meta.get_field("name").max_length
    for name in [*hosts, *planned.undertakers, *planned.co_organizers]:
        if len(name) > limit:
            errors.append(
                _("单位名称“%(name)s…”超过 %(limit)d 个字，无法导入。") % {"name": name[:20], "limit": limit}
            )
    if len(set(hosts)) < len(hosts):
        errors.append(str(HOST_TWICE_MESSAGE))
    if any(name in planned.undertakers or name in planned.co_organizers for name in hosts):
        errors.append(str(HOST_AS_PARTNER_MESSAGE))
    if starts_at is None:
        errors.append(_("没有可识别的活动时间，无法导入。"))
    elif period is not None:
        errors += [str(message) for message in week_range_errors(week, starts_at, ends_at).values()]
        if planned.starts_before_period:
            warnings.append(
                _("导入后标记为“活动周前已开始”：活动周开始前的活动日是否也须报送，由市发改委在活动页决定。")
            )
    if len(hosts) > 1:
        warnings.append(
            _("共 %(count)d 个主办单位：%(lead)s牵头，其余为联合主办，均可报送信息。")
            % {"count": len(hosts), "lead": hosts[0]}
        )
    for unit in planned.hosts:
        if not unit.exists and unit.similar:
            warnings.append(
                _(
                    "平台上已有相近的单位“%(similar)s”；如与“%(name)s”是同一单位，请在方案中改用该名称后重新导入。"
                )
                % {"similar": unit.similar, "name": unit.name}
            )
    return planned


def _place(item: PlanEvent, venues: dict[str, Venue], warnings: list[str], errors: list[str]):
    """(place kind, venue, place text) for an item; notes go to ``warnings``, problems to ``errors``."""
    kinds = Event.PlaceKind
    text = one_line(item.place)
    if len(text) > Event._meta.get_field("place").max_length:
        errors.append(
            _("活动地点超过 %(limit)d 个字，无法导入。")
            % {"limit": Event._meta.get_field("place").max_length}
        )
    if item.place_kind == plan.ONLINE:
        return kinds.ONLINE, None, ""
    if not text:
        errors.append(_("未写明活动地点，无法导入。请在方案中补写地点后重新导入。"))
        return kinds.PLACE, None, ""
    if item.place_kind == plan.OTHER_CITY:
        warnings.append(_("按外地活动导入：没有会场和本市地图，仍须每日报送。"))
        return kinds.ELSEWHERE, None, text
    if item.place_kind == plan.CITYWIDE:
        warnings.append(_("全市范围的活动，按本市其他地点导入（地点照方案原文）。"))
        return kinds.PLACE, None, text
    venue = venues.get(_compact(text))
    if venue is not None:
        return kinds.VENUE, venue, text
    warnings.append(_("本市会场中没有“%(place)s”，按本市其他地点导入（地点照方案原文）。") % {"place": text})
    return kinds.PLACE, None, text


def event_days(event: Event) -> tuple[dt.date, dt.date]:
    days = event.days
    return days[0], days[-1]


def _changes(planned: PlannedEvent, event: Event) -> list[str]:
    """What importing the plan again changes on ``event`` (labels, in the form's order)."""
    changes = []
    if [unit.name for unit in event.hosts] != [unit.name for unit in planned.hosts]:
        changes.append(_("主办单位"))
    if event_days(event) != (planned.source.starts_on, planned.source.ends_on):
        changes.append(_("时间"))
    if (event.place_kind, event.venue_id, event.place) != (
        planned.place_kind,
        planned.venue.pk if planned.venue else None,
        planned.place,
    ):
        changes.append(_("地点"))
    if planned.undertakers or planned.co_organizers:
        others = [(p.role, p.display_name) for p in event.other_partners]
        if others != partner_names(planned):
            changes.append(_("承办、协办单位"))
    if planned.description and not event.description:
        changes.append(_("活动简介"))
    return changes


def partner_names(planned: PlannedEvent) -> list[tuple[str, str]]:
    return [(EventPartner.Role.UNDERTAKER, name) for name in planned.undertakers] + [
        (EventPartner.Role.CO_ORGANIZER, name) for name in planned.co_organizers
    ]


def _warn_about_other_events(outcome: PlanOutcome, week: Week, *, keys: list[str]) -> None:
    """Events of the week the plan does not list that its period would leave outside."""
    if (week.starts_on, week.ends_on) == outcome.period:
        return
    checking = Week(starts_on=outcome.period[0], ends_on=outcome.period[1], time_zone=week.time_zone)
    outside = [
        event.subtitle
        for event in Event.objects.filter(week=week)
        .exclude(status=Event.Status.CANCELLED)
        .exclude(import_key__in=keys)
        .only("subtitle", "starts_at", "ends_at")
        if week_range_errors(checking, event.starts_at, event.ends_at)
    ]
    if outside:
        outcome.warnings.append(
            _(
                "改为方案的活动时间后，本周已有的 %(count)d 项活动不在活动时间内：%(titles)s。请导入后调整这些活动的时间。"
            )
            % {"count": len(outside), "titles": "、".join(outside[:5]) + ("…" if len(outside) > 5 else "")}
        )
