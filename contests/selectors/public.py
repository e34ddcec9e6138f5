"""Reads for the public pages: published contests, their rounds, published results. Never
an applicant's contact, a juror's score or a live ranking."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from ..models import Contest, Entry, Round, Track

COUNTED = ~Q(entries__status__in=[Entry.Status.DRAFT, Entry.Status.WITHDRAWN])


def public_contests() -> QuerySet[Contest]:
    return (
        Contest.objects.filter(is_published=True)
        .select_related("event__host", "event__week")
        .annotate(entry_count=Count("entries", filter=COUNTED))
        .order_by("-registration_opens_at", "-id")
    )


def public_contest(*, slug: str) -> Contest:
    contest = (
        Contest.objects.filter(is_published=True, slug=slug)
        .select_related("event__host", "event__week")
        .prefetch_related(
            Prefetch("tracks", queryset=Track.objects.order_by("order", "id")),
            Prefetch("rounds", queryset=Round.objects.order_by("number")),
        )
        .first()
    )
    if contest is None:
        raise Http404("No such public contest")
    return contest


def public_round(*, contest: Contest, pk: int) -> Round:
    round_ = Round.objects.filter(contest=contest, pk=pk).select_related("contest__event").first()
    if round_ is None:
        raise Http404("No such round")
    return round_
