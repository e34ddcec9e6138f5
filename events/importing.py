"""Bulk import of events from an .xlsx plan: template, preview with row-by-row errors, import.

The office receives event plans as spreadsheets. ``preview`` reads and checks every row
without writing; ``import_events`` re-checks and writes all rows in one transaction or
none. Each event gets an ``import_key`` from its (lead) host, subtitle and start, so importing
the same file again finds the events it made and creates nothing new (even after the units
edited other fields of them).

The columns take what the plan writes: several hosts in order separated by "、" (the first
leads, the others are co-hosts), a kind of place (a city venue, a place typed as text, a place
in another city, online, or a venue plus an online link) and an online link. A row that
starts before the week's period is imported with a warning for the office, as the form does.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass, field

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from core.archives import check_office_archive
from core.text import validate_single_line
from venues.models import Venue

from .models import Event, EventPartner, ImportJob, Organizer, Theme, User, Week, is_hls_url
from .services import (
    PartnerSpec,
    event_import_rows,
    import_job_claim,
    import_job_finish,
    import_job_start,
)
from .validation import (
    host_as_partner_errors,
    place_errors,
    place_for_kind,
    relay_errors,
    split_names,
    validate_phone,
    week_range_errors,
    week_range_warnings,
)

log = logging.getLogger(__name__)

# (key, header, required)
COLUMNS = [
    ("subtitle", gettext_lazy("副标题"), True),
    ("form", gettext_lazy("活动形式"), True),
    ("host", gettext_lazy("主办单位"), True),
    ("undertakers", gettext_lazy("承办单位"), False),
    ("co_organizers", gettext_lazy("协办单位"), False),
    ("place_kind", gettext_lazy("地点类型"), False),
    ("venue", gettext_lazy("会场"), False),
    ("place", gettext_lazy("活动地点"), False),
    ("address", gettext_lazy("详细地址"), False),
    ("online_url", gettext_lazy("线上参与链接"), False),
    ("starts_at", gettext_lazy("开始时间"), True),
    ("ends_at", gettext_lazy("结束时间"), True),
    ("themes", gettext_lazy("主题标签"), False),
    ("contact_name", gettext_lazy("联系人"), False),
    ("contact_phone", gettext_lazy("联系电话"), False),
    ("contact_email", gettext_lazy("联系邮箱"), False),
    # The title of old sheets: a link there serves as the replay as well (see _check).
    ("live_url", gettext_lazy("直播或回放链接"), False),
    ("recording_url", gettext_lazy("回放链接"), False),
    ("description", gettext_lazy("活动简介"), False),
]
DATETIME_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M",
]
MAX_ROWS = 1000
# Longest text a cell may hold: the description is free text, the lists hold several unit or
# theme names, every other column is one line (and the model's max_length may be stricter).
MAX_CELL_CHARS = 200
CELL_CHARS = {"description": 2000, "host": 1000, "undertakers": 1000, "co_organizers": 1000, "themes": 1000}
# Columns whose text may span lines: the description, and lists (one name a line is allowed).
MULTI_LINE = {"description"}
NAME_LISTS = {"host", "undertakers", "co_organizers", "themes"}
_MODEL_LIMITED = ("subtitle", "place", "address", "contact_name")


@dataclass
class ImportRow:
    """One checked row: its number in the sheet, the values as typed, errors, and what it makes."""

    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    # What the office should know but nothing refuses (a start before the week's period).
    warnings: list[str] = field(default_factory=list)
    exists: bool = False
    event: Event | None = None
    themes: list[Theme] = field(default_factory=list)
    partners: list[PartnerSpec] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def new_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.exists]

    def messages(self) -> list[str]:
        """Every problem as one line of Chinese, for the management command."""
        lines = list(self.file_errors)
        for row in self.rows:
            lines += [
                _("第 %(row)d 行：%(error)s") % {"row": row.number, "error": error} for error in row.errors
            ]
        return lines


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped: int


class ImportRejected(Exception):
    def __init__(self, preview: ImportPreview):
        super().__init__("; ".join(preview.messages()))
        self.preview = preview


def encode(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def decode(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def import_key(*, host: str, subtitle: str, starts_at: dt.datetime) -> str:
    raw = "\n".join([host.strip(), subtitle.strip(), starts_at.astimezone(dt.UTC).isoformat()])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


def preview(*, content: bytes, week: Week) -> ImportPreview:
    """Read and check every row; write nothing."""
    result = ImportPreview()
    try:
        # Before openpyxl: a zip bomb is refused from its directory, never inflated into memory.
        check_office_archive(content)
    except ValidationError as error:
        if error.code == "not_zip":
            result.file_errors.append(_("无法读取该文件，请上传由模板填写的 .xlsx 文件。"))
        else:
            result.file_errors += error.messages
        return result
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        result.file_errors.append(_("无法读取该文件，请上传由模板填写的 .xlsx 文件。"))
        return result
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    positions = {str(title).strip(): index for index, title in enumerate(header) if title is not None}
    missing = [str(title) for key, title, required in COLUMNS if required and str(title) not in positions]
    if missing:
        result.file_errors.append(
            _("表头缺少以下列：%(columns)s。请使用下载的模板。") % {"columns": "、".join(missing)}
        )
        return result
    lookups = _Lookups(week)
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=2):
        values = {key: _text(line, positions.get(str(title))) for key, title, _required in COLUMNS}
        if not any(values.values()):
            continue
        if len(result.rows) >= MAX_ROWS:
            result.file_errors.append(_("一次最多导入 %(max)d 行。") % {"max": MAX_ROWS})
            break
        row = ImportRow(number=number, values=values)
        _check(row, line, positions, week, lookups)
        if row.event is not None and not row.errors:
            key = row.event.import_key
            if key in seen:
                row.errors.append(
                    _("与第 %(other)d 行是同一活动（主办单位、副标题、开始时间相同）。")
                    % {"other": seen[key]}
                )
            seen.setdefault(key, number)
            row.exists = key in lookups.existing_keys
        result.rows.append(row)
    if not result.rows and not result.file_errors:
        result.file_errors.append(_("文件中没有活动数据。"))
    return result


def import_events(*, content: bytes, week: Week, by: User | None, publish: bool = False) -> ImportResult:
    """Check the file again and import every new row, all or nothing (``ImportRejected`` if any row is bad)."""
    checked = preview(content=content, week=week)
    if not checked.is_valid:
        raise ImportRejected(checked)
    new = checked.new_rows
    event_import_rows(rows=[(row.event, row.themes, row.partners) for row in new], by=by, publish=publish)
    return ImportResult(created=len(new), skipped=len(checked.rows) - len(new))


def preview_as_json(checked: ImportPreview) -> dict:
    """What the preview page shows of ``checked``, for an ``ImportJob`` to keep."""
    return {
        "file_errors": [str(error) for error in checked.file_errors],
        "rows": [
            {
                "number": row.number,
                "values": row.values,
                "errors": [str(e) for e in row.errors],
                "warnings": [str(w) for w in row.warnings],
                "exists": row.exists,
            }
            for row in checked.rows
        ],
    }


def preview_from_json(data: dict | None) -> ImportPreview:
    """The preview kept by ``preview_as_json``: enough to show it, not to import (confirm checks again)."""
    data = data or {}
    rows = [
        ImportRow(
            number=row["number"],
            values=row["values"],
            errors=list(row["errors"]),
            warnings=list(row.get("warnings", [])),
            exists=row["exists"],
        )
        for row in data.get("rows", [])
    ]
    return ImportPreview(rows=rows, file_errors=list(data.get("file_errors", [])))


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Check a stored upload (the worker's half of ``services.import_job_create``): claim the job,
    run ``preview`` in the uploader's language and record it. A file refused as a whole (not a
    workbook, a zip bomb, no header, too many rows) makes a failed job with the Chinese message;
    so does a crash of the check. Safe to run twice; a vanished or finished job is skipped.

    Side effects: the job's status, result and error saved. Returns the job, or None."""
    job = import_job_start(job_id=job_id)
    if job is None:
        return None
    with override(job.language or None):
        try:
            checked = preview(content=bytes(job.content), week=job.week)
        except Exception:
            log.exception("import job %s: the check failed", job_id)
            import_job_finish(job=job, result=None, error=_("检查文件时出错，请重新上传。"))
            return job
    import_job_finish(
        job=job, result=preview_as_json(checked), error="\n".join(map(str, checked.file_errors))
    )
    return job


