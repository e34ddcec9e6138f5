"""Permissions on units and events, as named predicates (django-rules).

Views check these by name (``events.change_event``); templates with ``{% has_perm %}``.
The permission matrix test walks every role against every state through them.
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


@rules.predicate
def event_is_editable(user, event) -> bool:
    return event is not None and event.status != "cancelled"


@rules.predicate
def event_is_public(user, event) -> bool:
    return event is not None and event.is_public and event.week.is_published


rules.add_perm("events.use_organizer_area", is_organizer_member)
rules.add_perm("events.use_review_area", is_office_reviewer)
rules.add_perm("events.see_event", is_office_reviewer | is_member_of_host | event_is_public)
rules.add_perm("events.edit_event", is_member_of_host & event_is_editable)
rules.add_perm("events.review_event", is_office_reviewer)
rules.add_perm("events.see_organizer", is_office_reviewer | is_member_of_unit)
