"""The ranking's arithmetic, on numbers alone: weighted totals, complete sheets only,
conflicts left out, the trimmed mean from five jurors, ties by the stated rule."""

from decimal import Decimal
from fractions import Fraction

from contests import ranking

CRITERIA = [
    ranking.CriterionSpec(1, "技术创新", Decimal(30), Decimal(30), 0),
    ranking.CriterionSpec(2, "市场前景", Decimal(30), Decimal(30), 1),
    ranking.CriterionSpec(3, "团队", Decimal(20), Decimal(20), 2),
    ranking.CriterionSpec(4, "路演表现", Decimal(20), Decimal(20), 3),
]


def sheet(*values):
    return {criterion.id: Decimal(str(value)) for criterion, value in zip(CRITERIA, values, strict=True)}


def test_a_jurors_total_is_score_over_full_marks_times_weight():
    criteria = [
        ranking.CriterionSpec(1, "技术创新", Decimal(40), Decimal(10)),
        ranking.CriterionSpec(2, "团队", Decimal(60), Decimal(100)),
    ]
    assert ranking.sheet_total(criteria, {1: Decimal("7.5"), 2: Decimal(80)}) == Fraction(30) + Fraction(48)
    # Criteria scored out of their weight simply add up.
    assert ranking.sheet_total(CRITERIA, sheet(25, 24, 16, 18)) == 83


def test_the_trimmed_mean_with_five_jurors_drops_the_highest_and_the_lowest():
    totals = [90, 70, 80, 85, 60]  # jurors 1..5
    scores = {
        (juror, 10): sheet(total * 0.3, total * 0.3, total * 0.2, total * 0.2)
        for juror, total in enumerate(totals, 1)
    }

    (plain,) = ranking.rank(criteria=CRITERIA, entry_ids=[10], scores=scores)
    (trimmed,) = ranking.rank(criteria=CRITERIA, entry_ids=[10], scores=scores, trimmed=True)

    assert plain.total == Fraction(90 + 70 + 80 + 85 + 60, 5) and plain.dropped == ()
    assert trimmed.dropped == (1, 5)  # 90 and 60 go
    assert trimmed.total == Fraction(70 + 80 + 85, 3)
    assert ranking.rounded(trimmed.total) == Decimal("78.33")
    assert trimmed.counted == 3


def test_no_trimming_below_five_jurors():
    scores = {(juror, 10): sheet(20, 20, 10, 10) for juror in range(1, 5)}
    scores[(4, 10)] = sheet(30, 30, 20, 20)
    (row,) = ranking.rank(criteria=CRITERIA, entry_ids=[10], scores=scores, trimmed=True)
    assert row.dropped == () and row.total == Fraction(60 * 3 + 100, 4)


def test_a_declared_conflict_and_an_incomplete_sheet_are_left_out():
    scores = {
        (1, 10): sheet(30, 30, 20, 20),  # conflict declared: excluded
        (2, 10): sheet(20, 20, 10, 10),
        (3, 10): {1: Decimal(30)},  # incomplete
        (4, 10): sheet(24, 24, 16, 16),
    }
    (row,) = ranking.rank(
        criteria=CRITERIA,
        entry_ids=[10],
        scores=scores,
        conflicts={(1, 10)},
        jurors_of={10: [1, 2, 3, 4, 5]},
    )
    assert row.excluded == {1: ranking.CONFLICT, 3: ranking.INCOMPLETE, 5: ranking.INCOMPLETE}
    assert row.total == Fraction(60 + 80, 2)


def test_ties_are_broken_by_the_heaviest_criterion_then_shared():
    scores = {
        (1, 10): sheet(30, 20, 15, 15),  # 80, technology 30
        (1, 11): sheet(20, 30, 15, 15),  # 80, technology 20, market 30
        (1, 12): sheet(20, 30, 15, 15),  # 80, the same as 11 on every criterion
        (1, 13): sheet(30, 30, 20, 20),  # 100
        (1, 14): {1: Decimal(30)},  # no complete sheet: last, without rank
    }
    rows = ranking.rank(criteria=CRITERIA, entry_ids=[10, 11, 12, 13, 14], scores=scores)
    assert [(row.entry_id, row.rank) for row in rows] == [(13, 1), (10, 2), (11, 3), (12, 3), (14, None)]
    assert rows[1].decided_by_criteria and not rows[0].decided_by_criteria

    shared = ranking.rank(
        criteria=CRITERIA, entry_ids=[10, 11, 12, 13], scores=scores, tie_rule=ranking.SHARED_RULE
    )
    assert [(row.entry_id, row.rank) for row in shared] == [(13, 1), (10, 2), (11, 2), (12, 2)]


def test_totals_compare_exactly_not_after_rounding():
    criteria = [ranking.CriterionSpec(1, "综合", Decimal(100), Decimal(3))]
    scores = {
        (1, 10): {1: Decimal(1)},
        (1, 11): {1: Decimal("1.00")},
        (2, 10): {1: Decimal(2)},
        (2, 11): {1: Decimal(2)},
    }
    rows = ranking.rank(criteria=criteria, entry_ids=[10, 11], scores=scores)
    assert rows[0].total == rows[1].total == Fraction(50)
    assert [row.rank for row in rows] == [1, 1]
