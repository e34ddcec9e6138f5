"""``{% event_cards events %}``: a list's event cards, made and kept by ``public.cards``."""

from django import template

from .. import cards

register = template.Library()


@register.simple_tag
def event_cards(events, *, show_date: bool = False, at_venue: bool = False):
    """The cards of ``events`` (``show_date``: the list spans days; ``at_venue``: the list is a
    venue's own page, so the cards leave its name out)."""
    return cards.rendered_cards(events, show_date=show_date, at_venue=at_venue)
