from django.utils.functional import SimpleLazyObject

from core.public_cache import forget_kept, kept_at_version
from core.roles import is_observer, is_office_reviewer, is_organizer_member

from .models import Notice, Week


def portal(request) -> dict:
    """What the base layout needs on every page: the current week and the user's areas.

    Lazy, so a page that never shows them (a cached public page) costs no query.
    """
    user = request.user
    return {
        "current_week": SimpleLazyObject(lambda: public_current_week(request)),
        "in_office": SimpleLazyObject(lambda: is_office_reviewer(user)),
        # The read-only observers (publicity department, city leaders): the board and summaries.
        "in_results": SimpleLazyObject(lambda: is_observer(user)),
        "in_organizer_area": SimpleLazyObject(lambda: is_organizer_member(user)),
        "unread_notice_count": SimpleLazyObject(lambda: _unread_notices(user)),
    }


# The current week is kept in the process at the public version (a week's save in the admin bumps it).
CURRENT_WEEK_KEY = "events:current-week"


def current_week(request) -> Week | None:
    if not hasattr(request, "_current_week"):
        request._current_week = kept_at_version(CURRENT_WEEK_KEY, Week.objects.current)
    return request._current_week


def forget_current_week(**_kwargs) -> None:
    """A week saved or deleted in this process (``post_save``, ``post_delete``): the next page
    reads the current week again, though no bump came (yet)."""
    forget_kept(CURRENT_WEEK_KEY)


def remember_current_week(request, week: Week) -> None:
    """A view that has read ``week`` already hands it to the layout when it is the current one
    (only one week can be): the layout then needs no query of its own."""
    if week.is_current and not hasattr(request, "_current_week"):
        request._current_week = week


def public_current_week(request) -> Week | None:
    """The current week as public pages show it: an unpublished week counts as none.

    Organizers and the office still get it, since units register and the office reviews
    before the week is published. (Their pages are never cached: see ``public_cache``.)
    """
    week = current_week(request)
    if week is None or week.is_published:
        return week
    user = getattr(request, "user", None)
    return week if is_organizer_member(user) or is_office_reviewer(user) else None


def _unread_notices(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
