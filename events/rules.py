"""Permissions on units and events, as named predicates (django-rules).

Views check these by name (``events.change_event``); templates with ``{% has_perm %}``.
The permission matrix test walks every role against every state through them.

Organizer views also scope their querysets to the user's units, so another unit's event
answers 404 before any of these rules is asked.
"""
import rules

from .roles import is_office_reviewer as _is_office_reviewer
from .roles import is_organizer_member as _is_organizer_member
from .roles import organizer_ids


@rules.predicate
def is_office_reviewer(user) -> bool:
    return _is_office_reviewer(user)


@rules.predicate
def is_organizer_member(user) -> bool:
    return _is_organizer_member(user)


@rules.predicate
def is_member_of_host(user, event) -> bool:
    return event is not None and event.host_id in organizer_ids(user)


@rules.predicate
def is_member_of_unit(user, organizer) -> bool:
    return organizer is not None and organizer.pk in organizer_ids(user)


def _status_in(*statuses: str):
    @rules.predicate(name=f"event_status_in_{'_'.join(statuses)}")
    def predicate(user, event) -> bool:
        return event is not None and event.status in statuses

    return predicate


event_is_editable = _status_in("draft", "returned", "approved")
event_is_submittable = _status_in("draft", "returned")
event_is_submitted = _status_in("submitted")
event_is_approved = _status_in("approved")


@rules.predicate
def event_is_public(user, event) -> bool:
    return event is not None and event.is_public and event.week.is_published


rules.add_perm("events.use_organizer_area", is_organizer_member)
rules.add_perm("events.use_review_area", is_office_reviewer)
rules.add_perm("events.see_event", is_office_reviewer | is_member_of_host | event_is_public)
rules.add_perm("events.add_event", is_organizer_member)
# The office sees everything but does not edit an organizer's text.
rules.add_perm("events.edit_event", is_member_of_host & event_is_editable)
rules.add_perm("events.submit_event", is_member_of_host & event_is_submittable)
rules.add_perm("events.withdraw_event", is_member_of_host & event_is_submitted)
rules.add_perm("events.review_event", is_office_reviewer)
rules.add_perm("events.approve_event", is_office_reviewer & event_is_submitted)
rules.add_perm("events.return_event", is_office_reviewer & event_is_submitted)
rules.add_perm("events.cancel_event", is_office_reviewer & event_is_approved)
rules.add_perm("events.decide_change_request", is_office_reviewer)
rules.add_perm("events.import_events", is_office_reviewer)
rules.add_perm("events.see_organizer", is_office_reviewer | is_member_of_unit)
rules.add_perm("events.manage_organizers", is_office_reviewer)
rules.add_perm("events.see_own_notices", rules.is_authenticated)
