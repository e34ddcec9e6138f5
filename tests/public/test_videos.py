"""云活动 and 云视频: "直播中" while an event with a relay runs, "回放" once it is over with a
recording (a link, or a public report video playing its web version), the /videos/ page with
its filters and archive, the play beacon (no cookie, limited per address) and the office's
"在线观看 N 人次"."""

import datetime as dt
import io
import itertools
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document

from core import view_counts
from core.models import ViewCount
from events.models import Event
from tests import factories
from tests.core.test_ratelimit_redis import redis_cache  # noqa: F401 - the fixture
from tests.exhibits import factories as exhibit_factories
from tests.public.test_media import with_web_versions

pytestmark = pytest.mark.django_db
DAY1 = dt.date(2026, 9, 20)
DAY2 = dt.date(2026, 9, 21)
_names = itertools.count(1)


def page(client, name: str, *args, at: dt.datetime, **params) -> str:
    cache.clear()
    with time_machine.travel(at, tick=False):
        response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


def element(html: str, marker: str) -> str:
    """The opening tag that carries ``marker`` (an id or a class)."""
    match = re.search(r"<(?:a|section|span)\b[^>]*" + re.escape(marker) + r"[^>]*>", html)
    assert match, marker
    return match.group(0)


def video(event: Event, *, is_public: bool = True, duration: float = 60.0, caption: str = ""):
    media = factories.public_media(
        event=event,
        kind="video",
        content=b"\x00\x00\x00\x18ftypmp42 original",
        name=f"clip{next(_names)}.mp4",
        is_public=is_public,
    )
    media.duration = duration
    media.caption = caption or media.caption
    media.save(update_fields=["duration", "caption"])
    return with_web_versions(media)


@pytest.fixture
def hls_event(week, main_venue, settings):
    return factories.event(
        week=week,
        venue=main_venue,
        subtitle="创新论坛",
        live_url=f"{settings.SITE_URL}/live/forum/index.m3u8",
        starts_at=factories.at(DAY1, 9),
        ends_at=factories.at(DAY1, 11),
    )


# --- States --------------------------------------------------------------------------------


def test_an_hls_relay_is_live_only_during_the_event_and_plays_in_the_page(client, hls_event):
    running = page(client, "schedule", at=factories.at(DAY1, 10), day="2026-09-20")
    event_page = page(client, "event_detail", hls_event.pk, at=factories.at(DAY1, 10))
    before = page(client, "schedule", at=factories.at(DAY1, 8), day="2026-09-20")
    after = page(client, "schedule", at=factories.at(DAY1, 12), day="2026-09-20")
    after_page = page(client, "event_detail", hls_event.pk, at=factories.at(DAY1, 12))

    badge = element(running, "badge-live-link")
    assert "hidden" not in badge and f'href="/events/{hls_event.pk}/#relay"' in badge
    assert "直播中</a>" in running
    relay = element(event_page, 'id="relay"')
    assert "hidden" not in relay and "data-count-on-show" in relay
    assert f'data-hls="{hls_event.live_url}"' in event_page and "vendor/hls.js/hls.light.min.js" in event_page
    # Before the start the badge is in the page, hidden, with the moments player.js shows it
    # between: a copy cached at 08:59 turns live at 09:00 in the browser.
    waiting = element(before, "badge-live-link")
    assert "hidden" in waiting
    assert (
        'data-from="2026-09-20T09:00:00+08:00"' in waiting
        and 'data-until="2026-09-20T11:00:00+08:00"' in waiting
    )
    # After the end with no recording: nothing.
    assert "badge-live-link" not in after and "badge-replay" not in after
    assert 'id="relay"' not in after_page and 'id="recording"' not in after_page


def test_a_platform_link_opens_in_a_new_tab(client, week, main_venue):
    factories.event(
        week=week,
        venue=main_venue,
        live_url="https://live.example.cn/room/1",
        starts_at=factories.at(DAY1, 9),
        ends_at=factories.at(DAY1, 11),
    )

    running = page(client, "schedule", at=factories.at(DAY1, 10), day="2026-09-20")

    badge = element(running, "badge-live-link")
    assert 'href="https://live.example.cn/room/1"' in badge and 'target="_blank"' in badge
    assert 'data-play-kind="event"' in badge


def test_a_recording_link_shows_replay_after_the_end(client, hls_event):
    hls_event.recording_url = "https://v.example.cn/replay/1"
    hls_event.save()

    during = page(client, "schedule", at=factories.at(DAY1, 10), day="2026-09-20")
    after = page(client, "schedule", at=factories.at(DAY1, 12), day="2026-09-20")
    after_page = page(client, "event_detail", hls_event.pk, at=factories.at(DAY1, 12))

    assert "hidden" in element(during, "badge-replay")  # shown by player.js at 11:00
    replay = element(after, "badge-replay")
    assert "hidden" not in replay and f'href="/events/{hls_event.pk}/#recording"' in replay
    assert ">回放</a>" in after
    assert "hidden" not in element(after_page, 'id="recording"')
    assert 'href="https://v.example.cn/replay/1"' in after_page


