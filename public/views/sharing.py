"""Whether a signed-in person gets the public page everybody gets (``core.public_cache``)."""

from core.roles import is_office_reviewer, is_organizer_member
from events.context_processors import current_week


def sees_what_the_public_sees(request) -> bool:
    """Yes, except organizers and the office while the current week is not published yet:
    they see it before the public does (``events.context_processors.public_current_week``).
    One query (the current week, kept on the request for the page's own use)."""
    week = current_week(request)
    if week is None or week.is_published:
        return True
    return not (is_organizer_member(request.user) or is_office_reviewer(request.user))
