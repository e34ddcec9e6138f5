"""The public vote: the candidates with their counts (a few seconds old while the vote runs),
proving a phone number or e-mail address with a code, and casting a vote.

Against stuffing, besides the services' rules (once per person, group and day; codes
limited per address): every vote and code request is limited per client address
(``core.ratelimit``), votes per device (a signed cookie set when the page is first seen; a
vote without it is refused), and a honeypot drops form-filling bots. The proof is a signed
cookie valid for the day it was made; it holds the keyed hash of the address, never the
address.

Left for later: a captcha after suspicious rates.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import View

from core import ratelimit
from core.ratelimit import RateLimit, RateLimitedPostMixin

from .. import services
from ..forms import VoteCodeForm, VoteProofForm
from ..models import Round, RoundEntry, Vote
from ..selectors import voting as selectors

VOTES_PER_ADDRESS = RateLimit("contest-vote-address", 30, 60 * 60)
VOTES_PER_DEVICE = RateLimit("contest-vote-device", 6, 24 * 60 * 60, key_kind="device")
CODES_PER_ADDRESS = RateLimit("contest-vote-code-address", 10, 60 * 60)
CODE_TRIES_PER_ADDRESS = RateLimit("contest-vote-code-try-address", 30, 10 * 60)
DEVICE_COOKIE = "contest_device"
VOTER_COOKIE = "contest_voter"
VOTER_SALT = "contests.voter-pass"
DEVICE_SALT = "contests.device"
PENDING_KEY = "contest_vote_pending"
DEVICE_MAX_AGE = 365 * 24 * 60 * 60


def vote_round(pk: int) -> Round:
    """A round of a published contest that has a public vote, else 404."""
    round_ = (
        Round.objects.filter(pk=pk, contest__is_published=True, vote_opens_at__isnull=False)
        .select_related("contest__event")
        .first()
    )
    if round_ is None:
        raise Http404("No public vote")
    return round_


def voter_pass(request) -> dict | None:
    """The proof this browser made today: {"v": voter hash, "p": proof}, or None."""
    try:
        value = json.loads(request.get_signed_cookie(VOTER_COOKIE, salt=VOTER_SALT))
    except (KeyError, signing.BadSignature, ValueError):
        return None
    if not isinstance(value, dict) or value.get("d") != timezone.localdate().isoformat():
        return None
    return value


def device_id(request) -> str | None:
    try:
        return request.get_signed_cookie(DEVICE_COOKIE, salt=DEVICE_SALT)
    except (KeyError, signing.BadSignature):
        return None


def _seconds_to_midnight() -> int:
    now = timezone.localtime()
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60, int((midnight - now).total_seconds()))


def _with_device(request, response):
    if device_id(request) is None:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            salt=DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@method_decorator(never_cache, name="dispatch")
class VoteView(View):
    """The candidates of a vote by group, with their counts and a vote button each."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, pk: int, **kwargs):
        round_ = vote_round(pk)
        totals = selectors.public_vote_totals(round_=round_)
        groups: dict = {}
        for item in selectors.candidates(round_=round_):
            groups.setdefault(item.entry.track, []).append((item, totals.get(item.entry_id, 0)))
        proof = voter_pass(request)
        voted = set()
        if proof:
            voted = set(
                Vote.objects.filter(round=round_, voter=proof["v"], day=timezone.localdate()).values_list(
                    "track_id", flat=True
                )
            )
        response = render(
            request,
            "contests/vote/vote.html",
            {
                "round": round_,
                "contest": round_.contest,
                "groups": [(track, rows, track.pk in voted) for track, rows in groups.items()],
                "is_open": round_.vote_is_open(),
                "has_closed": round_.vote_has_closed(),
                "proof": proof,
                "lag_seconds": selectors.PUBLIC_TOTALS_SECONDS,
            },
        )
        return _with_device(request, response)


class CastView(RateLimitedPostMixin, View):
    """Vote for a candidate. Without today's proof, the voter proves an address first and the
    vote is cast right after."""

    http_method_names = ["post"]

    def post(self, request, *args, pk: int, entry_pk: int, **kwargs):
        round_ = vote_round(pk)
        candidate = get_object_or_404(
            RoundEntry.objects.select_related("entry__track"), round=round_, entry_id=entry_pk
        )
        if not round_.vote_is_open():
            messages.error(request, _("投票未开始或已结束。"))
            return redirect("contest:vote", pk=round_.pk)
        proof = voter_pass(request)
        if proof is None:
            request.session[PENDING_KEY] = {"round": round_.pk, "entry": candidate.entry_id}
            return redirect("contest:vote_verify", pk=round_.pk)
        return cast(
            request, round_=round_, candidate=candidate, proof=proof, client_address=self.client_address
        )