def test_a_public_report_video_is_the_recording_and_plays_its_web_version(client, hls_event):
    short = video(hls_event, duration=20)
    recording = video(hls_event, duration=3600, caption="全程回放")
    private = video(hls_event, is_public=False, duration=7200)

    after = page(client, "schedule", at=factories.at(DAY1, 12), day="2026-09-20")
    html = page(client, "event_detail", hls_event.pk, at=factories.at(DAY1, 12))

    assert "hidden" not in element(after, "badge-replay")
    section = html[html.index('id="recording"') : html.index("</section>", html.index('id="recording"'))]
    played = reverse("public_media", args=[recording.pk])
    # The longest public video, its web versions (360p on narrow screens), never the original.
    assert f'{played}?v=360" type="video/mp4" media="(max-width: 640px)"' in section
    assert f'{played}?v=720"' in section and 'preload="metadata"' in section
    assert f'data-play-kind="media" data-play-id="{recording.pk}"' in section
    assert recording.file.name not in html and recording.file.url not in html
    assert str(private.pk) not in re.findall(r"public/(\d+)/", html)
    # The gallery keeps the other public video, not the recording a second time.
    assert html.count(f"{played}?v=720") == 1 and reverse("public_media", args=[short.pk]) in html


def test_a_video_without_web_versions_is_no_recording(client, hls_event):
    factories.public_media(event=hls_event, kind="video", name="clip.mp4")

    after = page(client, "schedule", at=factories.at(DAY1, 12), day="2026-09-20")

    assert "badge-replay" not in after


def test_a_cancelled_event_shows_neither(client, hls_event):
    Event.objects.filter(pk=hls_event.pk).update(
        status=Event.Status.CANCELLED, cancel_reason="改期", recording_url="https://v.example.cn/1"
    )

    running = page(client, "schedule", at=factories.at(DAY1, 10), day="2026-09-20")
    after = page(client, "schedule", at=factories.at(DAY1, 12), day="2026-09-20")

    assert "badge-live-link" not in running and "badge-replay" not in after


# --- The 云视频 page --------------------------------------------------------------------------


@pytest.fixture
def library(week, main_venue, sub_venue):
    forum = factories.event(
        week=week,
        venue=main_venue,
        subtitle="论坛甲",
        form=Event.Form.FORUM,
        starts_at=factories.at(DAY1, 9),
        ends_at=factories.at(DAY1, 11),
    )
    roadshow = factories.event(
        week=week,
        venue=sub_venue,
        subtitle="路演乙",
        form=Event.Form.ROADSHOW,
        recording_url="https://v.example.cn/replay/roadshow",
        starts_at=factories.at(DAY2, 9),
        ends_at=factories.at(DAY2, 11),
    )
    hall = exhibit_factories.exhibition(week=week)
    project = exhibit_factories.project(exhibition=hall, title="云展项目丙")
    return {
        "forum": forum,
        "roadshow": roadshow,
        "forum_video": video(forum, caption="论坛精彩片段"),
        "hidden_video": video(forum, is_public=False, caption="未公开片段"),
        "project_video": exhibit_factories.video(project=project),
        "project": project,
    }


def test_the_videos_page_lists_the_weeks_public_videos_and_recordings(client, library):
    html = page(client, "videos", at=factories.at(DAY2, 12))

    assert "论坛精彩片段" in html and "路演乙" in html and "云展项目丙" in html
    assert "未公开片段" not in html
    assert 'href="https://v.example.cn/replay/roadshow"' in html
    media = library["forum_video"]
    assert (
        f'{reverse("public_media", args=[media.pk])}?v=360" type="video/mp4" media="(max-width: 640px)"'
        in html
    )
    assert media.file.name not in html
    project, project_video = library["project"], library["project_video"]
    assert reverse("expo:video", args=[project.pk, project_video.pk]) + "?v=720" in html
    assert project_video.file.name not in html
    assert 'preload="metadata"' in html and "poster=" in html
    assert f'href="{reverse("videos")}"' in html  # the site navigation


def test_the_videos_page_filters_by_day_form_and_venue(client, library, sub_venue):
    by_day = page(client, "videos", at=factories.at(DAY2, 12), day="2026-09-20")
    by_form = page(client, "videos", at=factories.at(DAY2, 12), form="roadshow")
    by_venue = page(client, "videos", at=factories.at(DAY2, 12), venue=str(sub_venue.pk))

    assert "论坛精彩片段" in by_day and "路演乙" not in by_day and "云展项目丙" not in by_day
    assert "路演乙" in by_form and "论坛精彩片段" not in by_form
    assert "路演乙" in by_venue and "论坛精彩片段" not in by_venue


