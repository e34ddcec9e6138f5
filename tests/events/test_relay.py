"""An event's live relay (``live_url``: a platform's page or an HLS stream) and recording
(``recording_url``): the organizer's form, the spreadsheet import, the office's review of
public-face changes, and the migration that keeps old "直播或回放链接" values meaning the same."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from events import importing
from events.models import Event, EventChangeRequest, is_hls_url
from tests import factories
from tests.events.test_importing import row, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(week, organizer, member):
    return factories.complete_event(week=week, host=organizer, reporter=member, status=Event.Status.APPROVED)


@pytest.mark.parametrize(
    ("url", "hls"),
    [
        ("https://live.example.cn/stream/index.m3u8", True),
        ("https://live.example.cn/stream/INDEX.M3U8?token=1", True),
        ("https://live.example.cn/room/12", False),
        ("https://live.example.cn/m3u8/room", False),
        ("", False),
    ],
)
def test_an_hls_relay_is_a_url_whose_path_ends_in_m3u8(url, hls):
    assert is_hls_url(url) is hls


def test_the_organizer_sets_a_platform_link_and_a_recording_link(client, week, organizer, member):
    week.review_public_changes = False
    week.save()
    event = factories.complete_event(week=week, host=organizer, reporter=member)
    client.force_login(member)

    response = client.post(
        reverse("organizer:event_edit", args=[event.pk]),
        factories.event_edit_data(
            event, live_url="https://live.example.cn/room/12", recording_url="https://v.example.cn/replay/12"
        ),
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.live_url, event.recording_url, event.relay_is_hls) == (
        "https://live.example.cn/room/12",
        "https://v.example.cn/replay/12",
        False,
    )


def test_an_hls_stream_from_an_unknown_server_is_refused_with_a_chinese_reason(
    client, week, organizer, member, settings
):
    settings.LIVE_RELAY_ORIGINS = ["https://live.city.example.cn"]
    event = factories.complete_event(week=week, host=organizer, reporter=member)
    client.force_login(member)

    refused = client.post(
        reverse("organizer:event_edit", args=[event.pk]),
        factories.event_edit_data(event, live_url="https://elsewhere.example.com/a/index.m3u8"),
    )
    accepted = client.post(
        reverse("organizer:event_edit", args=[event.pk]),
        factories.event_edit_data(event, live_url="https://live.city.example.cn/a/index.m3u8"),
    )

    assert refused.status_code == 200
    message = refused.context["form"].errors["live_url"][0]
    assert "HLS 直播流" in message and "https://live.city.example.cn" in message
    assert accepted.status_code == 302
    event.refresh_from_db()
    assert event.live_url == "https://live.city.example.cn/a/index.m3u8" and event.relay_is_hls


def test_a_new_recording_link_of_an_approved_event_waits_for_the_office(client, approved, member, reviewer):
    client.force_login(member)

    client.post(
        reverse("organizer:event_edit", args=[approved.pk]),
        factories.event_edit_data(approved, recording_url="https://v.example.cn/replay/new"),
    )

    approved.refresh_from_db()
    assert approved.recording_url == ""
    change = EventChangeRequest.objects.get(event=approved, status="pending")
    assert change.proposed["recording_url"] == "https://v.example.cn/replay/new"
    client.force_login(reviewer)
    assert "回放链接" in client.get(reverse("review_events:queue")).content.decode()

    client.post(reverse("review_events:change_accept", args=[change.pk]), {"comment": ""})

    approved.refresh_from_db()
    assert approved.recording_url == "https://v.example.cn/replay/new"


@pytest.fixture
def plan(week):
    factories.organizer(name="昆山市人社局")
    factories.organizer(name="昆山市总工会")
    factories.venue(name="科技广场分会场")
    factories.theme(name="创业就业")
    return week


def test_the_import_reads_the_recording_column_and_old_live_or_replay_links(reviewer, plan, settings):
    content = workbook(
        row(副标题="有回放列", 直播或回放链接="https://live.example.cn/1", 回放链接="https://v.example.cn/1"),
        row(副标题="旧表格的链接", 直播或回放链接="https://live.example.cn/2"),
        row(副标题="直播流", 直播或回放链接=f"{settings.SITE_URL}/live/3.m3u8"),
    )

    result = importing.import_events(content=content, week=plan, by=reviewer)

    assert result.created == 3
    links = {e.subtitle: (e.live_url, e.recording_url) for e in Event.objects.all()}
    assert links["有回放列"] == ("https://live.example.cn/1", "https://v.example.cn/1")
    # "直播或回放链接" alone: the link is the replay too, as the pages showed it before.
    assert links["旧表格的链接"] == ("https://live.example.cn/2", "https://live.example.cn/2")
    # An HLS stream ends with the relay: no replay.
    assert links["直播流"][1] == ""


def test_the_import_refuses_a_bad_recording_link_and_a_foreign_hls_stream(reviewer, plan):
    content = workbook(
        row(副标题="坏回放", 回放链接="ftp://v.example.cn/1"),
        row(副标题="外来直播流", 直播或回放链接="https://elsewhere.example.com/x.m3u8"),
    )

    preview = importing.preview(content=content, week=plan)

    errors = [error for line in preview.rows for error in line.errors]
    assert "回放链接须以 http:// 或 https:// 开头。" in errors
    assert any("HLS 直播流" in error for error in errors)


def test_the_migration_keeps_old_live_or_replay_links_as_recordings(week):
    link = factories.event(week=week, live_url="https://live.example.cn/old")
    stream = factories.event(week=week, live_url="https://live.example.cn/old.m3u8")
    kept = factories.event(
        week=week, live_url="https://live.example.cn/a", recording_url="https://v.example.cn/b"
    )
    migration = importlib.import_module("events.migrations.0015_relay_and_recording")

    migration.live_url_serves_as_recording(apps, None)

    recordings = dict(Event.objects.values_list("pk", "recording_url"))
    assert recordings == {
        link.pk: "https://live.example.cn/old",
        stream.pk: "",
        kept.pk: "https://v.example.cn/b",
    }
