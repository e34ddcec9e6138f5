"""The daily bulletin mail: sent by the minute tick once a day at the week's time, both files
attached, claimed first."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from docx import Document
from openpyxl import load_workbook

from submissions.models import DailyDispatch
from tests import factories
from tests.submissions.reminder_helpers import run_tick

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 9, 21)


def shanghai(hour, minute=0, second=0, day=DAY):
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def mailing_week(week, office_user):
    week.bulletin_recipients = ["huda@kunshan.gov.cn", "chenli@kunshan.gov.cn"]
    week.save()
    made = factories.event(
        week=week, subtitle="沪昆新材料沙龙", starts_at=factories.at(DAY, 9), ends_at=factories.at(DAY, 12)
    )
    factories.report(
        event=made,
        day=DAY,
        status="accepted",
        reviewed_by=office_user,
        leaders=[("周海", "副市长", "municipal")],
    )
    return week


@pytest.fixture
def tick(django_capture_on_commit_callbacks):
    """One minute tick at ``now``; the bulletins it claimed, as they stand after sending."""

    def run(now) -> list[DailyDispatch]:
        claimed = run_tick(django_capture_on_commit_callbacks, now).dispatches
        days = [row.day for row in claimed if row.kind == DailyDispatch.Kind.BULLETIN]
        return list(DailyDispatch.objects.filter(kind=DailyDispatch.Kind.BULLETIN, day__in=days))

    return run


def test_nothing_before_the_bulletin_time(mailing_week, tick):
    assert tick(shanghai(16, 29, 59)) == []
    assert not DailyDispatch.objects.filter(kind="bulletin").exists()
    assert [m for m in mail.outbox if "简报" in m.subject] == []


def test_sent_once_at_the_bulletin_time_with_both_files(mailing_week, tick):
    sent = tick(shanghai(16, 30))
    again = tick(shanghai(16, 31))
    later = tick(shanghai(23, 59))

    assert [(d.day, d.kind, d.status) for d in sent] == [(DAY, "bulletin", "sent")]
    assert again == [] and later == []
    [message] = [m for m in mail.outbox if "简报" in m.subject]
    assert message.to == ["huda@kunshan.gov.cn", "chenli@kunshan.gov.cn"]
    assert message.subject == f"{mailing_week.unified_title}每日简报（2026年9月21日）"
    assert "已采用 1 份" in message.body
    (docx_name, docx_bytes, _), (xlsx_name, xlsx_bytes, _) = message.attachments
    assert docx_name.endswith("每日简报_2026-09-21.docx") and xlsx_name.endswith("报送情况_2026-09-21.xlsx")
    assert "副市长周海出席“沪昆新材料沙龙”。" in [p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs]
    assert load_workbook(io.BytesIO(xlsx_bytes)).sheetnames == ["当日报送", "全周各单位报送情况"]
    dispatch = DailyDispatch.objects.get(kind="bulletin")
    assert (dispatch.status, dispatch.sent_at) == ("sent", shanghai(16, 30))


def test_each_day_of_the_week_gets_its_own(mailing_week, tick):
    tick(shanghai(16, 30))
    tick(shanghai(16, 30, day=DAY + dt.timedelta(days=1)))

    assert sorted(DailyDispatch.objects.filter(kind="bulletin").values_list("day", flat=True)) == [
        DAY,
        DAY + dt.timedelta(days=1),
    ]
    assert len([m for m in mail.outbox if "简报" in m.subject]) == 2


def test_time_is_the_weeks_zone_not_the_servers(mailing_week, tick):
    # 16:30 in Shanghai is 08:30 UTC; 16:30 UTC would be past midnight in Shanghai, the next day.
    assert tick(dt.datetime(2026, 9, 21, 8, 29, tzinfo=dt.UTC)) == []
    assert [d.day for d in tick(dt.datetime(2026, 9, 21, 8, 30, tzinfo=dt.UTC))] == [DAY]


def test_catches_up_later_the_same_day_but_not_the_next_day(mailing_week, tick):
    assert [d.day for d in tick(shanghai(21, 0))] == [DAY]
    assert [d.day for d in tick(shanghai(8, 0, day=DAY + dt.timedelta(days=1)))] == []


def test_no_recipients_means_no_mail_and_no_claim(week, tick):
    assert tick(shanghai(17)) == []
    assert not DailyDispatch.objects.filter(kind="bulletin").exists()


def test_outside_the_week_nothing_is_sent(mailing_week, tick):
    assert tick(shanghai(17, day=mailing_week.ends_on + dt.timedelta(days=1))) == []


def test_a_claim_by_another_tick_is_respected(mailing_week, tick):
    DailyDispatch.objects.create(week=mailing_week, day=DAY, kind="bulletin")

    assert tick(shanghai(17)) == []
    assert [m for m in mail.outbox if "简报" in m.subject] == []


class RefusingBackend:
    """A mail server that refuses every connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_a_mail_server_that_stays_down_is_retried_then_recorded_as_failed(
    mailing_week, settings, eager_retries, tick
):
    settings.EMAIL_BACKEND = "tests.submissions.test_bulletins.RefusingBackend"

    [dispatch] = tick(shanghai(16, 30))

    assert dispatch.status == "failed"
    assert "ConnectionRefusedError: smtp down" in dispatch.reason
    assert tick(shanghai(16, 31)) == []
