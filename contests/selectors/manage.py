"""Reads for the organizer's pages: contests with their counts, the entries with filters
(1,000 and more: a page of 50, indexed filters, a constant number of queries), a round's
lineup and jurors, and an applicant's own entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.db.models import Count, Prefetch, Q, QuerySet

from core.roles import is_office_reviewer, organizer_ids
from events.models import Event

from ..models import Contest, Entry, EntryFile, FormField, Juror, Round, RoundEntry, Track
from .access import managed_contests

S = Entry.Status


def managed_contest_list(*, user) -> QuerySet[Contest]:
    """The contests the user runs, each with its entries counted by state."""
    return (
        managed_contests(user=user)
        .select_related("event__host", "event__week")
        .annotate(
            entry_count=Count("entries", filter=~Q(entries__status__in=[S.DRAFT, S.WITHDRAWN])),
            waiting_count=Count("entries", filter=Q(entries__status=S.SUBMITTED)),
        )
        .order_by("-registration_opens_at", "-id")
    )


def events_for_contests(*, user) -> QuerySet[Event]:
    """The events a user may hold a contest in: their units' (every one, for the office), not
    cancelled ones."""
    events = Event.objects.exclude(status=Event.Status.CANCELLED).select_related("host", "week")
    if not is_office_reviewer(user):
        events = events.filter(host_id__in=organizer_ids(user))
    return events.order_by("-week__starts_on", "starts_at")


def managed_contest(*, user, pk: int) -> QuerySet[Contest]:
    return managed_contests(user=user).select_related("event__host", "event__week").filter(pk=pk)


def contest_setup(*, contest: Contest) -> dict:
    """The contest's tracks, rounds (with their counts), form fields: its overview page."""
    return {
        "tracks": list(contest.tracks.annotate(entry_count=Count("entries")).order_by("order", "id")),
        "rounds": list(
            contest.rounds.annotate(
                entrant_count=Count("lineup", distinct=True),
                juror_count=Count("jurors", distinct=True),
            ).order_by("number")
        ),
        "fields": list(contest.fields.filter(is_active=True).order_by("order", "id")),
        "status_counts": dict(contest.entries.values_list("status").annotate(total=Count("id")).order_by()),
    }


# --- The entries list ----------------------------------------------------------------------


@dataclass
class EntryFilters:
    """The list's filters as they stand in the URL: ?status=&track=&round=&q=."""

    PARAMS: ClassVar[tuple[str, ...]] = ("status", "track", "round", "q")

    status: str = ""
    track: int | None = None
    round: int | None = None
    q: str = ""

    @classmethod
    def from_query(cls, params) -> EntryFilters:
        status = params.get("status", "")
        return cls(
            status=status if status in S.values or status == "all" else "",
            track=_positive_int(params.get("track")),
            round=_positive_int(params.get("round")),
            q=" ".join(params.get("q", "").split())[:60],
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.status or self.track or self.round or self.q)

    def as_params(self) -> dict:
        params = {"status": self.status, "track": self.track or "", "round": self.round or "", "q": self.q}
        return {name: value for name, value in params.items() if value}


def _positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def contest_entries(*, contest: Contest, filters: EntryFilters) -> QuerySet[Entry]:
    """The contest's entries except drafts (an applicant's own business) and, unless asked
    for, withdrawn ones; in number order."""
    entries = Entry.objects.filter(contest=contest).select_related("track", "reached_round", "applicant")
    if filters.status == "all":
        entries = entries.exclude(status=S.DRAFT)
    elif filters.status:
        entries = entries.filter(status=filters.status)
    else:
        entries = entries.exclude(status__in=[S.DRAFT, S.WITHDRAWN])
    if filters.track:
        entries = entries.filter(track_id=filters.track)
    if filters.round:
        entries = entries.filter(round_entries__round_id=filters.round)
    for word in filters.q.split()[:5]:
        entries = entries.filter(
            Q(name__icontains=word)
            | Q(organization__icontains=word)
            | Q(contact_name__icontains=word)
            | Q(contact_phone__icontains=word)
            | Q(number=int(word) if word.isdigit() and len(word) < 9 else -1)
        )
    return entries.order_by("number", "id")


def entries_for_export(*, contest: Contest, filters: EntryFilters) -> QuerySet[Entry]:
    return contest_entries(contest=contest, filters=filters).prefetch_related(
        Prefetch("files", queryset=EntryFile.objects.only("id", "entry_id", "field_id"))
    )


def all_fields(*, contest: Contest) -> list[FormField]:
    """Every question the form ever had (a removed one's answers stay in exports)."""
    return list(contest.fields.order_by("-is_active", "order", "id"))


def entry_page(*, entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Entries (already scoped to what the user may open) with what an entry's page shows;
    a draft is its applicant's business only."""
    return (
        entries.exclude(status=S.DRAFT)
        .select_related("track", "applicant", "reached_round", "screened_by", "contest__event", "project")
        .prefetch_related(
            "files",
            Prefetch(
                "round_entries", queryset=RoundEntry.objects.select_related("round").order_by("round__number")
            ),
        )
    )


def answer_rows(entry: Entry) -> list[dict]:
    """The contest's questions with this entry's answers, for the entry's pages."""
    files = {item.field_id: item for item in entry.files.all()}
    rows = []
    for field in entry.contest.fields.order_by("-is_active", "order", "id"):
        answer = entry.answers.get(field.answer_key)
        if not field.is_active and not answer and field.pk not in files:
            continue
        rows.append({"field": field, "answer": answer, "file": files.get(field.pk)})
    return rows


# --- Rounds --------------------------------------------------------------------------------


def contest_round(*, contest: Contest, pk: int) -> QuerySet[Round]:
    return Round.objects.filter(contest=contest, pk=pk).select_related("contest__event")


def round_lineup(*, round_: Round) -> QuerySet[RoundEntry]:
    return (
        RoundEntry.objects.filter(round=round_).select_related("entry__track").order_by("running_order", "id")
    )


def round_jurors(*, round_: Round) -> QuerySet[Juror]:
    return (
        Juror.objects.filter(round=round_)
        .select_related("track")
        .annotate(score_count=Count("scores"))
        .order_by("id")
    )


def tracks(*, contest: Contest) -> list[Track]:
    return list(contest.tracks.order_by("order", "id"))


# --- An applicant's own ----------------------------------------------------------------------


def own_entries(*, user) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(applicant=user)
        .select_related("contest__event", "track", "reached_round")
        .order_by("-created_at", "-id")
    )


def own_entry(*, user, pk: int) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(applicant=user, pk=pk)
        .select_related("contest__event", "track", "reached_round", "project")
        .prefetch_related(
            "files",
            Prefetch(
                "round_entries", queryset=RoundEntry.objects.select_related("round").order_by("round__number")
            ),
        )
    )
