"""The public vote (网络投票): proving a phone number (SMS code) or e-mail address (code), casting
a vote, voiding the votes of a flagged window.

The rules, each held where it cannot be got round:

- one vote per verified person, candidate group (the candidate's track) and day (local
  time): the database's unique constraint ``vote_once_per_group_and_day``;
- codes expire, are single use and limited per number (``core.codes``);
- limits per client address and per device are the view's (``core.ratelimit``), which knows
  the request;
- every vote is a row that is never deleted (the audit): a keyed hash of the person, the
  client's network, a hash of the device, the time; voiding sets its ``void`` and takes it
  out of the totals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import codes
from core.mail import render_message, send_email
from core.outbox import outbox_write_sms
from events.models import User

from ..models import Entry, Round, RoundEntry, Vote, VoteVoid

CODE_PURPOSE = "contest-vote"
VOTER_SALT = "contests.voter"
PHONE, EMAIL = Vote.Proof.PHONE, Vote.Proof.EMAIL


def voter_hash(address: str) -> str:
    """Who voted, as the audit keeps it: a keyed hash of the normalised phone or e-mail."""
    return codes.address_hash(address, salt=VOTER_SALT)


def ip_prefix(address: str) -> str:
    """The client's network as the audit keeps it: IPv4 /24, IPv6 /48."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    bits = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{bits}", strict=False))


def device_hash(device_id: str) -> str:
    return hashlib.sha256(device_id.encode()).hexdigest()[:32]


def vote_code_send(*, round_: Round, proof: str, address: str) -> None:
    """Send a code proving ``address`` (a mobile number by SMS, or an e-mail address).

    Raises ``ValidationError`` when the vote is closed or the address asked too often
    (``core.codes``). Side effects: a ``OneTimeCode``; the text or e-mail in the outbox."""
    if not round_.vote_is_open():
        raise ValidationError(_("投票未开始或已结束。"), code="closed")
    minutes = int(codes.CODE_VALID_FOR.total_seconds() // 60)

    def deliver(code: str) -> None:
        if proof == PHONE:
            outbox_write_sms(
                to=codes.normalised_address(address),
                template="code",
                params={"code": code, "minutes": minutes},
            )
            return
        text, html = render_message(
            "contests/emails/vote_code",
            {"code": code, "minutes": minutes, "round": round_, "contest": round_.contest, "recipient": None},
            "",
            language=translation.get_language(),
        )
        send_email(to=[address], subject=_("投票验证码：%(code)s") % {"code": code}, text=text, html=html)

    codes.code_issue(purpose=CODE_PURPOSE, address=address, deliver=deliver)


def vote_code_verify(*, address: str, code: str) -> str:
    """Use up the code sent to ``address``; returns the voter's hash. ``ValidationError`` if
    the code is wrong, expired or used (``core.codes.code_redeem``)."""
    codes.code_redeem(purpose=CODE_PURPOSE, address=address, code=code)
    return voter_hash(address)


def vote_cast(
    *,
    candidate: RoundEntry,
    voter: str,
    proof: str,
    ip: str,
    device: str,
    now: dt.datetime | None = None,
) -> Vote:
    """Record one vote for the candidate ``candidate`` (a ``RoundEntry``: its existence is the
    proof that the entry stands in that round) by the verified ``voter`` (a ``voter_hash``).

    A second vote in the same candidate group the same day raises ``ValidationError`` (code
    "again") and records nothing; so does a vote outside the window (code "closed"). One
    INSERT, no read: the unique constraint decides, so concurrent votes of one voter cannot
    both count. Side effects: the ``Vote``."""
    round_, entry = candidate.round, candidate.entry
    now = now or timezone.now()
    if not round_.vote_is_open(now):
        raise ValidationError(_("投票未开始或已结束。"), code="closed")
    vote = Vote(
        round_id=candidate.round_id,
        entry_id=candidate.entry_id,
        track_id=entry.track_id,
        voter=voter,
        proof=proof,
        day=timezone.localdate(now),
        ip_prefix=ip_prefix(ip),
        device=device,
        created_at=now,
    )
    try:
        # Inside a caller's transaction the INSERT needs a savepoint to fail alone; on its own
        # (a web request) it is its own transaction, and an atomic block would only add BEGIN
        # and COMMIT round trips to the busiest write of a vote.
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                vote.save(force_insert=True)
        else:
            vote.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(
            _("您今天已在“%(track)s”投过票，每个组别每天可投一票，请明天再来。")
            % {"track": entry.track.name},
            code="again",
        ) from None
    return vote


@transaction.atomic
def votes_void(
    *,
    round_: Round,
    by: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    entry: Entry | None = None,
) -> VoteVoid:
    """Void the votes cast in [``starts_at``, ``ends_at``) (for ``entry`` only, when given),
    with the reason recorded. Voided votes leave the totals and stay in the audit; a vote
    already voided keeps its first record. Side effects: a ``VoteVoid``; the votes' ``void``."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("请填写作废原因。"), code="reason")
    if ends_at <= starts_at:
        raise ValidationError(_("结束时间须晚于起始时间。"), code="window")
    if entry is not None and not RoundEntry.objects.filter(round=round_, entry=entry).exists():
        raise ValidationError(_("该项目不是本轮的候选项目。"), code="candidate")
    record = VoteVoid.objects.create(
        round=round_, entry=entry, starts_at=starts_at, ends_at=ends_at, reason=reason, by=by
    )
    votes = Vote.objects.filter(
        round=round_, void__isnull=True, created_at__gte=starts_at, created_at__lt=ends_at
    )
    if entry is not None:
        votes = votes.filter(entry=entry)
    record.count = votes.update(void=record)
    record.save(update_fields=["count"])
    return record
