"""Where an event is, said once.

Organizers often type the venue's name or its address again as the place ("全市各区镇" at the
venue "全市各区镇", "昆山市主会场创酷空间" at "昆山市主会场"), so printing venue, place and address
side by side says the same thing twice. A part that another part already contains is left out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Where:
    """The parts of an event's location worth printing; a part said by another one is ""."""

    venue: str
    place: str
    address: str

    def line(self) -> str:
        return " · ".join(part for part in (self.venue, self.place) if part)


def _said_by(part: str, others: list[str]) -> bool:
    return any(part in other for other in others if other)


def where(event, *, at_venue: bool = False, with_address: bool = False) -> Where:
    """The event's venue, place and (optionally) address, each left out when redundant.

    ``at_venue``: the page is the venue's own, so its name is already the page's heading.
    A place the venue's name contains gives way to the venue; a venue the place names gives way
    to the place (so one of the two always stays, unless the page is the venue's); the address,
    the most detailed, is kept unless the place or the venue's name contains it.
    """
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
    return Where(venue=venue_name, place=place, address=address)


def location_line(event) -> str:
    """Venue, place and address in one line, each said once (calendar feeds)."""
    parts = where(event, with_address=True)
    return "，".join(part for part in (parts.venue, parts.place, parts.address) if part)
