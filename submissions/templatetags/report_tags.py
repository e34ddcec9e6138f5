from django import template

from ..presenters import reason_messages
from ..states import DayState

register = template.Library()


@register.inclusion_tag("submissions/organizer/report/_state_badge.html")
def day_state_badge(state: str) -> dict:
    return {"state": state, "label": DayState.LABELS.get(state, state)}


@register.filter
def reasons(media) -> list[str]:
    return reason_messages(media)
