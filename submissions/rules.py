"""Who may file, see and review daily reports and their media (django-rules)."""

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


rules.add_perm("submissions.file_report", is_member_of_host & event_is_approved)
rules.add_perm("submissions.see_media", is_office_reviewer | is_member_of_media_host | media_is_published)
rules.add_perm("submissions.review_reports", is_office_reviewer)
