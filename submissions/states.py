"""The state of an event day as the reporter and the office see it, judged against its deadline.

Below the selectors and services alike, so the board, the reporter's pages, the exports and
the bulletin agree on what "late" and "missing" mean.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy

from .models import DailyReport


class DayState:
    """What the reporter and the office see for an event day."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    ON_TIME = "on_time"
    LATE = "late"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    MISSING = "missing"

    LABELS = {
        NOT_STARTED: gettext_lazy("未开始"),
        DRAFT: gettext_lazy("草稿"),
        ON_TIME: gettext_lazy("按时报送"),
        LATE: gettext_lazy("逾期报送"),
        ACCEPTED: gettext_lazy("已采用"),
        RETURNED: gettext_lazy("已退回"),
        MISSING: gettext_lazy("未报送"),
    }


def day_state(report: DailyReport | None, *, due: dt.datetime, now: dt.datetime | None = None) -> str:
    """The state of an event day; ``missing`` once the deadline passed with nothing submitted."""
    now = now or timezone.now()
    if report is None or report.status == DailyReport.Status.DRAFT:
        if now > due:
            return DayState.MISSING
        return DayState.DRAFT if report is not None else DayState.NOT_STARTED
    if report.status == DailyReport.Status.ACCEPTED:
        return DayState.ACCEPTED
    if report.status == DailyReport.Status.RETURNED:
        return DayState.RETURNED
    return DayState.LATE if report.is_late else DayState.ON_TIME
