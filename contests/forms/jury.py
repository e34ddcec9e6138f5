"""A juror's sheet for one entrant when the page runs without JavaScript (the script saves
each score as it is typed, through the same service)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..ranking import plain
from .base import HelperMixin


def score_name(criterion) -> str:
    return f"c_{criterion.pk}"


class ScoreSheetForm(HelperMixin, forms.Form):
    comment = forms.CharField(
        label=_("评语（可选）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[score_name(criterion)] = forms.DecimalField(
                label=f"{criterion.name}（{plain(criterion.max_score)}）",
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
            )
        self.order_fields([score_name(c) for c in criteria] + ["comment"])

    def scores(self) -> dict:
        """Criterion → value of the scores filled in."""
        return {
            criterion: self.cleaned_data[score_name(criterion)]
            for criterion in self.criteria
            if self.cleaned_data.get(score_name(criterion)) is not None
        }


class AssessmentForm(forms.Form):
    conflict = forms.BooleanField(label=_("申请回避"), required=False)
    conflict_note = forms.CharField(label=_("回避原因"), required=False, max_length=200)
