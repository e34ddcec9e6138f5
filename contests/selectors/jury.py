"""Reads for a juror's pages: their entrants in running order with their progress, and one
entrant's sheet. Scores of other jurors and any ranking are never read here."""

from __future__ import annotations

import decimal
from collections import defaultdict
from dataclasses import dataclass, field

from ..models import Assessment, Criterion, Juror, RoundEntry, Score


def juror_lineup(juror: Juror):
    """The entrants a juror scores: the round's, of the juror's track when they have one."""
    lineup = RoundEntry.objects.filter(round_id=juror.round_id)
    if juror.track_id:
        lineup = lineup.filter(entry__track_id=juror.track_id)
    return lineup.select_related("entry__track").order_by("running_order", "id")


def round_criteria(*, juror: Juror) -> list[Criterion]:
    return list(Criterion.objects.filter(round_id=juror.round_id).order_by("order", "id"))


@dataclass
class EntrantProgress:
    round_entry: RoundEntry
    scored: int
    conflict: bool

    @property
    def entry(self):
        return self.round_entry.entry


@dataclass
class JurorProgress:
    criteria: list[Criterion]
    entrants: list[EntrantProgress]

    @property
    def done(self) -> int:
        return sum(1 for item in self.entrants if item.conflict or item.scored >= len(self.criteria))


def juror_progress(*, juror: Juror) -> JurorProgress:
    """Each entrant of the juror's panel with how many criteria the juror scored. Three queries."""
    criteria = round_criteria(juror=juror)
    counts: dict[int, int] = defaultdict(int)
    for entry_id in Score.objects.filter(juror=juror).values_list("entry_id", flat=True):
        counts[entry_id] += 1
    conflicts = set(Assessment.objects.filter(juror=juror, conflict=True).values_list("entry_id", flat=True))
    return JurorProgress(
        criteria=criteria,
        entrants=[
            EntrantProgress(item, counts.get(item.entry_id, 0), item.entry_id in conflicts)
            for item in juror_lineup(juror)
        ],
    )


@dataclass
class Sheet:
    round_entry: RoundEntry
    criteria: list[Criterion]
    values: dict[int, decimal.Decimal] = field(default_factory=dict)
    seqs: dict[int, int] = field(default_factory=dict)
    comment: str = ""
    conflict: bool = False
    conflict_note: str = ""
    previous: RoundEntry | None = None
    next: RoundEntry | None = None
    position: int = 0
    count: int = 0

    @property
    def entry(self):
        return self.round_entry.entry


def juror_sheet(*, juror: Juror, round_entry: RoundEntry) -> Sheet:
    criteria = round_criteria(juror=juror)
    lineup = list(juror_lineup(juror))
    position = next(n for n, item in enumerate(lineup) if item.pk == round_entry.pk)
    sheet = Sheet(
        round_entry=round_entry,
        criteria=criteria,
        previous=lineup[position - 1] if position > 0 else None,
        next=lineup[position + 1] if position + 1 < len(lineup) else None,
        position=position + 1,
        count=len(lineup),
    )
    for criterion_id, value, seq in Score.objects.filter(
        juror=juror, entry_id=round_entry.entry_id
    ).values_list("criterion_id", "value", "seq"):
        sheet.values[criterion_id], sheet.seqs[criterion_id] = value, seq
    assessment = Assessment.objects.filter(juror=juror, entry_id=round_entry.entry_id).first()
    if assessment is not None:
        sheet.comment, sheet.conflict, sheet.conflict_note = (
            assessment.comment,
            assessment.conflict,
            assessment.conflict_note,
        )
    return sheet


def next_entrant(*, juror: Juror, after: RoundEntry) -> RoundEntry | None:
    lineup = list(juror_lineup(juror))
    for n, item in enumerate(lineup):
        if item.pk == after.pk:
            return lineup[n + 1] if n + 1 < len(lineup) else None
    return None
