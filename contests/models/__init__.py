"""Contests (大赛) held within the week: each belongs to an event, and the unit that hosts the
event runs it.

- ``contest``: the ``Contest``, its ``Track``s (企业组/团队组), ``Round``s (预赛/复赛/决赛) and
  the registration form's ``FormField``s;
- ``entries``: ``Applicant`` (an account whose e-mail is confirmed), ``Entry`` (报名) with
  its plan, video and answers, ``EntryFile``, ``EntryVideo`` (the pitch video's check and web
  versions), and ``RoundEntry`` (an entrant of a round, in
  running order);
- ``jury``: ``Criterion``, ``Juror`` (invited by link), ``Assessment`` (a juror's comment or
  declared conflict about an entrant) and ``Score``;
- ``voting``: ``Vote`` (one per verified person, candidate group and day) and ``VoteVoid``
  (a flagged window whose votes leave the totals).

Who may see or do what is decided in ``rules.py``; the actions are in ``services/``.
"""

from .contest import Contest, FormField, Round, Track
from .entries import Applicant, Entry, EntryFile, EntryVideo, RoundEntry
from .jury import Assessment, Criterion, Juror, Score
from .voting import Vote, VoteVoid

__all__ = [
    "Applicant",
    "Assessment",
    "Contest",
    "Criterion",
    "Entry",
    "EntryFile",
    "EntryVideo",
    "FormField",
    "Juror",
    "Round",
    "RoundEntry",
    "Score",
    "Track",
    "Vote",
    "VoteVoid",
]
