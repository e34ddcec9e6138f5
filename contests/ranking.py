"""How a round's scores become a ranking: plain arithmetic on what the selector read, no
database (``selectors.ranking`` reads, this computes; tests feed it numbers directly).

The rules, as the results page and the exported table state them:

1. A juror's total for an entrant is the sum over the criteria of score ÷ full marks ×
   weight (criteria scored out of their weight, 30/30/20/20, simply add up).
2. Only complete sheets count: a juror who declared a conflict of interest (回避) about the
   entrant, or has not scored every criterion, is left out for that entrant.
3. The entrant's total is the mean of the counted jurors' totals. With the trimmed mean
   option and at least ``TRIM_FROM`` counted jurors, the highest and the lowest total are
   dropped first (one each).
4. Ties (equal totals, compared exactly, not after rounding): with the "criteria" rule the
   entrant with the higher mean on the criterion of the highest weight ranks first (then the
   next criterion, in weight order, then the criteria's order); equal on all, or with the
   "shared" rule, entrants share the rank and the next rank is skipped (1, 2, 2, 4).
5. Entrants without any counted sheet are listed last, without a rank.

Arithmetic is exact (``Fraction``); totals are shown rounded half up to two decimals.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

TRIM_FROM = 5
CRITERIA_RULE = "criteria"
SHARED_RULE = "shared"
CONFLICT = "conflict"
INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    name: str
    weight: decimal.Decimal
    max_score: decimal.Decimal
    order: int = 0


@dataclass
class RankRow:
    entry_id: int
    juror_totals: dict[int, Fraction] = field(default_factory=dict)  # counted jurors
    excluded: dict[int, str] = field(default_factory=dict)  # juror → CONFLICT or INCOMPLETE
    dropped: tuple[int, ...] = ()  # jurors trimmed away (highest, lowest)
    criteria_means: dict[int, Fraction] = field(default_factory=dict)
    total: Fraction | None = None
    rank: int | None = None
    decided_by_criteria: bool = False  # its place among equal totals came from the tie rule

    @property
    def counted(self) -> int:
        return len(self.juror_totals) - len(self.dropped)


def rounded(value: Fraction | None, places: int = 2) -> decimal.Decimal | None:
    """``value`` rounded half up to ``places`` decimals, for people."""
    if value is None:
        return None
    quantum = decimal.Decimal(1).scaleb(-places)
    exact = decimal.Decimal(value.numerator) / decimal.Decimal(value.denominator)
    return exact.quantize(quantum, rounding=decimal.ROUND_HALF_UP)


def plain(value: decimal.Decimal) -> str:
    """A score as people write it: 30, 27.5 (not 30.00, not 3E+1)."""
    return format(decimal.Decimal(value).normalize(), "f")


def sheet_total(criteria: Iterable[CriterionSpec], values: dict[int, decimal.Decimal]) -> Fraction:
    return sum(
        (Fraction(values[c.id]) / Fraction(c.max_score) * Fraction(c.weight) for c in criteria),
        Fraction(0),
    )


def rank(
    *,
    criteria: list[CriterionSpec],
    entry_ids: list[int],
    scores: dict[tuple[int, int], dict[int, decimal.Decimal]],
    conflicts: set[tuple[int, int]] = frozenset(),
    jurors_of: dict[int, list[int]] | None = None,
    trimmed: bool = False,
    tie_rule: str = CRITERIA_RULE,
) -> list[RankRow]:
    """Rank ``entry_ids``. ``scores``: (juror, entry) → {criterion: value}; ``conflicts``:
    the (juror, entry) pairs declared; ``jurors_of``: entry → the jurors who should score it
    (so a missing sheet shows as incomplete; by default, who scored it)."""
    rows = []
    for entry_id in entry_ids:
        row = RankRow(entry_id=entry_id)
        jurors = (jurors_of or {}).get(entry_id)
        if jurors is None:
            jurors = sorted({juror for juror, entry in scores if entry == entry_id})
        kept: dict[int, dict[int, decimal.Decimal]] = {}
        for juror in jurors:
            values = scores.get((juror, entry_id), {})
            if (juror, entry_id) in conflicts:
                row.excluded[juror] = CONFLICT
            elif not criteria or any(c.id not in values for c in criteria):
                row.excluded[juror] = INCOMPLETE
            else:
                kept[juror] = values
                row.juror_totals[juror] = sheet_total(criteria, values)
        counted = dict(row.juror_totals)
        if trimmed and len(counted) >= TRIM_FROM:
            ordered = sorted(counted, key=lambda juror: (counted[juror], juror))
            row.dropped = (ordered[-1], ordered[0])
            for juror in row.dropped:
                del counted[juror]
        if counted:
            row.total = sum(counted.values(), Fraction(0)) / len(counted)
            row.criteria_means = {
                c.id: sum(
                    (
                        Fraction(kept[juror][c.id]) / Fraction(c.max_score) * Fraction(c.weight)
                        for juror in counted
                    ),
                    Fraction(0),
                )
                / len(counted)
                for c in criteria
            }
        rows.append(row)
    _assign_ranks(rows, criteria, tie_rule)
    return rows


def _tie_key(row: RankRow, criteria: list[CriterionSpec]) -> tuple[Fraction, ...]:
    by_weight = sorted(criteria, key=lambda c: (-c.weight, c.order, c.id))
    return tuple(row.criteria_means.get(c.id, Fraction(0)) for c in by_weight)


def _assign_ranks(rows: list[RankRow], criteria: list[CriterionSpec], tie_rule: str) -> None:
    use_criteria = tie_rule == CRITERIA_RULE

    def key(row: RankRow):
        if row.total is None:
            return (1, ())
        tie = _tie_key(row, criteria) if use_criteria else ()
        return (0, (-row.total, *(-value for value in tie)))

    rows.sort(key=lambda row: (key(row), row.entry_id))
    previous = None
    for position, row in enumerate(rows, start=1):
        if row.total is None:
            continue
        current = key(row)
        if previous is not None and current == previous[0]:
            row.rank = previous[1]
        else:
            row.rank = position
        if use_criteria:
            same_total = [other for other in rows if other is not row and other.total == row.total]
            row.decided_by_criteria = bool(same_total) and any(
                _tie_key(other, criteria) != _tie_key(row, criteria) for other in same_total
            )
        previous = (current, row.rank)
