"""core.view_counts: one row per (week, kind, object, day), raised in one statement, so
concurrent plays are all counted; totals by week, by object and by day."""

import datetime as dt
import threading

import pytest
from django.db import connection

from core import view_counts
from core.models import ViewCount

DAY = dt.date(2026, 9, 20)


@pytest.mark.django_db
def test_plays_are_counted_per_object_and_day_and_totalled():
    for _ in range(3):
        view_counts.record_view(week_id=1, kind="event", object_id=7, day=DAY)
    view_counts.record_view(week_id=1, kind="event", object_id=7, day=DAY + dt.timedelta(days=1))
    view_counts.record_view(week_id=1, kind="media", object_id=7, day=DAY)
    view_counts.record_view(week_id=2, kind="event", object_id=7, day=DAY)

    assert ViewCount.objects.get(week_id=1, kind="event", object_id=7, day=DAY).count == 3
    assert ViewCount.objects.count() == 4
    assert view_counts.week_total(1) == 5
    assert view_counts.week_total(2) == 1
    assert view_counts.week_total(3) == 0
    assert view_counts.totals_by_object(week_id=1) == {("event", 7): 4, ("media", 7): 1}
    assert view_counts.totals_by_object(week_id=1, kinds=["media"]) == {("media", 7): 1}
    assert view_counts.totals_by_day(week_id=1) == {DAY: 4, DAY + dt.timedelta(days=1): 1}
    assert view_counts.object_total(week_id=1, kind="event", object_id=7) == 4


@pytest.mark.django_db
def test_a_play_is_one_statement(django_assert_num_queries):
    view_counts.record_view(week_id=1, kind="event", object_id=1, day=DAY)

    with django_assert_num_queries(1):
        view_counts.record_view(week_id=1, kind="event", object_id=1, day=DAY)
    with django_assert_num_queries(1):
        view_counts.week_total(1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_plays_of_a_new_day_are_all_counted():
    """Eight threads at once, each playing 10 times an object nobody played that day yet: the
    first INSERT wins, the others raise the same row; none is lost."""
    start = threading.Barrier(8)
    errors: list[Exception] = []

    def play():
        try:
            start.wait()
            for _ in range(10):
                view_counts.record_view(week_id=9, kind="media", object_id=3, day=DAY)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=play) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert ViewCount.objects.get(week_id=9, kind="media", object_id=3, day=DAY).count == 80