def cast(request, *, round_: Round, candidate: RoundEntry, proof: dict, client_address: str):
    """Cast one vote within the device and address limits; back to the vote page, saying how
    it went (429 with the reason when a limit refuses it)."""
    device = device_id(request)
    if device is None:
        messages.error(request, _("请允许浏览器保存 Cookie 后再投票。"))
        return _with_device(request, redirect("contest:vote", pk=round_.pk))
    if not ratelimit.spend(VOTES_PER_DEVICE, f"{round_.pk}|{device}"):
        return _refused(request, round_, VOTES_PER_DEVICE, _("这台设备今天投票次数过多，请明天再来。"))
    if not ratelimit.spend(VOTES_PER_ADDRESS, f"{round_.pk}|{client_address}"):
        return _refused(request, round_, VOTES_PER_ADDRESS, _("您所在网络投票过于频繁，请稍后再试。"))
    try:
        services.vote_cast(
            round_=round_,
            entry=candidate.entry,
            voter=proof["v"],
            proof=proof["p"],
            ip=client_address.split("/")[0],
            device=services.device_hash(device),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("投票成功：%(name)s。") % {"name": candidate.entry.name})
    return redirect(f"{reverse('contest:vote', args=[round_.pk])}#track-{candidate.entry.track_id}")


def _refused(request, round_, limit, message: str):
    response = render(
        request,
        "contests/vote/refused.html",
        {
            "round": round_,
            "contest": round_.contest,
            "message": message,
            "minutes": ratelimit.minutes_left(limit),
        },
        status=429,
    )
    response["Retry-After"] = str(ratelimit.minutes_left(limit) * 60)
    return response


@method_decorator(never_cache, name="dispatch")
class VerifyView(RateLimitedPostMixin, View):
    """Prove a phone number (code by SMS) or e-mail address (code by e-mail): step one asks for
    the address and sends the code, step two takes the code. A vote waiting for the proof is
    cast once the code is right."""

    http_method_names = ["get", "post", "head"]

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.round = vote_round(pk)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self._render(VoteProofForm(), VoteCodeForm())

    def post(self, request, *args, **kwargs):
        if request.POST.get("step") == "code":
            if not ratelimit.spend(CODE_TRIES_PER_ADDRESS, self.client_address):
                return self.rate_limited(CODE_TRIES_PER_ADDRESS)
            return self._check_code()
        return self._send_code()

    def _send_code(self):
        form = VoteProofForm(self.request.POST)
        if not form.is_valid():
            return self._render(form, VoteCodeForm(), status=400)
        if form.is_bot:
            return redirect("contest:vote", pk=self.round.pk)
        if not ratelimit.spend(CODES_PER_ADDRESS, self.client_address):
            return self.rate_limited(CODES_PER_ADDRESS)
        address = form.cleaned_data["address"]
        try:
            services.vote_code_send(round_=self.round, proof=form.proof, address=address)
        except ValidationError as error:
            form.add_error("address", error)
            return self._render(
                form, VoteCodeForm(), status=429 if error.code in ("too_soon", "too_many") else 400
            )
        self.request.session["contest_vote_address"] = {"a": address, "p": form.proof}
        return self._render(None, VoteCodeForm(), sent_to=address, proof=form.proof)

    def _check_code(self):
        held = self.request.session.get("contest_vote_address")
        form = VoteCodeForm(self.request.POST)
        if not held:
            return self._render(VoteProofForm(), VoteCodeForm())
        if not form.is_valid():
            return self._render(None, form, sent_to=held["a"], proof=held["p"], status=400)
        try:
            voter = services.vote_code_verify(address=held["a"], code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
            return self._render(None, form, sent_to=held["a"], proof=held["p"], status=400)
        del self.request.session["contest_vote_address"]
        proof = {"v": voter, "p": held["p"], "d": timezone.localdate().isoformat()}
        pending = self.request.session.pop(PENDING_KEY, None)
        if pending and pending.get("round") == self.round.pk:
            candidate = (
                RoundEntry.objects.select_related("entry__track")
                .filter(round=self.round, entry_id=pending.get("entry"))
                .first()
            )
            if candidate is not None and self.round.vote_is_open():
                response = cast(
                    self.request,
                    round_=self.round,
                    candidate=candidate,
                    proof=proof,
                    client_address=self.client_address,
                )
                return _with_proof(self.request, response, proof)
        messages.success(self.request, _("验证成功，今天可以在每个组别各投一票。"))
        return _with_proof(self.request, redirect("contest:vote", pk=self.round.pk), proof)

    def _render(self, proof_form, code_form, *, sent_to: str = "", proof: str = "", status: int = 200):
        return render(
            self.request,
            "contests/vote/verify.html",
            {
                "round": self.round,
                "contest": self.round.contest,
                "proof_form": proof_form,
                "code_form": code_form,
                "sent_to": _masked(sent_to, proof),
                "proof": proof,
            },
            status=status,
        )


def _with_proof(request, response, proof: dict):
    response.set_signed_cookie(
        VOTER_COOKIE,
        json.dumps(proof),
        salt=VOTER_SALT,
        max_age=_seconds_to_midnight(),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def _masked(address: str, proof: str) -> str:
    if not address:
        return ""
    if proof == "phone":
        return f"{address[:3]}****{address[-4:]}"
    name, _sep, domain = address.partition("@")
    return f"{name[:2]}***@{domain}"


class TotalsView(View):
    """The vote's counts as JSON (entry id → votes), as old as the public page's."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, pk: int, **kwargs):
        round_ = vote_round(pk)
        totals = selectors.public_vote_totals(round_=round_)
        response = JsonResponse(
            {
                "totals": {str(entry): count for entry, count in totals.items()},
                "final": round_.vote_has_closed(),
            }
        )
        response["Cache-Control"] = f"public, max-age={selectors.PUBLIC_TOTALS_SECONDS}"
        return response
