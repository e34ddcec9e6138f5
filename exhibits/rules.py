"""Permissions of the exhibition hall, as named predicates (django-rules).

- holders: their own projects (edit while draft, returned or accepted; an accepted one's
  changes go to review while the public keeps the accepted version), intents on them,
  signings of them;
- curators: everything of the halls they curate (``selectors.access``);
- office reviewers (``core.roles``): everything, as curators of every hall;
- the public: accepted projects of public halls; contact details and intents never.

Views ask the rules by name (``core.views.PortalPermissionMixin``), and the area's querysets
are scoped first (``selectors.access.area_projects``), so another holder's project or another
hall's is a 404 before any rule is asked.
"""

import rules

from core.roles import is_office_reviewer as _is_office_reviewer

from .selectors.access import curated_exhibition_ids, holder_exhibition_ids


def _exhibition_id(obj) -> int | None:
    """The hall an object belongs to: an exhibition, a project, or a project's intent or signing."""
    if obj is None:
        return None
    if hasattr(obj, "invite_link_generation"):
        return obj.pk
    project = getattr(obj, "project", None)
    if project is not None:
        return project.exhibition_id
    return getattr(obj, "exhibition_id", None)


def _project(obj):
    return getattr(obj, "project", None) or obj


@rules.predicate
def is_office_reviewer(user) -> bool:
    return _is_office_reviewer(user)


@rules.predicate
def is_curator(user, obj) -> bool:
    exhibition_id = _exhibition_id(obj)
    return exhibition_id is not None and exhibition_id in curated_exhibition_ids(user)


@rules.predicate
def curates_any(user) -> bool:
    return bool(curated_exhibition_ids(user))


@rules.predicate
def is_holder_anywhere(user) -> bool:
    return bool(holder_exhibition_ids(user))


@rules.predicate
def is_holder_of_exhibition(user, exhibition) -> bool:
    return exhibition is not None and exhibition.pk in holder_exhibition_ids(user)


@rules.predicate
def call_is_open(user, exhibition) -> bool:
    return exhibition is not None and exhibition.call_is_open()


@rules.predicate
def is_owner(user, obj) -> bool:
    """The holder who keeps the project (for an intent or signing: of its project)."""
    project = _project(obj)
    return project is not None and project.owner_id is not None and project.owner_id == user.pk


def _status_in(*statuses: str):
    @rules.predicate(name=f"project_status_in_{'_'.join(statuses)}")
    def predicate(user, project) -> bool:
        return project is not None and project.status in statuses

    return predicate


project_is_submittable = _status_in("draft", "returned")
project_is_submitted = _status_in("submitted")
project_is_accepted = _status_in("accepted")


@rules.predicate
def project_has_pending_changes(user, project) -> bool:
    """An accepted project whose changes wait for a curator (``ProjectRevision``)."""
    return project is not None and project.has_pending_changes


# An accepted project's changes go to review (and may be changed while they wait).
project_is_editable = _status_in("draft", "returned", "accepted")


@rules.predicate
def project_is_public(user, project) -> bool:
    return project is not None and project.status == "accepted" and project.exhibition.is_public()


manages = is_office_reviewer | is_curator

PERMISSIONS = {
    # The signed-in area: holders, curators and the office.
    "exhibits.use_area": is_office_reviewer | curates_any | is_holder_anywhere,
    # A hall's curator pages: projects, invitations, intents, totals.
    "exhibits.curate_exhibition": manages,
    "exhibits.add_project": is_holder_of_exhibition & call_is_open,
    # Bulk import of projects (the hall keeps them: they have no owner).
    "exhibits.import_projects": manages,
    # Take a holder out of the hall (the hall keeps their projects).
    "exhibits.remove_holder": manages,
    # Everything about a project, contacts and history included (not the public page).
    "exhibits.see_project": is_owner | manages,
    "exhibits.edit_project": is_owner & project_is_editable,
    "exhibits.submit_project": is_owner & project_is_submittable,
    "exhibits.review_project": manages & (project_is_submitted | project_has_pending_changes),
    "exhibits.feature_project": manages & project_is_accepted,
    # Which of the hall's projects a 路演 or 对接会 of its week presents, in order.
    "exhibits.present_projects": manages,
    # Its cover, images and documents: the public once accepted, else who may see the project.
    "exhibits.see_project_files": project_is_public | is_owner | manages,
    "exhibits.answer_intent": is_owner | manages,
    "exhibits.record_signing": is_owner | manages,
}

# Each is both a permission and a rule of the same name; views and templates ask the rule,
# so a superuser gets exactly an office reviewer's rights (see events/rules.py).
for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)
    rules.add_rule(_name, _predicate)
