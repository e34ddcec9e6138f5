"""The daily bulletin mail: the .docx bulletin and the .xlsx report sheet, once a day.

Called by the minute-by-minute Celery beat tick (``submissions/services/reminders.py``)::

    from submissions.services.bulletins import bulletin_send_due
    bulletin_send_due(now=now)
"""
from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.conf import settings

from events.models import Week

from ..exports import day_label, export_basename
from ..exports.docx import bulletin_document
from ..exports.xlsx import day_workbook
from ..models import DailyDispatch
from ..selectors.board import board_for_day

logger = logging.getLogger(__name__)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _weeks_running(now: dt.datetime) -> list[tuple[Week, dt.date]]:
    """Each week whose local date at ``now`` is one of its days (zones may differ per week)."""
    utc_day = now.date()
    candidates = Week.objects.filter(
        starts_on__lte=utc_day + dt.timedelta(days=1), ends_on__gte=utc_day - dt.timedelta(days=1)
    )
    running = []
    for week in candidates:
        local = now.astimezone(week.zone)
        if week.starts_on <= local.date() <= week.ends_on:
            running.append((week, local.date()))
    return running


def _claim(week: Week, day: dt.date) -> DailyDispatch | None:
    """The day's bulletin row, created now; None if another tick already claimed it."""
    try:
        with transaction.atomic():
            return DailyDispatch.objects.create(week=week, day=day, kind=DailyDispatch.Kind.BULLETIN)
    except IntegrityError:
        return None


def bulletin_send_due(*, now: dt.datetime) -> list[DailyDispatch]:
    """Send each running week's bulletin of today once, at or after ``week.bulletin_time``.

    For every week running at ``now`` (in its own zone) with recipients in
    ``week.bulletin_recipients`` and the bulletin time reached, a ``DailyDispatch`` (kind
    bulletin) is created first (unique per week and day, so two ticks or two beat processes
    never both send), then one e-mail goes to all recipients with the bulletin (.docx) and
    the day's reports (.xlsx) attached. Side effects: the dispatch row ends ``sent`` with
    ``sent_at``, or ``failed`` with the error in ``reason`` (not retried automatically: a
    failed mail may have been partly delivered). Weeks without recipients are skipped and
    not claimed, so adding recipients later that day still sends. A tick after downtime
    catches up the same day; a missed day is not sent the next day. Returns the dispatches
    this call handled (sent or failed).
    """
    handled = []
    for week, day in _weeks_running(now):
        recipients = [str(address).strip() for address in (week.bulletin_recipients or []) if str(address).strip()]
        if not recipients or now < week.at(day, week.bulletin_time):
            continue
        dispatch = _claim(week, day)
        if dispatch is None:
            continue
        try:
            _send(week=week, day=day, now=now, recipients=recipients)
        except Exception as error:  # any failure is recorded on the claim, never retried blindly
            logger.exception("Bulletin of %s for %s could not be sent", week, day)
            dispatch.status = "failed"
            dispatch.reason = f"{type(error).__name__}: {error}"[:2000]
            dispatch.save(update_fields=["status", "reason"])
        else:
            dispatch.status = "sent"
            dispatch.sent_at = now
            dispatch.save(update_fields=["status", "sent_at"])
        handled.append(dispatch)
    return handled


def _send(*, week: Week, day: dt.date, now: dt.datetime, recipients: list[str]) -> None:
    counts = board_for_day(week=week, day=day, now=now).filing
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("submissions/emails/bulletin_daily.txt", {"week": week, "day": day, "counts": counts})
    message = EmailMessage(
        subject=f"{week.unified_title}每日简报（{day_label(day)}）",
        body=body.strip() + "\n",
        to=recipients,
    )
    message.attach(f"{export_basename(week, day, '每日简报')}.docx", bulletin_document(week=week, day=day, now=now),
                   DOCX_TYPE)
    message.attach(f"{export_basename(week, day, '报送情况')}.xlsx", day_workbook(week=week, day=day, now=now),
                   XLSX_TYPE)
    message.send()
