"""Filters of the public pages: dates as a schedule prints them, and an event's place said once."""

from django import template

from .. import places, presenters

register = template.Library()


@register.filter(expects_localtime=True)
def month_day(value) -> str:
    """ "9月25日" (``value`` a date, or a datetime shown in the page's time zone)."""
    if not value:
        return ""
    return presenters.month_day(value.date() if hasattr(value, "date") else value)


@register.filter
def multi_day(event) -> bool:
    return len(event.days) > 1


@register.filter
def date_span(event) -> str:
    """ "9月25日—27日": the days the event runs on, in its week's zone."""
    return presenters.event_date_span(event)


@register.simple_tag
def where_of(event, *, at_venue: bool = False, with_address: bool = False) -> places.Where:
    """``{% where_of event at_venue=True as where %}``: venue, place and address, each said once."""
    return places.where(event, at_venue=at_venue, with_address=with_address)
