"""Syncing a sub-venue's portal: its events stored read-only, unchanged answers cost no
writes, failures keep the last good copy, hostile answers change nothing."""

from __future__ import annotations

import gzip
import json
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event
from federation import services, tasks
from federation.models import RemoteEvent, Source

pytestmark = pytest.mark.django_db

API = "/api/schedule.json"


def _source(portal, city="苏州", name="苏州市双创周") -> Source:
    return Source.objects.create(name=name, city=city, base_url=portal.url)


def _count(api: bytes) -> int:
    return len(json.loads(api)["events"])


def _public_demo_events():
    return Event.objects.public().filter(week__is_current=True)


def test_subscribe_and_sync_stores_the_sources_events(stub_portal, recorded_api):
    stub_portal.serve(API, body=recorded_api, etag='"v1"', headers={"Content-Type": "application/json"})
    source = _source(stub_portal)

    tasks.sync_all_task.delay()  # beat's entry: one task per enabled source (eager here)

    source.refresh_from_db()
    local = {event.pk: event for event in _public_demo_events()}
    stored = {event.remote_id: event for event in RemoteEvent.objects.filter(source=source)}
    assert set(stored) == set(local) and len(stored) == _count(recorded_api) == 7
    some = stored[min(local)]
    assert some.title == local[some.remote_id].full_title
    assert some.subtitle == local[some.remote_id].subtitle
    assert some.url == f"https://kunshan.example.cn/events/{some.remote_id}/"
    assert some.starts_at == local[some.remote_id].starts_at
    assert source.etag == '"v1"' and source.api_version == "1.0" and source.event_count == 7
    assert source.last_success_at is not None and source.last_error == ""


def test_an_unchanged_etag_writes_only_the_sources_times(stub_portal, recorded_api):
    stub_portal.serve(API, body=recorded_api, etag='"v1"')
    source = _source(stub_portal)
    services.source_sync(source_id=source.pk)
    before = list(RemoteEvent.objects.order_by("pk").values())
    first_success = Source.objects.get(pk=source.pk).last_success_at

    with CaptureQueriesContext(connection) as queries:
        outcome = services.source_sync(source_id=source.pk)

    assert outcome.status == "not_modified"
    assert stub_portal.requests[-1][1]["If-None-Match"] == '"v1"'
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert statements == ["SELECT", "UPDATE"]  # the source; its last_attempt/last_success/last_error
    assert "last_success_at" in queries.captured_queries[1]["sql"]
    assert list(RemoteEvent.objects.order_by("pk").values()) == before
    assert Source.objects.get(pk=source.pk).last_success_at > first_success


def test_a_new_etag_with_the_same_events_writes_no_event(
    stub_portal, recorded_api, django_assert_num_queries
):
    stub_portal.serve(API, body=recorded_api, etag='"v1"')
    source = _source(stub_portal)
    services.source_sync(source_id=source.pk)
    stub_portal.serve(API, body=recorded_api, etag='"v2"')

    # SELECT source, SAVEPOINT, SELECT digests, UPDATE source, RELEASE: no event written.
    with django_assert_num_queries(5):
        outcome = services.source_sync(source_id=source.pk)

    assert outcome.status == "unchanged" and outcome.written == 0


def test_an_event_removed_at_the_source_disappears(stub_portal, recorded_api):
    stub_portal.serve(API, body=recorded_api, etag='"v1"')
    source = _source(stub_portal)
    services.source_sync(source_id=source.pk)
    data = json.loads(recorded_api)
    removed = data["events"].pop(0)
    data["events"][0]["subtitle"] = "改过的名称"
    stub_portal.serve(API, body=json.dumps(data).encode(), etag='"v2"')

    outcome = services.source_sync(source_id=source.pk)

    assert outcome.status == "changed" and outcome.deleted == 1 and outcome.written == 1
    assert not RemoteEvent.objects.filter(remote_id=removed["id"]).exists()
    assert RemoteEvent.objects.get(remote_id=data["events"][0]["id"]).subtitle == "改过的名称"
    assert RemoteEvent.objects.count() == _count(recorded_api) - 1


