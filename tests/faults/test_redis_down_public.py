"""The shared cache fails while the public browses and the office approves: every page still
answers from the database, the approval is saved, and no stale page survives the outage.

The Redis is a private redis-server started by this test on a free port, never the machine's.
"""

from __future__ import annotations

import time

import pytest
import redis
from django.test import override_settings
from django.urls import reverse

from core.public_cache import bump_public_version, resync_public_version
from events.models import Event
from tests import factories
from tests.faults.processes import PrivateRedis

pytestmark = [pytest.mark.services, pytest.mark.django_db]
PUBLIC_URLS = ("home", "schedule", "schedule_ics", "api_schedule", "venues:list")


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    cache_settings = {
        "default": {
            "BACKEND": "shuangchuang.redis_cache.PortalRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_timeout": 0.3, "socket_connect_timeout": 0.3},
        }
    }
    try:
        # The process leaves a failed cache alone for this long before asking again.
        with override_settings(CACHES=cache_settings, CACHE_RETRY_SECONDS=0.5):
            yield server
    finally:
        server.stop()


@pytest.fixture
def published(week):
    week.is_published = True
    week.save()
    unit = factories.organizer()
    day = week.starts_on
    shown = factories.event(
        week=week,
        host=unit,
        subtitle="已发布的论坛",
        status="approved",
        starts_at=factories.at(day, 9),
        ends_at=factories.at(day, 11),
    )
    waiting = factories.complete_event(
        week=week,
        host=unit,
        status="submitted",
        subtitle="等待审核的路演",
        starts_at=factories.at(day, 14),
        ends_at=factories.at(day, 16),
    )
    return shown, waiting


def _pause(server: PrivateRedis, seconds: float) -> None:
    """Redis keeps its data but answers nobody for a while: a network partition, a stalled host."""
    redis.Redis.from_url(server.url).execute_command("CLIENT", "PAUSE", int(seconds * 1000), "ALL")


def _schedule(client) -> str:
    return client.get(reverse("schedule") + "?day=all").content.decode()


def test_public_pages_answer_from_the_database_with_redis_stopped(client, private_redis, published):
    shown, _waiting = published
    assert "已发布的论坛" in _schedule(client)  # the cache is warm
    private_redis.stop()

    for name in PUBLIC_URLS:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    page = client.get(reverse("event_detail", args=[shown.pk]))
    assert page.status_code == 200 and "已发布的论坛" in page.content.decode()


def test_an_approval_during_an_outage_is_saved_and_public_when_redis_answers_again(
    client, private_redis, published, django_capture_on_commit_callbacks
):
    _shown, waiting = published
    assert "等待审核的路演" not in _schedule(client)  # cached without it
    office = factories.office_user()
    client.force_login(office)

    _pause(private_redis, 2.0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("review_events:approve", args=[waiting.pk]), {"comment": "同意"}, follow=True
        )
    assert response.status_code == 200
    assert Event.objects.get(pk=waiting.pk).status == "approved"

    time.sleep(2.6)  # Redis answers again, with every key it had: the old version included
    client.logout()
    assert resync_public_version() is True  # beat's minute task: the cache missed a counted bump
    assert resync_public_version() is False
    assert "等待审核的路演" in _schedule(client)


def test_the_process_that_saw_the_outage_starts_a_new_version_itself(client, private_redis, published):
    _shown, waiting = published
    assert "等待审核的路演" not in _schedule(client)

    _pause(private_redis, 1.0)
    waiting.status = "approved"
    waiting.save()
    assert bump_public_version() is None  # the cache did not answer; the bump is counted
    time.sleep(1.6)  # Redis answers again, with the old version

    assert "等待审核的路演" in _schedule(client)
