"""Business actions of the contests.

Called alike by views, admin actions and management commands. Each function takes
keyword-only arguments and states its side effects; actions not allowed in the object's
current state raise ``ValidationError`` with a Chinese message; who may call them is decided
in ``rules.py``.

``setup``: the contest, tracks, rounds, form fields, criteria; ``applicants``: accounts and
e-mail confirmation; ``entries``: registration, screening, promotion; ``jury``: jurors,
scores, assessments, results; ``voting``: codes, votes, voids. All are re-exported here.
"""

from .applicants import (
    applicant_for,
    applicant_sign_up,
    confirmation_send,
    confirmation_token,
    email_confirm,
    email_is_confirmed,
)
from .entries import (
    active_fields,
    entries_advance,
    entries_screen,
    entry_project_link,
    entry_save,
    entry_submit,
    entry_withdraw,
    lineup_order,
    missing_for_submit,
    previous_round,
    round_entry_remove,
)
from .jury import (
    SavedScore,
    assessment_save,
    juror_for_token,
    juror_invite,
    juror_lineup_q,
    juror_link_renew,
    juror_link_token,
    juror_link_url,
    juror_remove,
    juror_reopen,
    juror_submit,
    missing_for_juror,
    results_publish,
    score_save,
)
from .setup import (
    contest_create,
    contest_update,
    criterion_add,
    criterion_delete,
    default_window,
    form_field_remove,
    form_field_save,
    next_round_number,
    round_save,
    track_add,
    track_delete,
)
from .voting import (
    device_hash,
    ip_prefix,
    vote_cast,
    vote_code_send,
    vote_code_verify,
    voter_hash,
    votes_void,
)

__all__ = [
    "SavedScore",
    "active_fields",
    "applicant_for",
    "applicant_sign_up",
    "assessment_save",
    "confirmation_send",
    "confirmation_token",
    "contest_create",
    "contest_update",
    "criterion_add",
    "criterion_delete",
    "default_window",
    "device_hash",
    "email_confirm",
    "email_is_confirmed",
    "entries_advance",
    "entries_screen",
    "entry_project_link",
    "entry_save",
    "entry_submit",
    "entry_withdraw",
    "form_field_remove",
    "form_field_save",
    "ip_prefix",
    "juror_for_token",
    "juror_invite",
    "juror_lineup_q",
    "juror_link_renew",
    "juror_link_token",
    "juror_link_url",
    "juror_remove",
    "juror_reopen",
    "juror_submit",
    "lineup_order",
    "missing_for_juror",
    "missing_for_submit",
    "next_round_number",
    "previous_round",
    "results_publish",
    "round_entry_remove",
    "round_save",
    "score_save",
    "track_add",
    "track_delete",
    "vote_cast",
    "vote_code_send",
    "vote_code_verify",
    "voter_hash",
    "votes_void",
]
