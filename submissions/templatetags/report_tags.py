import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from ..presenters import reason_messages
from ..states import DayState

register = template.Library()


@register.inclusion_tag("submissions/organizer/report/_state_badge.html")
def day_state_badge(state: str) -> dict:
    return {"state": state, "label": DayState.LABELS.get(state, state)}


@register.filter
def reasons(media) -> list[str]:
    return reason_messages(media)


@register.simple_tag
def deadline(due: dt.datetime, zone) -> str:
    """When a report is due, always with its day unless that is today: "今天 16:00",
    "明天 16:00", "9月16日 16:00" (judged in the week's zone, ``zone``)."""
    local = due.astimezone(zone)
    today = timezone.now().astimezone(zone).date()
    time = f"{local:%H:%M}"
    if local.date() == today:
        return _("今天 %(time)s") % {"time": time}
    if local.date() == today + dt.timedelta(days=1):
        return _("明天 %(time)s") % {"time": time}
    if local.date() == today - dt.timedelta(days=1):
        return _("昨天 %(time)s") % {"time": time}
    return _("%(month)s月%(day)s日 %(time)s") % {"month": local.month, "day": local.day, "time": time}
