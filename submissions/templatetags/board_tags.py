"""The office board's rows as HTML, built in Python rather than through the template engine.

The board of a busy day has a thousand rows; through the template engine each cost about
a quarter of a millisecond in variable lookups alone, and ``format_html`` per cell still
half of that. Values are plain strings here, escaped with the standard library's
``html.escape`` (what Django's ``escape`` does for a ``str``), the report's address is
reversed once per board and each deadline formatted once. Used in ``submissions/board/_live.html`` as
``{% board_rows board.rows %}``; the selector hands over data only.

The same rows are the desktop table and, under 576 px, the phone's cards (``board.css`` lays
each row out as a grid, placing the cells by their position): one rendering for both, and
few bytes more per row. The labels of the media counts (``<small>``) and the last cell's
button are shown on phones only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from events.models import Event

from ..models import MediaFile
from ..states import DayState

register = template.Library()
URL_PLACEHOLDER = 987654321


@dataclass(frozen=True)
class Labels:
    """Every label a board row shows, translated once per board rather than once per row:
    a thousand rows would otherwise spend a third of their rendering time in gettext."""

    forms: dict[str, str]
    states: dict[str, str]
    media: dict[str, str]
    words: dict[str, str]
    # A report's address with URL_PLACEHOLDER for its id: reversed once per board, not per row.
    report_url: str = ""

    @classmethod
    def current(cls) -> Labels:
        return cls(
            forms={value: str(label) for value, label in Event.Form.choices},
            states={value: str(label) for value, label in DayState.LABELS.items()},
            media={"passed": _("合格"), "failed": _("不合格"), "waiting": _("检查中")},
            words={
                "due_next_day": _("次日截止"),
                "unassigned": _("未指定"),
                "late": _("逾期"),
                "due": _("截止"),
                "photos": _("照片"),
                "videos": _("视频"),
                "review": _("审核"),
                "open": _("查看"),
                "before_period": _("活动周前已开始"),
                "previous_evening": _("前一日晚间活动"),
            },
            report_url=escape(reverse("board:report", args=[URL_PLACEHOLDER])),
        )


def media_summary(media: list[MediaFile], *, titles: dict[str, str]) -> SafeString:
    """``2（✓1 ✗1）``: how many files, and how many passed, failed or wait for their check.
    Built here rather than with an included template: the board renders a thousand of them.
    The keys and signs are constants and the counts integers; the titles are escaped."""
    if not media:
        return mark_safe('<span class="text-muted">0</span>')
    counts = Counter(m.status for m in media)
    waiting = counts[MediaFile.Status.QUEUED] + counts[MediaFile.Status.CHECKING]
    parts = "".join(
        f'<span class="mc mc-{key}" title="{escape(titles[key])}">{sign}{n}</span>'
        for key, sign, n in (
            ("passed", "✓", counts[MediaFile.Status.PASSED]),
            ("failed", "✗", counts[MediaFile.Status.FAILED]),
            ("waiting", "…", waiting),
        )
        if n
    )
    return mark_safe(
        f'<span class="mc mc-total">{len(media)}</span><span class="mc-detail">（{parts}）</span>'
    )


@lru_cache(maxsize=4096)
def _datetime_in(value, zone, language) -> str:
    return formats.date_format(value.astimezone(zone), "SHORT_DATETIME_FORMAT")


def _datetime(value) -> str:
    """A deadline or a filing time in the current zone and language; a board's rows share a
    few deadlines, so each is formatted once."""
    return _datetime_in(value, timezone.get_current_timezone(), get_language())


def board_row_html(row, labels: Labels, *, show_phones: bool = True, can_review: bool = True) -> str:
    event, report, words = row.event, row.report, labels.words
    form_label = labels.forms.get(event.form, event.form)
    state_label = labels.states[row.state]
    photo_summary = media_summary(row.photos, titles=labels.media)
    video_summary = media_summary(row.videos, titles=labels.media)
    subtitle = escape(event.subtitle)
    action = ""
    if report is not None and row.state != DayState.DRAFT:
        url = labels.report_url.replace(str(URL_PLACEHOLDER), str(report.pk))
        title = f'<a href="{url}">{subtitle}</a>'
        # The phone's touch target (the title is a line of small text there); hidden on desktops.
        style, word = (
            ("btn-primary", words["review"])
            if can_review and row.needs_review
            else ("btn-outline-secondary", words["open"])
        )
        action = f'<td><a class="btn btn-sm {style}" href="{url}">{escape(word)}</a></td>'
    else:
        title = subtitle
    due_note = f" · {escape(words['due_next_day'])}" if row.due_next_day else ""
    if row.previous_evening:  # due at this board's deadline: the digest counts it here too
        due_note += (
            f' <span class="badge text-bg-info previous-evening">{escape(words["previous_evening"])}'
            f" {row.day.month}/{row.day.day}</span>"
        )
    if event.starts_before_period:  # allowed, and flagged to the office
        due_note += f' <span class="badge text-bg-warning">{escape(words["before_period"])}</span>'
    state = escape(row.state)
    return (
        f'<tr class="board-row state-{state}" data-state="{state}" data-event="{event.pk}" data-day="{row.day.isoformat()}">'
        f'<td class="event-cell">{title}<div class="small text-muted">{escape(form_label)} · '
        f"{timezone.localtime(event.starts_at):%H:%M}{due_note}</div></td>"
        f"<td>{escape(event.where)}</td><td>{escape(event.host.name)}</td><td>{_reporter(event, words, show_phone=show_phones)}</td>"
        f'<td><span class="badge day-state day-state-{state}">{escape(state_label)}</span></td>'
        f'<td class="media-counts"><small>{escape(words["photos"])}</small>{photo_summary}</td>'
        f'<td class="media-counts"><small>{escape(words["videos"])}</small>{video_summary}</td>'
        f'<td class="small">{_submitted(row, words)}</td>{action}</tr>'
    )


def _reporter(event, words, *, show_phone: bool) -> str:
    person = event.reporter
    if person is None:
        return f'<span class="text-danger small">{escape(words["unassigned"])}</span>'
    phone = event.phone_to_call if show_phone else ""
    name = escape(person.display_name)
    if not phone:
        return name
    phone = escape(phone)
    return f'{name}<br><a class="small" href="tel:{phone}">{phone}</a>'


def _submitted(row, words) -> str:
    report = row.report
    if report is not None and report.submitted_at:
        late = f' <span class="text-danger">{escape(words["late"])}</span>' if report.is_late else ""
        return f"{escape(_datetime(report.submitted_at))}{late}"
    return f'<span class="text-muted">{escape(words["due"])} {escape(_datetime(row.due))}</span>'


@register.simple_tag
def board_rows(rows, *, show_phones: bool = True, can_review: bool = True) -> SafeString:
    """Every row of the board, with its labels translated once for all of them; a reader who
    may not review gets no review buttons, one not granted phone numbers gets none."""
    labels = Labels.current()
    return mark_safe(
        "".join(board_row_html(row, labels, show_phones=show_phones, can_review=can_review) for row in rows)
    )
