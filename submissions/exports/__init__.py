"""The day's material for the office, one module per format.

- ``zip``: the day's accepted photos and videos, streamed while written (``stream_day_zip``);
- ``xlsx``: the day's reports and the week's compliance per unit (``day_workbook``);
- ``docx``: the daily bulletin, 活动周每日简报 (``bulletin_document``);
- ``summary_xlsx`` and ``summary_docx``: the day and week summary, 报送汇总 (``summary_workbook``),
  and the office's written summary after the week, 信息报送工作总结 (``summary_document``).

``word`` and ``sheets`` hold the Word and workbook layout these share. Reads go through
``submissions.selectors.board`` and ``.summary``; nothing here writes to the database.
"""

from __future__ import annotations

import datetime as dt
import re

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_name(text: str, *, limit: int = 60) -> str:
    """A file or folder name that Windows, macOS and Linux all accept, Chinese kept."""
    cleaned = _UNSAFE.sub("_", text).strip(" ._") or "_"
    return cleaned[:limit]


def quoted(title: str) -> str:
    """``title`` in Chinese double quotes, its own double quotes made single (an event named
    沪昆“新材料”沙龙 reads “沪昆‘新材料’沙龙”, as official documents write nested quotes)."""
    return "“" + title.replace("“", "‘").replace("”", "’") + "”"


def day_label(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def month_day(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def export_basename(week, day: dt.date, kind: str) -> str:
    """``2026年全国…活动周_每日简报_2026-09-21``: what downloads and attachments are called."""
    return f"{safe_name(week.name, limit=40)}_{kind}_{day.isoformat()}"


def week_export_basename(week, kind: str) -> str:
    """``2026年全国…活动周_报送汇总``: a download about the whole week."""
    return f"{safe_name(week.name, limit=40)}_{kind}"
