"""The public pages: only public states, filters and search, badges, event, venue and archive pages."""

import datetime as dt

import pytest
import qrcode
import qrcode.image.svg
import time_machine
from django.core.cache import cache
from django.urls import reverse

from events.models import Event, EventPartner, EventStatusChange, Theme
from tests import factories

pytestmark = pytest.mark.django_db
DAY1 = dt.date(2026, 9, 20)
DAY2 = dt.date(2026, 9, 21)


def titles(response) -> list[str]:
    return [event.subtitle for event in response.context["events"]]


@pytest.fixture
def events(week, main_venue, sub_venue):
    science = factories.organizer(name="昆山市科学技术局")
    labour = factories.organizer(name="昆山市人力资源和社会保障局")
    theme = Theme.objects.create(name="智能制造")
    forum = factories.event(
        week=week,
        host=science,
        venue=main_venue,
        subtitle="2026智能制造高峰论坛",
        form=Event.Form.FORUM,
        place="创酷空间",
        starts_at=factories.at(DAY1, 9),
        ends_at=factories.at(DAY1, 11),
    )
    forum.themes.add(theme)
    contest = factories.event(
        week=week,
        host=labour,
        venue=sub_venue,
        subtitle="青年创业大赛预赛",
        form=Event.Form.CONTEST,
        place="金陵大饭店",
        starts_at=factories.at(DAY1, 14),
        ends_at=factories.at(DAY1, 17),
    )
    roadshow = factories.event(
        week=week,
        host=science,
        venue=sub_venue,
        subtitle="科技项目路演",
        form=Event.Form.ROADSHOW,
        place="科技广场",
        starts_at=factories.at(DAY2, 9),
        ends_at=factories.at(DAY2, 12),
    )
    EventPartner.objects.create(event=roadshow, role=EventPartner.Role.CO_ORGANIZER, name="东创蒲公英孵化器")
    cancelled = factories.event(
        week=week,
        host=labour,
        venue=main_venue,
        subtitle="已取消的讲座",
        starts_at=factories.at(DAY1, 15),
        ends_at=factories.at(DAY1, 16),
        status=Event.Status.CANCELLED,
        cancel_reason="场地改造",
    )
    hidden = [
        factories.event(
            week=week,
            venue=main_venue,
            subtitle=f"不公开 {status}",
            status=status,
            starts_at=factories.at(DAY1, 10),
            ends_at=factories.at(DAY1, 12),
        )
        for status in (Event.Status.DRAFT, Event.Status.SUBMITTED, Event.Status.RETURNED)
    ]
    return {
        "forum": forum,
        "contest": contest,
        "roadshow": roadshow,
        "cancelled": cancelled,
        "hidden": hidden,
        "theme": theme,
    }


def test_schedule_shows_only_approved_and_cancelled_events(client, events):
    response = client.get(reverse("schedule"), {"day": "all"})

    assert response.status_code == 200
    assert titles(response) == ["2026智能制造高峰论坛", "青年创业大赛预赛", "已取消的讲座", "科技项目路演"]
    for event in events["hidden"]:
        assert event.subtitle not in response.content.decode()


def test_an_unpublished_week_shows_nothing(client, events, week):
    week.is_published = False
    week.save()

    assert client.get(reverse("schedule")).status_code == 404
    assert client.get(reverse("event_detail", args=[events["forum"].pk])).status_code == 404
    assert client.get(reverse("api_schedule")).status_code == 404


def test_an_unpublished_current_week_is_not_shown_to_the_public(client, main_venue):
    week = factories.week(
        name="2026年昆山双创周（筹备中）",
        theme="尚未公布的主题",
        unified_title="尚未公布的冠名",
        is_published=False,
    )
    outsider = factories.user()
    pages = [
        reverse("home"),
        reverse("archive"),
        reverse("venues:list"),
        reverse("venues:detail", args=[main_venue.pk]),
    ]

    answers = [client.get(url) for url in pages]
    client.force_login(outsider)
    answers += [client.get(url) for url in pages]

    assert answers[0].context["week"] is None
    for response in answers:
        html = response.content.decode()
        assert response.status_code == 200
        assert week.name not in html and week.theme not in html and week.unified_title not in html


def test_organizers_and_the_office_still_see_the_unpublished_current_week(
    client, organizer, member, office_user
):
    week = factories.week(name="2026年昆山双创周（筹备中）", theme="尚未公布的主题", is_published=False)

    for person in (member, office_user):
        client.force_login(person)
        response = client.get(reverse("home"))
        assert response.context["week"] == week
        assert week.theme in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_event_page_of_a_non_public_event_is_404(client, week, status):
    event = factories.event(week=week, status=status)

    assert client.get(reverse("event_detail", args=[event.pk])).status_code == 404
    assert client.get(reverse("event_ics", args=[event.pk])).status_code == 404


