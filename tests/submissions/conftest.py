import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from events.models import Event
from submissions.models import DailyReport, MediaFile, ReportLeader
from submissions.services.reports import report_submit
from tests import factories
from tests.submissions.reminder_helpers import DAY, local


@pytest.fixture
def ready_report():
    """A draft that meets the week's minimum: text, leaders stated, one photo that passed."""

    def build(event, day) -> DailyReport:
        report = DailyReport.objects.create(event=event, day=day, text="活动顺利举行。", no_leaders=True)
        MediaFile.objects.create(
            report=report,
            kind="photo",
            file="reports/x.jpg",
            original_name="现场.jpg",
            size=3 * 1024 * 1024,
            sha256="0" * 64,
            status="passed",
            checked_at=timezone.now(),
        )
        return report

    return build


@pytest.fixture
def day_events(week, ready_report):
    """One event day seen from every side: open (a draft), submitted on time, cancelled,
    running another day, and an evening event due the next day."""
    week.remind_contact = True
    week.save()
    office = factories.office_user(email="office@example.com")
    unit = factories.organizer()

    def make(name, starts=(9, 0), ends=(17, 0), day=DAY, phone="", **fields):
        reporter = factories.member(unit, email=f"{name}@example.com", full_name=name, phone=phone)
        return factories.event(
            week=week,
            host=unit,
            reporter=reporter,
            subtitle=f"活动{name}",
            starts_at=local(*starts, day=day),
            ends_at=local(*ends, day=day),
            **fields,
        )

    open_event = make(
        "open",
        phone="13800000001",
        contact_name="联系人甲",
        contact_email="contact-open@example.com",
        contact_phone="139",
    )
    DailyReport.objects.create(event=open_event, day=DAY, text="上午开幕。")
    submitted = make("done", contact_email="contact-done@example.com")
    report = ready_report(submitted, DAY)
    report.no_leaders = False
    report.save()
    ReportLeader.objects.create(report=report, name="王强", post="副市长")
    with time_machine.travel(local(13), tick=False):
        report_submit(report=report, by=submitted.reporter)
    cancelled = make(
        "gone",
        contact_email="contact-gone@example.com",
        status=Event.Status.CANCELLED,
        cancel_reason="场地调整",
    )
    other_day = make("later", day=DAY + dt.timedelta(days=1), contact_email="contact-later@example.com")
    evening = make("night", starts=(18, 30), ends=(21, 0), contact_email="contact-night@example.com")
    return {
        "open": open_event,
        "done": submitted,
        "gone": cancelled,
        "later": other_day,
        "night": evening,
        "office": office,
    }