def import_job_confirm(*, job: ImportJob, by: User | None) -> ImportResult | None:
    """Import a checked job's file once: check it again and import every new row, all or nothing.
    Returns None if the job was already imported (or is not checked); raises ``ImportRejected``
    if the file no longer passes (the job stays checked, so nothing is lost).

    Side effects: as ``import_events``; the job marked imported and its file dropped."""
    content = bytes(job.content)
    try:
        with transaction.atomic():
            if not import_job_claim(job=job):
                return None
            return import_events(content=content, week=job.week, by=by, publish=job.publish)
    except ImportRejected:
        job.status = ImportJob.Status.DONE  # the claim was rolled back with the import
        raise


class _Lookups:
    """Names the rows refer to, read once per file."""

    def __init__(self, week: Week):
        self.units = {unit.name: unit for unit in Organizer.objects.all()}
        self.venues = {venue.name: venue for venue in Venue.objects.all()}
        self.themes = {theme.name: theme for theme in Theme.objects.all()}
        self.forms = {str(label): value for value, label in Event.Form.choices}
        self.forms.update({value: value for value in Event.Form.values})
        self.place_kinds = {str(label): value for value, label in Event.PlaceKind.choices}
        self.place_kinds.update({value: value for value in Event.PlaceKind.values})
        self.existing_keys = set(
            Event.objects.filter(week=week).exclude(import_key="").values_list("import_key", flat=True)
        )


