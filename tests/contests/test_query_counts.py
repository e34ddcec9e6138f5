"""Every list page of the contests runs the same number of queries at 3 and at 30 entries:
the organizer's entries (with each filter), a round, the live ranking, the vote monitor, a
juror's lineup and sheet, the public vote, the applicant's home, the export."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contests import services
from contests.models import Entry
from tests.contests import factories as contest_factories

pytestmark = pytest.mark.django_db
# The organizer's list of entries, whatever their number (tests/contests/test_bulk_screening.py
# holds it at 1,000).
ENTRIES_LIST_QUERIES = 12


def count_queries(client, url: str, **params) -> int:
    cache.clear()  # the public vote's totals are kept a few seconds: measure them counted
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def test_pages_do_not_grow_with_the_number_of_entries(contest, organizer_member):
    now = timezone.now()
    round_ = contest_factories.round_(
        contest=contest,
        vote_opens_at=now - timezone.timedelta(days=1),
        vote_closes_at=now + timezone.timedelta(days=1),
    )
    contest_factories.criteria(round_)
    jurors = [contest_factories.juror(round_=round_) for _ in range(5)]
    track = contest.tracks.first()

    def add(count):
        entries = contest_factories.many_entries(contest=contest, count=count)
        contest_factories.lineup(round_, entries)
        for entry in entries:
            for juror in jurors[:3]:
                contest_factories.scores(
                    juror, entry, {"技术创新": 20, "市场前景": 20, "团队": 10, "路演表现": 15}
                )
            contest_factories.vote(round_, entry, voter=f"v{entry.pk}", ip="10.0.0.1", device="d")
        Entry.objects.filter(pk=entries[0].pk).update(
            status=Entry.Status.INELIGIBLE, screening_reason="材料不全"
        )
        return entries

    first = add(3)[0]
    organizer, juror_client, public = Client(), Client(), Client()
    organizer.force_login(organizer_member)
    juror_client.get(reverse("jury:enter", args=[services.juror_link_token(jurors[0])]))
    applicant = Client()
    applicant.force_login(first.applicant)
    entries_url = reverse("contests:entries", args=[contest.pk])
    pages = [
        (organizer, entries_url, {}),
        (organizer, entries_url, {"status": "eligible", "track": track.pk}),
        (organizer, entries_url, {"round": round_.pk, "q": "无人机"}),
        (organizer, reverse("contests:contest", args=[contest.pk]), {}),
        (organizer, reverse("contests:round", args=[round_.pk]), {}),
        (organizer, reverse("contests:ranking", args=[round_.pk]), {}),
        (organizer, reverse("contests:votes", args=[round_.pk]), {}),
        (organizer, reverse("contests:home"), {}),
        (juror_client, reverse("jury:lineup", args=[jurors[0].pk]), {}),
        (juror_client, reverse("jury:sheet", args=[jurors[0].pk, first.pk]), {}),
        (public, reverse("contest:vote", args=[round_.pk]), {}),
        (public, reverse("contest:list"), {}),
        (public, reverse("contest:detail", args=[contest.slug]), {}),
        (applicant, reverse("contests:home"), {}),
        (applicant, reverse("contest:entry", args=[first.pk]), {}),
    ]
    public.get(reverse("contest:vote", args=[round_.pk]))  # the device cookie is set from now on
    small = {(url, str(params)): count_queries(client, url, **params) for client, url, params in pages}

    add(27)
    large = {(url, str(params)): count_queries(client, url, **params) for client, url, params in pages}

    assert large == small
    assert max(small.values()) <= 20, small


def test_the_entries_list_runs_a_fixed_number_of_queries(
    client, contest, organizer_member, django_assert_num_queries
):
    """Pinned: the session, the user, their groups and units, the contests of their units, the
    contest, the count, the page, the filters' tracks and rounds (the navigation's too), and
    the layout's current week and unread notices."""
    contest_factories.round_(contest=contest)
    contest_factories.many_entries(contest=contest, count=30)
    client.force_login(organizer_member)
    url = reverse("contests:entries", args=[contest.pk])
    client.get(url)
    with django_assert_num_queries(ENTRIES_LIST_QUERIES):
        client.get(url, {"status": "submitted", "q": "无人机"})
