"""Forms of the contests (crispy, Bootstrap 5), with Chinese messages: ``setup`` (the
organizer's contest, tracks, rounds, questions, criteria, jurors), ``entries`` (an
applicant's entry and account; screening), ``jury`` (a juror's scores without JavaScript)
and ``voting`` (a voter's proof, the organizer's void)."""

from .entries import ApplicantSignUpForm, BulkForm, EntryForm, EntryProjectForm, ScreenForm
from .jury import AssessmentForm, ScoreSheetForm
from .setup import ContestForm, CriterionForm, FormFieldForm, JurorForm, RoundForm, TrackForm
from .voting import VoidForm, VoteCodeForm, VoteProofForm

__all__ = [
    "ApplicantSignUpForm",
    "AssessmentForm",
    "BulkForm",
    "ContestForm",
    "CriterionForm",
    "EntryForm",
    "EntryProjectForm",
    "FormFieldForm",
    "JurorForm",
    "RoundForm",
    "ScoreSheetForm",
    "ScreenForm",
    "TrackForm",
    "VoidForm",
    "VoteCodeForm",
    "VoteProofForm",
]
