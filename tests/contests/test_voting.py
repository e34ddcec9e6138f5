"""The public vote: a phone proven by an SMS code (or an e-mail by a code), once per candidate
group and day, limits per address and device, an audit of every vote, the organizer's view of
bursts and voiding a flagged window; public counts a few seconds old, final counts exact."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests import services
from contests.models import Vote, VoteVoid
from contests.selectors.voting import public_vote_totals, vote_totals
from tests.contests import factories as contest_factories

pytestmark = pytest.mark.django_db

SENDING = None
NOON = dt.datetime(2026, 10, 12, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def vote_round(contest):
    """A round with a vote window around NOON and six candidates, three in each track."""
    round_ = contest_factories.round_(
        contest=contest,
        number=1,
        vote_opens_at=NOON - dt.timedelta(days=2),
        vote_closes_at=NOON + dt.timedelta(days=3),
    )
    enterprise, team = contest.tracks.all()
    entries = [
        contest_factories.entry(contest=contest, track=enterprise if n < 3 else team) for n in range(6)
    ]
    contest_factories.lineup(round_, entries)
    return round_, entries


def code_of(sms_outbox) -> str:
    return re.search(r"\d{6}", sms_outbox[-1].text).group(0)


@pytest.fixture(autouse=True)
def _sending(django_capture_on_commit_callbacks):
    global SENDING
    SENDING = django_capture_on_commit_callbacks


def send_code(client, round_, address):
    """Ask for a code; what the outbox wrote is sent as the request's transaction commits."""
    with SENDING(execute=True):
        return client.post(
            reverse("contest:vote_verify", args=[round_.pk]), {"step": "address", "address": address}
        )


def verify(client, round_, address, sms_outbox):
    send_code(client, round_, address)
    return client.post(
        reverse("contest:vote_verify", args=[round_.pk]), {"step": "code", "code": code_of(sms_outbox)}
    )


def cast(client, round_, entry):
    return client.post(reverse("contest:vote_cast", args=[round_.pk, entry.pk]))


@time_machine.travel(NOON, tick=False)
def test_a_phone_votes_once_per_group_and_day_and_again_the_next_day(client, vote_round, sms_outbox):
    round_, entries = vote_round
    client.get(reverse("contest:vote", args=[round_.pk]))  # the device cookie

    response = cast(client, round_, entries[0])
    assert response["Location"] == reverse("contest:vote_verify", args=[round_.pk])
    response = verify(client, round_, "139 1234 5678", sms_outbox)
    assert [(sms.to, sms.template) for sms in sms_outbox] == [("13912345678", "code")]
    assert sms_outbox[0].text.startswith("【双创周】您的验证码为")
    assert response.status_code == 302  # the waiting vote was cast right after the code
    assert Vote.objects.filter(entry=entries[0]).count() == 1

    # The same phone, the same group, the same day: refused with a message.
    response = cast(client, round_, entries[1])
    page = client.get(response["Location"]).content.decode()
    assert "今天已在“企业组”投过票" in page
    # Another group the same day is fine.
    cast(client, round_, entries[4])
    assert vote_totals(round_=round_) == {entries[0].pk: 1, entries[4].pk: 1}

    # A new browser proving the same phone is still the same voter.
    other = Client()
    other.get(reverse("contest:vote", args=[round_.pk]))
    cast(other, round_, entries[2])
    with time_machine.travel(NOON + dt.timedelta(minutes=2), tick=False):
        verify(other, round_, "13912345678", sms_outbox)
    assert Vote.objects.filter(entry=entries[2]).count() == 0

    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        cast(other, round_, entries[2])  # the proof was for yesterday: prove again
        verify(other, round_, "13912345678", sms_outbox)
    assert Vote.objects.filter(entry=entries[2]).count() == 1
    assert sorted(Vote.objects.values_list("day", flat=True)) == [NOON.date()] * 2 + [
        NOON.date() + dt.timedelta(days=1)
    ]


