"""An event's card in a list (the schedule, the home page, a venue's page, the archive): what
it prints as plain strings, made once per event, and its HTML kept per event.

A card used to be a template fed the event, formatting six dates and translating a dozen
labels per event. Now ``event_card`` formats each date once, the labels are translated once
per list (``card_labels``), the event's address is one reversed prefix formatted, and the
template (Jinja2: 23 µs a card instead of the Django template language's 100) only places
strings. The HTML of each card is kept in the shared cache
(``core.fragments``) under a key made of its content: the card's strings (which include its
"live now" state, so the clock is part of the key, not of a cached piece that could be
stale), the labels, the template and the language. A card whose event changed has a new
key; the others come from the cache. Works on ``Event`` instances and on the schedule's
``EventRow``s alike, after ``mark_for_display`` and ``public.videos.mark_relays``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.template import engines
from django.template.backends.jinja2 import Template as Jinja2Template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.fragments import cached_fragments
from core.page_splices import spliced
from events.models import Event

from . import once_per_language, places, presenters
from .week_snapshot import kept

# A Jinja2 template (templates/jinja2/): it places the card's strings four times as fast.
TEMPLATE = "public/event_card.html"


class EventCard(NamedTuple):
    """Everything a card prints, already formatted; the template places it. (A tuple: a
    thousand are made per page, and its ``repr`` is the key's input.)"""

    pk: int
    url: str
    css_class: str
    days: str  # a multi-day event's days, or the date where the list spans days; else ""
    starts_iso: str
    starts_time: str
    ends_iso: str
    ends_time: str
    subtitle: str
    form: str
    cancelled: bool
    changed: bool
    ongoing: bool  # 进行中: running now, with no relay to link
    relay: bool  # the 直播中 link is in the card (static/js/player.js shows it on time)
    relay_hidden: bool
    relay_url: str  # the platform's page, or the event page's player for an HLS stream
    relay_is_platform: bool
    play_url: str  # the play beacon, counted when a platform link is followed
    replay: bool  # the 回放 link is in the card
    replay_hidden: bool
    replay_url: str
    where: str
    hosts: str

    def key(self) -> str:
        """A digest of everything the card prints: a new one whenever any of it changes."""
        return hashlib.md5(tuple.__repr__(self).encode(), usedforsecurity=False).hexdigest()


class CardMaker:
    """Makes the cards of one list: the labels, addresses and form names are looked up once."""

    def __init__(self, *, show_date: bool = False, at_venue: bool = False):
        self.show_date, self.at_venue = show_date, at_venue
        self.event_url = once_per_language.event_path_template()
        self.play_url = reverse("video_play")
        self.forms = once_per_language.form_names()
        # The zone the page shows times in (``{% timezone week.time_zone %}``), looked up once.
        self.zone = timezone.get_current_timezone()
        # The place line of each (kind, venue, place): a list's events share a few dozen.
        self.lines: dict[tuple, str] = {}
        # Everything a card depends on beyond its event: kept rows keep their cards under it.
        self.context = (get_language(), show_date, at_venue, str(self.zone), self.event_url, self.play_url)

    def card_and_key(self, event) -> tuple[EventCard, str]:
        """The event's card and its key (``EventCard.key``), kept with a row kept across
        requests for this kind of list and the clock's marks on it."""
        marks = (event.is_live, event.is_over, event.is_changed, event.relay_on, event.replay_on)
        return kept(event, ("card", self.context, marks), lambda: self._card_and_key(event))

    def _card_and_key(self, event) -> tuple[EventCard, str]:
        card = self.card(event)
        return card, card.key()

    def card(self, event) -> EventCard:
        starts_at, ends_at = event.starts_at.astimezone(self.zone), event.ends_at.astimezone(self.zone)
        # "2026-09-25T09:00:00+08:00": the time of day is [11:16], no strftime needed.
        starts_iso, ends_iso = starts_at.isoformat(), ends_at.isoformat()
        url = self.event_url.format(event.pk)
        cancelled = event.status == Event.Status.CANCELLED
        approved = event.status == Event.Status.APPROVED
        days = event.days
        if len(days) > 1:
            day_label = presenters.date_span(days[0], days[-1])
        elif self.show_date:
            day_label = presenters.month_day(starts_at.date())
        else:
            day_label = ""
        relay = approved and bool(event.live_url) and not event.is_over
        relay_is_platform = relay and not event.relay_is_hls
        return EventCard(
            pk=event.pk,
            url=url,
            css_class="event-card"
            + (" is-cancelled" if cancelled else "")
            + (" is-live" if event.is_live else ""),
            days=day_label,
            starts_iso=starts_iso,
            starts_time=starts_iso[11:16],
            ends_iso=ends_iso,
            ends_time=ends_iso[11:16],
            subtitle=event.subtitle,
            form=self.forms.get(event.form, event.form),
            cancelled=cancelled,
            changed=event.is_changed,
            ongoing=event.is_live and not event.live_url,
            relay=relay,
            relay_hidden=not event.relay_on,
            relay_url=(event.live_url if relay_is_platform else f"{url}#relay") if relay else "",
            relay_is_platform=relay_is_platform,
            play_url=self.play_url if relay_is_platform else "",
            replay=approved and event.has_recording,
            replay_hidden=not event.replay_on,
            replay_url=f"{url}#recording",
            where=self.where(event),
            hosts=event.host_names,
        )

    def where(self, event) -> str:
        key = (event.place_kind, event.venue_id, event.place)
        line = self.lines.get(key)
        if line is None:
            line = self.lines[key] = places.where(event, at_venue=self.at_venue).line()
        return line


class CardLabels(NamedTuple):
    """The words every card says, translated once per list. (Fields, not a dict's keys:
    Jinja2 looks up ``labels.items`` as the dict's method before its key.)"""

    to: str
    cancelled: str
    changed: str
    ongoing: str
    live: str
    replay: str
    place: str
    colon: str
    host: str


def card_labels() -> CardLabels:
    return CardLabels(
        to=_("至"),
        cancelled=_("已取消"),
        changed=_("有变更"),
        ongoing=_("进行中"),
        live=_("直播中"),
        replay=_("回放"),
        place=_("地点"),
        colon=_("："),
        host=_("主办"),
    )


class _CompiledCard(NamedTuple):
    env: object  # the engine's environment it was compiled in (tests may change the engines)
    template: Jinja2Template
    source_digest: str
    uptodate: Callable[[], bool]


_compiled_card: _CompiledCard | None = None


def card_template() -> tuple[Jinja2Template, str]:
    """The card's template and a digest of the very source it was compiled from (the cards'
    keys then name the markup this process renders, even while a deploy replaces the file
    under running processes); compiled again when the file changed and the engine reloads
    templates (DEBUG)."""
    global _compiled_card
    engine = engines["jinja2"]
    env = engine.env
    compiled = _compiled_card
    if compiled is None or compiled.env is not env or (env.auto_reload and not compiled.uptodate()):
        source, filename, uptodate = env.loader.get_source(env, TEMPLATE)
        code = env.compile(source, TEMPLATE, filename)
        template = env.template_class.from_code(env, code, env.make_globals(None), uptodate)
        digest = hashlib.md5(source.encode(), usedforsecurity=False).hexdigest()
        compiled = _compiled_card = _CompiledCard(env, Jinja2Template(template, engine), digest, uptodate)
    return compiled.template, compiled.source_digest


def rendered_cards(events: Iterable, *, show_date: bool = False, at_venue: bool = False) -> SafeString:
    """The HTML of the events' cards, each from the cache or rendered and stored; put in the
    page after its template as bytes (``core.page_splices``)."""
    maker = CardMaker(show_date=show_date, at_venue=at_venue)
    made = [maker.card_and_key(event) for event in events]
    cards = [card for card, _digest in made]
    template, source_digest = card_template()
    labels = card_labels()
    # The template's text and the labels are part of every key: a new release or catalogue
    # makes new cards instead of serving the old wording.
    prefix = hashlib.md5(f"{source_digest}{labels!r}".encode(), usedforsecurity=False).hexdigest()[:12]
    # Kept as UTF-8: the page is put together as bytes.
    start = f"public:card-utf8:{get_language()}:{prefix}:"
    keys = [f"{start}{card.pk}:{digest}" for card, digest in made]
    fragments = cached_fragments(
        keys, lambda index: template.render({"card": cards[index], "labels": labels}).encode()
    )
    return spliced(b"".join(fragments))