def test_day_tab_shows_that_days_events(client, events):
    response = client.get(reverse("schedule"), {"day": "2026-09-21"})

    assert titles(response) == ["科技项目路演"]
    tabs = response.context["day_tabs"]
    assert [tab["day"] for tab in tabs] == [DAY1, DAY2]
    assert [tab["active"] for tab in tabs] == [False, True]


def test_without_a_day_the_schedule_opens_today_during_the_week(client, events):
    with time_machine.travel(factories.at(DAY2, 8), tick=False):
        response = client.get(reverse("schedule"))

    assert response.context["filters"].day == DAY2
    assert titles(response) == ["科技项目路演"]


def test_before_the_week_the_schedule_opens_on_the_first_day_with_events(client, events):
    with time_machine.travel(factories.at(DAY1 - dt.timedelta(days=10), 8), tick=False):
        response = client.get(reverse("schedule"))

    assert response.context["filters"].day == DAY1


def test_filter_by_main_venue_includes_its_sub_venues(client, events, main_venue, sub_venue):
    main = client.get(reverse("schedule"), {"day": "all", "venue": main_venue.pk})
    sub = client.get(reverse("schedule"), {"day": "all", "venue": sub_venue.pk})

    assert titles(main) == ["2026智能制造高峰论坛", "青年创业大赛预赛", "已取消的讲座", "科技项目路演"]
    assert titles(sub) == ["青年创业大赛预赛", "科技项目路演"]


def test_filter_by_form(client, events):
    response = client.get(reverse("schedule"), {"day": "all", "form": "contest"})

    assert titles(response) == ["青年创业大赛预赛"]


def test_filter_by_theme(client, events):
    response = client.get(reverse("schedule"), {"day": "all", "theme": events["theme"].pk})

    assert titles(response) == ["2026智能制造高峰论坛"]


def test_filters_combine_and_are_kept_in_day_tab_links(client, events, sub_venue):
    response = client.get(
        reverse("schedule"), {"day": "2026-09-20", "venue": sub_venue.pk, "form": "contest"}
    )

    assert titles(response) == ["青年创业大赛预赛"]
    tab_urls = [tab["url"] for tab in response.context["day_tabs"]]
    assert tab_urls[1] == f"?day=2026-09-21&venue={sub_venue.pk}&form=contest"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("智能", ["2026智能制造高峰论坛"]),  # part of the subtitle
        ("制造高峰", ["2026智能制造高峰论坛"]),
        ("人力资源", ["青年创业大赛预赛", "已取消的讲座"]),  # part of the host unit's name
        ("蒲公英", ["科技项目路演"]),  # part of a co-organizer's name
        ("金陵", ["青年创业大赛预赛"]),  # part of the place
        ("科技 路演", ["科技项目路演"]),  # every word must match
        ("不存在的词", []),
    ],
)
def test_search_finds_chinese_partial_words_across_the_week(client, events, q, expected):
    response = client.get(reverse("schedule"), {"q": q})

    assert response.context["filters"].all_days is True
    assert titles(response) == expected


def test_a_search_from_a_day_tab_looks_through_every_day_grouped_by_day(client, events):
    response = client.get(reverse("schedule"), {"q": "科学", "day": "2026-09-20"})

    assert titles(response) == ["2026智能制造高峰论坛", "科技项目路演"]
    assert [(day, [e.subtitle for e in day_events]) for day, day_events in response.context["grouped"]] == [
        (DAY1, ["2026智能制造高峰论坛"]),
        (DAY2, ["科技项目路演"]),
    ]
    # The day tabs leave the search for that day; clearing it goes back to the day it came from.
    assert [tab["url"] for tab in response.context["day_tabs"]] == ["?day=2026-09-20", "?day=2026-09-21"]
    assert response.context["reset_url"] == "?day=2026-09-20"


def test_bad_filter_values_are_ignored(client, events):
    response = client.get(
        reverse("schedule"), {"day": "1999-01-01", "venue": "x", "form": "<b>", "theme": "-3"}
    )

    assert response.status_code == 200
    filters = response.context["filters"]
    assert (filters.venue, filters.form, filters.theme) == (None, "", None)


def test_cancelled_event_is_marked_in_the_schedule_and_on_its_page(client, events):
    cancelled = events["cancelled"]
    schedule = client.get(reverse("schedule"), {"day": "2026-09-20"}).content.decode()
    page = client.get(reverse("event_detail", args=[cancelled.pk])).content.decode()

    assert "已取消" in schedule
    assert "本活动已取消" in page and "场地改造" in page