def _text(line, position) -> str:
    if position is None or position >= len(line) or line[position] is None:
        return ""
    value = line[position]
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _datetime(text: str, week: Week) -> dt.datetime | None:
    for pattern in DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).replace(tzinfo=week.zone)
        except ValueError:
            continue
    return None


def _text_errors(values: dict[str, str], errors: list[str]) -> bool:
    """Cells too long or with line breaks where one line belongs. A too-long cell stops the row's
    other checks (their messages quote the values) and is cut short for the preview page."""
    titles = {key: title for key, title, _required in COLUMNS}
    too_long = False
    for key, value in values.items():
        limit = CELL_CHARS.get(key, MAX_CELL_CHARS)
        if key in _MODEL_LIMITED:
            limit = min(limit, Event._meta.get_field(key).max_length)
        if len(value) > limit:
            errors.append(_("%(column)s不能超过 %(limit)d 个字。") % {"column": titles[key], "limit": limit})
            values[key] = value[:limit] + "…"
            too_long = True
    if too_long:
        return True
    for key, value in values.items():
        if key in MULTI_LINE:
            continue
        parts = split_names(value) if key in NAME_LISTS else [value]
        for part in parts:
            try:
                validate_single_line(part)
            except ValidationError as error:
                errors.append(
                    _("%(column)s：%(error)s") % {"column": titles[key], "error": error.messages[0]}
                )
                break
    return False


