"""Read a city's 双创周 plan (工作方案) as the office receives it, into a preview structure.

A pure parser: no model, no database. ``read_plan_docx`` turns an uploaded .docx into text
(after ``core.archives`` has checked the zip, as the .xlsx import does); ``parse_plan`` reads
that text, or text pasted by the office, into a ``PlanDraft``: the plan's title, unified
title (统一冠名), theme, period (三、活动时间), the office's contacts and reporting rules
(七、信息报送), the 抄送 list and the events of 五、主要活动, each with warnings in Chinese.
A later step maps the draft to models, shows it and saves it; nothing here writes.

The layout it expects is the one such plans share (see ``tests/data/plans/kunshan_2017.txt``):
top-level headings "一、…", items "（一）title" inside the section named 主要活动, each with
lines "1. 主办单位：…", "2. 活动时间：…", "3. 活动地点：…" (or 活动地址/比赛地点/预赛地点),
"活动内容：…". It tolerates blank lines or none, full-width digits and punctuation, a heading
and its first field on one line, fields without numbers, items without "（一）" numbers (Word
auto-numbering is not part of the text), and items written as a table.

Places (``PlanEvent.place_kind``):

- ``citywide``: the whole city ("全市各区镇", "全市", "各区镇").
- ``other_city``: the place names a known city other than the plan's own. The plan's city is
  the last known city named in its title (昆山 for "…苏州分会场昆山市工作方案"). Decision: a
  county-level city's prefecture is *another* city for it. 昆山 belongs to 苏州, but a 昆山 plan's
  venues are 昆山's, so "苏州工业园区" in a 昆山 plan is ``other_city`` and warned about, like
  广州; "苏州市昆山市…" (a full address inside 昆山) is local, because the plan's own city is
  named. The other way round, a 苏州 plan's "昆山…" place is local (its county-level city).
- ``online``: no place but content mentions 网络/线上/网上/在线/直播, or the place itself
  says 线上/网上/网络/在线.
- ``venue_text``: anything else, including an empty place (warned about).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import asdict, dataclass, field

import docx
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.oxml.ns import qn

from core.archives import check_office_archive

CITYWIDE = "citywide"
OTHER_CITY = "other_city"
ONLINE = "online"
VENUE_TEXT = "venue_text"
PLACE_KINDS = (CITYWIDE, OTHER_CITY, ONLINE, VENUE_TEXT)

NOT_DOCX_MESSAGE = gettext_lazy("无法读取该文件，请上传 .docx 格式（Word 文档）的工作方案。")


@dataclass
class PlanEvent:
    """One item of 主要活动 as written; dates are None when absent or unreadable (see warnings)."""

    number: int
    title: str
    hosts: list[str] = field(default_factory=list)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    time_label: str = ""  # "活动时间", "预赛时间", "比赛时间", … as written; "" when absent
    time_text: str = ""  # the date as written, e.g. "9月25日—27日"
    place_label: str = ""  # "活动地点", "活动地址", "比赛地点", "预赛地点", …; "" when absent
    place: str = ""
    place_kind: str = VENUE_TEXT  # one of PLACE_KINDS
    place_city: str = ""  # the other city named, when place_kind is OTHER_CITY
    content: str = ""  # 活动内容, line breaks kept
    undertakers: list[str] = field(default_factory=list)  # 承办单位
    co_organizers: list[str] = field(default_factory=list)  # 协办单位
    other_fields: dict[str, str] = field(default_factory=dict)  # any other "label：value", and repeats
    warnings: list[str] = field(default_factory=list)


@dataclass
class PlanDraft:
    """The plan as read; every field is "" / None / [] when the plan does not state it."""

    title: str = ""
    city: str = ""  # the plan's own city, from its title ("昆山")
    unified_title: str = ""
    theme: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    office_contact: str = ""  # 活动周联系人
    report_contact: str = ""  # 信息报送联系人
    email: str = ""
    phone: str = ""
    deadline: dt.time | None = None  # "当天下午16时前" -> 16:00
    media_rules: str = ""  # "其中照片格式为JPG，大小不低于2M，视频为高清格式"
    photo_min_megabytes: float | None = None  # "大小不低于2M" -> 2.0
    cc: list[str] = field(default_factory=list)  # 抄送
    events: list[PlanEvent] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# .docx to text


def read_plan_docx(file) -> str:
    """The text of a .docx (bytes or a binary file): paragraphs and table cells in document
    order, one line each, blank paragraphs kept as blank lines.

    The zip is checked first (``core.archives.check_office_archive``, the .xlsx import's limits),
    so a zip bomb is refused from its directory; its ``ValidationError`` is raised unchanged. A
    file that is no zip or no Word document raises ``ValidationError`` (code ``not_docx``).
    python-docx parses with ``resolve_entities=False``, so XML entities are not expanded.

    A table whose first row names columns (主办单位 and a 时间 column, e.g. 序号 | 活动名称 |
    主办单位 | 活动时间 | 活动地点) becomes the plan's item form, "（一）name" and "label：value"
    lines; a two-cell row "主办单位 | 昆山市科技局" becomes "主办单位：昆山市科技局".
    """
    if isinstance(file, bytes | bytearray | memoryview):
        content = bytes(file)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        content = file.read()
    try:
        check_office_archive(content)
    except ValidationError as error:
        if error.code == "not_zip":
            raise ValidationError(NOT_DOCX_MESSAGE, code="not_docx") from None
        raise
    try:
        document = docx.Document(io.BytesIO(content))
        body = document.element.body
    except Exception:
        raise ValidationError(NOT_DOCX_MESSAGE, code="not_docx") from None
    lines: list[str] = []
    _block_lines(body, lines)
    return "\n".join(lines)


_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_TR, _TC = qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")


def _block_lines(container, lines: list[str]) -> None:
    """Lines of the paragraphs and tables directly in ``container`` (a body, cell or content control)."""
    for child in container:
        if child.tag == _P:
            lines.extend(_paragraph_text(child).split("\n"))
        elif child.tag == _TBL:
            _table_lines(child, lines)
        elif child.tag == _SDT:
            for part in child.iter(_SDT_CONTENT):
                _block_lines(part, lines)
                break


def _paragraph_text(paragraph) -> str:
    """The visible text of a paragraph: runs, hyperlinks and insertions; no deleted text, no field codes."""
    parts = []
    for element in paragraph.iter(_T, _TAB, _BR, _CR, _NO_BREAK_HYPHEN):
        if element.tag == _T:
            parts.append(element.text or "")
        elif element.tag == _TAB:
            parts.append("\t")
        elif element.tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_lines(cell) -> list[str]:
    lines: list[str] = []
    _block_lines(cell, lines)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _table_lines(table, lines: list[str]) -> None:
    rows = [[_cell_lines(cell) for cell in row if cell.tag == _TC] for row in table if row.tag == _TR]
    rows = [row for row in rows if any(any(line.strip() for line in cell) for cell in row)]
    if not rows:
        return
    header = [_compact(" ".join(cell)) for cell in rows[0]]
    if any("主办" in name for name in header) and any(name.endswith(("时间", "日期")) for name in header):
        _header_table_lines(header, rows[1:], lines)
        return
    for row in rows:
        label = _compact(" ".join(row[0])) if len(row) == 2 else ""
        if label and _LABEL_ONLY_RE.fullmatch(label):
            lines.append(f"{label}：" + "\n".join(row[1]))
            continue
        for cell in row:
            lines.extend(cell)


def _header_table_lines(header: list[str], rows: list[list[list[str]]], lines: list[str]) -> None:
    number_column = next((i for i, name in enumerate(header) if name in ("序号", "编号")), None)
    name_column = next(
        (i for i, name in enumerate(header) if "名称" in name or name in ("活动", "项目", "活动项目")), None
    )
    for index, row in enumerate(rows, start=1):
        cells = {i: "\n".join(cell).strip() for i, cell in enumerate(row)}
        number = _to_ascii(cells.get(number_column, "")) if number_column is not None else ""
        number = int(number) if number.isdigit() and 0 < int(number) < 100 else index
        name = _ws(cells.get(name_column, "")) if name_column is not None else ""
        lines.append("")
        lines.append(f"（{_chinese_number(number)}）{name}")
        for i, label in enumerate(header):
            if i in (number_column, name_column) or not label or not cells.get(i):
                continue
            lines.append(f"{label}：{cells[i]}")


# ---------------------------------------------------------------------------------------------
# Text helpers

_FULL_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + n): str(n) for n in range(10)},
        "．": ".",
        "／": "/",
        "－": "-",
        "：": ":",
        "\u3000": " ",
    }
)
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMERAL = "[一二三四五六七八九十]{1,3}"


def _to_ascii(text: str) -> str:
    """Full-width digits and the date punctuation as ASCII."""
    return text.translate(_FULL_WIDTH)


def _ws(text: str) -> str:
    """Whitespace runs (full-width and no-break spaces too) as one space, ends stripped."""
    return re.sub(r"\s+", " ", text.replace("\u200b", "").replace("\ufeff", "")).strip()


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _join_lines(lines) -> str:
    """Lines of one wrapped phrase joined: no separator between Chinese, a space between words."""
    result = ""
    for line in (_ws(line) for line in lines):
        if not line:
            continue
        if (
            result
            and result[-1].isascii()
            and result[-1].isalnum()
            and line[0].isascii()
            and line[0].isalnum()
        ):
            result += " "
        result += line
    return result


def _chinese_to_int(numeral: str) -> int:
    """一 … 九十九."""
    if "十" not in numeral:
        return _CN_DIGITS[numeral] if len(numeral) == 1 else 0
    tens, _sep, ones = numeral.partition("十")
    return _CN_DIGITS.get(tens, 1 if not tens else 0) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def chinese_number(number: int) -> str:
    """1 … 99 in Chinese numerals, as items are numbered: 1 → 一, 12 → 十二, 20 → 二十."""
    return _chinese_number(number)


def _chinese_number(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _split_names(text: str) -> list[str]:
    """Unit names separated by 、，,;； or line breaks, in order, trailing 。 and 等 removed."""
    names = []
    for part in re.split(r"[、，,;；\n]+", text):
        name = _ws(part).rstrip("。.").strip()
        if (
            name.endswith("等")
            and len(name) > 3
            and not name.endswith(("高等", "中等", "初等", "同等", "平等"))
        ):
            name = name[:-1]
        if name and name not in names:
            names.append(name)
    return names


# ---------------------------------------------------------------------------------------------
# Dates

_RANGE_SEPARATOR = r"(?:[—–―‐‑‒−\-～~〜]+|至|到)"
_CHINESE_DATE_RE = re.compile(
    r"(?:(?P<y1>\d{4})年)?(?P<m1>\d{1,2})月(?P<d1>\d{1,2})[日号]?"
    rf"(?:{_RANGE_SEPARATOR}(?:(?P<y2>\d{{4}})年)?(?:(?P<m2>\d{{1,2}})月)?(?P<d2>\d{{1,2}})[日号]?)?"
)
_NUMERIC_DATE_RE = re.compile(
    r"(?P<y1>\d{4})[./-](?P<m1>\d{1,2})[./-](?P<d1>\d{1,2})"
    r"(?:(?:[—–―～~〜]+|至|到)(?:(?P<y2>\d{4})[./-])?(?:(?P<m2>\d{1,2})[./-])?(?P<d2>\d{1,2}))?"
)
_MORE_DATES_RE = re.compile(r"\d{4}年|\d+[月日号]|\d{4}[./-]\d")


def parse_date_range(
    text: str, *, year: int | None = None, period: tuple[dt.date, dt.date] | None = None
) -> tuple[dt.date, dt.date]:
    """The first and last day of a date as plans write it; ``ValueError`` when it cannot be read.

    "2017年9月13日—17日", "9月25日—27日", "9月28日—10月2日", "9月13—17日", "9月22日",
    "2017.9.28—10.2"; dashes — – - ～ ~ or 至/到; full-width digits and spaces anywhere; a
    weekday or a time of day after it is ignored. A missing year is taken from ``period`` (the
    year that puts the day inside the period, or nearest to it), else from ``year``; a range
    whose end month is before its start month ends in the next year ("12月30日—1月2日").
    """
    compact = _compact(_to_ascii(text))
    match = _CHINESE_DATE_RE.search(compact) or _NUMERIC_DATE_RE.search(compact)
    if match is None:
        raise ValueError(f"no date in {text!r}")
    if re.search(r"\d", compact[: match.start()]) or _MORE_DATES_RE.search(compact[match.end() :]):
        raise ValueError(f"more than one date in {text!r}")
    parts = {key: int(value) for key, value in match.groupdict().items() if value}
    month, day = parts["m1"], parts["d1"]
    first_year = parts.get("y1") or _year_for(month, day, year=year, period=period)
    try:
        start = dt.date(first_year, month, day)
        if "d2" not in parts:
            return start, start
        end_month = parts.get("m2", month)
        end_year = parts.get("y2") or (first_year + 1 if end_month < month else first_year)
        end = dt.date(end_year, end_month, parts["d2"])
    except ValueError:
        raise ValueError(f"no such day in {text!r}") from None
    if end < start:
        raise ValueError(f"the range ends before it starts in {text!r}")
    return start, end


def _year_for(month: int, day: int, *, year: int | None, period: tuple[dt.date, dt.date] | None) -> int:
    if period is not None:
        start, end = period
        candidates = []
        for candidate in sorted({start.year, end.year}):
            try:
                when = dt.date(candidate, month, day)
            except ValueError:
                continue
            distance = 0 if start <= when <= end else min(abs((when - start).days), abs((when - end).days))
            candidates.append((distance, candidate))
        if candidates:
            return min(candidates)[1]
    if year is None:
        raise ValueError("no year")
    return year


def _month_day(day: dt.date, reference: dt.date | None) -> str:
    if reference is not None and day.year == reference.year:
        return f"{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------------------------------------
# Places

# Cities a plan may send an event to; county-level cities map to their prefecture.
COUNTY_CITIES = {
    "昆山": "苏州",
    "常熟": "苏州",
    "张家港": "苏州",
    "太仓": "苏州",
    "江阴": "无锡",
    "宜兴": "无锡",
    "溧阳": "常州",
    "丹阳": "镇江",
    "句容": "镇江",
    "扬中": "镇江",
    "仪征": "扬州",
    "高邮": "扬州",
    "靖江": "泰州",
    "泰兴": "泰州",
    "兴化": "泰州",
    "如皋": "南通",
    "海安": "南通",
    "启东": "南通",
    "东台": "盐城",
    "邳州": "徐州",
    "新沂": "徐州",
    "义乌": "金华",
    "慈溪": "宁波",
    "余姚": "宁波",
    "晋江": "泉州",
}
CITIES = (
    "北京 上海 天津 重庆 广州 深圳 南京 苏州 无锡 常州 镇江 扬州 泰州 南通 盐城 淮安 宿迁 连云港 徐州 "
    "杭州 宁波 温州 绍兴 嘉兴 湖州 金华 台州 合肥 芜湖 福州 厦门 泉州 南昌 济南 青岛 烟台 郑州 武汉 "
    "长沙 成都 西安 沈阳 大连 长春 哈尔滨 石家庄 太原 呼和浩特 南宁 海口 三亚 贵阳 昆明 拉萨 兰州 "
    "西宁 银川 乌鲁木齐 东莞 佛山 珠海 香港 澳门 台北"
).split() + list(COUNTY_CITIES)
_ONLINE_WORDS = ("网络", "线上", "网上", "在线", "直播")
_ONLINE_PLACE_RE = re.compile(r"^(?:线上|网上|网络|在线|云端)")
_CITYWIDE_RE = re.compile(r"^(?:全市|全县|全区)|各区镇|^各镇|^各区")


def _city_in(text: str) -> str:
    """The known city named last in ``text`` (a street named after a city, "北京路", does not count)."""
    found = (-1, 0, "")
    for city in CITIES:
        for match in re.finditer(rf"{city}(?![东西南北中]?[路街道巷弄])", text):
            found = max(found, (match.start(), len(city), city))
    return found[2]


def guess_place_kind(place: str, content: str = "", *, city: str = "") -> tuple[str, str]:
    """(one of ``PLACE_KINDS``, the other city named or "") for an event's place and content in
    a plan of ``city`` (see the module's docstring)."""
    if not place:
        return (ONLINE if any(word in content for word in _ONLINE_WORDS) else VENUE_TEXT), ""
    if _ONLINE_PLACE_RE.match(place):
        return ONLINE, ""
    if _CITYWIDE_RE.search(place):
        return CITYWIDE, ""
    if city and city in place:
        return VENUE_TEXT, ""
    named = [name for name in CITIES if re.search(rf"{name}(?![东西南北中]?[路街道巷弄])", place)]
    # A prefecture's own plan counts its county-level cities as local.
    foreign = [name for name in named if name != city and COUNTY_CITIES.get(name) != city]
    if foreign:
        return OTHER_CITY, foreign[0]
    return VENUE_TEXT, ""


# ---------------------------------------------------------------------------------------------
# The plan

_TOP_RE = re.compile(rf"^(?P<number>{_CN_NUMERAL})\s*[、.．]\s*(?P<text>.*)$")
_ITEM_RE = re.compile(rf"^[（(]\s*(?P<number>{_CN_NUMERAL})\s*[）)]\s*(?P<text>.*)$")
_HOST_LABELS = ("主办单位", "主办方", "主办")
_UNDERTAKER_LABELS = ("承办单位", "承办方", "承办")
_CO_LABELS = ("协办单位", "协办方", "协办")
_CONTENT_LABELS = ("活动内容", "主要内容", "内容", "活动简介", "简介")
_STAGES = "活动|预赛|初赛|复赛|半决赛|决赛|比赛|赛事|会议|举办|开幕|展览|培训"
_LABELS = "|".join(
    [
        *_HOST_LABELS,
        *_UNDERTAKER_LABELS,
        *_CO_LABELS,
        rf"(?:{_STAGES})?(?:时间|日期)",
        rf"(?:{_STAGES})?(?:地点|地址|场地)",
        *_CONTENT_LABELS,
        "指导单位|支持单位|参加对象|参与对象|活动对象|活动形式|活动规模|报名方式|联系人|联系电话|联系方式|备注",
    ]
)
# A field: "1. 主办单位：", "1．主办单位:", "（1）活动时间：", "①活动地点：", "活动内容：", at a line's
# start or after a space or punctuation (a heading and its fields may share a line).
_FIELD_RE = re.compile(
    r"(?:^|(?<=[\s。；;，,]))"
    r"(?:[（(]?[0-9０-９]{1,2}[)）]?\s?[.．、]?\s?|[①-⑳]\s?)?"
    rf"(?P<label>{_LABELS})\s?[：:]",
    re.MULTILINE,
)
_LABEL_ONLY_RE = re.compile(rf"(?:{_LABELS})")
_DATE_LINE_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


@dataclass
class _Section:
    number: int
    name: str  # the heading without its number, up to a colon
    rest: str  # text after the heading's name on the same line
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join([self.rest, *self.lines]).strip()


def parse_plan(text: str) -> PlanDraft:
    """Read a plan's text (``read_plan_docx`` or pasted) into a ``PlanDraft``; never raises on
    content: what cannot be read is left empty and warned about (in Chinese)."""
    lines = [_ws(line) for line in (text or "").splitlines()]
    draft = PlanDraft()
    title_index = _read_title(lines, draft)
    body, cc_lines = lines[title_index + 1 :], []
    for index, line in enumerate(body):
        if re.match(r"^抄\s?送\s?[：:]", line):
            body, cc_lines = body[:index], body[index:]
            break
    draft.cc = _read_cc(cc_lines)
    sections = _sections(body)
    year = _plan_year(draft.title, lines)

    theme = _find_section(sections, ("主题",))
    if theme is not None:
        draft.theme = "\n".join(line for line in theme.text.splitlines() if line)
    _read_period(_find_section(sections, ("活动时间", "时间")), draft, year)

    activities = _find_section(sections, ("主要活动", "活动安排", "活动内容", "具体活动")) or next(
        (section for section in sections if section.number == 5), None
    )
    report = _find_section(sections, ("信息报送", "报送")) or next(
        (section for section in sections if section.number == 7), None
    )
    unified = re.search(
        r"统一冠名\s?[：:]\s?(.+?)(?:[，,。；;]|$)", activities.text if activities else "", re.M
    )
    unified = unified or re.search(r"统一冠名\s?[：:]\s?(.+?)(?:[，,。；;]|$)", "\n".join(body), re.M)
    if unified:
        draft.unified_title = _ws(unified.group(1))
    _read_report(report.text if report else "\n".join(body), draft)

    if activities is None:
        draft.warnings.append(_("未找到“主要活动”部分，没有读取到活动。"))
    else:
        period = (draft.period_start, draft.period_end) if draft.period_start and draft.period_end else None
        draft.events = [
            _read_event(number, item_lines, year=year, period=period, city=draft.city)
            for number, item_lines in _items(activities.lines)
        ]
        if not draft.events:
            draft.warnings.append(_("“主要活动”部分中没有找到活动。"))
        numbers = [event.number for event in draft.events]
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            draft.warnings.append(_("活动编号不连续，请核对是否漏项或重复。"))
    return draft


def _read_title(lines: list[str], draft: PlanDraft) -> int:
    """Set the plan's title and city; return the index of the title's last line (-1 if none)."""
    for index, line in enumerate(lines):
        if not line.rstrip("：:。").endswith("方案") or "《" in line or "通知" in line or len(line) > 80:
            continue
        parts = [line]
        before = index - 1
        while before >= 0 and len(parts) < 4:
            previous = lines[before]
            if (
                not previous
                or previous[0] in "（(〔"
                or previous[-1] in "。：:；;，,）)"
                or previous.endswith(("号", "文件", "办公室", "人民政府", "印发"))
                or _DATE_LINE_RE.match(previous)
                or _TOP_RE.match(previous)
                or _ITEM_RE.match(previous)
            ):
                break
            parts.insert(0, previous)
            before -= 1
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if any("关于" in part for part in parts) or following.startswith("的通知"):
            continue  # the covering notice's title, not the plan's
        draft.title = _join_lines(parts).rstrip("：:。")
        break
    else:
        index = -1
        quoted = re.search(r"《([^《》]{4,80}方案)》", "\n".join(lines))
        if quoted:
            draft.title = _ws(quoted.group(1))
    if not draft.title:
        draft.warnings.append(_("未找到方案标题（以“方案”结尾的一行）。"))
    draft.city = _city_in(draft.title) or _city_in(" ".join(lines[: max(index, 0) + 1]))
    return index


def _plan_year(title: str, lines: list[str]) -> int | None:
    found = re.search(r"(\d{4})\s*年", _to_ascii(title)) or re.search(
        r"(\d{4})\s*年\s*\d{1,2}\s*月", _to_ascii("\n".join(lines))
    )
    return int(found.group(1)) if found else None


def _sections(lines: list[str]) -> list[_Section]:
    sections: list[_Section] = []
    for line in lines:
        top = _TOP_RE.match(line)
        if top:
            heading = re.match(r"([^：:\s\d０-９]{1,12})\s?[：:]?\s?(.*)$", top["text"])
            name, rest = (heading[1], heading[2]) if heading else (top["text"], "")
            sections.append(_Section(_chinese_to_int(top["number"]), name, rest, []))
        elif sections:
            sections[-1].lines.append(line)
    return sections


def _find_section(sections: list[_Section], words: tuple[str, ...]) -> _Section | None:
    for word in words:
        for section in sections:
            if word in section.name:
                return section
    return None


def _read_period(section: _Section | None, draft: PlanDraft, year: int | None) -> None:
    if section is None:
        draft.warnings.append(_("未找到方案的活动时间（如“三、活动时间”）。"))
        return
    written = next((line for line in section.text.splitlines() if "月" in line), "")
    try:
        draft.period_start, draft.period_end = parse_date_range(written, year=year)
    except ValueError:
        draft.warnings.append(_("无法识别方案的活动时间：“%(text)s”。") % {"text": written or section.text})


def _read_report(text: str, draft: PlanDraft) -> None:
    """The office's contacts and reporting rules (七、信息报送)."""
    flat = _to_ascii(text).replace("\n", "")
    for attribute, pattern in (
        ("office_contact", r"活动周联系人\s?:\s?([^,，;；。\s:]+)"),
        ("report_contact", r"信息报送联系人\s?:\s?([^,，;；。\s:]+)"),
    ):
        found = re.search(pattern, flat)
        if found:
            setattr(draft, attribute, found.group(1))
    email = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", flat, re.ASCII)
    if email:
        draft.email = email.group(0)
    phone = re.search(r"(?:联系电话|电话)\s?:\s?(\+?[\d()（）-][\d()（）\s-]{4,}\d)", flat)
    if phone:
        draft.phone = _compact(phone.group(1))
    deadline = re.search(
        r"(上午|中午|下午|晚上)?\s?(\d{1,2})\s?(?:时|点|:)\s?(?:(\d{1,2})\s?分?)?\s?(?:之前|以前|前)", flat
    )
    if deadline:
        hour, minute = int(deadline.group(2)), int(deadline.group(3) or 0)
        if deadline.group(1) in ("下午", "晚上") and hour < 12:
            hour += 12
        if hour < 24 and minute < 60:
            draft.deadline = dt.time(hour, minute)
    rules = re.search(r"[（(]([^（）()]*(?:照片|视频)[^（）()]*)[)）]", text)
    if rules:
        draft.media_rules = _ws(rules.group(1))
    size = re.search(r"(?:照片|图片)[^。；;]*?不(?:低|小)于\s?(\d+(?:\.\d+)?)\s?[MmＭ]", _to_ascii(text))
    if size:
        draft.photo_min_megabytes = float(size.group(1))


def _read_cc(lines: list[str]) -> list[str]:
    if not lines:
        return []
    parts = []
    for index, line in enumerate(lines):
        if index and (not line or "印发" in line or _DATE_LINE_RE.match(line)):
            break
        parts.append(re.sub(r"^抄\s?送\s?[：:]", "", line) if index == 0 else line)
        if line.endswith("。"):
            break
    return _split_names("".join(parts))


def _is_field_line(line: str) -> bool:
    found = _FIELD_RE.match(line)
    return found is not None


def _items(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(number, lines) of each item: "（一）…" headings, or, when the plan has none (Word's own
    numbering is not in the text), each non-field line whose next non-blank line is a field."""
    items: list[tuple[int, list[str]]] = []
    if any(_ITEM_RE.match(line) for line in lines):
        for line in lines:
            heading = _ITEM_RE.match(line)
            if heading:
                items.append((_chinese_to_int(heading["number"]), [heading["text"]]))
            elif items:
                items[-1][1].append(line)
        return items
    for index, line in enumerate(lines):
        following = next((other for other in lines[index + 1 :] if other), "")
        if line and not _is_field_line(line) and "统一冠名" not in line and _is_field_line(following):
            items.append((len(items) + 1, [line]))
        elif items:
            items[-1][1].append(line)
    return [item for item in items if any(_is_field_line(line) for line in item[1])]


def _read_event(
    number: int,
    lines: list[str],
    *,
    year: int | None,
    period: tuple[dt.date, dt.date] | None,
    city: str,
) -> PlanEvent:
    text = "\n".join(lines)
    fields = list(_FIELD_RE.finditer(text))
    heading = text[: fields[0].start()] if fields else text
    event = PlanEvent(number=number, title=_join_lines(heading.splitlines()).rstrip("：:。；; "))
    for found, following in zip(fields, [*fields[1:], None], strict=True):
        label = found["label"]
        value_lines = text[found.end() : following.start() if following else len(text)].splitlines()
        value = _join_lines(value_lines).rstrip("。；;，, ")
        if label in _HOST_LABELS and not event.hosts:
            event.hosts = _split_names("\n".join(value_lines))
        elif label in _UNDERTAKER_LABELS and not event.undertakers:
            event.undertakers = _split_names("\n".join(value_lines))
        elif label in _CO_LABELS and not event.co_organizers:
            event.co_organizers = _split_names("\n".join(value_lines))
        elif label.endswith(("时间", "日期")) and not event.time_label:
            event.time_label, event.time_text = label, value
        elif label.endswith(("地点", "地址", "场地")) and not event.place_label:
            event.place_label, event.place = label, value
        elif label in _CONTENT_LABELS and not event.content:
            event.content = "\n".join(line for line in (_ws(line) for line in value_lines) if line)
        else:
            previous = event.other_fields.get(label)
            event.other_fields[label] = f"{previous}\n{value}" if previous else value
    _check_event(event, year=year, period=period, city=city)
    return event


def _check_event(event: PlanEvent, *, year: int | None, period: tuple[dt.date, dt.date] | None, city: str):
    warn = event.warnings.append
    if not event.title:
        warn(_("未写明活动名称。"))
    if not event.hosts:
        warn(_("未写明主办单位。"))
    if not event.time_text:
        warn(_("未写明活动时间。"))
    else:
        try:
            event.starts_on, event.ends_on = parse_date_range(event.time_text, year=year, period=period)
        except ValueError:
            warn(_("无法识别活动时间：“%(text)s”。") % {"text": event.time_text})
    if period is not None and event.starts_on is not None:
        if event.starts_on < period[0]:
            warn(
                _("活动开始于方案活动时间之前（%(start)s，方案自%(period_start)s起）")
                % {
                    "start": _month_day(event.starts_on, period[0]),
                    "period_start": _month_day(period[0], period[0]),
                }
            )
        if event.ends_on > period[1]:
            warn(
                _("活动结束于方案活动时间之后（%(end)s，方案至%(period_end)s止）")
                % {
                    "end": _month_day(event.ends_on, period[1]),
                    "period_end": _month_day(period[1], period[1]),
                }
            )
    event.place_kind, event.place_city = guess_place_kind(event.place, event.content, city=city)
    if not event.place:
        if event.place_kind == ONLINE:
            warn(_("未写明活动地点，按活动内容视为线上活动。"))
        else:
            warn(_("未写明活动地点。"))
    elif event.place_kind == OTHER_CITY:
        warn(_("活动地点在其他城市（%(city)s），不在本市会场之列。") % {"city": event.place_city})


# ---------------------------------------------------------------------------------------------
# Keeping a draft between the preview and the confirm

_DATE_FIELDS = ("period_start", "period_end")
_EVENT_DATE_FIELDS = ("starts_on", "ends_on")


def draft_as_json(draft: PlanDraft) -> dict:
    """``draft`` as JSON-ready values (dates and the deadline as ISO text), for the session."""
    data = asdict(draft)
    for name in _DATE_FIELDS:
        data[name] = data[name].isoformat() if data[name] else None
    data["deadline"] = draft.deadline.strftime("%H:%M") if draft.deadline else None
    for event in data["events"]:
        for name in _EVENT_DATE_FIELDS:
            event[name] = event[name].isoformat() if event[name] else None
    return data


def draft_from_json(data: dict) -> PlanDraft:
    """The draft ``draft_as_json`` kept; ``ValueError`` (or ``KeyError``/``TypeError``) if it is not one."""
    data = dict(data)
    events = []
    for item in data.pop("events"):
        item = dict(item)
        for name in _EVENT_DATE_FIELDS:
            item[name] = dt.date.fromisoformat(item[name]) if item[name] else None
        events.append(PlanEvent(**item))
    for name in _DATE_FIELDS:
        data[name] = dt.date.fromisoformat(data[name]) if data[name] else None
    data["deadline"] = dt.time.fromisoformat(data["deadline"]) if data["deadline"] else None
    return PlanDraft(**data, events=events)