def test_a_failing_source_keeps_its_events_and_shows_its_last_success(stub_portal, recorded_api, client):
    stub_portal.serve(API, body=recorded_api, etag='"v1"')
    source = _source(stub_portal)
    services.source_sync(source_id=source.pk)
    succeeded = Source.objects.get(pk=source.pk).last_success_at
    stub_portal.serve(API, status=500, body=b"Internal Server Error")

    outcome = services.source_sync(source_id=source.pk)

    source.refresh_from_db()
    assert outcome.status == "failed"
    assert RemoteEvent.objects.filter(source=source).count() == _count(recorded_api)
    assert source.last_success_at == succeeded and source.last_attempt_at > succeeded
    assert "HTTP 500" in source.last_error and source.etag == '"v1"'
    page = client.get(reverse("subvenues")).content.decode()
    assert "读取失败，显示上次数据" in page and "更新于" in page
    schedule = client.get(reverse("schedule"), {"subvenues": "all", "day": "all"}).content.decode()
    assert schedule.count("is-remote") == _count(recorded_api)


def test_one_source_failing_does_not_stop_the_others(stub_portal, recorded_api):
    stub_portal.serve(API, body=recorded_api)
    good = _source(stub_portal)
    broken = Source.objects.create(
        name="坏的", city="无锡", base_url="http://127.0.0.1:9/"
    )  # nothing listens

    tasks.sync_all_task.delay()

    assert RemoteEvent.objects.filter(source=good).count() == _count(recorded_api)
    broken.refresh_from_db()
    assert "连接失败" in broken.last_error and broken.last_success_at is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: data["events"][0].update(id="7"), "id 不是正整数"),
        (lambda data: data["events"][1].update(title=12345), "title 不是文本"),
        (lambda data: data["events"][2].update(starts_at="tomorrow"), "ISO 8601"),
        (lambda data: data["events"][3].update(themes="not a list"), "themes"),
        (lambda data: data["events"].append(dict(data["events"][0])), "id 重复"),
        (lambda data: data["events"][0].update(title="长" * 600), "超过 500"),
        (lambda data: data.update(events={"a": 1}), "events"),
        (lambda data: data.update(api_version="2.0"), "接口版本 2.0"),
    ],
)
def test_a_malformed_answer_is_refused_whole_and_logged(stub_portal, recorded_api, caplog, change, message):
    stub_portal.serve(API, body=recorded_api, etag='"v1"')
    source = _source(stub_portal)
    services.source_sync(source_id=source.pk)
    before = list(RemoteEvent.objects.order_by("pk").values())
    data = json.loads(recorded_api)
    change(data)
    stub_portal.serve(API, body=json.dumps(data).encode(), etag='"bad"')

    with caplog.at_level(logging.WARNING, logger="federation.services"):
        outcome = services.source_sync(source_id=source.pk)

    source.refresh_from_db()
    assert outcome.status == "failed" and message in source.last_error
    assert list(RemoteEvent.objects.order_by("pk").values()) == before
    assert source.etag == '"v1"'  # the refused answer's ETag is not kept: it is read again next time
    assert any(message in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("body", [b"<html>not json</html>", b"[1, 2, 3]", b"[" * 100_000, b"\xff\xfe"])
def test_a_body_that_is_no_schedule_is_refused(stub_portal, body):
    stub_portal.serve(API, body=body)
    source = _source(stub_portal)

    assert services.source_sync(source_id=source.pk).status == "failed"

    source.refresh_from_db()
    assert source.last_error and source.last_success_at is None and not RemoteEvent.objects.exists()


def test_script_in_titles_is_stored_as_text_and_shown_escaped(stub_portal, recorded_api, client):
    data = json.loads(recorded_api)
    event = data["events"][0]
    event["subtitle"] = '<script>alert("x")</script>路演\x00\u2028'
    event["url"] = "javascript:alert(1)"
    event["live_url"] = "data:text/html,<script>alert(1)</script>"
    stub_portal.serve(API, body=json.dumps(data).encode())
    source = _source(stub_portal)

    services.source_sync(source_id=source.pk)

    stored = RemoteEvent.objects.get(remote_id=event["id"])
    assert stored.subtitle == '<script>alert("x")</script>路演'  # control characters gone
    assert stored.url == "" and stored.live_url == ""  # not http(s): dropped
    page = client.get(reverse("schedule"), {"subvenues": "all", "day": "all"}).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;路演" in page
    assert '<script>alert("x")' not in page and "javascript:" not in page
    assert f'href="{stub_portal.url}/"' in page  # no page of its own: the portal's home


def test_a_50_mb_body_announced_is_refused_before_reading(stub_portal):
    stub_portal.serve(
        API, body=lambda: iter([b" " * 1024] * (50 * 1024)), headers={"Content-Length": str(50 * 1024 * 1024)}
    )
    source = _source(stub_portal)

    assert services.source_sync(source_id=source.pk).status == "failed"

    source.refresh_from_db()
    assert "内容过大" in source.last_error
    assert stub_portal.bytes_sent < 50 * 1024 * 1024


def test_a_50_mb_body_without_a_length_is_cut_at_the_cap(stub_portal, settings):
    settings.FEDERATION_MAX_BYTES = 1024 * 1024
    stub_portal.serve(API, body=lambda: iter([b" " * 65536] * 800))  # 50 MB, streamed
    source = _source(stub_portal)

    assert services.source_sync(source_id=source.pk).status == "failed"

    source.refresh_from_db()
    assert "内容过大" in source.last_error
    assert stub_portal.bytes_sent < 50 * 1024 * 1024


def test_a_gzip_bomb_is_refused_at_the_cap(stub_portal, settings):
    settings.FEDERATION_MAX_BYTES = 1024 * 1024
    bomb = gzip.compress(b" " * (50 * 1024 * 1024))  # 50 MB in about 50 KB
    stub_portal.serve(API, body=bomb, headers={"Content-Encoding": "gzip"})
    source = _source(stub_portal)

    assert services.source_sync(source_id=source.pk).status == "failed"

    source.refresh_from_db()
    assert "内容过大" in source.last_error


def test_a_gzipped_answer_is_read(stub_portal, recorded_api):
    stub_portal.serve(API, body=gzip.compress(recorded_api), headers={"Content-Encoding": "gzip"})
    source = _source(stub_portal)

    assert services.source_sync(source_id=source.pk).status == "changed"
    assert RemoteEvent.objects.count() == _count(recorded_api)


def test_an_older_source_without_a_version_is_read_with_fields_absent(stub_portal, recorded_api, client):
    data = json.loads(recorded_api)
    del data["api_version"], data["forms"], data["venues"]
    for event in data["events"]:
        for name in ("url", "live_url", "host", "where", "themes", "updated_at", "subtitle"):
            event.pop(name, None)
    stub_portal.serve(API, body=json.dumps(data).encode())
    source = _source(stub_portal)

    assert services.source_sync(source_id=source.pk).status == "changed"

    source.refresh_from_db()
    assert source.api_version == "" and RemoteEvent.objects.count() == _count(recorded_api)
    event = RemoteEvent.objects.first()
    assert event.url == "" and event.host == "" and event.form_name == "" and event.name == event.title
    page = client.get(reverse("schedule"), {"subvenues": "all", "day": "all"}).content.decode()
    assert (
        page.count("is-remote") == _count(recorded_api) and "主办：" not in page.split("subvenues-heading")[1]
    )


def test_a_redirect_is_not_followed(stub_portal):
    stub_portal.serve(API, status=302, headers={"Location": "http://169.254.169.254/"})
    source = _source(stub_portal)

    assert services.source_sync(source_id=source.pk).status == "failed"
    source.refresh_from_db()
    assert "HTTP 302" in source.last_error