def _check(row: ImportRow, line, positions, week: Week, lookups: _Lookups) -> None:
    v, errors = row.values, row.errors
    if _text_errors(v, errors):
        return
    for key, title, required in COLUMNS:
        if required and not v[key]:
            errors.append(_("“%(column)s”不能为空。") % {"column": title})
    form = lookups.forms.get(v["form"])
    if v["form"] and form is None:
        errors.append(
            _("活动形式“%(value)s”无效，应为：%(choices)s。")
            % {"value": v["form"], "choices": "、".join(str(label) for _value, label in Event.Form.choices)}
        )
    # Several hosts in the plan's order: the first leads, the others are co-hosts. Each one
    # reports, so each must be a unit on the platform.
    host_names = split_names(v["host"])
    for name in host_names:
        if name not in lookups.units:
            errors.append(_("主办单位“%(name)s”不在平台上，请先在“单位”中添加。") % {"name": name})
    host = lookups.units.get(host_names[0]) if host_names else None
    partner_errors = host_as_partner_errors(
        host_names[0] if host_names else None,
        co_hosts=host_names[1:],
        undertakers=split_names(v["undertakers"]),
        co_organizers=split_names(v["co_organizers"]),
    )
    errors += dict.fromkeys(str(message) for message in partner_errors.values())
    venue = lookups.venues.get(v["venue"])
    if v["venue"] and venue is None:
        errors.append(_("会场“%(name)s”不存在。") % {"name": v["venue"]})
    # No kind given: a venue if one is named (the old template's rows), else a place as typed.
    kind = lookups.place_kinds.get(v["place_kind"]) if v["place_kind"] else None
    if v["place_kind"] and kind is None:
        errors.append(
            _("地点类型“%(value)s”无效，应为：%(choices)s。")
            % {
                "value": v["place_kind"],
                "choices": "、".join(str(label) for _value, label in Event.PlaceKind.choices),
            }
        )
    kind = kind or (Event.PlaceKind.VENUE if v["venue"] else Event.PlaceKind.PLACE)
    venue, place, address = place_for_kind(kind=kind, venue=venue, place=v["place"], address=v["address"])
    online_url = v["online_url"] if kind in (Event.PlaceKind.ONLINE, Event.PlaceKind.HYBRID) else ""
    if not (v["venue"] and venue is None and kind in Event.VENUE_KINDS):
        titles = {key: title for key, title, _required in COLUMNS}
        for key, message in place_errors(
            kind=kind, venue=venue, place=place, online_url=online_url, live_url=v["live_url"]
        ).items():
            errors.append(_("%(column)s：%(error)s") % {"column": titles[key], "error": message})
    starts_at = _datetime(v["starts_at"], week) if v["starts_at"] else None
    ends_at = _datetime(v["ends_at"], week) if v["ends_at"] else None
    for key, value, parsed in (("starts_at", v["starts_at"], starts_at), ("ends_at", v["ends_at"], ends_at)):
        if value and parsed is None:
            errors.append(
                _("%(column)s“%(value)s”无法识别，请写成 2017-09-25 09:00。")
                % {"column": dict((k, t) for k, t, _r in COLUMNS)[key], "value": value}
            )
    errors += week_range_errors(week, starts_at, ends_at).values()
    row.warnings += week_range_warnings(week, starts_at, ends_at)
    themes = []
    for name in split_names(v["themes"]):
        if name in lookups.themes:
            themes.append(lookups.themes[name])
        else:
            errors.append(_("主题标签“%(name)s”不存在。") % {"name": name})
    if v["contact_phone"]:
        try:
            validate_phone(v["contact_phone"])
        except ValidationError as error:
            errors.append(_("联系电话：%(error)s") % {"error": error.messages[0]})
    if v["contact_email"]:
        try:
            EmailValidator()(v["contact_email"])
        except ValidationError:
            errors.append(_("联系邮箱“%(value)s”格式不正确。") % {"value": v["contact_email"]})
    if v["live_url"]:
        try:
            URLValidator(schemes=["http", "https"])(v["live_url"])
        except ValidationError:
            errors.append(_("直播或回放链接须以 http:// 或 https:// 开头。"))
        else:
            errors += relay_errors(v["live_url"])
    if v["recording_url"]:
        try:
            URLValidator(schemes=["http", "https"])(v["recording_url"])
        except ValidationError:
            errors.append(_("回放链接须以 http:// 或 https:// 开头。"))
    if online_url:
        try:
            URLValidator(schemes=["http", "https"])(online_url)
        except ValidationError:
            errors.append(_("线上参与链接须以 http:// 或 https:// 开头。"))
    if errors:
        return
    row.themes = themes
    row.partners = [
        PartnerSpec(role=EventPartner.Role.HOST, organizer=lookups.units[name]) for name in host_names[1:]
    ]
    row.partners += [
        PartnerSpec(role=role, organizer=lookups.units.get(name), name="" if name in lookups.units else name)
        for role, key in (
            (EventPartner.Role.UNDERTAKER, "undertakers"),
            (EventPartner.Role.CO_ORGANIZER, "co_organizers"),
        )
        for name in split_names(v[key])
    ]
    row.event = Event(
        week=week,
        host=host,
        subtitle=v["subtitle"],
        form=form,
        place_kind=kind,
        venue=venue,
        place=place,
        address=address,
        online_url=online_url,
        starts_at=starts_at,
        ends_at=ends_at,
        contact_name=v["contact_name"],
        contact_phone=validate_phone(v["contact_phone"]) if v["contact_phone"] else "",
        contact_email=v["contact_email"],
        live_url=v["live_url"],
        # "直播或回放链接": a link (not an HLS stream) is the replay too, unless one is given.
        recording_url=v["recording_url"] or ("" if is_hls_url(v["live_url"]) else v["live_url"]),
        description=v["description"],
        import_key=import_key(host=host.name, subtitle=v["subtitle"], starts_at=starts_at),
    )


