"""Screening many entries at once: one update, the applicants' e-mails written to the outbox
in one bulk write and sent by a worker after commit (never from the request), their in-site
notices in one insert; the same few queries for 200 entries as for a handful. The list of
1,000 registrations keeps its pinned queries with a filter."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contests.models import Entry
from core.models import OutboxMessage
from events.models import Notice, User
from tests.contests import factories as contest_factories
from tests.contests.test_query_counts import ENTRIES_LIST_QUERIES

pytestmark = pytest.mark.django_db


def bulk_entries(contest, count: int, *, status=Entry.Status.SUBMITTED) -> list[Entry]:
    """``count`` entries of new applicants in two inserts (no plan files: screening reads none)."""
    start = Entry.objects.filter(contest=contest).count()
    users = User.objects.bulk_create(
        User(username=f"bulk-{contest.pk}-{n}", full_name=f"报名人{n}", email=f"bulk{n}@example.com")
        for n in range(start, start + count)
    )
    tracks = list(contest.tracks.all())
    now = timezone.now()
    Entry.objects.bulk_create(
        Entry(
            contest=contest,
            track=tracks[n % len(tracks)],
            applicant=user,
            number=start + n + 1,
            name=f"智能农业无人机 {start + n}",
            organization=f"昆山某某科技有限公司 {start + n}",
            contact_name="张三",
            contact_phone="13800000000",
            contact_email=f"team{start + n}@example.com",
            status=status,
            submitted_at=now,
        )
        for n, user in enumerate(users)
    )
    return list(Entry.objects.filter(contest=contest, applicant__in=users).order_by("number"))


def statements(captured) -> list[str]:
    """Each query's start, a savepoint's name left out."""
    return [re.sub(r'"s\d+_x\d+"', "", query["sql"])[:60] for query in captured.captured_queries]


def screen(client, contest, entries, **data):
    return client.post(
        reverse("contests:entries", args=[contest.pk]),
        {"entries": [entry.pk for entry in entries], "query": "", **data},
    )


def test_screening_200_entries_writes_the_mails_in_one_go_and_a_worker_sends_them(
    client, contest, organizer_member, django_capture_on_commit_callbacks
):
    client.force_login(organizer_member)
    few = bulk_entries(contest, 5)
    with CaptureQueriesContext(connection) as small:
        screen(client, contest, few, action="ineligible", reason="材料不全")
    entries = bulk_entries(contest, 200)

    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        with CaptureQueriesContext(connection) as large:
            response = screen(client, contest, entries, action="ineligible", reason="不属于本市注册企业")

    assert response.status_code == 302
    # The same queries for 200 entries as for 5: the session, the user and their units, the
    # contest, the form's entries, the lock, one update, the outbox's insert and read, the
    # notices' insert. (SQLite takes a bulk insert in batches of its 999 parameters:
    # only there an insert of 200 rows is several statements.)
    assert len(small) <= 16, statements(small)
    if connection.vendor == "sqlite":
        assert [sql for sql in statements(large) if not sql.startswith("INSERT")] == [
            sql for sql in statements(small) if not sql.startswith("INSERT")
        ]
        assert len(large) <= len(small) + 6, statements(large)
    else:
        assert len(large) == len(small), statements(large)
    assert Entry.objects.filter(contest=contest, status=Entry.Status.INELIGIBLE).count() == 205
    assert mail.outbox == []  # nothing was sent from the request
    assert (
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, key__startswith="contest-entry:"
        ).count()
        == 205
    )
    assert Notice.objects.filter(recipient__in=[entry.applicant_id for entry in entries]).count() == 200

    for callback in after_commit:  # the worker (eager in the tests) sends each message once
        callback()
    assert len(mail.outbox) == 200
    assert {message.to[0] for message in mail.outbox} == {f"bulk{n}@example.com" for n in range(5, 205)}
    assert "不属于本市注册企业" in mail.outbox[0].body


def test_screening_again_the_same_way_changes_and_tells_nothing(client, contest, organizer_member):
    client.force_login(organizer_member)
    entries = bulk_entries(contest, 3)
    screen(client, contest, entries, action="ineligible", reason="材料不全")
    sent = OutboxMessage.objects.count()

    screen(client, contest, entries, action="ineligible", reason="材料不全")
    assert OutboxMessage.objects.count() == sent

    screen(
        client, contest, entries[:1], action="ineligible", reason="不属于本市注册企业"
    )  # a new reason is news
    assert OutboxMessage.objects.count() == sent + 1
    assert Entry.objects.get(pk=entries[0].pk).screening_reason == "不属于本市注册企业"


def test_the_list_of_1000_registrations_keeps_its_pinned_queries(
    client, contest, organizer_member, django_assert_num_queries
):
    contest_factories.round_(contest=contest)
    bulk_entries(contest, 1000)
    client.force_login(organizer_member)
    url = reverse("contests:entries", args=[contest.pk])
    client.get(url)

    with django_assert_num_queries(ENTRIES_LIST_QUERIES):
        response = client.get(url, {"status": "submitted", "q": "无人机"})
    assert response.status_code == 200
