import datetime as dt

import pytest

from events import demo as event_demo
from events.models import Event, Week
from tests import factories

# The demo week (2017-09-15 to 10-15) read two days after it ended: every report is due.
AFTER_WEEK = factories.at(dt.date(2017, 10, 17), 12)


@pytest.fixture
def demo_week(db) -> Week:
    """The demo week with its reports filed in a pattern: of each approved event's reporting
    days, the first on time and accepted with two photos and a video, the second late, the
    third on time but still waiting, the fourth on time and returned, the rest missing."""
    event_demo.load_demo_week()
    week = Week.objects.get(name=event_demo.WEEK_NAME)
    office = factories.office_user()
    for event in Event.objects.filter(week=week, status=Event.Status.APPROVED).select_related("week"):
        for index, day in enumerate(event.reporting_days[:4]):
            if index == 0:
                factories.report(
                    event=event, day=day, status="accepted", photos=2, videos=1, failed=1, reviewed_by=office
                )
            elif index == 1:
                factories.report(event=event, day=day, status="submitted", is_late=True, photos=1)
            elif index == 2:
                factories.report(event=event, day=day, status="submitted", photos=1)
            else:
                factories.report(event=event, day=day, status="returned", reviewed_by=office)
    return week
