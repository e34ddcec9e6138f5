"""The daily bulletin mail: the .docx bulletin and the .xlsx report sheet, once a day.

One of the minute tick's ``due_work()`` entries (``submissions/services/reminders.py``):
``bulletins_due`` says which weeks' bulletins are due, the tick claims each as a
``DailyDispatch`` (unique per week and day, so two ticks or two beats never both send),
and the dispatch task calls ``bulletin_send``, which writes one outbox message per
recipient with both files attached (key ``bulletin:<week>:<day>:<address>``); the outbox
sends each once.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.outbox import Attachment, outbox_key, outbox_write
from events.models import Week

from ..exports import day_label, export_basename
from ..exports.docx import bulletin_document
from ..exports.xlsx import day_workbook
from ..models import DailyDispatch
from ..selectors.board import board_for_day

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def bulletin_recipients(week: Week) -> list[str]:
    return [str(address).strip() for address in (week.bulletin_recipients or []) if str(address).strip()]


def bulletins_due(*, scope) -> list[DailyDispatch]:
    """Today's bulletin of each running week with recipients, from ``week.bulletin_time`` on.

    Judged in each week's own zone. Caught up later the same day after an outage; a missed
    day is not sent the next day. Weeks without recipients are not due (and not claimed),
    so recipients added later that day still get it. No queries: the tick's scope has the weeks.
    """
    rows = []
    for week in scope.weeks:
        today = scope.now.astimezone(week.zone).date()
        due = week.starts_on <= today <= week.ends_on and scope.now >= week.at(today, week.bulletin_time)
        if due and bulletin_recipients(week):
            rows.append(DailyDispatch(week=week, day=today, kind=DailyDispatch.Kind.BULLETIN))
    return rows


def bulletin_send(*, dispatch: DailyDispatch) -> str | None:
    """Write the day's bulletin (.docx) and reports (.xlsx) to the outbox, one e-mail per
    recipient of the week (the ``send`` of the bulletin's ``DueWork``, run in the
    dispatch's transaction).

    Side effects: the outbox messages with their attachments, added to
    ``dispatch.outbox_messages``. Returns a reason when there is no one to send to.
    """
    week, day = dispatch.week, dispatch.day
    recipients = bulletin_recipients(week)
    if not recipients:
        return _("没有收件人：活动周未设置每日简报收件人。")
    now = timezone.now()
    counts = board_for_day(week=week, day=day, now=now).own_filing
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "submissions/emails/bulletin_daily.txt", {"week": week, "day": day, "counts": counts}
        )
    attachments = [
        Attachment(
            name=f"{export_basename(week, day, '每日简报')}.docx",
            content=bulletin_document(week=week, day=day, now=now),
            mime_type=DOCX_TYPE,
        ),
        Attachment(
            name=f"{export_basename(week, day, '报送情况')}.xlsx",
            content=day_workbook(week=week, day=day, now=now),
            mime_type=XLSX_TYPE,
        ),
    ]
    dispatch.outbox_messages.add(
        *(
            outbox_write(
                to=[address],
                subject=f"{week.unified_title}每日简报（{day_label(day)}）",
                text=body.strip() + "\n",
                attachments=attachments,
                key=outbox_key("bulletin", week.pk, day.isoformat(), address.lower()),
            )
            for address in recipients
        )
    )
    return None
