"""Rules an event's data must follow, written once for the form and the spreadsheet import."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Week

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:(?:-|转|#)\d{1,6})?$")
PHONE_MESSAGE = _("请填写有效的手机号（如 13812345678）或固定电话（如 0512-57303063，可带分机号）。")


def validate_phone(value: str) -> str:
    """A Chinese mobile (1[3-9] + 9 digits) or landline (area code, number, optional extension)."""
    cleaned = re.sub(r"\s+", "", value or "")
    if not (MOBILE_RE.match(cleaned) or LANDLINE_RE.match(cleaned)):
        raise ValidationError(PHONE_MESSAGE, code="phone")
    return cleaned


def week_range_errors(week: Week, starts_at, ends_at) -> dict[str, str]:
    """Field → message for a start/end outside ``week`` or not in order (shared with the import).

    Days are judged in the week's zone; an end at midnight belongs to the day before, as in
    ``Event.days`` and the database trigger.
    """
    errors: dict[str, str] = {}
    period = {"start": week.starts_on.isoformat(), "end": week.ends_on.isoformat()}
    if starts_at and not week.starts_on <= starts_at.astimezone(week.zone).date() <= week.ends_on:
        errors["starts_at"] = _("开始时间须在活动周（%(start)s 至 %(end)s）之内。") % period
    if ends_at and starts_at and ends_at <= starts_at:
        errors["ends_at"] = _("结束时间须晚于开始时间。")
    elif ends_at and (ends_at.astimezone(week.zone) - dt.timedelta(microseconds=1)).date() > week.ends_on:
        errors["ends_at"] = _("结束时间须在活动周（%(start)s 至 %(end)s）之内。") % period
    return errors


def split_names(text: str) -> list[str]:
    """Unit names typed one per line (or separated by 、，,;；)."""
    return [name.strip() for name in re.split(r"[\n\r、，,;；]+", text or "") if name.strip()]


HOST_AS_PARTNER_MESSAGE = _("主办单位不必再列为承办或协办单位。")


def host_as_partner_errors(host, *, undertakers, co_organizers) -> dict[str, str]:
    """Field → message where the host unit is also listed as an undertaking or co-organizing
    unit. Units are compared as given: ``Organizer`` objects (the form) or names (the import)."""
    listed = {"undertakers": undertakers, "co_organizers": co_organizers}
    return {field: HOST_AS_PARTNER_MESSAGE for field, units in listed.items() if host and host in units}
