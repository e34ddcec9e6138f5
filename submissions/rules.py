"""Who may file, see and review daily reports and their media (django-rules).

Each name is both a permission and a rule; views ask the rule (``rules.test_rule``), as in
``events/rules.py``, so a superuser gets exactly an office reviewer's rights.
"""

import rules

from events.rules import event_is_approved, is_member_of_reporting_unit, is_observer, is_office_reviewer


@rules.predicate
def is_member_of_media_host(user, media) -> bool:
    return media is not None and is_member_of_reporting_unit(user, media.report.event)


@rules.predicate
def media_is_published(user, media) -> bool:
    event = media.report.event if media is not None else None
    return bool(
        media and media.is_public and media.status == "passed" and event.is_public and event.week.is_published
    )


@rules.predicate
def media_is_accepted(user, media) -> bool:
    """A file that passed its checks in a report the office accepted."""
    return bool(media and media.status == "passed" and media.report.status == "accepted")


# Who may read the board, the report pages and the day and week summary: the office, and the
# read-only observers (the publicity department, city leaders), who review nothing.
can_read_results = is_office_reviewer | is_observer


PERMISSIONS = {
    # Object: the event whose day is reported. Every unit that reports for it (hosts, and
    # partners the office gave the reporter role) files; the querysets use ``Event.objects.of_units``.
    "submissions.file_report": is_member_of_reporting_unit & event_is_approved,
    # Object: the media file.
    "submissions.see_media": is_office_reviewer
    | is_member_of_media_host
    | media_is_published
    | (is_observer & media_is_accepted),
    "submissions.review_reports": is_office_reviewer,
    "submissions.see_board": can_read_results,
    "submissions.view_summary": can_read_results,
}

for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)
    rules.add_rule(_name, _predicate)
