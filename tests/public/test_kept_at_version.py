"""What every public page reads alike (the current week, the sub-venues' cities) is kept in the
process at the public version (core.public_cache.kept_at_version): a page of a version the
process has rendered reads neither again, a bump or half a minute makes them read again, and a
save in this process shows on the next page without a bump."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import public_cache
from core.public_cache import NO_EVENT, bump_public_version
from federation.models import Source
from tests import factories

pytestmark = pytest.mark.django_db

SCHEDULE = reverse("schedule")


def queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


@pytest.fixture
def schedule(client, week):
    factories.many_events(week=week, count=5)
    Source.objects.create(name="苏州市双创周", city="苏州", base_url="https://sz.example.cn")
    assert client.get(SCHEDULE).status_code == 200  # the rows, the week and the cities read
    return client


def test_a_page_of_a_version_already_rendered_reads_nothing(schedule):
    # Another page than the one kept in the page cache: rendered from what the process keeps.
    assert queries(schedule, f"{SCHEDULE}?day=all") == []
    html = schedule.get(f"{SCHEDULE}?day=all&form=forum").content.decode()
    assert "苏州" in html  # the 分会场 choice, from the kept cities


def test_a_bump_or_half_a_minute_has_them_read_again(schedule):
    bump_public_version(events=NO_EVENT)  # the rows stay; the week and the cities are read
    read = queries(schedule, f"{SCHEDULE}?day=all")
    assert len(read) == 2 and "events_week" in read[0] and "federation_source" in read[1]

    for key, (version, made_at, value) in list(public_cache._kept_at_version.items()):
        public_cache._kept_at_version[key] = (version, made_at - public_cache.KEPT_MAX_AGE - 1, value)
    assert len(queries(schedule, f"{SCHEDULE}?day=all&form=forum")) == 2


def test_a_save_in_this_process_shows_without_a_bump(schedule, week):
    Source.objects.create(name="无锡市双创周", city="无锡", base_url="https://wx.example.cn")
    assert "无锡" in schedule.get(f"{SCHEDULE}?day=all").content.decode()

    week.is_published = False
    week.save()
    assert schedule.get(f"{SCHEDULE}?form=forum").status_code == 404


def test_outside_a_public_page_nothing_is_kept(schedule, week):
    assert public_cache.kept_at_version("test:answer", lambda: 42) == 42
    assert "test:answer" not in public_cache._kept_at_version
