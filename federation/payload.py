"""What a source's ``/api/schedule.json`` says, checked field by field (pure: no database).

The API is this project's own (docs/api.md). Its ``api_version`` is read: a source without
one (a portal older than the field) is read as version 1 with whatever fields it has; a
major version above ``SUPPORTED_MAJOR`` is refused (a field may have changed meaning).
Fields a source does not publish are stored empty and shown as absent.

Every text is stripped of control characters (``core.text.CONTROL_RE``) and must fit its
column; links must be http or https. A field of the wrong type, a missing id, title or
time, a duplicate id: the whole answer is refused with the reasons (the last good copy
stays). A link of another scheme (``javascript:``) is dropped, and the page then links to
the source's home instead.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.text import CONTROL_RE

from .models import RemoteEvent

SUPPORTED_MAJOR = 1
MAX_EVENTS = 20_000
# The public totals a source may publish (public/totals.py); anything else is ignored.
TOTALS_KEYS = (
    "events_held",
    "units",
    "reports_due",
    "reports_on_time",
    "report_on_time_rate",
    "media_accepted",
    "projects_shown",
    "intents",
    "signings",
    "online_views",
)
# Errors named in the message before "and N more".
SHOWN_ERRORS = 5


class PayloadError(Exception):
    """The answer is not a schedule this portal can read; the message says why."""


@dataclass
class EventRow:
    remote_id: int
    title: str
    subtitle: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    form: str = ""
    form_name: str = ""
    themes: str = ""
    place_kind: str = ""
    where: str = ""
    venue_name: str = ""
    host: str = ""
    status: str = "approved"
    url: str = ""
    live_url: str = ""
    online_url: str = ""
    remote_updated_at: dt.datetime | None = None

    @property
    def digest(self) -> str:
        text = "\x1f".join(str(getattr(self, name)) for name in _ROW_FIELDS)
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


_ROW_FIELDS = tuple(f.name for f in fields(EventRow))


@dataclass
class Schedule:
    api_version: str
    week_name: str
    events: list[EventRow]
    dropped_links: int = 0
    notes: list[str] = field(default_factory=list)


@functools.cache
def _max_length(name: str) -> int:
    return RemoteEvent._meta.get_field(name).max_length


def _is_http_url(value: str) -> bool:
    """An absolute http(s) link with a host and no space or control character (what the
    page puts in an ``href``, escaped); cheaper than Django's URLValidator, as safe here."""
    if CONTROL_RE.search(value) or " " in value:
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a malformed port or IPv6 address
        return False


class _Where:
    """Where an error is ("活动 12"), put into words only when there is an error."""

    def __init__(self, message: str, **values):
        self.message, self.values = message, values

    def __str__(self) -> str:
        return _(self.message) % self.values


class _Reader:
    def __init__(self):
        self.errors: list[str] = []
        self.dropped_links = 0

    def text(self, data: dict, key: str, *, column: str, required: bool = False, where: str) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.errors.append(_("%(where)s：缺少 %(field)s") % {"where": where, "field": key})
            return ""
        if not isinstance(value, str):
            self.errors.append(_("%(where)s：%(field)s 不是文本") % {"where": where, "field": key})
            return ""
        value = " ".join(CONTROL_RE.sub(" ", value).split())
        if required and not value:
            self.errors.append(_("%(where)s：缺少 %(field)s") % {"where": where, "field": key})
        if len(value) > _max_length(column):
            self.errors.append(
                _("%(where)s：%(field)s 超过 %(limit)s 个字符")
                % {"where": where, "field": key, "limit": _max_length(column)}
            )
            return ""
        return value

    def link(self, data: dict, key: str, *, where: str) -> str:
        value = data.get(key)
        if value is None or value == "":
            return ""
        if not isinstance(value, str) or len(value) > _max_length("url"):
            self.errors.append(_("%(where)s：%(field)s 不是有效链接") % {"where": where, "field": key})
            return ""
        if not _is_http_url(value):
            self.dropped_links += 1
            return ""
        return value

    def moment(self, data: dict, key: str, *, required: bool, where: str) -> dt.datetime | None:
        value = data.get(key)
        if value is None and not required:
            return None
        moment = None
        if isinstance(value, str) and len(value) <= 40:
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                moment = None
        if moment is None or moment.tzinfo is None:
            self.errors.append(
                _("%(where)s：%(field)s 不是带时区的 ISO 8601 时间") % {"where": where, "field": key}
            )
            return None
        return moment


def api_version_of(data: dict) -> str:
    """The source's declared version ("" when it declares none); raises for one we cannot read."""
    version = data.get("api_version")
    if version is None:
        return ""
    if isinstance(version, bool) or not isinstance(version, str | int | float):
        raise PayloadError(_("api_version 不是版本号。"))
    text = str(version).strip()[:20]
    major = text.split(".", 1)[0]
    if not major.isdigit():
        raise PayloadError(_("api_version 不是版本号。"))
    if int(major) > SUPPORTED_MAJOR:
        raise PayloadError(
            _("接口版本 %(version)s 高于本门户能读取的 %(supported)s.x，请升级本门户。")
            % {"version": text, "supported": SUPPORTED_MAJOR}
        )
    return text


