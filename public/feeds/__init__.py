"""Machine-readable schedules: iCalendar, the frab schedule (XML and JSON), the portal's JSON API.

Each module turns already-selected events into bytes or plain data; it runs no query of its
own (the selectors did the joins), so a feed costs the same number of queries at any size.
The week's feeds write the plain rows of ``events.selectors.public`` (``week_rows``,
``calendar_rows``; issue 21: building a thousand model instances cost more than writing
them); one event's or one venue's .ics writes ``Event`` instances, which read alike. What is
the same for every event of a file (the page address, the form labels, the place of a
venue) is worked out once per file (``public.once_per_language``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from ..once_per_language import event_path_template


def absolute(path: str) -> str:
    """An absolute URL on the public site (SITE_URL), the same whichever host a request used."""
    return settings.SITE_URL + path


def event_url_template() -> str:
    """The absolute address of an event's page with ``{}`` for its id, for a writer that
    formats a thousand of them (``template.format(pk)``)."""
    return settings.SITE_URL + event_path_template()


class LocalTimes(dict):
    """Text of instants in one zone, each instant formatted once per file: ``times[moment]`` is
    ``moment.astimezone(zone)`` in ISO 8601, or by ``strftime(format)`` when one is given (an
    aware time's formatting costs microseconds, and the events of a week share their start and
    end times)."""

    def __init__(self, zone, format: str = ""):
        super().__init__()
        self.zone, self.format = zone, format

    def __missing__(self, moment):
        local = moment.astimezone(self.zone)
        text = self[moment] = local.strftime(self.format) if self.format else local.isoformat()
        return text


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"
