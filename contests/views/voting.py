"""The public vote: the candidates with their counts (a few seconds old while the vote runs),
proving a phone number or e-mail address with a code, and casting a vote.

Against stuffing, besides the services' rules (once per person, group and day; codes
limited per address): every vote and code request is limited per client address
(``core.ratelimit``), votes per device (a signed cookie set when the page is first seen; a
vote without it is refused), and a honeypot drops form-filling bots. The proof is a signed
cookie valid for the day it was made; it holds the keyed hash of the address, never the
address.

After suspicious rates, a challenge: once an address or a device has voted or asked for
codes faster than people do (the ``SUSPECT_*`` marks, which refuse nothing themselves), its
next code request must first answer an arithmetic question drawn on an image
(``contests.challenge``: self-hosted, signed, expiring, single use; the question in words as
the image's alternative text).

A vote is the busiest request of the portal (benchmarks/contests_votes.py): two statements
(the candidate with its round and group; the INSERT the unique constraint judges) and the two
limits in the cache; no session, user or count is read. The vote page's script casts it
with ``Accept: application/json`` and reads the outcome; a form post gets a redirect. A
candidate's pitch video is served as its web versions only (``CandidateVideoView``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import View

from core import ratelimit
from core.ratelimit import RateLimit, RateLimitedPostMixin
from core.serving import file_response

from .. import services
from ..challenge import challenge_new, challenge_passed
from ..forms import VoteCodeForm, VoteProofForm
from ..models import Round, RoundEntry, Vote
from ..selectors import voting as selectors
from ..selectors.hall import entry_projects

VOTES_PER_ADDRESS = RateLimit("contest-vote-address", 30, 60 * 60)
VOTES_PER_DEVICE = RateLimit("contest-vote-device", 6, 24 * 60 * 60, key_kind="device")
CODES_PER_ADDRESS = RateLimit("contest-vote-code-address", 10, 60 * 60)
CODE_TRIES_PER_ADDRESS = RateLimit("contest-vote-code-try-address", 30, 10 * 60)


@dataclass(frozen=True)
class Mark(RateLimit):
    """A lower mark on the counter of the limit ``of`` (same scope, key and window), read with
    ``ratelimit.is_spent``: what the limit counts anyway is looked at, so a vote pays no
    cache round trip for it. ``RATE_LIMITS`` overrides its count by its own ``name``."""

    of: RateLimit | None = None
    name: str = ""

    def _setting(self) -> tuple[int, int]:
        count = getattr(settings, "RATE_LIMITS", {}).get(self.name, (self.default_count,))[0]
        return count, self.of.seconds


def mark(of: RateLimit, count: int, *, name: str) -> Mark:
    return Mark(of.scope, count, of.default_seconds, of.key_kind, of=of, name=name)


# Faster than people vote or ask for codes: the next code request needs the challenge. A
# voter casts two votes a day (one per group) from one device, after one code.
SUSPECT_VOTES_PER_ADDRESS = mark(VOTES_PER_ADDRESS, 10, name="contest-suspect-vote-address")  # an hour
SUSPECT_VOTES_PER_DEVICE = mark(VOTES_PER_DEVICE, 3, name="contest-suspect-vote-device")  # a day
SUSPECT_CODES_PER_ADDRESS = mark(CODES_PER_ADDRESS, 5, name="contest-suspect-code-address")  # an hour
SUSPECT_CODES_PER_DEVICE = RateLimit("contest-suspect-code-device", 3, 60 * 60, key_kind="device")
DEVICE_COOKIE = "contest_device"
VOTER_COOKIE = "contest_voter"
VOTER_SALT = "contests.voter-pass"
DEVICE_SALT = "contests.device"
PENDING_KEY = "contest_vote_pending"
DEVICE_MAX_AGE = 365 * 24 * 60 * 60
# A candidate's web versions and poster: public files, as the public media views keep them.
PUBLIC_FILE_CACHE_CONTROL = "public, max-age=300"


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


def set_device_cookie(request, response):
    """Give the browser its device cookie (a random id, signed) unless it has one."""
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
        items = list(selectors.candidates(round_=round_))
        projects = entry_projects(entries=[item.entry for item in items])
        groups: dict = {}
        for item in items:
            groups.setdefault(item.entry.track, []).append(
                (
                    item,
                    totals.get(item.entry_id, 0),
                    selectors.public_video(item.entry),
                    projects.get(item.entry_id),
                )
            )
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
        return set_device_cookie(request, response)


def vote_candidate(pk: int, entry_pk: int, *, with_video: bool = False) -> RoundEntry:
    """A candidate of a public vote, with its round, entry and group (and its video's state)
    in one query; else 404."""
    related = ["round", "entry__track"] + (["entry__video_state"] if with_video else [])
    candidate = (
        RoundEntry.objects.filter(
            round_id=pk,
            entry_id=entry_pk,
            round__contest__is_published=True,
            round__vote_opens_at__isnull=False,
        )
        .select_related(*related)
        .first()
    )
    if candidate is None:
        raise Http404("No such candidate")
    return candidate


def wants_json(request) -> bool:
    """The vote page's script asks for JSON (``Accept: application/json``); a form, HTML."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


class CastView(RateLimitedPostMixin, View):
    """Vote for a candidate. Without today's proof, the voter proves an address first and the
    vote is cast right after.

    The vote page's script posts with ``Accept: application/json`` and reads the outcome:
    200 ``{"accepted": true}``, 409 "again" (this group today), 401 "verify" (prove an address
    first: ``verify_url``), 403 "closed", 400 "cookies", 429 "limit"; a form post is answered
    with a redirect back to the vote page and a message."""

    http_method_names = ["post"]

    def post(self, request, *args, pk: int, entry_pk: int, **kwargs):
        candidate = vote_candidate(pk, entry_pk)
        round_ = candidate.round
        if not round_.vote_is_open():
            return _refusal(request, round_, candidate, "closed", _("投票未开始或已结束。"), status=403)
        proof = voter_pass(request)
        if proof is None:
            request.session[PENDING_KEY] = {"round": round_.pk, "entry": candidate.entry_id}
            verify_url = reverse("contest:vote_verify", args=[round_.pk])
            if wants_json(request):
                return JsonResponse(
                    {"accepted": False, "code": "verify", "verify_url": verify_url}, status=401
                )
            return redirect(verify_url)
        return cast(
            request, round_=round_, candidate=candidate, proof=proof, client_address=self.client_address
        )


def cast(request, *, round_: Round, candidate: RoundEntry, proof: dict, client_address: str):
    """Cast one vote within the device and address limits and say how it went: JSON to the
    page's script, else back to the vote page with a message (429 with the reason when a
    limit refuses it)."""
    device = device_id(request)
    if device is None:
        response = _refusal(
            request, round_, candidate, "cookies", _("请允许浏览器保存 Cookie 后再投票。"), status=400
        )
        return set_device_cookie(request, response)
    for limit, key, message in (
        (VOTES_PER_DEVICE, f"{round_.pk}|{device}", _("这台设备今天投票次数过多，请明天再来。")),
        (VOTES_PER_ADDRESS, f"{round_.pk}|{client_address}", _("您所在网络投票过于频繁，请稍后再试。")),
    ):
        if not ratelimit.spend(limit, key):
            return _refused(request, round_, limit, message)
    try:
        services.vote_cast(
            candidate=candidate,
            voter=proof["v"],
            proof=proof["p"],
            ip=client_address.split("/")[0],
            device=services.device_hash(device),
        )
    except ValidationError as error:
        status = 409 if error.code == "again" else 403
        return _refusal(request, round_, candidate, error.code, error.messages[0], status=status)
    said = _("投票成功：%(name)s。") % {"name": candidate.entry.name}
    if wants_json(request):
        return JsonResponse(
            {
                "accepted": True,
                "entry": candidate.entry_id,
                "track": candidate.entry.track_id,
                "message": said,
            }
        )
    messages.success(request, said)
    return redirect(_back(round_, candidate))


def _back(round_: Round, candidate: RoundEntry) -> str:
    return f"{reverse('contest:vote', args=[round_.pk])}#track-{candidate.entry.track_id}"


def _refusal(request, round_, candidate, code: str, message: str, *, status: int):
    """A vote not counted: JSON with ``status``, or back to the vote page with the message."""
    if wants_json(request):
        return JsonResponse({"accepted": False, "code": code, "message": message}, status=status)
    messages.error(request, message)
    return redirect(_back(round_, candidate))


def challenge_required(*, round_: Round, client_address: str, device: str | None) -> bool:
    """Whether this address or device voted in ``round_`` or asked for codes faster than
    people do (the ``SUSPECT_*`` marks; keys as the limits count them)."""
    counts = [
        (SUSPECT_VOTES_PER_ADDRESS, f"{round_.pk}|{client_address}"),
        (SUSPECT_CODES_PER_ADDRESS, client_address),
    ]
    if device:
        counts += [(SUSPECT_VOTES_PER_DEVICE, f"{round_.pk}|{device}"), (SUSPECT_CODES_PER_DEVICE, device)]
    return any(ratelimit.is_spent(limit, key) for limit, key in counts)


def _refused(request, round_, limit, message: str):
    if wants_json(request):
        response = JsonResponse({"accepted": False, "code": "limit", "message": message}, status=429)
        response["Retry-After"] = str(ratelimit.minutes_left(limit) * 60)
        return response
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

    @functools.cached_property
    def needs_challenge(self) -> bool:
        return challenge_required(
            round_=self.round, client_address=self.client_address, device=device_id(self.request)
        )

    def _send_code(self):
        form = VoteProofForm(self.request.POST)
        if not form.is_valid():
            return self._render(form, VoteCodeForm(), status=400)
        if form.is_bot:
            return redirect("contest:vote", pk=self.round.pk)
        if self.needs_challenge and not challenge_passed(
            self.request.POST.get("challenge_token", ""), self.request.POST.get("challenge_answer", "")
        ):
            form.add_error(None, _("请正确回答算术题（每道题只能回答一次，5 分钟内有效）。"))
            return self._render(form, VoteCodeForm(), status=400)
        if not ratelimit.spend(CODES_PER_ADDRESS, self.client_address):
            return self.rate_limited(CODES_PER_ADDRESS)
        device = device_id(self.request)
        if device:
            ratelimit.spend(SUSPECT_CODES_PER_DEVICE, device)  # counted only, for the challenge
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
                candidate.round = self.round
                response = cast(
                    self.request,
                    round_=self.round,
                    candidate=candidate,
                    proof=proof,
                    client_address=self.client_address,
                )
                return set_voter_pass(self.request, response, proof)
        messages.success(self.request, _("验证成功，今天可以在每个组别各投一票。"))
        return set_voter_pass(self.request, redirect("contest:vote", pk=self.round.pk), proof)

    def _render(self, proof_form, code_form, *, sent_to: str = "", proof: str = "", status: int = 200):
        return render(
            self.request,
            "contests/vote/verify.html",
            {
                "round": self.round,
                "contest": self.round.contest,
                "proof_form": proof_form,
                "code_form": code_form,
                "challenge": challenge_new() if proof_form is not None and self.needs_challenge else None,
                "sent_to": _masked(sent_to, proof),
                "proof": proof,
            },
            status=status,
        )


def set_voter_pass(request, response, proof: dict):
    """Keep today's proof in the browser: {"v": voter hash, "p": proof, "d": day}, signed,
    until midnight."""
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


class CandidateVideoView(View):
    """A candidate's pitch video, to whoever may see the vote page, only as its web versions
    (``?v=360``, ``720`` or ``preview``; the largest by default; H.264 MP4s made by
    ``services.videos``), never as uploaded; a 404 until they are made. Byte ranges are
    answered (``core.serving``), as phones need to play and seek."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, pk: int, entry_pk: int, **kwargs):
        entry = vote_candidate(pk, entry_pk, with_video=True).entry
        versions = selectors.public_video(entry)
        slot = request.GET.get("v", "")
        if slot not in versions:
            sizes = [key for key in versions if key.isdigit()]
            if not sizes:
                raise Http404("No web version of this video yet")
            slot = max(sizes, key=int)
        return _serve_version(request, entry, versions[slot]["name"], "video/mp4")


class CandidatePosterView(View):
    """The poster frame of a candidate's web versions (a JPEG), as public as the video."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, pk: int, entry_pk: int, **kwargs):
        entry = vote_candidate(pk, entry_pk, with_video=True).entry
        if not selectors.public_video(entry) or not entry.video_state.poster_name:
            raise Http404("No poster")
        return _serve_version(request, entry, entry.video_state.poster_name, "image/jpeg")


def _serve_version(request, entry, name: str, content_type: str):
    response = file_response(request, FieldFile(entry, entry.video.field, name), content_type=content_type)
    response["Cache-Control"] = PUBLIC_FILE_CACHE_CONTROL
    return response