def test_an_empty_videos_page_says_why_in_both_languages(client, week, main_venue):
    """Before any video is public the page says they come once approved; with a filter, that
    none matches it."""
    factories.event(
        week=week, venue=main_venue, starts_at=factories.at(DAY1, 9), ends_at=factories.at(DAY1, 11)
    )
    at = factories.at(DAY1, 12)

    assert "本届活动周还没有公开的视频" in page(client, "videos", at=at)  # every day, by default
    assert "这一天还没有公开的视频" in page(client, "videos", at=at, day=DAY1.isoformat())
    assert "没有符合条件的视频" in page(client, "videos", at=at, form="roadshow")
    with translation.override("en"):
        english = reverse("videos")
    with time_machine.travel(at, tick=False):
        assert "No videos for this week yet" in client.get(english, {"day": "all"}).content.decode()


def test_a_past_week_has_its_videos_in_the_archive(client, library, week):
    past = factories.week(starts_on=dt.date(2025, 9, 20), ends_on=dt.date(2025, 9, 26), is_current=False)
    old = factories.event(
        week=past,
        subtitle="去年的论坛",
        recording_url="https://v.example.cn/replay/2025",
        starts_at=factories.at(dt.date(2025, 9, 21), 9),
        ends_at=factories.at(dt.date(2025, 9, 21), 11),
    )

    current = page(client, "videos", at=factories.at(DAY2, 12))
    archive = page(client, "videos_week", past.pk, at=factories.at(DAY2, 12))

    assert f'href="{reverse("videos_week", args=[past.pk])}"' in current and "去年的论坛" not in current
    assert "去年的论坛" in archive and "论坛精彩片段" not in archive
    assert f'href="{reverse("videos_week", args=[week.pk])}"' in archive
    assert old.recording_url in archive


def test_the_videos_page_costs_the_same_queries_for_few_and_many_videos(client, library, week):
    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("videos")).status_code == 200
        return len(captured)

    few = queries()
    for number in range(6):
        event = factories.event(week=week, recording_url=f"https://v.example.cn/{number}")
        video(event)
    many = queries()

    assert few == many


# --- Plays ----------------------------------------------------------------------------------


def play(client, kind: str, object_id: int, address: str = "203.0.113.9", origin: str = "http://testserver"):
    return client.post(
        reverse("video_play"), {"kind": kind, "id": object_id}, REMOTE_ADDR=address, HTTP_ORIGIN=origin
    )


def test_a_play_is_counted_without_cookies_for_public_things_only(library):
    client = Client(enforce_csrf_checks=True)  # a beacon carries no token and needs none
    media, forum = library["forum_video"], library["forum"]

    responses = [
        play(client, "media", media.pk),
        play(client, "event", library["roadshow"].pk),
        play(client, "project", library["project_video"].pk),
        play(client, "media", library["hidden_video"].pk),  # not public: not counted
        play(client, "event", forum.pk),  # no relay, no recording link, but a public video
        play(client, "event", 999999),
    ]

    assert [response.status_code for response in responses] == [204] * 6
    assert all(not response.cookies for response in responses)
    week_id = forum.week_id
    assert view_counts.totals_by_object(week_id=week_id) == {
        ("media", media.pk): 1,
        ("event", library["roadshow"].pk): 1,
        ("project", library["project_video"].pk): 1,
        ("event", forum.pk): 1,
    }
    assert set(ViewCount._meta.get_fields()) and not any(
        field.name in ("address", "ip", "user", "session") for field in ViewCount._meta.get_fields()
    )


def test_a_malformed_beacon_is_400_and_a_get_is_405(client):
    origin = {"HTTP_ORIGIN": "http://testserver"}
    assert client.post(reverse("video_play"), {"kind": "secret", "id": 1}, **origin).status_code == 400
    assert client.post(reverse("video_play"), {"kind": "media", "id": "x"}, **origin).status_code == 400
    assert client.get(reverse("video_play")).status_code == 405


def test_a_play_from_another_site_or_without_origin_is_refused(client, library):
    media = library["forum_video"]

    foreign = play(client, "media", media.pk, origin="https://evil.example.com")
    bare = client.post(reverse("video_play"), {"kind": "media", "id": media.pk})

    assert (foreign.status_code, bare.status_code) == (403, 403)
    assert not ViewCount.objects.exists()


@pytest.fixture(params=["locmem", "redis"])
def limits_cache(request):
    """The limits in the test cache, and in the real Redis (``tests.core.test_ratelimit_redis``)."""
    if request.param == "redis":
        request.applymarker(pytest.mark.services)
        request.getfixturevalue("redis_cache")


