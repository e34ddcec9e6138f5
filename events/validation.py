"""Rules an event's data must follow, written once for the form and the spreadsheet import."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Event, Week, is_hls_url

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:(?:-|转|#)\d{1,6})?$")
PHONE_MESSAGE = _("请填写有效的手机号（如 13812345678）或固定电话（如 0512-57303063，可带分机号）。")


def validate_phone(value: str) -> str:
    """A Chinese mobile (1[3-9] + 9 digits) or landline (area code, number, optional extension)."""
    cleaned = re.sub(r"\s+", "", value or "")
    if not (MOBILE_RE.match(cleaned) or LANDLINE_RE.match(cleaned)):
        raise ValidationError(PHONE_MESSAGE, code="phone")
    return cleaned


def _last_day(week: Week, ends_at) -> dt.date:
    # An end at midnight belongs to the day before, as in ``Event.days``.
    return (ends_at.astimezone(week.zone) - dt.timedelta(microseconds=1)).date()


def week_range_errors(week: Week, starts_at, ends_at) -> dict[str, str]:
    """Field → message for a start/end that ``week`` cannot hold or not in order (shared with
    the import). Days are judged in the week's zone.

    An event may start before the period (the plan's 科普日 runs 9/13-17 in a plan from 9/15):
    that is a warning (``week_range_warnings``), not an error. It must still run on a day of
    the period, must not end after it, and must not start after it.
    """
    errors: dict[str, str] = {}
    period = {"start": week.starts_on.isoformat(), "end": week.ends_on.isoformat()}
    if starts_at and starts_at.astimezone(week.zone).date() > week.ends_on:
        errors["starts_at"] = _("开始时间须在活动周（%(start)s 至 %(end)s）之内。") % period
    if ends_at and starts_at and ends_at <= starts_at:
        errors["ends_at"] = _("结束时间须晚于开始时间。")
    elif ends_at and _last_day(week, ends_at) > week.ends_on:
        errors["ends_at"] = _("结束时间须在活动周（%(start)s 至 %(end)s）之内。") % period
    elif ends_at and _last_day(week, ends_at) < week.starts_on:
        errors["ends_at"] = _("活动须至少有一天在活动周（%(start)s 至 %(end)s）之内。") % period
    return errors


def week_range_warnings(week: Week, starts_at, ends_at) -> list[str]:
    """What the office should look at but nothing refuses: an event that starts before the
    week's period. Its days before the period are not reported unless the office says so."""
    if starts_at and starts_at.astimezone(week.zone).date() < week.starts_on:
        return [
            _(
                "活动在活动周（%(start)s 起）开始前的 %(first)s 已开始：允许登记，已提示市发改委；"
                "活动周开始前的活动日是否报送由市发改委决定。"
            )
            % {
                "start": week.starts_on.isoformat(),
                "first": starts_at.astimezone(week.zone).date().isoformat(),
            }
        ]
    return []


def place_errors(*, kind: str, venue, place: str, online_url: str, live_url: str) -> dict[str, str]:
    """Field → message where the place does not fit its kind (shared with the import).

    A city venue (and a hybrid event) names the venue; a place in the city or in another city
    is typed as text; an online event has neither; a hybrid event also has a link.
    """
    errors: dict[str, str] = {}
    if kind in Event.VENUE_KINDS and not venue:
        errors["venue"] = _("请选择会场。")
    if kind in (*Event.VENUE_KINDS, *Event.TEXT_PLACE_KINDS) and not (place or "").strip():
        errors["place"] = _("请填写活动地点。")
    if kind == Event.PlaceKind.HYBRID and not (online_url or live_url):
        errors["online_url"] = _("线上线下同步的活动请填写线上参与链接或直播链接。")
    return errors


def place_for_kind(*, kind: str, venue, place: str, address: str):
    """The venue, place and address kept for ``kind``: no venue for a place typed as text or an
    online event, and no place or address for an online one (the form may carry stale values
    of a kind the organizer switched away from)."""
    if kind == Event.PlaceKind.ONLINE:
        return None, "", ""
    if kind in Event.TEXT_PLACE_KINDS:
        return None, place, address
    return venue, place, address


def split_names(text: str) -> list[str]:
    """Unit names typed one per line (or separated by 、，,;；)."""
    return [name.strip() for name in re.split(r"[\n\r、，,;；]+", text or "") if name.strip()]


HOST_AS_PARTNER_MESSAGE = _("主办单位不必再列为承办或协办单位。")
HOST_TWICE_MESSAGE = _("同一主办单位只需列一次。")


def host_as_partner_errors(host, *, undertakers, co_organizers, co_hosts=()) -> dict[str, str]:
    """Field → message where a host unit (the lead host or a co-host) is listed twice as a host
    or also as an undertaking or co-organizing unit. Units are compared as given:
    ``Organizer`` objects (the form) or names (the import)."""
    co_hosts = list(co_hosts)
    hosts = [unit for unit in [host, *co_hosts] if unit]
    errors: dict[str, str] = {}
    if len(set(hosts)) < len(hosts):
        errors["co_hosts"] = HOST_TWICE_MESSAGE
    listed = {"undertakers": undertakers, "co_organizers": co_organizers}
    errors.update(
        {field: HOST_AS_PARTNER_MESSAGE for field, units in listed.items() if any(h in units for h in hosts)}
    )
    return errors


def relay_origins() -> list[str]:
    """The origins an HLS relay may come from: this site and ``settings.LIVE_RELAY_ORIGINS``
    (the page's Content-Security-Policy lets the player fetch from exactly these)."""
    site = urlsplit(settings.SITE_URL)
    return [f"{site.scheme}://{site.netloc}", *settings.LIVE_RELAY_ORIGINS]


def relay_errors(live_url: str) -> list[str]:
    """An HLS stream (``Event.relay_is_hls``) plays in the page only from a known origin; any
    other link is opened in a new tab and needs no check beyond being a URL."""
    if not is_hls_url(live_url):
        return []
    parts = urlsplit(live_url)
    if f"{parts.scheme}://{parts.netloc}" in relay_origins():
        return []
    return [
        _(
            "HLS 直播流（.m3u8）须来自平台登记的直播服务器（%(origins)s），才能在活动页面内播放；"
            "其他平台的直播请填写其直播页面的地址。"
        )
        % {"origins": "、".join(relay_origins())}
    ]