def parse(data) -> Schedule:
    """The schedule in ``data`` (parsed JSON), or ``PayloadError`` naming what is wrong."""
    if not isinstance(data, dict):
        raise PayloadError(_("回答不是 JSON 对象。"))
    version = api_version_of(data)
    events = data.get("events")
    if not isinstance(events, list):
        raise PayloadError(_("回答中没有活动列表（events）。"))
    if len(events) > MAX_EVENTS:
        raise PayloadError(_("活动超过 %(limit)s 项。") % {"limit": MAX_EVENTS})
    reader = _Reader()
    forms = _names(data.get("forms"), key="id")
    venues = _names(data.get("venues"), key="id")
    week = data.get("week") if isinstance(data.get("week"), dict) else {}
    week_name = reader.text(week, "name", column="title", where="week")
    rows: list[EventRow] = []
    seen: set[int] = set()
    for index, item in enumerate(events):
        where = _Where(gettext_noop("第 %(n)s 项活动"), n=index + 1)
        if not isinstance(item, dict):
            reader.errors.append(_("%(where)s 不是对象") % {"where": where})
            continue
        row = _event(reader, item, where=where, forms=forms, venues=venues)
        if row is None:
            continue
        if row.remote_id in seen:
            reader.errors.append(_("%(where)s：id 重复") % {"where": where})
            continue
        seen.add(row.remote_id)
        rows.append(row)
    if reader.errors:
        shown = "；".join(reader.errors[:SHOWN_ERRORS])
        more = len(reader.errors) - SHOWN_ERRORS
        if more > 0:
            shown += _("；另有 %(n)s 处错误") % {"n": more}
        raise PayloadError(_("数据不符合接口规定：%(errors)s") % {"errors": shown})
    return Schedule(api_version=version, week_name=week_name, events=rows, dropped_links=reader.dropped_links)


def _names(items, *, key: str) -> dict:
    """``{id: name}`` of the API's forms or venues; anything malformed is left out (optional)."""
    if not isinstance(items, list):
        return {}
    names = {}
    for item in items:
        if (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and isinstance(item.get(key), str | int)
        ):
            names[item[key]] = " ".join(CONTROL_RE.sub(" ", item["name"]).split())[:200]
    return names


def _event(reader: _Reader, item: dict, *, where: str, forms: dict, venues: dict) -> EventRow | None:
    errors_before = len(reader.errors)
    remote_id = item.get("id")
    if isinstance(remote_id, bool) or not isinstance(remote_id, int) or not 0 < remote_id < 2**62:
        reader.errors.append(_("%(where)s：id 不是正整数") % {"where": where})
        return None
    where = _Where(gettext_noop("活动 %(id)s"), id=remote_id)
    title = reader.text(item, "title", column="title", required=True, where=where)
    subtitle = reader.text(item, "subtitle", column="subtitle", where=where)
    starts_at = reader.moment(item, "starts_at", required=True, where=where)
    ends_at = reader.moment(item, "ends_at", required=True, where=where)
    if starts_at and ends_at and ends_at < starts_at:
        reader.errors.append(_("%(where)s：结束时间早于开始时间") % {"where": where})
    form = reader.text(item, "form", column="form", where=where)
    themes = item.get("themes")
    if themes is not None and not (isinstance(themes, list) and all(isinstance(t, str) for t in themes)):
        reader.errors.append(_("%(where)s：themes 不是文本列表") % {"where": where})
        themes = None
    theme_text = "、".join(" ".join(CONTROL_RE.sub(" ", t).split()) for t in themes or [] if t.strip())
    venue_id = item.get("venue_id")
    status = reader.text(item, "status", column="status", where=where) or "approved"
    row = EventRow(
        remote_id=remote_id,
        title=title,
        subtitle=subtitle,
        starts_at=starts_at,
        ends_at=ends_at,
        form=form,
        form_name=forms.get(form, "")[:60] if form else "",
        themes=theme_text[: _max_length("themes")],
        place_kind=reader.text(item, "place_kind", column="place_kind", where=where),
        where=reader.text(item, "where", column="where", where=where),
        venue_name=venues.get(venue_id, "")
        if isinstance(venue_id, int) and not isinstance(venue_id, bool)
        else "",
        host=reader.text(item, "host", column="host", where=where),
        status=status if status in ("approved", "cancelled") else "approved",
        url=reader.link(item, "url", where=where),
        live_url=reader.link(item, "live_url", where=where),
        online_url=reader.link(item, "online_url", where=where),
        remote_updated_at=reader.moment(item, "updated_at", required=False, where=where),
    )
    return row if len(reader.errors) == errors_before else None


def parse_totals(data) -> dict:
    """The known aggregate numbers of a totals answer: ints (a rate may be a fraction) or None
    for a figure the source does not publish. Anything else is refused."""
    if not isinstance(data, dict) or not isinstance(data.get("totals"), dict):
        raise PayloadError(_("回答中没有汇总数据（totals）。"))
    api_version_of(data)
    totals = {}
    for key in TOTALS_KEYS:
        value = data["totals"].get(key)
        if value is None:
            totals[key] = None
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 10**12:
            raise PayloadError(_("汇总数据 %(field)s 不是非负数。") % {"field": key})
        else:
            totals[key] = value
    return totals
