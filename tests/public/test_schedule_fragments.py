"""The schedule's event cards are kept per event (public.cards, core.fragments): the page is the
same whether the cards come from the cache, are rendered afresh, or the cache is down; after a
change only the changed cards are rendered again; the queries do not grow with the events."""

from __future__ import annotations

import datetime as dt
import os
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.template.backends import jinja2 as jinja2_backend
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.fragments import forget_local_fragments
from core.public_cache import bump_public_version
from events.models import Event, EventPartner
from events.services.workflow import event_cancel
from public.cards import card_template
from tests import factories

pytestmark = pytest.mark.django_db

CARD_TEMPLATE = "public/event_card.html"
DAY1, DAY2, DAY3, DAY4 = (dt.date(2026, 9, 20) + dt.timedelta(days=n) for n in range(4))
NOW = factories.at(DAY2, 10)
ALL_DAYS = reverse("schedule") + "?day=all"
# A Redis that is not there: every call is refused at once, as when the server is down.
REDIS_DOWN = {
    "default": {
        "BACKEND": "shuangchuang.redis_cache.PortalRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def varied_week(week, main_venue, sub_venue):
    """A week with every kind of card: multi-day, cancelled, changed, live with a platform link
    or an HLS stream or no relay, a recording, each place kind, co-hosts, markup in a title."""
    co_host = factories.organizer(name="昆山市科技局")

    def event(subtitle, day, start, end, **fields):
        fields.setdefault("venue", main_venue)
        return factories.event(
            week=week,
            subtitle=subtitle,
            starts_at=factories.at(day, start),
            ends_at=factories.at(day, end),
            **fields,
        )

    events = {
        "plain": event("科技金融对接会", DAY1, 9, 11, form=Event.Form.ROADSHOW),
        "multi_day": factories.event(
            week=week,
            subtitle="科技成果三日展",
            venue=sub_venue,
            form=Event.Form.EXHIBITION,
            starts_at=factories.at(DAY1, 9),
            ends_at=factories.at(DAY3, 17),
        ),
        "cancelled": event(
            "取消的路演", DAY2, 14, 16, status=Event.Status.CANCELLED, cancel_reason="场地调整"
        ),
        "changed": event("改期的沙龙", DAY2, 15, 17, changed_at=factories.at(DAY1, 8)),
        "live_platform": event("直播的论坛", DAY2, 9, 12, live_url="https://live.example.com/forum"),
        "live_hls": event("自播的论坛", DAY2, 9, 12, live_url="https://live.example.com/a/index.m3u8"),
        "live_no_relay": event("进行中的讲座", DAY2, 9, 12, venue=sub_venue, place="开发区分会场二楼"),
        "recorded": event("有回放的论坛", DAY1, 14, 16, recording_url="https://video.example.com/1"),
        "later_relay": event("明天直播的大赛", DAY4, 9, 12, live_url="https://live.example.com/later"),
        "online": event("线上训练营", DAY3, 19, 21, place_kind=Event.PlaceKind.ONLINE, venue=None, place=""),
        "elsewhere": event(
            "广州交流会", DAY3, 9, 11, place_kind=Event.PlaceKind.ELSEWHERE, venue=None, place="广州"
        ),
        "hybrid": event(
            "线上线下论坛",
            DAY3,
            13,
            15,
            place_kind=Event.PlaceKind.HYBRID,
            online_url="https://meet.example.com/x",
        ),
        "place": event(
            "全市联动", DAY4, 9, 17, place_kind=Event.PlaceKind.PLACE, venue=None, place="全市各区镇"
        ),
        "markup": event('带"引号"&<b>标签</b>的活动', DAY4, 14, 15),
    }
    EventPartner.objects.create(
        event=events["plain"], role=EventPartner.Role.HOST, organizer=co_host, order=1, may_report=True
    )
    return events


class CardRenders:
    """The subtitles of the cards rendered (not taken from the cache) since the last ``take``
    (Django's Jinja2 backend sends no ``template_rendered``: its templates' render is wrapped)."""

    def __init__(self):
        self.subtitles: list[str] = []

    def record(self, template, context) -> None:
        if template.origin.template_name == CARD_TEMPLATE:
            self.subtitles.append(context["card"].subtitle)

    def take(self) -> list[str]:
        taken, self.subtitles = sorted(self.subtitles), []
        return taken


@pytest.fixture
def card_renders(monkeypatch):
    renders = CardRenders()
    render = jinja2_backend.Template.render

    def recorded(template, context=None, request=None):
        renders.record(template, context)
        return render(template, context, request)

    monkeypatch.setattr(jinja2_backend.Template, "render", recorded)
    return renders


def forget_cards() -> None:
    """No card kept anywhere: not in the shared cache, not in this process's memory."""
    cache.clear()
    forget_local_fragments()


def page(client, url: str = ALL_DAYS):
    """The page rendered now (a new public version: no cached page), cards as the cache has them."""
    bump_public_version()
    response = client.get(url)
    assert response.status_code == 200
    assert response.context is not None, "the page was rendered, not served from the page cache"
    return response


def test_the_page_is_the_same_with_the_cards_cold_warm_and_without_the_cache(client, varied_week):
    with time_machine.travel(NOW, tick=False):
        forget_cards()
        cold = page(client).content
        warm = page(client).content
        with override_settings(CACHES=REDIS_DOWN, CACHE_RETRY_SECONDS=0):
            down = client.get(ALL_DAYS)
        forget_cards()
        english_cold = page(client, "/en" + ALL_DAYS).content
        english_warm = page(client, "/en" + ALL_DAYS).content

    assert down.status_code == 200
    assert warm == cold
    assert down.content == cold
    assert english_warm == english_cold != cold
    html = cold.decode()
    # Every kind of card is there, as it was before the cards were kept.
    assert html.count('<li class="event-card') == len(varied_week)
    assert '<li class="event-card is-cancelled">' in html
    assert html.count('<li class="event-card is-live">') == 4  # the three of the morning and the fair
    assert '<span class="event-days">9月20日—22日</span>' in html
    # Escaped by Jinja2 (MarkupSafe writes a quote as &#34;, Django as &quot;).
    assert '<span class="subtitle">带&#34;引号&#34;&amp;&lt;b&gt;标签&lt;/b&gt;的活动</span>' in html
    assert "主办：" in html and "、昆山市科技局" in html
    assert "广州（外地）" in html and ">线上</span>" in html
    assert f'href="/events/{varied_week["live_hls"].pk}/#relay"' in html
    assert 'href="https://live.example.com/forum" rel="noopener" target="_blank"' in html
    assert f'href="/events/{varied_week["recorded"].pk}/#recording"' in html
    assert f'data-play-id="{varied_week["later_relay"].pk}"' in html
    assert f'href="/en/events/{varied_week["plain"].pk}/"' in english_cold.decode()


def test_a_change_renders_only_the_cards_that_show_it(
    client, varied_week, card_renders, office_user, django_capture_on_commit_callbacks
):
    everything = sorted(event.subtitle for event in varied_week.values())
    with time_machine.travel(NOW, tick=False):
        forget_cards()
        page(client)
        assert card_renders.take() == everything
        page(client)
        assert card_renders.take() == []

        # An event cancelled by the office: its card only, and the page says so.
        with django_capture_on_commit_callbacks(execute=True):
            event_cancel(event=varied_week["changed"], by=office_user, reason="嘉宾行程变化")
        html = page(client).content.decode()
        assert card_renders.take() == ["改期的沙龙"]
        assert html.count('<li class="event-card is-cancelled">') == 2

        # A venue renamed: the cards that name it.
        sub_venue = varied_week["multi_day"].venue
        sub_venue.name = "开发区新会场"
        sub_venue.save()
        html = page(client).content.decode()
        assert card_renders.take() == ["科技成果三日展", "进行中的讲座"]
        assert "开发区新会场" in html

        # Other languages have cards of their own.
        page(client, "/en" + ALL_DAYS)
        assert card_renders.take() == everything
        page(client)
        assert card_renders.take() == []

    # The morning's events end: "live" is part of a card's key, never kept past its time.
    with time_machine.travel(factories.at(DAY2, 12, 30), tick=False):
        html = page(client).content.decode()
        assert card_renders.take() == ["直播的论坛", "自播的论坛", "进行中的讲座"]
        assert html.count('<li class="event-card is-live">') == 1


def test_another_process_takes_the_cards_from_the_shared_cache(client, varied_week, card_renders):
    """A process that has not made the cards (here: this one, its memory emptied) reads them
    from the shared cache instead of rendering them."""
    with time_machine.travel(NOW, tick=False):
        forget_cards()
        made = page(client).content
        assert len(card_renders.take()) == len(varied_week)
        forget_local_fragments()
        assert page(client).content == made
        assert card_renders.take() == []


def test_the_cards_are_rendered_afresh_while_the_cache_is_down(client, varied_week, card_renders):
    with time_machine.travel(NOW, tick=False):
        forget_cards()
        served = page(client).content
        card_renders.take()
        with override_settings(CACHES=REDIS_DOWN, CACHE_RETRY_SECONDS=0):
            # The cards this process made are still in its memory: none is made again.
            held = client.get(ALL_DAYS)
            assert held.content == served and card_renders.take() == []
            forget_local_fragments()
            afresh = client.get(ALL_DAYS)
            assert afresh.content == served
            assert len(card_renders.take()) == len(varied_week)


def queries(client, url: str) -> int:
    bump_public_version()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [ALL_DAYS, reverse("schedule"), reverse("schedule") + "?day=all&q=创新"])
def test_query_counts_do_not_depend_on_the_events_or_the_kept_cards(client, week, url):
    venues = [factories.venue(), factories.venue(kind="sub")]
    factories.many_events(week=week, count=10, venues=venues)
    forget_cards()
    small_cold, small_warm = queries(client, url), queries(client, url)
    factories.many_events(week=week, count=60, venues=venues)
    forget_cards()
    large_cold, large_warm = queries(client, url), queries(client, url)

    assert small_cold == small_warm == large_cold == large_warm


def test_a_cards_key_names_the_very_source_its_template_was_compiled_from(tmp_path, settings):
    """A deploy replaces the card's file under running processes: one that does not reload
    templates keeps rendering the markup it compiled, so its cards' keys must keep naming that
    markup (else the old cards would be stored under the new keys for a day)."""
    source = tmp_path / "public" / "event_card.html"
    source.parent.mkdir()
    source.write_text("<li>{{ card.subtitle }} 一</li>\n")
    django_engine, jinja2_engine = settings.TEMPLATES
    settings.TEMPLATES = [django_engine, {**jinja2_engine, "DIRS": [tmp_path]}]
    card = {"card": SimpleNamespace(subtitle="路演"), "labels": None}

    template, key = card_template()
    assert template.render(card) == "<li>路演 一</li>\n"
    source.write_text("<li>{{ card.subtitle }} 二</li>\n")
    assert card_template() == (template, key)  # no reload: the same markup, the same key

    # Reloading (DEBUG): the new source, and a key of its own.
    options = {**jinja2_engine.get("OPTIONS", {}), "auto_reload": True}
    settings.TEMPLATES = [django_engine, {**jinja2_engine, "DIRS": [tmp_path], "OPTIONS": options}]
    template, reloaded_key = card_template()
    assert template.render(card) == "<li>路演 二</li>\n" and reloaded_key != key
    source.write_text("<li>{{ card.subtitle }} 三</li>\n")
    modified = source.stat().st_mtime + 10
    os.utime(source, (modified, modified))
    template, third_key = card_template()
    assert template.render(card) == "<li>路演 三</li>\n" and third_key not in (key, reloaded_key)