def test_a_loop_from_one_address_counts_five_plays_an_hour(client, library, limits_cache):
    media = library["forum_video"]

    for _ in range(20):
        play(client, "media", media.pk)
    play(client, "media", media.pk, address="198.51.100.7")

    assert view_counts.object_total(week_id=media.report.event.week_id, kind="media", object_id=media.pk) == 6


# --- The office's summary -------------------------------------------------------------------


def test_the_week_summary_says_how_many_watched_online(client, library, office_user, week):
    for kind, object_id in [("media", library["forum_video"].pk)] * 2 + [("event", library["roadshow"].pk)]:
        view_counts.record_view(week_id=week.pk, kind=kind, object_id=object_id, day=DAY2)
    client.force_login(office_user)

    html = client.get(reverse("board:summary")).content.decode()
    document = Document(io.BytesIO(client.get(reverse("board:summary_docx")).content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )

    assert "在线观看 3 人次" in html and "在线观看 3 人次" in text
    assert "论坛甲 · 论坛精彩片段" in html and "路演乙" in html
    assert "论坛甲 · 论坛精彩片段" in text


def test_a_public_votes_pitch_videos_are_listed_with_their_contests_event(client, week, main_venue):
    from tests.contests import factories as contest_factories

    event = factories.event(week=week, venue=main_venue, subtitle="青年创业大赛决赛", form=Event.Form.CONTEST)
    contest = contest_factories.contest(event=event)
    voting = contest_factories.round_(
        contest=contest, vote_opens_at=factories.at(DAY1, 9), vote_closes_at=factories.at(DAY2, 9)
    )
    shown, unplayable = contest_factories.entry(contest=contest), contest_factories.entry(contest=contest)
    for item in (shown, unplayable):
        item.video.save("pitch.mp4", contest_factories.mp4_upload())
    contest_factories.web_versions(shown)
    contest_factories.lineup(voting, [shown, unplayable])
    closed = contest_factories.contest(event=event, is_published=False)
    hidden = contest_factories.entry(contest=closed, name="未公开大赛项目")
    hidden.video.save("pitch.mp4", contest_factories.mp4_upload())
    contest_factories.web_versions(hidden)
    contest_factories.lineup(
        contest_factories.round_(contest=closed, vote_opens_at=factories.at(DAY1, 9)), [hidden]
    )

    html = page(client, "videos", at=factories.at(DAY2, 12))
    by_form = page(client, "videos", at=factories.at(DAY2, 12), form="forum")

    played = reverse("contest:candidate_video", args=[voting.pk, shown.pk])
    assert f'{played}?v=360" type="video/mp4" media="(max-width: 640px)"' in html
    assert shown.name in html and unplayable.name not in html and "未公开大赛项目" not in html
    assert shown.video.name not in html
    assert shown.name not in by_form
    assert play(client, "entry", shown.pk).status_code == 204
    assert play(client, "entry", hidden.pk).status_code == 204
    assert view_counts.totals_by_object(week_id=week.pk) == {("entry", shown.pk): 1}


def test_a_counted_play_costs_two_queries(client, library, django_assert_num_queries):
    """Whether the object is public (and its week), then the count itself; the limits live in
    the cache."""
    media = library["forum_video"]

    with django_assert_num_queries(2):
        assert play(client, "media", media.pk).status_code == 204
    with django_assert_num_queries(1):  # not public: looked up, not counted
        assert play(client, "media", library["hidden_video"].pk).status_code == 204


# --- Feeds ----------------------------------------------------------------------------------


def test_the_feeds_keep_live_url_meaning_the_relay_else_the_recording(client, week):
    relay = factories.event(
        week=week,
        subtitle="有直播",
        live_url="https://live.example.cn/1",
        recording_url="https://v.example.cn/1",
        starts_at=factories.at(DAY1, 9),
        ends_at=factories.at(DAY1, 11),
    )
    factories.event(
        week=week,
        subtitle="只有回放",
        recording_url="https://v.example.cn/2",
        starts_at=factories.at(DAY2, 9),
        ends_at=factories.at(DAY2, 11),
    )

    api = {e["subtitle"]: e["live_url"] for e in client.get(reverse("api_schedule")).json()["events"]}
    days = client.get(reverse("schedule_frab_json")).json()["schedule"]["conference"]["days"]
    links = {e["title"]: e["links"] for day in days for room in day["rooms"].values() for e in room}
    ics = client.get(reverse("event_ics", args=[relay.pk])).content.decode().replace("\r\n ", "")

    assert api == {"有直播": "https://live.example.cn/1", "只有回放": "https://v.example.cn/2"}
    assert [link["url"] for link in links["有直播"]] == [
        "https://live.example.cn/1",
        "https://v.example.cn/1",
    ]
    assert [link["url"] for link in links["只有回放"]] == ["https://v.example.cn/2"]
    assert "https://live.example.cn/1" in ics and "https://v.example.cn/1" in ics
