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


@register.inclusion_tag("submissions/organizer/report/_state_badge.html")
def reporter_state(row) -> dict:
    """The state of an event day as what the reporter must do: "明天开始", "待报送（今天
    16:00前）", "已报送 · 3张照片 1段视频", "退回：需补充照片"."""
    return {"state": row.state, "label": reporter_state_label(row)}


def reporter_state_label(row) -> str:
    zone = row.event.week.zone
    today = timezone.now().astimezone(zone).date()
    report, state = row.report, row.state
    if state in (DayState.NOT_STARTED, DayState.DRAFT) and row.day > today:
        if row.day == today + dt.timedelta(days=1):
            return _("明天开始")
        return _("%(month)s月%(day)s日开始") % {"month": row.day.month, "day": row.day.day}
    if state in (DayState.NOT_STARTED, DayState.DRAFT):
        waiting = _("待报送（%(deadline)s前）") % {"deadline": deadline(row.due, zone)}
        return _("草稿 · %(waiting)s") % {"waiting": waiting} if state == DayState.DRAFT else waiting
    if state == DayState.MISSING:
        return _("未报送 · 已过截止时间，仍可补报")
    if state == DayState.RETURNED:
        comment = " ".join((report.review_comment or "").split())
        short = comment if len(comment) <= 20 else comment[:20] + "…"
        return _("退回：%(comment)s") % {"comment": short} if short else _("已退回，请修改后重新报送")
    if state == DayState.ACCEPTED:
        return _("已采用")
    media = _("%(photos)d张照片 %(videos)d段视频") % {"photos": len(row.photos), "videos": len(row.videos)}
    if state == DayState.LATE:
        return _("已报送（逾期） · %(media)s") % {"media": media}
    return _("已报送 · %(media)s") % {"media": media}