@time_machine.travel(NOON, tick=False)
def test_the_audit_keeps_hashed_identity_network_device_and_time(client, vote_round, sms_outbox):
    round_, entries = vote_round
    client.get(reverse("contest:vote", args=[round_.pk]))
    cast(client, round_, entries[0])
    verify(client, round_, "13912345678", sms_outbox)
    vote = Vote.objects.get()
    assert vote.voter == services.voter_hash("13912345678") and "13912345678" not in vote.voter
    assert vote.proof == "phone" and vote.ip_prefix == "127.0.0.0/24"
    assert len(vote.device) == 32 and vote.created_at == timezone.now()


@time_machine.travel(NOON, tick=False)
def test_an_email_address_proves_a_voter_too(client, vote_round, sms_outbox, mailbox):
    round_, entries = vote_round
    client.get(reverse("contest:vote", args=[round_.pk]))
    cast(client, round_, entries[3])
    send_code(client, round_, "Fan@Example.com")
    code = re.search(r"\b(\d{6})\b", mailbox[-1].body).group(1)
    client.post(reverse("contest:vote_verify", args=[round_.pk]), {"step": "code", "code": code})
    assert Vote.objects.get().proof == "email"
    assert Vote.objects.get().voter == services.voter_hash("fan@example.com")


@time_machine.travel(NOON, tick=False)
def test_codes_expire_are_single_use_and_limited_per_number(client, vote_round, sms_outbox, settings):
    round_, entries = vote_round
    # Not this test's business: the challenge after many codes from one address (test_challenge.py).
    settings.RATE_LIMITS = {"contest-suspect-code-address": (100, 3600)}
    verify_url = reverse("contest:vote_verify", args=[round_.pk])
    send_code(client, round_, "13912345678")
    code = code_of(sms_outbox)
    # A second code within a minute is refused.
    response = send_code(client, round_, "13912345678")
    assert response.status_code == 429 and "秒后再试" in response.content.decode()
    with time_machine.travel(NOON + dt.timedelta(minutes=11), tick=False):
        response = client.post(verify_url, {"step": "code", "code": code})
        assert "验证码已过期" in response.content.decode()
    for minute in (12, 24, 36, 48):
        with time_machine.travel(NOON + dt.timedelta(minutes=minute), tick=False):
            send_code(client, round_, "13912345678")
    assert len(sms_outbox) == 5
    with time_machine.travel(NOON + dt.timedelta(minutes=50), tick=False):
        response = send_code(client, round_, "13912345678")
        assert "一小时后再试" in response.content.decode() and len(sms_outbox) == 5
    good = code_of(sms_outbox)
    # The latest code works once.
    with time_machine.travel(NOON + dt.timedelta(minutes=51), tick=False):
        with pytest.raises(ValidationError, match="验证码不正确"):
            services.vote_code_verify(address="13912345678", code="000000" if good != "000000" else "111111")
        assert services.vote_code_verify(address="13912345678", code=good) == services.voter_hash(
            "13912345678"
        )
        with pytest.raises(ValidationError, match="请先获取验证码"):
            services.vote_code_verify(address="13912345678", code=good)


@time_machine.travel(NOON, tick=False)
def test_votes_are_limited_per_device_and_per_address(client, vote_round, sms_outbox, settings):
    round_, entries = vote_round
    settings.RATE_LIMITS = {
        "contest-vote-device": (2, 86400),
        "contest-vote-address": (2, 3600),
        # Not this test's business: the challenge a fast device meets (tests/contests/test_challenge.py).
        "contest-suspect-code-device": (100, 600),
        "contest-suspect-code-address": (100, 600),
    }
    client.get(reverse("contest:vote", args=[round_.pk]))
    for n, phone in enumerate(["13900000001", "13900000002"]):
        with time_machine.travel(NOON + dt.timedelta(minutes=2 * n), tick=False):
            client.cookies.pop("contest_voter", None)
            cast(client, round_, entries[0])
            verify(client, round_, phone, sms_outbox)
    assert Vote.objects.count() == 2
    with time_machine.travel(NOON + dt.timedelta(minutes=5), tick=False):
        client.cookies.pop("contest_voter", None)
        cast(client, round_, entries[0])
        response = verify(client, round_, "13900000003", sms_outbox)
    assert response.status_code == 429 and "这台设备今天投票次数过多" in response.content.decode()

    # Another device at the same address: the address limit (2 votes an hour) stops it.
    other = Client()
    other.get(reverse("contest:vote", args=[round_.pk]))
    with time_machine.travel(NOON + dt.timedelta(minutes=8), tick=False):
        cast(other, round_, entries[1])
        verify(other, round_, "13900000004", sms_outbox)
    assert Vote.objects.count() == 2
    assert Vote.objects.filter(entry=entries[1]).count() == 0


