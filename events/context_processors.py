from django.utils.functional import SimpleLazyObject

from .models import Notice, Week
from .roles import is_office_reviewer, is_organizer_member


def portal(request) -> dict:
    """What the base layout needs on every page: the current week and the user's areas.

    Lazy, so a page that never shows them (a cached public page) costs no query.
    """
    user = request.user
    return {
        "current_week": SimpleLazyObject(lambda: current_week(request)),
        "in_office": SimpleLazyObject(lambda: is_office_reviewer(user)),
        "in_organizer_area": SimpleLazyObject(lambda: is_organizer_member(user)),
        "unread_notice_count": SimpleLazyObject(lambda: _unread_notices(user)),
    }


def current_week(request) -> Week | None:
    if not hasattr(request, "_current_week"):
        request._current_week = Week.objects.current()
    return request._current_week


def _unread_notices(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
