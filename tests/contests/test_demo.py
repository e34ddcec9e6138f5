"""The demo contest loads on the demo week, twice without change, with what the issue asks
for: two tracks, 20 registrations, a jury of 5, a public vote of 12 candidates."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from contests.demo import SLUG, load_demo_contest
from contests.models import Contest, Entry, Juror, Round, RoundEntry, Score, Vote
from contests.selectors.ranking import round_ranking
from events.demo import load_demo_week

pytestmark = pytest.mark.django_db


def test_the_demo_contest_loads_twice_to_the_same_state(capsys):
    load_demo_week()
    call_command("load_demo_contest")
    counts = (Entry.objects.count(), Score.objects.count(), Vote.objects.count(), RoundEntry.objects.count())
    load_demo_contest()
    assert (
        Entry.objects.count(),
        Score.objects.count(),
        Vote.objects.count(),
        RoundEntry.objects.count(),
    ) == counts

    contest = Contest.objects.get(slug=SLUG)
    assert list(contest.tracks.values_list("name", flat=True)) == ["企业组", "团队组"]
    assert contest.entries.count() == 20 and contest.event.host.name == "昆山市人社局"
    preliminary, final = contest.rounds.order_by("number")
    assert Juror.objects.filter(round=preliminary).count() == 5
    assert final.lineup.count() == 12 and final.vote_is_open()
    ranked = round_ranking(round_=preliminary)
    assert ranked.submitted_count == 4 and ranked.entrants[0].row.rank == 1
    assert "jury/enter/" in capsys.readouterr().out

    client = Client()
    assert client.get(reverse("contest:detail", args=[SLUG])).status_code == 200
    page = client.get(reverse("contest:vote", args=[final.pk])).content.decode()
    assert page.count("/cast/") == 12
    assert Round.objects.filter(contest=contest).count() == 2