@time_machine.travel(NOON, tick=False)
def test_a_vote_without_a_device_cookie_is_refused(vote_round, sms_outbox):
    round_, entries = vote_round
    client = Client()
    cast(client, round_, entries[0])
    verify(client, round_, "13912345678", sms_outbox)
    client.cookies.pop("contest_device", None)
    response = cast(client, round_, entries[4])
    assert "请允许浏览器保存 Cookie" in client.get(response["Location"]).content.decode()


def test_votes_outside_the_window_are_refused(vote_round):
    round_, entries = vote_round
    with pytest.raises(ValidationError, match="投票未开始或已结束"):
        contest_factories.vote(
            round_,
            entries[0],
            voter="x",
            ip="10.0.0.1",
            device="d",
            now=round_.vote_closes_at,
        )


def test_voiding_a_window_removes_its_votes_from_the_totals_and_keeps_them_in_the_audit(
    client, vote_round, organizer_member
):
    round_, entries = vote_round
    start = NOON - dt.timedelta(hours=1)
    for n in range(10):  # a burst for entries[0] within one minute
        contest_factories.vote(
            round_,
            entries[0],
            voter=f"bot{n}",
            ip="10.1.1.9",
            device="d",
            now=start + dt.timedelta(seconds=n),
        )
    for n in range(3):
        contest_factories.vote(
            round_,
            entries[0],
            voter=f"fan{n}",
            ip=f"10.2.{n}.1",
            device=f"d{n}",
            now=start + dt.timedelta(minutes=30 + n),
        )
    contest_factories.vote(
        round_,
        entries[1],
        voter="fan9",
        ip="10.3.0.1",
        device="e",
        now=start + dt.timedelta(seconds=30),
    )

    client.force_login(organizer_member)
    with time_machine.travel(NOON, tick=False):
        page = client.get(reverse("contests:votes", args=[round_.pk]))
    activity = page.context["activity"]
    burst = next(item for item in activity.candidates if item.round_entry.entry_id == entries[0].pk)
    assert burst.peak == 10 and burst.valid == 13

    response = client.post(
        reverse("contests:void", args=[round_.pk]),
        {
            "entry": entries[0].pk,
            "starts_at": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(start + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "同一网段一分钟内 10 票",
        },
    )
    assert response.status_code == 302
    record = VoteVoid.objects.get()
    assert record.count == 10 and record.by == organizer_member and record.reason == "同一网段一分钟内 10 票"
    assert vote_totals(round_=round_) == {entries[0].pk: 3, entries[1].pk: 1}  # entries[1] untouched
    assert Vote.objects.count() == 14 and Vote.objects.filter(void=record).count() == 10


def test_the_public_count_may_lag_but_the_final_count_is_exact(vote_round):
    round_, entries = vote_round

    def vote(voter):
        contest_factories.vote(round_, entries[0], voter=voter, ip="10.0.0.1", device="d", now=NOON)

    vote("a")
    with time_machine.travel(NOON, tick=False):
        assert public_vote_totals(round_=round_) == {entries[0].pk: 1}
        vote("b")
        assert public_vote_totals(round_=round_) == {entries[0].pk: 1}  # cached a few seconds
    with time_machine.travel(round_.vote_closes_at + dt.timedelta(seconds=1), tick=False):
        assert public_vote_totals(round_=round_) == {entries[0].pk: 2}  # closed: rows counted


@time_machine.travel(NOON, tick=False)
def test_the_vote_page_shows_candidates_by_group_with_counts(client, vote_round):
    round_, entries = vote_round
    contest_factories.vote(round_, entries[0], voter="a", ip="10.0.0.1", device="d")
    page = client.get(reverse("contest:vote", args=[round_.pk])).content.decode()
    assert (
        page.index("企业组")
        < page.index(entries[0].name)
        < page.index("团队组")
        < page.index(entries[5].name)
    )
    assert "1 票" in page and "contest_device" in client.cookies
