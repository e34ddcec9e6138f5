"""Permissions of the contests, as named predicates (django-rules).

- organizers: everything of the contests their unit runs (the unit hosting the contest's
  event; ``selectors.access``): setup, screening, rounds, jurors, ranking, results, votes;
- office reviewers (``core.roles``): everything, as organizers of every contest;
- applicants: their own entries (edit until registration closes);
- jurors (no account: the "user" of the juror rules is the ``Juror`` their link named):
  score the entrants of their panel until they submit; never the ranking;
- the public: published contests, published results, open votes.

Views ask the rules by name (``core.views.PortalPermissionMixin``) after scoping their
querysets (``selectors.access``), so another unit's contest or another applicant's entry is
a 404 before any rule is asked.
"""

import rules

from core.roles import is_office_reviewer as _is_office_reviewer
from core.roles import is_organizer_member as _is_organizer_member

from .models import Contest, Entry
from .selectors.access import managed_contest_ids


def _contest_id(obj) -> int | None:
    """The contest an object belongs to: a contest, or anything of one (directly or by its round)."""
    if obj is None:
        return None
    if isinstance(obj, Contest):
        return obj.pk
    contest_id = getattr(obj, "contest_id", None)
    if contest_id is not None:
        return contest_id
    round_ = getattr(obj, "round", None)
    return round_.contest_id if round_ is not None else None


@rules.predicate
def is_office_reviewer(user) -> bool:
    return _is_office_reviewer(user)


@rules.predicate
def is_organizer_member(user) -> bool:
    return _is_organizer_member(user)


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def runs_contest(user, obj) -> bool:
    contest_id = _contest_id(obj)
    return contest_id is not None and contest_id in managed_contest_ids(user)


@rules.predicate
def is_applicant(user, entry) -> bool:
    return entry is not None and getattr(user, "pk", None) is not None and entry.applicant_id == user.pk


@rules.predicate
def registration_is_open(user, obj) -> bool:
    contest = obj.contest if isinstance(obj, Entry) else obj
    return contest is not None and contest.is_published and contest.registration_is_open()


def _entry_status_in(*statuses: str):
    @rules.predicate(name=f"entry_status_in_{'_'.join(statuses)}")
    def predicate(user, entry) -> bool:
        return entry is not None and entry.status in statuses

    return predicate


entry_is_draft = _entry_status_in("draft")
entry_is_live = _entry_status_in("draft", "submitted", "eligible", "ineligible")
entry_is_withdrawable = _entry_status_in("submitted", "eligible", "ineligible")
entry_is_screenable = _entry_status_in("submitted", "eligible", "ineligible")


@rules.predicate
def results_unpublished(user, round_) -> bool:
    return round_ is not None and not round_.results_are_published


@rules.predicate
def round_has_vote(user, round_) -> bool:
    return round_ is not None and round_.has_vote


@rules.predicate
def vote_is_open(user, round_) -> bool:
    return round_ is not None and round_.vote_is_open() and round_.contest.is_published


@rules.predicate
def results_are_public(user, round_) -> bool:
    return round_ is not None and round_.results_are_published and round_.contest.is_published


@rules.predicate
def contest_is_public(user, contest) -> bool:
    return contest is not None and contest.is_published


# --- Jurors: the first argument is the Juror of the browser's link ---------------------------


@rules.predicate
def juror_has_not_submitted(juror, obj=None) -> bool:
    return juror is not None and juror.submitted_at is None


@rules.predicate
def juror_round_is_current(juror, obj=None) -> bool:
    """Scoring is possible from the round's first day on (jurors may start early when the
    organizer sends the link early), never after the results are published."""
    return juror is not None and not juror.round.results_are_published


manages = is_office_reviewer | runs_contest

PERMISSIONS = {
    # The signed-in area: one's contests (to run) and entries.
    "contests.use_area": is_signed_in,
    "contests.create_contest": is_office_reviewer | is_organizer_member,
    # Everything of a contest: setup, entries, rounds, jurors, ranking, votes, exports.
    "contests.manage_contest": manages,
    "contests.screen_entry": manages & entry_is_screenable,
    "contests.publish_results": manages & results_unpublished,
    "contests.watch_votes": manages & round_has_vote,
    # An applicant's own entry (and its organizers: files, status).
    "contests.register": is_signed_in & registration_is_open,
    "contests.see_entry": is_applicant | manages,
    "contests.edit_entry": is_applicant & entry_is_live & registration_is_open,
    "contests.submit_entry": is_applicant & entry_is_draft & registration_is_open,
    "contests.withdraw_entry": is_applicant & entry_is_withdrawable & registration_is_open,
    # The public.
    "contests.see_contest": contest_is_public | manages,
    "contests.see_results": results_are_public | manages,
    "contests.vote": vote_is_open,
    # A juror's scoring (never the ranking: no rule gives a juror that).
    "contests.score": juror_has_not_submitted & juror_round_is_current,
}

# Each is both a permission and a rule of the same name; views and templates ask the rule,
# so a superuser gets exactly an office reviewer's rights (see events/rules.py).
for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)
    rules.add_rule(_name, _predicate)
