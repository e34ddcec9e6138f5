"""A new web process asks itself for the busiest public pages before its first visitor
(shuangchuang.warm_up, called by gunicorn's post_worker_init): through the whole application,
past the page cache, keeping nothing there; the week's rows are then held."""

from __future__ import annotations

import gc

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from core.public_cache import NO_EVENT, bump_public_version
from events.models import Event
from public import week_snapshot
from shuangchuang.warm_up import WARM_UP_PATHS, warm_up
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def warming():
    """``warm_up`` of the WSGI application a server loads. As Django's test client does, the
    requests leave the test's database connection open (a server's would close an old one);
    ``warm_up`` freezes what the process holds, as a served process should, not the tests'."""

    def warm():
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
        try:
            return warm_up(WSGIHandler())
        finally:
            for signal in (request_started, request_finished):
                signal.connect(close_old_connections)

    yield warm
    gc.unfreeze()


def test_the_warm_up_renders_the_busiest_pages_past_the_page_cache_and_keeps_none(
    client, week, settings, warming
):
    settings.SITE_URL = "http://testserver"  # the warm-up asks as the site's visitors do
    factories.event(week=week, status=Event.Status.APPROVED, subtitle="预热的活动")
    for path in WARM_UP_PATHS:
        assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert client.get("/schedule/").status_code == 200
    assert not cached.captured_queries  # a page kept in the cache costs a visitor no query
    week_snapshot.forget()

    assert warming() == [(path, 200) for path in WARM_UP_PATHS]
    assert gc.get_freeze_count() > 0  # what the pages loaded is out of the collector's walks

    # The views ran although their pages were kept: the week's rows are held again.
    assert week.pk in week_snapshot._held
    bump_public_version(events=NO_EVENT)
    warming()
    response = client.get("/schedule/")
    assert "预热的活动" in response.content.decode()
    # Rendered for the visitor, from the rows the warm-up read (not from the page cache).
    assert response.templates, "the warm-up kept its page in the cache"


def test_a_site_behind_https_is_warmed_as_nginx_forwards_it(week, settings, warming):
    settings.SITE_URL = "https://sc.example.cn"
    settings.ALLOWED_HOSTS = ["sc.example.cn"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    assert warming() == [(path, 200) for path in WARM_UP_PATHS]  # not the redirect to https
