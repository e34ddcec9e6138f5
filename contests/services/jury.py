"""The jury: inviting jurors by link, their scores and assessments, locking a juror's sheet,
and publishing a round's results.

- A juror has no account: the link (``juror_link_url``) carries the juror's id and link
  generation, signed; a new link (``juror_link_renew``) makes the old one useless.
- ``score_save`` is idempotent per juror, entrant and criterion, and ordered by the
  device's ``seq``: the phone resends what it could not send, in any order, any number of
  times, and the newest change stands.
- A juror's submit locks their scores; the organizer may reopen a sheet until the results
  are published.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.mail import absolute_url, render_message, send_email
from events.models import User

from ..models import Assessment, Criterion, Entry, Juror, Round, Score, Track
from ..ranking import plain
from ..selectors.jury import juror_lineup as juror_lineup_q
from ..selectors.ranking import results_snapshot, round_ranking
from .entries import lock_row
from .setup import bump_public_after_commit

JUROR_LINK_SALT = "contests.juror-link"
INVALID_LINK = gettext_lazy("评审链接无效或已更换，请向主办单位索取新的链接。")
SCORE_PLACES = decimal.Decimal("0.01")


# --- Jurors and their links --------------------------------------------------------------------


def juror_link_token(juror: Juror) -> str:
    return signing.Signer(salt=JUROR_LINK_SALT).sign(f"{juror.pk}.{juror.link_generation}")


def juror_link_url(juror: Juror) -> str:
    return absolute_url(reverse("jury:enter", args=[juror_link_token(juror)]))


def juror_for_token(token: str) -> Juror:
    """The juror a link names while it is the juror's current link; else ``ValidationError``."""
    try:
        pk, generation = (int(part) for part in signing.Signer(salt=JUROR_LINK_SALT).unsign(token).split("."))
    except (signing.BadSignature, ValueError):
        raise ValidationError(INVALID_LINK, code="invalid") from None
    juror = Juror.objects.select_related("round__contest").filter(pk=pk).first()
    if juror is None or juror.link_generation != generation:
        raise ValidationError(INVALID_LINK, code="invalid")
    return juror


def _send_link(juror: Juror) -> None:
    if not juror.email:
        return  # the organizer hands the link over (it is shown on the round's page)
    text, html = render_message(
        "contests/emails/juror_invitation",
        {"juror": juror, "round": juror.round, "contest": juror.round.contest, "recipient": None},
        juror_link_url(juror),
    )
    send_email(
        to=[juror.email],
        subject=_("评审邀请：%(title)s %(round)s")
        % {"title": juror.round.contest.title, "round": juror.round.name},
        text=text,
        html=html,
        key=f"contests:juror-link:{juror.pk}:{juror.link_generation}",
    )


@transaction.atomic
def juror_invite(
    *,
    round_: Round,
    by: User,
    name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
    track: Track | None = None,
) -> Juror:
    """Invite a juror to score ``round_`` (``track``: that track's panel only).

    Side effects: the juror; the link e-mailed through the outbox when an address is given."""
    if not phone and not email:
        raise ValidationError(_("请填写评委的手机或邮箱。"), code="contact")
    if track is not None and track.contest_id != round_.contest_id:
        raise ValidationError(_("请选择本大赛的组别。"), code="track")
    if round_.results_are_published:
        raise ValidationError(_("该轮成绩已公布，不能再邀请评委。"), code="published")
    juror = Juror.objects.create(round=round_, name=name, title=title, phone=phone, email=email, track=track)
    _send_link(juror)
    return juror


@transaction.atomic
def juror_link_renew(*, juror: Juror, by: User) -> Juror:
    """A new link for the juror; the old one (and browsers it opened) stop working.
    Side effects: the link generation; the new link e-mailed."""
    Juror.objects.filter(pk=juror.pk).update(link_generation=juror.link_generation + 1)
    juror.refresh_from_db(fields=["link_generation"])
    _send_link(juror)
    return juror


@transaction.atomic
def juror_remove(*, juror: Juror, by: User) -> None:
    """Remove a juror who has not submitted (their scores go with them)."""
    if juror.has_submitted:
        raise ValidationError(_("该评委已提交评分，不能移除；如需更正，请先退回评分。"), code="submitted")
    juror.delete()


@transaction.atomic
def juror_reopen(*, juror: Juror, by: User) -> Juror:
    """Unlock a submitted sheet for corrections, until the results are published."""
    if juror.round.results_are_published:
        raise ValidationError(_("该轮成绩已公布，评分不能再修改。"), code="published")
    juror.submitted_at = None
    juror.save(update_fields=["submitted_at"])
    return juror


# --- Scoring ---------------------------------------------------------------------------------


def _require_can_score(juror: Juror) -> None:
    if juror.submitted_at is not None:
        raise ValidationError(_("您已提交评分，评分已锁定。"), code="locked")
    if juror.round.results_are_published:
        raise ValidationError(_("该轮成绩已公布，评分已锁定。"), code="locked")


@dataclass(frozen=True)
class SavedScore:
    value: decimal.Decimal
    seq: int
    applied: bool  # False: a newer change was already stored; ``value``/``seq`` are that one's


