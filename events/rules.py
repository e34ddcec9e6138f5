"""Permissions on units and events, as named predicates (django-rules).

Views check these by name (``events.change_event``); templates with ``{% has_perm %}``.
The permission matrix test walks every role against every state through them.

Organizer views also scope their querysets to the user's units, so another unit's event
answers 404 before any of these rules is asked.
"""

import rules

from core.roles import is_observer as _is_observer
from core.roles import is_office_reviewer as _is_office_reviewer
from core.roles import is_organizer_member as _is_organizer_member
from core.roles import organizer_ids
from core.roles import sees_contact_phones as _sees_contact_phones


@rules.predicate
def is_office_reviewer(user) -> bool:
    return _is_office_reviewer(user)


@rules.predicate
def is_observer(user) -> bool:
    return _is_observer(user)


@rules.predicate
def sees_contact_phones(user) -> bool:
    return _sees_contact_phones(user)


@rules.predicate
def is_organizer_member(user) -> bool:
    return _is_organizer_member(user)


@rules.predicate
def is_member_of_host(user, event) -> bool:
    """A member of the lead host: registers, edits and submits the event."""
    return event is not None and event.host_id in organizer_ids(user)


@rules.predicate
def is_member_of_reporting_unit(user, event) -> bool:
    """A member of a unit that files the event's reports: a host (lead or co-host), or an
    undertaking or co-organizing unit the office gave the reporter role. The querysets of the
    organizer area ask the same of the database (``Event.objects.of_units``)."""
    return event is not None and bool(event.reporting_unit_ids & organizer_ids(user))


@rules.predicate
def is_member_of_co_host(user, event) -> bool:
    """A member of a reporting unit other than the lead host: names its own contact person
    and information reporter for the event."""
    if event is None:
        return False
    units = organizer_ids(user)
    return any(p.organizer_id in units for p in event.reporting_partners)


def _status_in(*statuses: str):
    @rules.predicate(name=f"event_status_in_{'_'.join(statuses)}")
    def predicate(user, event) -> bool:
        return event is not None and event.status in statuses

    return predicate


event_is_editable = _status_in("draft", "returned", "approved")
event_is_submittable = _status_in("draft", "returned")
event_is_submitted = _status_in("submitted")
event_is_approved = _status_in("approved")
event_is_not_cancelled = _status_in("draft", "submitted", "approved", "returned")


@rules.predicate
def event_is_public(user, event) -> bool:
    return event is not None and event.is_public and event.week.is_published


PERMISSIONS = {
    "events.use_organizer_area": is_organizer_member,
    "events.use_review_area": is_office_reviewer,
    "events.see_event": is_office_reviewer | is_member_of_reporting_unit | event_is_public,
    "events.add_event": is_organizer_member,
    # The office sees everything but does not edit an organizer's text.
    "events.edit_event": is_member_of_host & event_is_editable,
    "events.submit_event": is_member_of_host & event_is_submittable,
    "events.withdraw_event": is_member_of_host & event_is_submitted,
    "events.review_event": is_office_reviewer,
    # A co-host (or a partner with the reporter role) names its own contact and reporter.
    "events.name_unit_people": is_member_of_co_host & event_is_not_cancelled,
    # The office gives undertaking and co-organizing units the reporter role, and decides
    # whether the days before the week's period are reported.
    "events.set_reporting": is_office_reviewer,
    "events.approve_event": is_office_reviewer & event_is_submitted,
    "events.return_event": is_office_reviewer & event_is_submitted,
    "events.cancel_event": is_office_reviewer & event_is_approved,
    "events.decide_change_request": is_office_reviewer,
    "events.import_events": is_office_reviewer,
    "events.manage_organizers": is_office_reviewer,
    "events.see_own_notices": rules.is_authenticated,
    # Organizers' phone numbers on the office's pages: an observer only when granted.
    "events.see_contact_phones": sees_contact_phones,
}

# Each is both a permission (``user.has_perm``) and a rule of the same name. Views and
# templates ask the rule (``rules.test_rule`` / ``{% test_rule %}``), because Django answers
# every ``has_perm`` of a superuser with True, which would skip the state checks above; a
# superuser counts as an office reviewer in ``roles.py`` and so gets exactly a reviewer's rights.
for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)
    rules.add_rule(_name, _predicate)
