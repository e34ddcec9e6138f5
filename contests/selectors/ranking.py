"""A round's scores, read in four queries and ranked (``contests.ranking``): the organizer's
live ranking, the published results, the exports."""

from __future__ import annotations

import decimal
from collections import defaultdict
from dataclasses import dataclass

from .. import ranking
from ..models import Assessment, Criterion, Juror, Round, RoundEntry, Score


@dataclass
class RankedEntrant:
    round_entry: RoundEntry
    row: ranking.RankRow

    @property
    def entry(self):
        return self.round_entry.entry

    @property
    def total(self) -> decimal.Decimal | None:
        return ranking.rounded(self.row.total)


@dataclass
class RoundRanking:
    round: Round
    criteria: list[Criterion]
    jurors: list[Juror]
    entrants: list[RankedEntrant]
    comments: dict[tuple[int, int], str]

    @property
    def submitted_count(self) -> int:
        return sum(1 for juror in self.jurors if juror.has_submitted)

    @property
    def all_submitted(self) -> bool:
        return bool(self.jurors) and self.submitted_count == len(self.jurors)


def specs(criteria: list[Criterion]) -> list[ranking.CriterionSpec]:
    return [ranking.CriterionSpec(c.pk, c.name, c.weight, c.max_score, c.order) for c in criteria]


def round_ranking(*, round_: Round) -> RoundRanking:
    criteria = list(Criterion.objects.filter(round=round_).order_by("order", "id"))
    jurors = list(Juror.objects.filter(round=round_).order_by("id"))
    lineup = list(
        RoundEntry.objects.filter(round=round_).select_related("entry__track").order_by("running_order", "id")
    )
    scores: dict[tuple[int, int], dict[int, decimal.Decimal]] = defaultdict(dict)
    for juror_id, entry_id, criterion_id, value in Score.objects.filter(juror__round=round_).values_list(
        "juror_id", "entry_id", "criterion_id", "value"
    ):
        scores[(juror_id, entry_id)][criterion_id] = value
    conflicts, comments = set(), {}
    for juror_id, entry_id, conflict, comment in Assessment.objects.filter(juror__round=round_).values_list(
        "juror_id", "entry_id", "conflict", "comment"
    ):
        if conflict:
            conflicts.add((juror_id, entry_id))
        if comment:
            comments[(juror_id, entry_id)] = comment
    jurors_of = {
        item.entry_id: [j.pk for j in jurors if j.track_id is None or j.track_id == item.entry.track_id]
        for item in lineup
    }
    rows = ranking.rank(
        criteria=specs(criteria),
        entry_ids=[item.entry_id for item in lineup],
        scores=scores,
        conflicts=conflicts,
        jurors_of=jurors_of,
        trimmed=round_.trimmed_mean,
        tie_rule=round_.tie_rule,
    )
    by_entry = {item.entry_id: item for item in lineup}
    return RoundRanking(
        round=round_,
        criteria=criteria,
        jurors=jurors,
        entrants=[RankedEntrant(by_entry[row.entry_id], row) for row in rows],
        comments=comments,
    )


def results_snapshot(ranked: RoundRanking) -> list[dict]:
    """What publishing keeps: rank, entry and total of each entrant, in order."""
    return [
        {
            "rank": item.row.rank,
            "entry": item.entry.pk,
            "number": item.entry.code,
            "name": item.entry.name,
            "organization": item.entry.organization,
            "track": item.entry.track.name,
            "total": str(item.total) if item.total is not None else "",
        }
        for item in ranked.entrants
    ]
