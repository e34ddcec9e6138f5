"""Where an event is, said once.

Organizers often type the venue's name or its address again as the place ("全市各区镇" at the
venue "全市各区镇", "昆山市主会场创酷空间" at "昆山市主会场"), so printing venue, place and address
side by side says the same thing twice. A part that another part already contains is left out.

An event is at one of the city's venues, at a place typed as text (全市各区镇), in another city
(广州: marked, and no map of this city), online only (no place: 线上), or at a venue and online
at once (线上线下). ``Where.venue`` is only ever a venue's name, so a page links it to the
venue's page exactly when it is set.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from events.models import Event

Kind = Event.PlaceKind


@dataclass(frozen=True)
class Where:
    """The parts of an event's location worth printing; a part said by another one is ""."""

    venue: str
    place: str
    address: str
    online: bool = False  # also (or only) online: the page offers the online link
    elsewhere: bool = False  # in another city: no map of this city

    def line(self) -> str:
        parts = [part for part in (self.venue, self.place) if part]
        if self.online and parts != [_("线上")]:
            parts.append(_("线上"))
        return " · ".join(parts)


def _said_by(part: str, others: list[str]) -> bool:
    return any(part in other for other in others if other)


def where(event, *, at_venue: bool = False, with_address: bool = False) -> Where:
    """The event's venue, place and (optionally) address, each left out when redundant.

    ``at_venue``: the page is the venue's own, so its name is already the page's heading.
    A place the venue's name contains gives way to the venue; a venue the place names gives way
    to the place (so one of the two always stays, unless the page is the venue's); the address,
    the most detailed, is kept unless the place or the venue's name contains it.
    """
    kind = event.place_kind
    if kind == Kind.ONLINE:
        return Where(venue="", place=_("线上"), address="", online=True)
    if kind in Event.TEXT_PLACE_KINDS or event.venue_id is None:
        place = event.place.strip()
        address = event.address.strip() if with_address else ""
        if address and _said_by(address, [place]):
            address = ""
        if kind == Kind.ELSEWHERE and place:
            place = _("%(place)s（外地）") % {"place": place}
        return Where(venue="", place=place, address=address, elsewhere=kind == Kind.ELSEWHERE)
    full_venue = event.venue.name.strip()
    venue_name, place = full_venue, event.place.strip()
    if place and place in full_venue:
        place = ""
    elif place and full_venue in place:
        venue_name = ""
    if at_venue:
        venue_name = ""
    address = event.address.strip() if with_address else ""
    if address and _said_by(address, [place, full_venue]):
        address = ""
    return Where(venue=venue_name, place=place, address=address, online=kind == Kind.HYBRID)


def location_line(event) -> str:
    """Venue, place and address in one line, each said once (calendar feeds); an online or
    hybrid event says so, with its link when it has one."""
    parts = where(event, with_address=True)
    line = "，".join(part for part in (parts.venue, parts.place, parts.address) if part)
    if parts.online and event.place_kind == Kind.HYBRID:
        line = "，".join(part for part in (line, _("线上"), event.online_url) if part)
    elif event.place_kind == Kind.ONLINE and event.online_url:
        line = f"{line} {event.online_url}"
    return line


def room(event) -> str:
    """The room an event is in for the frab schedule: its place, or the venue's name, or 线上."""
    if event.place_kind == Kind.ONLINE:
        return _("线上")
    if event.place_kind == Kind.ELSEWHERE:
        return where(event).place
    return event.place or (event.venue.name if event.venue_id else "")
