"""The daily bulletin (活动周每日简报) as a Word document, laid out as government offices do.

Layout (``word``: after GB/T 9704 habits, A4, margins 37/35/28/26 mm): a red masthead (方正小标宋简体)
with the issue number, the issuing office and the date over a red rule; the title with the
week's unified name and the date; a summary paragraph with the counts; "一、领导出席情况"
first (seed 002: leaders' attendance must be stated explicitly); then "二、活动情况" with one
section per accepted report: its text (仿宋_GB2312, 三号, first-line indent of two characters)
and its first photo.
"""

from __future__ import annotations

import datetime as dt
import io
import logging

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm

from events.models import Week

from ..models import MediaFile
from ..selectors.board import BoardRow, accepted_reports, board_for_day
from . import day_label, quoted
from .word import (
    HEADING_FONT,
    ISSUER,
    RED,
    SUBHEADING_FONT,
    TITLE_FONT,
    chinese_number,
    page_setup,
    paragraph,
    red_rule,
)

logger = logging.getLogger(__name__)

MASTHEAD = "活动周每日简报"
PICTURE_WIDTH = Cm(14)
ORIGINAL_PICTURE_LIMIT = 20 * 1024 * 1024  # embed an original only when there is no preview and it is small


def _picture_bytes(media: MediaFile) -> bytes | None:
    field = media.preview if media.preview else None
    if field is None and media.size <= ORIGINAL_PICTURE_LIMIT:
        field = media.file
    if field is None:
        return None
    try:
        with field.storage.open(field.name, "rb") as source:
            return source.read()
    except OSError:
        logger.warning("Bulletin: could not read %s for media %s", field.name, media.pk)
        return None


def _first_photo(row: BoardRow) -> MediaFile | None:
    return next((m for m in row.photos if m.status == MediaFile.Status.PASSED), None)


def bulletin_document(*, week: Week, day: dt.date, now: dt.datetime, issue: int | None = None) -> bytes:
    """The .docx bytes of the bulletin for ``day``; counts as of ``now``."""
    board = board_for_day(week=week, day=day, now=now)
    rows = accepted_reports(week=week, day=day, board=board)  # the same reads, once
    counts = board.own_filing
    # Issues are numbered from the period's first day; a day before it (an event the office
    # made report early) gets a bulletin without a number.
    issue = issue or (day - week.starts_on).days + 1
    doc = Document()
    page_setup(doc)

    paragraph(doc, MASTHEAD, font=TITLE_FONT, size=36, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    number = f"第{chinese_number(issue)}期" if issue > 0 else "活动周前"
    paragraph(doc, number, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    issuer = paragraph(doc, f"{ISSUER}编\t{day_label(day)}", size=16)
    issuer.paragraph_format.tab_stops.add_tab_stop(Mm(156), alignment=2)  # right-aligned date
    red_rule(issuer)
    paragraph(doc, after=6)

    paragraph(doc, week.unified_title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(
        doc, f"{day_label(day)}活动情况", font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, after=16
    )

    paragraph(doc, summary_text(week=week, day=day, counts=counts), indent=True)

    paragraph(doc, "一、领导出席情况", font=HEADING_FONT, size=16, indent=True)
    leader_rows = [row for row in rows if row.leaders]
    if not leader_rows:
        paragraph(doc, "当日已采用的活动信息中无领导出席。", indent=True)
    for row in leader_rows:
        names = "、".join(f"{leader.post}{leader.name}" for leader in row.leaders)
        paragraph(doc, f"{names}出席{quoted(row.event.subtitle)}。", indent=True)

    paragraph(doc, "二、活动情况", font=HEADING_FONT, size=16, indent=True)
    if not rows:
        paragraph(doc, "当日暂无已采用的活动信息。", indent=True)
    for number, row in enumerate(rows, start=1):
        _report_section(doc, number, row)

    closing = paragraph(doc, after=0)
    red_rule(closing)
    if week.copy_to.strip():
        # The plan's 抄送 list: the offices that receive the bulletin, as the plan words it.
        copy_to = " ".join(week.copy_to.split())
        paragraph(doc, f"抄送：{copy_to.rstrip('。')}。", size=14)
    paragraph(doc, f"{week.name}　{ISSUER}　{day_label(day)}", size=14)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def summary_text(*, week: Week, day: dt.date, counts: dict) -> str:
    return (
        f"{day_label(day)}，{week.name}共有{counts['due']}项专题活动举办。截至发稿，应报送活动信息{counts['due']}份，"
        f"按时报送{counts['on_time']}份，逾期报送{counts['late']}份，未报送{counts['missing']}份；"
        f"经审核采用{counts['accepted']}份，退回修改{counts['returned']}份。"
    )


def _report_section(doc, number: int, row: BoardRow) -> None:
    event, report = row.event, row.report
    paragraph(
        doc,
        f"（{chinese_number(number)}）{event.subtitle}",
        font=SUBHEADING_FONT,
        size=16,
        bold=True,
        indent=True,
    )
    if event.has_venue:
        facts = (
            f"主办单位：{event.host_names}；会场：{event.venue.name}；地点：{event.place or event.venue.name}"
        )
    else:
        facts = f"主办单位：{event.host_names}；地点：{event.where}"
    if event.place_kind in (event.PlaceKind.ONLINE, event.PlaceKind.HYBRID) and event.online_url:
        facts += f"；线上：{event.online_url}"
    if report.attendance:
        facts += f"；参加人数：约{report.attendance}人"
    paragraph(doc, facts + "。", size=14, indent=True)
    for part in [p.strip() for p in report.text.splitlines() if p.strip()]:
        paragraph(doc, part, indent=True)
    photo = _first_photo(row)
    data = _picture_bytes(photo) if photo else None
    if data:
        picture = paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, after=2)
        picture.paragraph_format.line_spacing = 1.0
        try:
            picture.add_run().add_picture(io.BytesIO(data), width=PICTURE_WIDTH)
        except Exception:  # a preview python-docx cannot read must not cost the whole bulletin
            logger.warning("Bulletin: could not embed media %s", photo.pk, exc_info=True)
        else:
            if photo.caption:
                paragraph(
                    doc,
                    photo.caption,
                    font=SUBHEADING_FONT,
                    size=12,
                    align=WD_ALIGN_PARAGRAPH.CENTER,
                    after=8,
                )
