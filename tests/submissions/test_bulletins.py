"""The daily bulletin mail: sent by the minute tick once a day at the week's time, both files
attached, claimed first."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from docx import Document
from openpyxl import load_workbook

from core.models import OutboxAttachment, OutboxMessage
from core.outbox import outbox_deliver
from submissions.models import DailyDispatch
from tests import factories
from tests.submissions.reminder_helpers import mail_server_unreachable, run_tick

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


def test_sent_once_at_the_bulletin_time_to_each_recipient_with_both_files(mailing_week, tick):
    sent = tick(shanghai(16, 30))
    again = tick(shanghai(16, 31))
    later = tick(shanghai(23, 59))

    assert [(d.day, d.kind, d.status) for d in sent] == [(DAY, "bulletin", "handed_over")]
    assert again == [] and later == []
    bulletins = [m for m in mail.outbox if "简报" in m.subject]
    assert [m.to for m in bulletins] == [["huda@kunshan.gov.cn"], ["chenli@kunshan.gov.cn"]]
    for message in bulletins:
        assert message.subject == f"{mailing_week.unified_title}每日简报（2026年9月21日）"
        assert "已采用 1 份" in message.body
        (docx_name, docx_bytes, docx_type), (xlsx_name, xlsx_bytes, xlsx_type) = message.attachments
        assert docx_name.endswith("每日简报_2026-09-21.docx") and xlsx_name.endswith(
            "报送情况_2026-09-21.xlsx"
        )
        assert docx_type.endswith("wordprocessingml.document") and xlsx_type.endswith("spreadsheetml.sheet")
        paragraphs = [p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs]
        assert "副市长周海出席“沪昆新材料沙龙”。" in paragraphs
        assert load_workbook(io.BytesIO(xlsx_bytes)).sheetnames == ["当日报送", "全周各单位报送情况"]
    dispatch = DailyDispatch.objects.get(kind="bulletin")
    assert (dispatch.status, dispatch.sent_at) == ("handed_over", shanghai(16, 30))
    assert set(dispatch.outbox_messages.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    assert not OutboxAttachment.objects.exists()  # gone with the bodies once sent


def test_each_day_of_the_week_gets_its_own(mailing_week, tick):
    tick(shanghai(16, 30))
    tick(shanghai(16, 30, day=DAY + dt.timedelta(days=1)))

    assert sorted(DailyDispatch.objects.filter(kind="bulletin").values_list("day", flat=True)) == [
        DAY,
        DAY + dt.timedelta(days=1),
    ]
    assert len([m for m in mail.outbox if "简报" in m.subject]) == 4  # two days, two recipients


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


def test_a_mail_server_that_is_down_keeps_the_bulletin_with_its_files_until_it_is_back(
    mailing_week, settings, eager_retries, tick
):
    mail_server_unreachable(settings, failures=1000)

    [dispatch] = tick(shanghai(16, 30))

    assert dispatch.status == "handed_over" and mail.outbox == []
    messages = list(dispatch.outbox_messages.order_by("pk"))
    assert {(m.status, m.attempts) for m in messages} == {(OutboxMessage.Status.PENDING, 5)}
    assert OutboxAttachment.objects.count() == 4
    assert tick(shanghai(16, 31)) == []

    mail_server_unreachable(settings, failures=0)  # back: the sweep's next task sends them
    with time_machine.travel(shanghai(16, 45), tick=False):
        for message in messages:
            outbox_deliver(message_id=message.pk)
            outbox_deliver(message_id=message.pk)

    assert [m.to for m in mail.outbox] == [["huda@kunshan.gov.cn"], ["chenli@kunshan.gov.cn"]]
    assert [len(m.attachments) for m in mail.outbox] == [2, 2]