def score_save(*, juror: Juror, entry: Entry, criterion: Criterion, value, seq: int) -> SavedScore:
    """Store a juror's score of ``entry`` on ``criterion`` (idempotent; a change older than the
    stored one by ``seq`` is not applied). Raises ``ValidationError`` ("locked", "conflict",
    "range", "entrant"). Side effects: the ``Score`` row."""
    try:
        value = decimal.Decimal(str(value)).quantize(SCORE_PLACES, rounding=decimal.ROUND_HALF_UP)
    except (decimal.InvalidOperation, ValueError):
        raise ValidationError(_("请填写数字。"), code="range") from None
    if criterion.round_id != juror.round_id:
        raise ValidationError(_("该评分项不属于本轮。"), code="criterion")
    if not value.is_finite() or value < 0 or value > criterion.max_score:
        raise ValidationError(
            _("%(name)s的得分须在 0 到 %(max)s 之间。")
            % {"name": criterion.name, "max": plain(criterion.max_score)},
            code="range",
        )
    for attempt in range(2):
        try:
            with transaction.atomic():
                juror = Juror.objects.select_for_update().select_related("round").get(pk=juror.pk)
                _require_can_score(juror)
                if not juror_lineup_q(juror).filter(entry_id=entry.pk).exists():
                    raise ValidationError(_("该项目不在您的评审范围内。"), code="entrant")
                if Assessment.objects.filter(juror=juror, entry=entry, conflict=True).exists():
                    raise ValidationError(_("您已对该项目申请回避，不能评分。"), code="conflict")
                stored = (
                    Score.objects.select_for_update()
                    .filter(juror=juror, entry=entry, criterion=criterion)
                    .first()
                )
                if stored is None:
                    Score.objects.create(juror=juror, entry=entry, criterion=criterion, value=value, seq=seq)
                    return SavedScore(value=value, seq=seq, applied=True)
                if stored.seq > seq:
                    return SavedScore(value=stored.value, seq=stored.seq, applied=False)
                if stored.value != value or stored.seq != seq:
                    stored.value, stored.seq = value, seq
                    stored.save(update_fields=["value", "seq", "updated_at"])
                return SavedScore(value=value, seq=seq, applied=True)
        except IntegrityError:  # the first save of this score arrived twice at once
            if attempt:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def assessment_save(
    *,
    juror: Juror,
    entry: Entry,
    comment: str | None = None,
    conflict: bool | None = None,
    conflict_note: str = "",
) -> Assessment:
    """A juror's comment on an entrant, or a declared conflict of interest (their scores of
    it are then left out of the ranking). Side effects: the ``Assessment``."""
    juror = Juror.objects.select_for_update().select_related("round").get(pk=juror.pk)
    _require_can_score(juror)
    if not juror_lineup_q(juror).filter(entry_id=entry.pk).exists():
        raise ValidationError(_("该项目不在您的评审范围内。"), code="entrant")
    assessment, _created = Assessment.objects.get_or_create(juror=juror, entry=entry)
    if comment is not None:
        assessment.comment = comment.strip()
    if conflict is not None:
        assessment.conflict = conflict
        assessment.conflict_note = conflict_note.strip() if conflict else ""
    assessment.save()
    return assessment


def missing_for_juror(juror: Juror) -> list[Entry]:
    """The entrants a juror has neither fully scored nor declared a conflict about."""
    criteria = set(Criterion.objects.filter(round_id=juror.round_id).values_list("pk", flat=True))
    scored: dict[int, set[int]] = {}
    for entry_id, criterion_id in Score.objects.filter(juror=juror).values_list("entry_id", "criterion_id"):
        scored.setdefault(entry_id, set()).add(criterion_id)
    conflicts = set(Assessment.objects.filter(juror=juror, conflict=True).values_list("entry_id", flat=True))
    return [
        item.entry
        for item in juror_lineup_q(juror).select_related("entry").order_by("running_order", "id")
        if item.entry_id not in conflicts and not criteria <= scored.get(item.entry_id, set())
    ]


@transaction.atomic
def juror_submit(*, juror: Juror) -> Juror:
    """Lock the juror's scores once every entrant is scored or declared a conflict.
    Side effects: ``submitted_at``."""
    juror = Juror.objects.select_for_update().select_related("round").get(pk=juror.pk)
    _require_can_score(juror)
    if not Criterion.objects.filter(round_id=juror.round_id).exists():
        raise ValidationError(_("本轮尚未设置评分项。"), code="criteria")
    missing = missing_for_juror(juror)
    if missing:
        names = "、".join(entry.name for entry in missing[:5])
        raise ValidationError(
            _("还有 %(count)d 个项目未评完：%(names)s。") % {"count": len(missing), "names": names},
            code="missing",
        )
    juror.submitted_at = timezone.now()
    juror.save(update_fields=["submitted_at"])
    return juror


# --- Results ---------------------------------------------------------------------------------


@transaction.atomic
def results_publish(*, round_: Round, by: User) -> Round:
    """Publish the round's ranking as it stands: every juror must have submitted. The results
    are kept as published (a snapshot). Side effects: ``results``, ``results_published_at``;
    the public version bumped after commit."""
    lock_row(Round, round_.pk)
    round_.refresh_from_db()
    if round_.results_are_published:
        raise ValidationError(_("该轮成绩已公布。"), code="published")
    ranked = round_ranking(round_=round_)
    if not ranked.jurors or not ranked.entrants:
        raise ValidationError(_("本轮还没有评委或参赛项目，无法公布成绩。"), code="empty")
    waiting = [juror.name for juror in ranked.jurors if not juror.has_submitted]
    if waiting:
        raise ValidationError(
            _("以下评委尚未提交评分：%(names)s。") % {"names": "、".join(waiting)}, code="waiting"
        )
    round_.results = results_snapshot(ranked)
    round_.results_published_at = timezone.now()
    round_.save(update_fields=["results", "results_published_at"])
    bump_public_after_commit()
    return round_
