"""Who may file, see and review daily reports and their media (django-rules).

Each name is both a permission and a rule; views ask the rule (``rules.test_rule``), as in
``events/rules.py``, so a superuser gets exactly an office reviewer's rights.
"""

import rules

from events.rules import event_is_approved, is_member_of_host, is_office_reviewer


@rules.predicate
def is_member_of_media_host(user, media) -> bool:
    return media is not None and is_member_of_host(user, media.report.event)


@rules.predicate
def media_is_published(user, media) -> bool:
    event = media.report.event if media is not None else None
    return bool(
        media and media.is_public and media.status == "passed" and event.is_public and event.week.is_published
    )


# Who may read the day and week summary (page and files). One predicate, so the read-only
# observer role of the publicity department and the leaders joins here and nowhere else:
# ``can_read_summary = is_office_reviewer | is_observer``.
can_read_summary = is_office_reviewer


PERMISSIONS = {
    # Object: the event whose day is reported.
    "submissions.file_report": is_member_of_host & event_is_approved,
    # Object: the media file.
    "submissions.see_media": is_office_reviewer | is_member_of_media_host | media_is_published,
    "submissions.review_reports": is_office_reviewer,
    "submissions.view_summary": can_read_summary,
}

for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)
    rules.add_rule(_name, _predicate)
