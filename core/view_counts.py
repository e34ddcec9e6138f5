"""Counts of plays (a video started, a live relay's page opened) per object and day, for the
office's figures ("在线观看 N 人次"). Knows no domain: a caller names its ``kind`` ("event",
"media", "project", "entry") and the object's id and week.

Nothing about the viewer is stored: no cookie, no address, no user; one row per
(week, kind, object, day) holds a number (``core.models.ViewCount``). A play is one statement:
``INSERT … ON CONFLICT (…) DO UPDATE SET count = count + 1`` on PostgreSQL and SQLite alike,
so concurrent plays are all counted and the first play of a day creates the row. The callers
(``public.views.videos.ViewBeaconView``) limit plays per address with ``core.ratelimit``
before they count, so a loop cannot inflate the numbers much.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Sum

from .models import ViewCount


def record_view(*, week_id: int, kind: str, object_id: int, day: dt.date) -> None:
    """Count one play of ``kind`` ``object_id`` (of week ``week_id``) on ``day``.

    Side effects: the day's row, created at 1 or raised by 1 in one atomic statement."""
    table = connection.ops.quote_name(ViewCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (week_id, kind, object_id, day, count) VALUES (%s, %s, %s, %s, 1) "  # noqa: S608
            "ON CONFLICT (week_id, kind, object_id, day) DO UPDATE SET count = "
            f"{table}.count + 1",
            [week_id, kind, object_id, day],
        )


def week_total(week_id: int) -> int:
    """Every play counted for the week, of any kind, on any day."""
    return ViewCount.objects.filter(week_id=week_id).aggregate(total=Sum("count"))["total"] or 0


def totals_by_object(*, week_id: int, kinds: Iterable[str] | None = None) -> dict[tuple[str, int], int]:
    """The week's plays per (kind, object id), over all days, in one query."""
    rows = ViewCount.objects.filter(week_id=week_id)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    totals = rows.values("kind", "object_id").annotate(total=Sum("count")).order_by()
    return {(row["kind"], row["object_id"]): row["total"] for row in totals}


def totals_by_day(*, week_id: int) -> dict[dt.date, int]:
    """The week's plays per day, over all kinds and objects, in one query."""
    totals = (
        ViewCount.objects.filter(week_id=week_id).values("day").annotate(total=Sum("count")).order_by("day")
    )
    return {row["day"]: row["total"] for row in totals}


def object_total(*, week_id: int, kind: str, object_id: int) -> int:
    """One object's plays over all days."""
    rows = ViewCount.objects.filter(week_id=week_id, kind=kind, object_id=object_id)
    return rows.aggregate(total=Sum("count"))["total"] or 0


def week_counts(week_id: int) -> list[tuple[str, int, dt.date, int]]:
    """Every row of the week as (kind, object id, day, count), in one query: what a summary
    totals by object and by day without asking twice."""
    rows = ViewCount.objects.filter(week_id=week_id).order_by("day", "kind", "object_id")
    return list(rows.values_list("kind", "object_id", "day", "count"))
