"""Setting a contest up: the contest itself, its tracks, rounds, registration form and a
round's criteria. The organizer's (or the office's) actions; who may call them is in
``rules.py``.
"""

from __future__ import annotations

import datetime as dt
import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.public_cache import NO_EVENT, bump_public_version_after_commit
from events.models import Event, User

from ..models import Contest, Criterion, FormField, Round, Track

CONTEST_FIELDS = ("title", "slug", "intro", "registration_opens_at", "registration_closes_at", "is_published")


def bump_public_after_commit() -> None:
    """Public contest pages are cached: what changes them makes a new public version."""
    bump_public_version_after_commit(events=NO_EVENT)


def _check_contest(contest: Contest) -> None:
    if contest.registration_closes_at <= contest.registration_opens_at:
        raise ValidationError(_("报名截止时间须晚于报名开始时间。"), code="window")
    if contest.event.status == Event.Status.CANCELLED:
        raise ValidationError(_("该活动已取消，不能举办大赛。"), code="cancelled")


@transaction.atomic
def contest_create(*, event: Event, by: User | None, **fields) -> Contest:
    """A contest of ``event`` (run by the event's host unit). Side effects: the contest."""
    contest = Contest(
        event=event, created_by=by, **{name: fields[name] for name in CONTEST_FIELDS if name in fields}
    )
    _check_contest(contest)
    contest.save()
    bump_public_after_commit()
    return contest


@transaction.atomic
def contest_update(*, contest: Contest, by: User | None, **fields) -> Contest:
    """Change a contest's texts, window or publication. Side effects: the contest; the public
    version bumped after commit."""
    for name in CONTEST_FIELDS:
        if name in fields:
            setattr(contest, name, fields[name])
    _check_contest(contest)
    contest.save()
    bump_public_after_commit()
    return contest


# --- Tracks ------------------------------------------------------------------------------------


def track_add(*, contest: Contest, name: str) -> Track:
    name = name.strip()
    if contest.tracks.filter(name=name).exists():
        raise ValidationError(_("已有同名组别。"), code="exists")
    order = (contest.tracks.aggregate(last=Max("order"))["last"] or 0) + 1
    return Track.objects.create(contest=contest, name=name, order=order)


def track_delete(*, track: Track) -> None:
    """Delete a track nobody registered in or judges. Side effects: the track."""
    if track.entries.exists() or track.jurors.exists():
        raise ValidationError(_("该组别已有报名或评委，不能删除。"), code="in_use")
    track.delete()


# --- Rounds ------------------------------------------------------------------------------------


def _check_round(round_: Round) -> None:
    if round_.ends_on < round_.starts_on:
        raise ValidationError(_("结束日期不能早于开始日期。"), code="dates")
    if (round_.vote_opens_at is None) != (round_.vote_closes_at is None):
        raise ValidationError(_("网络投票须同时填写开始和截止时间。"), code="vote_window")
    if round_.vote_opens_at and round_.vote_closes_at <= round_.vote_opens_at:
        raise ValidationError(_("网络投票截止时间须晚于开始时间。"), code="vote_window")
    clash = Round.objects.filter(contest_id=round_.contest_id, number=round_.number).exclude(pk=round_.pk)
    if clash.exists():
        raise ValidationError(_("已有第 %(number)d 轮。") % {"number": round_.number}, code="number")


@transaction.atomic
def round_save(*, round_: Round) -> Round:
    """Create or change a round (its dates, scoring options, vote window). Results already
    published stay as published. Side effects: the round; the public version bumped."""
    _check_round(round_)
    round_.save()
    bump_public_after_commit()
    return round_


def next_round_number(contest: Contest) -> int:
    return (contest.rounds.aggregate(last=Max("number"))["last"] or 0) + 1


# --- The registration form -------------------------------------------------------------------


def _clean_choices(kind: str, choices: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(choice.strip() for choice in choices if choice.strip()))
    if kind == FormField.Kind.CHOICE and len(cleaned) < 2:
        raise ValidationError(_("单选题至少需要两个选项。"), code="choices")
    return cleaned if kind == FormField.Kind.CHOICE else []


@transaction.atomic
def form_field_save(*, field: FormField) -> FormField:
    """Add or change a question of the registration form. Side effects: the field."""
    field.choices = _clean_choices(field.kind, field.choices or [])
    if field.pk is None:
        field.order = (field.contest.fields.aggregate(last=Max("order"))["last"] or 0) + 1
    field.save()
    return field


@transaction.atomic
def form_field_remove(*, field: FormField) -> None:
    """Take a question off the form. One that has answers (or files) is kept inactive, so the
    answers stay in exports; else it is deleted. Side effects: the field."""
    answered = (
        field.files.exists() or field.contest.entries.filter(answers__has_key=field.answer_key).exists()
    )
    if answered:
        field.is_active = False
        field.save(update_fields=["is_active"])
    else:
        field.delete()


# --- Criteria ----------------------------------------------------------------------------------


def criterion_add(
    *, round_: Round, name: str, weight: decimal.Decimal, max_score: decimal.Decimal
) -> Criterion:
    """A scoring criterion; not once a juror has scored the round (the sheets would no longer
    agree). Side effects: the criterion."""
    if round_.results_are_published or round_.jurors.filter(scores__isnull=False).exists():
        raise ValidationError(_("评委已开始评分，不能再修改评分项。"), code="scoring")
    name = name.strip()
    if round_.criteria.filter(name=name).exists():
        raise ValidationError(_("已有同名评分项。"), code="exists")
    if weight <= 0 or max_score <= 0:
        raise ValidationError(_("权重和满分须大于 0。"), code="positive")
    order = (round_.criteria.aggregate(last=Max("order"))["last"] or 0) + 1
    return Criterion.objects.create(round=round_, name=name, weight=weight, max_score=max_score, order=order)


def criterion_delete(*, criterion: Criterion) -> None:
    if criterion.scores.exists():
        raise ValidationError(_("评委已开始评分，不能再修改评分项。"), code="scoring")
    criterion.delete()


def default_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Registration from now for four weeks: what a new contest's form proposes."""
    return now.replace(second=0, microsecond=0), (now + dt.timedelta(days=28)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