def template_workbook(*, week: Week | None) -> bytes:
    """An .xlsx with the Chinese column headers, one example row and a sheet of allowed values."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("活动")
    sheet.append([str(title) for _key, title, _required in COLUMNS])
    for cell, (_key, _title, required) in zip(sheet[1], COLUMNS, strict=True):
        cell.font = Font(bold=True, color="B3161B" if required else "000000")
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    day = week.starts_on if week else dt.date.today()
    venue = Venue.objects.order_by("order", "id").first()
    sheet.append(
        [
            _("示例：孵化基地创业孵化培训会"),
            str(Event.Form.SERVICE.label),
            _("昆山市人社局"),
            "",
            "",
            str(Event.PlaceKind.VENUE.label),
            venue.name if venue else _("昆山市主会场"),
            _("科技广场"),
            _("前进东路科技广场"),
            "",
            f"{day:%Y-%m-%d} 09:00",
            f"{day:%Y-%m-%d} 11:30",
            "",
            _("李娜"),
            "13800000002",
            "",
            "",
            "",
        ]
    )
    for index, _column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = 20
    choices = DataValidation(
        type="list", formula1='"%s"' % ",".join(str(label) for _v, label in Event.Form.choices)
    )
    sheet.add_data_validation(choices)
    choices.add("B2:B1000")
    kinds = DataValidation(
        type="list", formula1='"%s"' % ",".join(str(label) for _v, label in Event.PlaceKind.choices)
    )
    sheet.add_data_validation(kinds)
    kinds.add("F2:F1000")  # 地点类型, the sixth column
    help_sheet = workbook.create_sheet(_("填写说明"))
    help_sheet.append([_("红色表头为必填列；时间写成 2017-09-25 09:00；多个单位或主题用顿号“、”分隔。")])
    help_sheet.append(
        [_("多个主办单位按方案中的顺序用顿号分隔，第一个为牵头主办单位；每个主办单位都须已在平台上。")]
    )
    help_sheet.append(
        [
            _(
                "地点类型：本市会场和线下会场加线上须填会场；本市其他地点和外地填活动地点（如“全市各区镇”“广州”）；"
                "线上活动不填地点，线下会场加线上须填线上参与链接或直播链接。不填地点类型时，填了会场即为本市会场，否则为本市其他地点。"
            )
        ]
    )
    help_sheet.append([_("活动形式"), *[str(label) for _v, label in Event.Form.choices]])
    help_sheet.append([_("地点类型"), *[str(label) for _v, label in Event.PlaceKind.choices]])
    help_sheet.append([_("会场"), *Venue.objects.order_by("order", "id").values_list("name", flat=True)])
    help_sheet.append([_("主题标签"), *Theme.objects.values_list("name", flat=True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
