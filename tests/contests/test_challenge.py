"""The challenge after suspicious rates: an arithmetic question drawn by Pillow (no external
service), its answer signed and expiring, each token good once; required for the next code
request once an address or device voted or asked for codes faster than people do."""

import base64
import datetime as dt
import io
import re

import pytest
import time_machine
from django.core import signing
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from PIL import Image

from contests import challenge
from contests.models import Vote
from contests.views import voting as views
from tests.contests import factories as contest_factories

NOON = dt.datetime(2026, 10, 12, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def answer_of(made: challenge.Challenge) -> int:
    """The tests hold the secret key: find the answer the token was signed for."""
    data = signing.loads(made.token, salt=challenge.SALT)
    return next(n for n in range(100) if challenge._answer_hash(data["n"], n) == data["h"])


def test_a_challenge_is_an_image_with_the_question_in_words():
    made = challenge.challenge_new()
    header, _, payload = made.image.partition(",")
    assert header == "data:image/png;base64"
    image = Image.open(io.BytesIO(base64.b64decode(payload)))
    assert image.format == "PNG" and image.size == (made.width, made.height)
    first, word, second = re.fullmatch(r"请计算：(.+?)(加|减)(.+?)等于几？", made.question).groups()
    numbers = {challenge.chinese_number(n): n for n in range(30)}
    expected = numbers[first] + numbers[second] if word == "加" else numbers[first] - numbers[second]
    assert answer_of(made) == expected >= 0
    assert set(signing.loads(made.token, salt=challenge.SALT)) == {"n", "h"}  # the answer is never sent


@pytest.mark.parametrize(
    "value,words", [(0, "零"), (7, "七"), (10, "十"), (12, "十二"), (20, "二十"), (29, "二十九")]
)
def test_numbers_are_said_as_people_say_them(value, words):
    assert challenge.chinese_number(value) == words


def test_the_right_answer_passes_once_and_a_wrong_one_uses_the_token_up():
    made = challenge.challenge_new()
    right = answer_of(made)
    assert challenge.challenge_passed(made.token, f" {right} ")
    assert not challenge.challenge_passed(made.token, str(right))  # single use

    other = challenge.challenge_new()
    assert not challenge.challenge_passed(other.token, str(answer_of(other) + 1))
    assert not challenge.challenge_passed(other.token, str(answer_of(other)))  # the guess used it up

    wide = challenge.challenge_new()  # full-width digits from a Chinese keyboard
    assert challenge.challenge_passed(
        wide.token, str(answer_of(wide)).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    )


def test_an_old_or_forged_token_fails():
    with time_machine.travel(NOON, tick=False):
        made = challenge.challenge_new()
    with time_machine.travel(NOON + dt.timedelta(seconds=challenge.VALID_FOR_SECONDS + 1), tick=False):
        assert not challenge.challenge_passed(made.token, str(answer_of(made)))
    forged = signing.dumps({"n": "x", "h": challenge._answer_hash("x", 3)}, salt="another salt")
    assert not challenge.challenge_passed(forged, "3")
    assert not challenge.challenge_passed("", "3") and not challenge.challenge_passed(made.token, "abc")


@pytest.fixture
def vote_round(contest):
    round_ = contest_factories.round_(
        contest=contest, vote_opens_at=NOON - dt.timedelta(days=1), vote_closes_at=NOON + dt.timedelta(days=1)
    )
    entries = [contest_factories.entry(contest=contest, track=track) for track in contest.tracks.all()]
    contest_factories.lineup(round_, entries)
    return round_, entries


def ask_code(client, round_, phone, REMOTE_ADDR="127.0.0.1", **extra):  # noqa: N803 (the WSGI name)
    return client.post(
        reverse("contest:vote_verify", args=[round_.pk]),
        {"step": "address", "address": phone, **extra},
        REMOTE_ADDR=REMOTE_ADDR,
    )


def shown_challenge(page: str) -> tuple[str, str]:
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    alt = re.search(r'<img class="challenge-image[^>]* alt="([^"]+)"', page).group(1)
    return token, alt


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_codes_asked_too_fast_from_one_address_need_the_challenge(vote_round, sms_outbox, mailbox):
    round_, _entries = vote_round
    verify_url = reverse("contest:vote_verify", args=[round_.pk])
    threshold = views.SUSPECT_CODES_PER_ADDRESS.count
    for n in range(threshold):  # a new browser and number each time, one address
        client = Client()
        assert "challenge_token" not in client.get(verify_url).content.decode()
        with mailbox.sending():
            assert ask_code(client, round_, f"1390000000{n}").status_code == 200
    assert len(sms_outbox) == threshold

    client = Client()
    page = client.get(verify_url).content.decode()
    token, alt = shown_challenge(page)
    assert alt.startswith("请计算：") and alt.endswith("等于几？")
    assert 'for="id_challenge_answer"' in page

    response = ask_code(Client(), round_, "13900000099")  # no answer
    assert response.status_code == 400 and "请正确回答算术题" in response.content.decode()
    assert "challenge_token" in response.content.decode()  # a new question comes with the error
    assert len(sms_outbox) == threshold

    answer = str(answer_of(challenge.Challenge(token=token, image="", question=alt)))
    with mailbox.sending():
        response = ask_code(client, round_, "13900000099", challenge_token=token, challenge_answer=answer)
    assert response.status_code == 200 and len(sms_outbox) == threshold + 1
    response = ask_code(client, round_, "13900000098", challenge_token=token, challenge_answer=answer)
    assert response.status_code == 400  # the answered token does not serve twice


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_codes_asked_too_fast_from_one_device_need_the_challenge(vote_round, sms_outbox, mailbox):
    round_, _entries = vote_round
    verify_url = reverse("contest:vote_verify", args=[round_.pk])
    device = Client()
    device.get(reverse("contest:vote", args=[round_.pk]))
    for n in range(views.SUSPECT_CODES_PER_DEVICE.count):  # from a new address each time
        with mailbox.sending():
            response = ask_code(device, round_, f"1390000001{n}", REMOTE_ADDR=f"10.0.{n}.1")
        assert response.status_code == 200
    page = device.get(verify_url, REMOTE_ADDR="10.0.9.1").content.decode()
    assert "challenge_token" in page
    assert "challenge_token" not in Client(REMOTE_ADDR="10.0.9.1").get(verify_url).content.decode()


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_a_device_that_votes_fast_answers_the_challenge_before_its_next_code(vote_round):
    round_, entries = vote_round
    device = Client()
    device.get(reverse("contest:vote", args=[round_.pk]))
    threshold = views.SUSPECT_VOTES_PER_DEVICE.count
    for n in range(threshold):  # each vote from a "new" proven phone on the same device
        proof = {"v": f"voter{n}", "p": "phone", "d": NOON.date().isoformat()}
        response = views.set_voter_pass(RequestFactory().get("/"), HttpResponse(), proof)
        device.cookies[views.VOTER_COOKIE] = response.cookies[views.VOTER_COOKIE].value
        device.post(
            reverse("contest:vote_cast", args=[round_.pk, entries[n % 2].pk]), HTTP_ACCEPT="application/json"
        )
    assert Vote.objects.count() == threshold
    page = device.get(reverse("contest:vote_verify", args=[round_.pk])).content.decode()
    assert "challenge_token" in page
    # Another device at another address is not asked.
    other = Client(REMOTE_ADDR="10.9.9.9")
    other.get(reverse("contest:vote", args=[round_.pk]))
    assert (
        "challenge_token" not in other.get(reverse("contest:vote_verify", args=[round_.pk])).content.decode()
    )


def test_a_mark_reads_its_limits_counter_and_is_set_by_its_own_name(settings):
    settings.RATE_LIMITS = {"contest-suspect-vote-device": (1, 1)}
    mark = views.SUSPECT_VOTES_PER_DEVICE
    assert (mark.scope, mark.count, mark.seconds) == (
        "contest-vote-device",
        1,
        views.VOTES_PER_DEVICE.seconds,
    )
    assert views.VOTES_PER_DEVICE.count == 6  # the limit itself is untouched
    from core import ratelimit

    assert not ratelimit.is_spent(mark, "1|device")
    ratelimit.spend(views.VOTES_PER_DEVICE, "1|device")  # what a vote spends, nothing more
    assert ratelimit.is_spent(mark, "1|device")
