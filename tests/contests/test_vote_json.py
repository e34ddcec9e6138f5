"""Casting a vote as the vote page's script does (``Accept: application/json``): the outcome
in the status and body, and the fixed, small number of queries of a vote (the burst
benchmark's request, benchmarks/contests_votes.py)."""

import datetime as dt
import json

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from contests import services
from contests.models import RoundEntry, Vote
from contests.views import voting as views
from tests.contests import factories as contest_factories
from tests.contests.test_voting import NOON, cast, code_of

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def vote_round(contest):
    round_ = contest_factories.round_(
        contest=contest,
        vote_opens_at=NOON - dt.timedelta(days=1),
        vote_closes_at=NOON + dt.timedelta(days=1),
    )
    enterprise, team = contest.tracks.all()
    entries = [
        contest_factories.entry(contest=contest, track=enterprise if n < 2 else team) for n in range(4)
    ]
    contest_factories.lineup(round_, entries)
    return round_, entries


def cast_json(client, round_, entry):
    return client.post(reverse("contest:vote_cast", args=[round_.pk, entry.pk]), **JSON)


def proven_client(phone: str) -> Client:
    """A browser as the verification leaves it: a device cookie and today's signed proof."""
    request = RequestFactory().get("/")
    response = HttpResponse()
    views.set_device_cookie(request, response)
    proof = {"v": services.voter_hash(phone), "p": "phone", "d": NOON.date().isoformat()}
    views.set_voter_pass(request, response, proof)
    client = Client()
    for name, morsel in response.cookies.items():
        client.cookies[name] = morsel.value
    return client


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_the_page_script_reads_each_outcome_as_json(
    vote_round, sms_outbox, django_capture_on_commit_callbacks
):
    round_, entries = vote_round
    client = Client()
    client.get(reverse("contest:vote", args=[round_.pk]))

    response = cast_json(client, round_, entries[0])
    assert response.status_code == 401
    assert response.json() == {
        "accepted": False,
        "code": "verify",
        "verify_url": reverse("contest:vote_verify", args=[round_.pk]),
    }
    verify_url = reverse("contest:vote_verify", args=[round_.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(verify_url, {"step": "address", "address": "13912345678"})
    response = client.post(verify_url, {"step": "code", "code": code_of(sms_outbox)})
    assert response.status_code == 302 and Vote.objects.filter(entry=entries[0]).count() == 1

    response = cast_json(client, round_, entries[2])
    assert response.status_code == 200
    assert response.json() == {
        "accepted": True,
        "entry": entries[2].pk,
        "track": entries[2].track_id,
        "message": f"投票成功：{entries[2].name}。",
    }
    response = cast_json(client, round_, entries[3])
    assert response.status_code == 409 and response.json()["code"] == "again"
    assert "今天已在“团队组”投过票" in response.json()["message"]
    assert Vote.objects.count() == 2

    client.cookies.pop(views.DEVICE_COOKIE)
    response = cast_json(client, round_, entries[1])
    assert response.status_code == 400 and response.json()["code"] == "cookies"

    with time_machine.travel(round_.vote_closes_at, tick=False):
        response = cast_json(proven_client("13900000000"), round_, entries[1])
    assert response.status_code == 403 and response.json()["code"] == "closed"
    # A form post (no JSON asked for) is still answered with the page and a message.
    assert cast(Client(), round_, entries[1]).status_code == 302


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_a_limit_answers_429_with_json(vote_round, settings):
    round_, entries = vote_round
    settings.RATE_LIMITS = {"contest-vote-address": (1, 3600)}
    assert cast_json(proven_client("13900000001"), round_, entries[0]).status_code == 200
    response = cast_json(proven_client("13900000002"), round_, entries[0])
    assert response.status_code == 429 and response.json()["code"] == "limit"
    assert int(response["Retry-After"]) > 0


def test_a_candidate_of_another_round_is_a_404(vote_round, contest):
    round_, entries = vote_round
    other = contest_factories.entry(contest=contest)
    assert cast_json(Client(), round_, other).status_code == 404


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOON, tick=False)
def test_a_vote_costs_two_queries(contest, django_assert_num_queries):
    """Pinned, as in production (no transaction around the request): the candidate with its
    round and group in one SELECT, then the INSERT that the unique constraint judges. The
    session the verification left is not read, nor the user; the limits are in the cache."""
    round_ = contest_factories.round_(
        contest=contest, vote_opens_at=NOON - dt.timedelta(days=1), vote_closes_at=NOON + dt.timedelta(days=1)
    )
    entries = [contest_factories.entry(contest=contest, track=track) for track in contest.tracks.all()]
    contest_factories.lineup(round_, entries)
    client = proven_client("13912345678")
    session = SessionStore()
    session.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    with django_assert_num_queries(2):
        response = cast_json(client, round_, entries[0])
    assert response.status_code == 200
    with django_assert_num_queries(2):
        response = cast_json(client, round_, entries[0])
    assert response.status_code == 409
    assert list(Vote.objects.values_list("entry", flat=True)) == [entries[0].pk]
    assert RoundEntry.objects.filter(round=round_).count() == 2
    assert json.loads(response.content)["code"] == "again"