def test_live_badge_and_link_while_the_event_runs(client, week, main_venue):
    factories.event(
        week=week,
        venue=main_venue,
        subtitle="直播中的论坛",
        live_url="https://live.example.com/1",
        starts_at=factories.at(DAY1, 9),
        ends_at=factories.at(DAY1, 11),
    )

    with time_machine.travel(factories.at(DAY1, 10), tick=False):
        running = client.get(reverse("schedule"), {"day": "2026-09-20"}).content.decode()
    with time_machine.travel(factories.at(DAY1, 12), tick=False):
        cache.clear()  # hours later: the page kept for PAGE_TIMEOUT seconds is long gone
        over = client.get(reverse("schedule"), {"day": "2026-09-20"}).content.decode()

    # With a relay the running event says "直播中" (linking the platform) instead of "进行中";
    # the relay ends with the event, and "回放" needs a recording (tests/public/test_videos.py).
    assert "直播中</a>" in running and 'href="https://live.example.com/1"' in running
    assert "进行中" not in running
    assert "直播中</a>" not in over and "https://live.example.com/1" not in over and "进行中" not in over


def changed_titles(response, key) -> list[str]:
    return [event.subtitle for event in response.context[key] if event.is_changed]


def test_an_accepted_change_gets_the_changed_badge_on_every_public_list(client, week, main_venue):
    from events import services

    moved = factories.event(
        week=week,
        venue=main_venue,
        subtitle="改期的活动",
        place="创酷空间",
        starts_at=factories.at(DAY1, 9),
        ends_at=factories.at(DAY1, 11),
    )
    factories.event(
        week=week,
        venue=main_venue,
        subtitle="照常的活动",
        starts_at=factories.at(DAY1, 13),
        ends_at=factories.at(DAY1, 15),
    )
    services.change_request_accept(
        change_request=factories.change_request(event=moved, place="科技广场"), by=factories.office_user()
    )

    with time_machine.travel(factories.at(DAY1 - dt.timedelta(days=1), 8), tick=False):
        home_the_day_before = client.get(reverse("home"))
    cache.clear()
    with time_machine.travel(factories.at(DAY1, 8), tick=False):
        home = client.get(reverse("home"))
        schedule = client.get(reverse("schedule"), {"day": "2026-09-20"})
        venue = client.get(reverse("venues:detail", args=[main_venue.pk]))
        page = client.get(reverse("event_detail", args=[moved.pk]))

    assert changed_titles(home_the_day_before, "upcoming_events") == ["改期的活动"]
    assert changed_titles(home, "today_events") == ["改期的活动"]
    assert changed_titles(home, "upcoming_events") == []  # listed under today, not again
    assert changed_titles(schedule, "events") == ["改期的活动"]
    assert [e.subtitle for _day, events in venue.context["grouped"] for e in events if e.is_changed] == [
        "改期的活动"
    ]
    assert page.context["event"].is_changed is True
    for response in (home, schedule, venue, page):
        assert "有变更" in response.content.decode()


def test_a_pending_change_or_a_plain_edit_is_not_marked_changed(client, week, main_venue):
    pending = factories.event(week=week, venue=main_venue, subtitle="待审变更的活动")
    factories.change_request(event=pending, place="科技广场")
    edited = factories.event(week=week, venue=main_venue, subtitle="改了简介的活动")
    EventStatusChange.objects.create(
        event=edited,
        from_status="submitted",
        to_status="approved",
        at=factories.at(DAY1, 8) - dt.timedelta(days=30),
    )
    edited.description = "新的简介"
    edited.save()

    response = client.get(reverse("schedule"), {"day": "all"})

    assert [e.is_changed for e in response.context["events"]] == [False, False]
    assert "有变更" not in response.content.decode()


def test_event_page_has_everything_public(client, events):
    forum = events["forum"]
    forum.address = "昆山市前进东路 1 号"
    forum.description = "智能制造论坛简介"
    forum.recording_url = "https://live.example.com/forum"  # the event is over: its replay
    forum.save()

    response = client.get(reverse("event_detail", args=[forum.pk]))
    html = response.content.decode()

    assert response.status_code == 200
    assert forum.full_title.split("——")[1] in html and forum.week.unified_title in html
    assert "昆山市科学技术局" in html and "会议论坛" in html and "智能制造" in html
    assert "智能制造论坛简介" in html and "https://live.example.com/forum" in html
    assert "https://uri.amap.com/search?keyword=" in html
    assert "https://map.baidu.com/search/" in html
    assert reverse("event_ics", args=[forum.pk]) in html
    assert reverse("event_qr", args=[forum.pk]) in html
    assert "联系人" not in html  # contact details are for the office, not the public


def test_qr_code_encodes_the_event_page_url(client, events, settings):
    settings.SITE_URL = "https://scz.example.cn"
    response = client.get(reverse("event_qr", args=[events["forum"].pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    expected = qrcode.make(
        f"https://scz.example.cn/events/{events['forum'].pk}/",
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=10,
        border=2,
    )
    assert response.content == expected.to_string()


def test_home_shows_today_and_venues_main_first(client, events, main_venue, sub_venue):
    with time_machine.travel(factories.at(DAY1, 8), tick=False):
        response = client.get(reverse("home"))

    html = response.content.decode()
    assert [e.subtitle for e in response.context["today_events"]] == [
        "2026智能制造高峰论坛",
        "青年创业大赛预赛",
        "已取消的讲座",
    ]
    assert list(response.context["venues"]) == [main_venue, sub_venue]
    assert reverse("schedule") in html and reverse("archive") in html


def test_home_counts_down_before_and_points_to_archive_after(client, events):
    with time_machine.travel(factories.at(DAY1 - dt.timedelta(days=3), 8), tick=False):
        before = client.get(reverse("home")).content.decode()
    with time_machine.travel(factories.at(dt.date(2026, 10, 5), 8), tick=False):
        cache.clear()  # weeks later: the page kept for PAGE_TIMEOUT seconds is long gone
        after = client.get(reverse("home")).content.decode()

    assert "距开幕还有 3 天" in before
    assert "本届活动周已结束" in after and reverse("archive") in after


def test_pages_render_in_english(client, events):
    response = client.get("/en/schedule/", {"day": "all"})

    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    assert '<html lang="en">' in response.content.decode()


def test_archive_lists_past_weeks_with_counts(client, db):
    past = factories.week(
        name="2025年双创周", is_current=False, starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 9, 7)
    )
    unpublished = factories.week(
        name="未发布的一届",
        is_current=False,
        is_published=False,
        starts_on=dt.date(2024, 9, 1),
        ends_on=dt.date(2024, 9, 7),
    )
    current = factories.week(name="本届")
    event = factories.event(
        week=past, starts_at=factories.at(past.starts_on, 9), ends_at=factories.at(past.starts_on, 10)
    )
    factories.event(
        week=past,
        status="draft",
        starts_at=factories.at(past.starts_on, 9),
        ends_at=factories.at(past.starts_on, 10),
    )
    factories.public_media(event=event)
    factories.public_media(event=event, name="hidden.jpg", is_public=False)

    with time_machine.travel(factories.at(dt.date(2026, 9, 22), 8), tick=False):
        response = client.get(reverse("archive"))

    weeks = response.context["weeks"]
    assert weeks == [past]
    assert (weeks[0].event_count, weeks[0].media_count) == (1, 1)
    assert unpublished.name not in response.content.decode() and current.name not in response.content.decode()


def test_archive_holds_only_weeks_that_have_ended_in_their_own_zone(client, db):
    ended = factories.week(
        name="2025年双创周", is_current=False, starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 9, 7)
    )
    still_running_there = factories.week(
        name="洛杉矶的一届",
        is_current=False,
        time_zone="America/Los_Angeles",
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2025, 9, 7),
    )
    future = factories.week(
        name="下一届", is_current=False, starts_on=dt.date(2026, 9, 20), ends_on=dt.date(2026, 9, 26)
    )

    # 08:00 on 8 September in Shanghai is still the 7th in Los Angeles.
    with time_machine.travel(factories.at(dt.date(2025, 9, 8), 8), tick=False):
        response = client.get(reverse("archive"))

    assert response.context["weeks"] == [ended]
    html = response.content.decode()
    assert still_running_there.name not in html and future.name not in html


def test_archive_week_shows_schedule_and_public_media(client, db):
    past = factories.week(
        name="2025年双创周", is_current=False, starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 9, 7)
    )
    event = factories.event(
        week=past,
        subtitle="往届论坛",
        starts_at=factories.at(past.starts_on, 9),
        ends_at=factories.at(past.starts_on, 10),
    )
    shown = factories.public_media(event=event)
    hidden = factories.public_media(event=event, name="hidden.jpg", is_public=False)
    failed = factories.public_media(event=event, name="failed.jpg", status="failed", is_public=False)

    response = client.get(reverse("archive_week", args=[past.pk]))
    html = response.content.decode()

    assert "往届论坛" in html
    assert response.context["media"] == [shown]
    assert reverse("public_media", args=[hidden.pk]) not in html
    assert reverse("public_media", args=[failed.pk]) not in html


def test_archive_week_of_unpublished_week_is_404(client, db):
    week = factories.week(is_current=False, is_published=False)

    assert client.get(reverse("archive_week", args=[week.pk])).status_code == 404
