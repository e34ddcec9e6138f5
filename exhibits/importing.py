"""Bulk import of a hall's projects from an .xlsx, with an optional .zip of their images.

Columns are the project's fields (``COLUMNS``): a stable external id (项目编号), the section by
name, cooperation kinds separated by "、", the holder organization, the contact; the cover
and the other images name files in the .zip. Both files are checked as zip archives
(``core.archives``) before anything parses them, every cell is capped, and each image is
judged by its content (``validation.checked_image``), the same rules as the holders' forms.

A worker runs both halves (``tasks.py``):

- ``import_job_check``: checks every row, writes nothing, and records a preview with each
  error (Chinese, row number and column) and what each row would do: create a project,
  update the one with its external id, or nothing (unchanged since the last import);
- ``import_job_run``, once the curator confirmed: checks the files again (the hall may have
  changed meanwhile), stores the images of new and changed rows and writes all rows without
  errors in one transaction (``services.projects_import``).

Both report their progress on the job, which the page polls.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import posixpath
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl.styles import Font, PatternFill

from core.archives import ArchiveLimits, check_zip_archive
from core.text import validate_single_line
from events.validation import validate_phone

from .models import Cooperation, Exhibition, Project, ProjectImage, ProjectImportJob
from .services import REQUIRED_TO_SUBMIT
from .services.imports import (
    ImportedProject,
    StoredImage,
    import_image_store,
    import_images_delete,
    import_job_checked,
    import_job_fail,
    import_job_progress,
    import_job_start,
    projects_import,
)
from .validation import (
    IMAGE_MAX_BYTES,
    IMPORT_IMAGES_MAX_BYTES,
    IMPORT_SHEET_MAX_BYTES,
    CheckedImage,
    checked_image,
)

log = logging.getLogger(__name__)

MiB = 1024 * 1024
MAX_ROWS = 5000
SHEET_MAX_BYTES = IMPORT_SHEET_MAX_BYTES
IMAGES_MAX_BYTES = IMPORT_IMAGES_MAX_BYTES
# An .xlsx of 5000 rows is a few MB inside; images hardly compress, so a high ratio is hostile.
SHEET_LIMITS = ArchiveLimits(max_entries=200, max_entry_size=60 * MiB, max_total_size=100 * MiB)
IMAGE_ARCHIVE_LIMITS = ArchiveLimits(
    max_entries=MAX_ROWS * (ProjectImage.MAX_PER_PROJECT + 1) + 100,
    max_entry_size=IMAGE_MAX_BYTES,
    max_total_size=2 * IMAGES_MAX_BYTES,
    max_ratio=100,
)
# How often the worker writes its progress (rows, images).
PROGRESS_EVERY = 100
# Lines read at most, empty ones included (a sheet can be padded with a million empty rows).
MAX_LINES = MAX_ROWS * 2 + 1000
SEPARATORS = "、，,;；"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    limit: int
    multi_line: bool = False

    @property
    def required(self) -> bool:
        return self.key in REQUIRED


COLUMNS = [
    Column("external_id", gettext_lazy("项目编号"), Project._meta.get_field("external_id").max_length),
    Column("title", gettext_lazy("项目名称"), Project._meta.get_field("title").max_length),
    Column("section", gettext_lazy("展区"), 40),
    Column("pitch", gettext_lazy("一句话介绍"), Project._meta.get_field("pitch").max_length),
    Column("stage", gettext_lazy("所处阶段"), 16),
    Column("cooperation", gettext_lazy("寻求合作方式"), 100),
    Column("organization", gettext_lazy("成果所属单位"), Project._meta.get_field("organization").max_length),
    Column("team", gettext_lazy("团队成员"), 1000, multi_line=True),
    Column("description", gettext_lazy("项目介绍"), 5000, multi_line=True),
    Column("contact_name", gettext_lazy("联系人"), Project._meta.get_field("contact_name").max_length),
    Column("contact_phone", gettext_lazy("联系人电话"), 32),
    Column("contact_email", gettext_lazy("联系人邮箱"), 254),
    Column("cover", gettext_lazy("封面图文件"), 200),
    Column("images", gettext_lazy("项目图片文件"), 2000),
]
# What a project in review needs (``services.REQUIRED_TO_SUBMIT``), and the id and title.
REQUIRED = {"external_id", "title", *REQUIRED_TO_SUBMIT}
BY_KEY = {column.key: column for column in COLUMNS}


@dataclass(frozen=True)
class ImageRef:
    """An image a row names, found in the archive and checked."""

    entry: str
    digest: str
    checked: CheckedImage


@dataclass
class ImportRow:
    number: int
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column title, message)
    fields: dict = field(default_factory=dict)  # by services.imports.IMPORTED_FIELDS
    cover: ImageRef | None = None
    images: list[ImageRef] = field(default_factory=list)
    action: str = ""  # new, update, same
    fingerprint: str = ""
    images_changed: bool = True

    def error(self, key: str, message: str) -> None:
        self.errors.append((str(BY_KEY[key].title), str(message)))


@dataclass
class ImportCheck:
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.errors]


class FileRefused(Exception):
    """The files cannot be checked row by row (not a workbook, a zip bomb, no header...)."""


Progress = Callable[[int, int], bool]


# --- Reading the files ------------------------------------------------------------------------


def _sheet_rows(content: bytes) -> tuple:
    """The first sheet's rows (an iterator of tuples) and how many it says it has."""
    try:
        check_zip_archive(content, limits=SHEET_LIMITS)
    except ValidationError as error:
        if error.code == "not_zip":
            raise FileRefused(_("项目表无法读取，请上传由模板填写的 .xlsx 文件。")) from None
        raise FileRefused(_("项目表：%(error)s") % {"error": error.messages[0]}) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        stated = sheet.max_row or 0
    except Exception:
        raise FileRefused(_("项目表无法读取，请上传由模板填写的 .xlsx 文件。")) from None
    return sheet.iter_rows(values_only=True), stated


def _header(title) -> str:
    return str(title).strip().rstrip("*").strip() if title is not None else ""


def _cell(line, position) -> str:
    if position is None or position >= len(line) or line[position] is None:
        return ""
    value = line[position]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id or a phone number typed as a number
    return str(value).strip()


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its maker meant it: zip tools on Chinese Windows write names in GBK
    without the UTF-8 flag, which Python then reads as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _key(name: str) -> str:
    name = unicodedata.normalize("NFC", name.replace("\\", "/")).strip().lstrip("./").casefold()
    return name


class ImageArchive:
    """The uploaded .zip of images, checked, with its entries found by name: the path as in the
    archive, or the file name alone when only one entry has it (case and folders ignored)."""

    def __init__(self, handle):
        self.handle = handle
        try:
            check_zip_archive(handle, limits=IMAGE_ARCHIVE_LIMITS)
        except ValidationError as error:
            if error.code == "not_zip":
                raise FileRefused(_("图片压缩包无法读取，请上传 .zip 格式的压缩包。")) from None
            raise FileRefused(_("图片压缩包：%(error)s") % {"error": error.messages[0]}) from None
        try:
            self.archive = zipfile.ZipFile(handle)
        except zipfile.BadZipFile:
            raise FileRefused(_("图片压缩包无法读取，请上传 .zip 格式的压缩包。")) from None
        self.by_path: dict[str, zipfile.ZipInfo] = {}
        self.by_name: dict[str, list[zipfile.ZipInfo]] = {}
        for info in self.archive.infolist():
            name = _entry_name(info)
            base = posixpath.basename(name.replace("\\", "/"))
            if info.is_dir() or name.startswith("__MACOSX/") or base.startswith("._") or not base:
                continue
            self.by_path[_key(name)] = info
            self.by_name.setdefault(_key(base), []).append(info)
        self.checked: dict[str, ImageRef | str] = {}

    def close(self) -> None:
        self.archive.close()
        self.handle.close()

    def find(self, name: str) -> zipfile.ZipInfo | str:
        """The entry for a name in a cell, or the Chinese reason there is none."""
        key = _key(name)
        if key in self.by_path:
            return self.by_path[key]
        found = self.by_name.get(posixpath.basename(key), [])
        if len(found) == 1:
            return found[0]
        if found:
            return _("压缩包中有多个名为“%(name)s”的文件，请写上所在文件夹。") % {"name": name}
        return _("图片“%(name)s”不在图片压缩包中。") % {"name": name}

    def image(self, name: str) -> ImageRef | str:
        """The checked image a cell names, or the Chinese reason it cannot be used."""
        info = self.find(name)
        if isinstance(info, str):
            return info
        if info.filename not in self.checked:
            content = self.archive.read(info)
            try:
                facts = checked_image(ContentFile(content))
            except ValidationError as error:
                result: ImageRef | str = _("图片“%(name)s”：%(error)s") % {
                    "name": name,
                    "error": error.messages[0],
                }
            else:
                result = ImageRef(
                    entry=info.filename, digest=hashlib.sha256(content).hexdigest(), checked=facts
                )
            self.checked[info.filename] = result
        return self.checked[info.filename]

    def read(self, ref: ImageRef) -> bytes:
        return self.archive.read(ref.entry)


# --- Checking ---------------------------------------------------------------------------------


class _Lookups:
    def __init__(self, exhibition: Exhibition):
        self.sections = {section.name: section.pk for section in exhibition.sections.all()}
        self.stages = {str(label): value for value, label in Project.Stage.choices}
        self.stages.update({value: value for value in Project.Stage.values})
        self.cooperation = {str(label): value for value, label in Cooperation.choices}
        self.cooperation.update({value: value for value in Cooperation.values})
        self.existing = {
            external_id: fingerprint
            for external_id, fingerprint in Project.objects.filter(exhibition=exhibition)
            .exclude(external_id="")
            .values_list("external_id", "import_fingerprint")
        }


def check(
    *, exhibition: Exhibition, sheet: bytes, images: ImageArchive | None, progress: Progress | None = None
) -> ImportCheck:
    """Check every row of ``sheet`` (and the images it names in ``images``); write nothing.
    ``progress(done, total)`` is told how many lines are read, every ``PROGRESS_EVERY``; when it
    answers False the check stops. Raises ``FileRefused`` when the file cannot be checked row
    by row."""
    lines, stated = _sheet_rows(sheet)
    header = next(lines, None) or ()
    positions = {_header(title): index for index, title in enumerate(header) if title is not None}
    missing = [
        str(column.title) for column in COLUMNS if column.required and str(column.title) not in positions
    ]
    if missing:
        raise FileRefused(
            _("表头缺少以下列：%(columns)s。请使用下载的模板。") % {"columns": "、".join(missing)}
        )
    total = max(0, min(stated, MAX_LINES + 1) - 1)  # a hint for the progress bar, not trusted
    lookups = _Lookups(exhibition)
    result = ImportCheck()
    seen: dict[str, int] = {}
    for index, line in enumerate(lines):
        if progress and index % PROGRESS_EVERY == 0 and not progress(index, max(total, index)):
            raise FileRefused(_("导入已取消。"))
        if index >= MAX_LINES:
            raise FileRefused(
                _("项目表行数过多（最多 %(max)d 行），请删除空行或分成几个文件。") % {"max": MAX_ROWS}
            )
        values = {column.key: _cell(line, positions.get(str(column.title))) for column in COLUMNS}
        if not any(values.values()):
            continue
        if len(result.rows) >= MAX_ROWS:
            raise FileRefused(_("一次最多导入 %(max)d 行，请分成几个文件。") % {"max": MAX_ROWS})
        row = ImportRow(number=index + 2, values=values)
        _check_row(row, lookups, images)
        external_id = values["external_id"]
        id_title = str(BY_KEY["external_id"].title)
        if external_id and not any(column == id_title for column, _message in row.errors):
            if external_id in seen:
                row.error(
                    "external_id",
                    _("与第 %(other)d 行的项目编号相同，每个项目编号只能出现一次。")
                    % {"other": seen[external_id]},
                )
            seen.setdefault(external_id, row.number)
        if not row.errors:
            _decide(row, lookups)
        result.rows.append(row)
    if not result.rows:
        raise FileRefused(_("项目表中没有项目数据。"))
    if progress:
        progress(len(result.rows), len(result.rows))
    return result


def _text_errors(row: ImportRow) -> bool:
    """Cells too long (cut short for the preview; the row's other checks then stop) or with a
    line break where one line belongs."""
    too_long = False
    for column in COLUMNS:
        value = row.values[column.key]
        if len(value) > column.limit:
            row.error(column.key, _("不能超过 %(limit)d 个字。") % {"limit": column.limit})
            row.values[column.key] = value[:60] + "…"
            too_long = True
    if too_long:
        return True
    for column in COLUMNS:
        if column.multi_line:
            continue
        try:
            validate_single_line(row.values[column.key])
        except ValidationError as error:
            row.error(column.key, error.messages[0])
    return bool(row.errors)


def _split(text: str) -> list[str]:
    parts = [text]
    for separator in SEPARATORS:
        parts = [piece for part in parts for piece in part.split(separator)]
    return [part.strip() for part in parts if part.strip()]


def _check_row(row: ImportRow, lookups: _Lookups, images: ImageArchive | None) -> None:
    v = row.values
    if _text_errors(row):
        return
    for column in COLUMNS:
        if column.required and not v[column.key]:
            row.error(column.key, _("不能为空。"))
    section_id = lookups.sections.get(v["section"])
    if v["section"] and section_id is None:
        row.error(
            "section",
            _("展区“%(name)s”不存在，应为：%(choices)s。")
            % {"name": v["section"], "choices": "、".join(lookups.sections) or _("（展厅还没有展区）")},
        )
    stage = lookups.stages.get(v["stage"], "")
    if v["stage"] and not stage:
        row.error(
            "stage",
            _("“%(value)s”无效，应为：%(choices)s。")
            % {"value": v["stage"], "choices": "、".join(str(label) for _v, label in Project.Stage.choices)},
        )
    kinds = []
    for name in _split(v["cooperation"]):
        if name in lookups.cooperation:
            kinds.append(lookups.cooperation[name])
        else:
            row.error(
                "cooperation",
                _("“%(value)s”无效，应为：%(choices)s，多个用“、”分隔。")
                % {"value": name, "choices": "、".join(str(label) for _v, label in Cooperation.choices)},
            )
    phone = ""
    if v["contact_phone"]:
        try:
            phone = validate_phone(v["contact_phone"])
        except ValidationError as error:
            row.error("contact_phone", error.messages[0])
    if v["contact_email"]:
        try:
            EmailValidator()(v["contact_email"])
        except ValidationError:
            row.error("contact_email", _("“%(value)s”格式不正确。") % {"value": v["contact_email"]})
    row.cover = _image(row, "cover", v["cover"], images) if v["cover"] else None
    names = _split(v["images"])
    if len(names) > ProjectImage.MAX_PER_PROJECT:
        row.error("images", _("每个展项最多 %(count)d 张图片。") % {"count": ProjectImage.MAX_PER_PROJECT})
    else:
        row.images = [ref for name in names if (ref := _image(row, "images", name, images)) is not None]
    if row.errors:
        return
    cooperation = sum({1 << Cooperation.values.index(kind) for kind in kinds})
    row.fields = {
        "title": v["title"],
        "pitch": v["pitch"],
        "section_id": section_id,
        "stage": stage,
        "cooperation": cooperation,
        "organization": v["organization"],
        "team": v["team"],
        "description": v["description"],
        "contact_name": v["contact_name"],
        "contact_phone": phone,
        "contact_email": v["contact_email"],
    }


def _image(row: ImportRow, key: str, name: str, images: ImageArchive | None) -> ImageRef | None:
    if images is None:
        row.error(key, _("填写了图片“%(name)s”，但没有上传图片压缩包。") % {"name": name})
        return None
    found = images.image(name)
    if isinstance(found, str):
        row.error(key, found)
        return None
    return found


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _decide(row: ImportRow, lookups: _Lookups) -> None:
    """What the row does: its fingerprint is its values' digest and its images' (32 hex each)."""
    images = [row.cover.digest if row.cover else "", [ref.digest for ref in row.images]]
    row.fingerprint = _digest(row.fields)[:32] + _digest(images)[:32]
    known = lookups.existing.get(row.values["external_id"])
    if known is None:
        row.action = "new"
    elif known == row.fingerprint:
        row.action = "same"
    else:
        row.action = "update"
        row.images_changed = known[32:] != row.fingerprint[32:]


# --- The preview ------------------------------------------------------------------------------


def preview_as_json(checked: ImportCheck) -> dict:
    """What the job's page shows: the counts, and each row (number, id, title, section, action,
    errors as [column, message])."""
    counts = {"rows": len(checked.rows), "new": 0, "update": 0, "same": 0, "errors": 0}
    for row in checked.rows:
        counts["errors" if row.errors else row.action] += 1
    counts["valid"] = counts["new"] + counts["update"]
    return {
        "file_errors": checked.file_errors,
        "counts": counts,
        "rows": [
            {
                "number": row.number,
                "external_id": row.values["external_id"],
                "title": row.values["title"],
                "section": row.values["section"],
                "action": "" if row.errors else row.action,
                "errors": [list(error) for error in row.errors],
            }
            for row in checked.rows
        ],
    }


# --- The worker's halves ----------------------------------------------------------------------


def _reporter(job: ProjectImportJob, phase: str) -> Progress:
    def report(done: int, total: int) -> bool:
        return import_job_progress(job=job, phase=phase, done=done, total=total)

    return report


def _read_sheet(job: ProjectImportJob) -> bytes:
    with job.sheet.storage.open(job.sheet.name, "rb") as handle:
        content = handle.read(SHEET_MAX_BYTES + 1)
    if len(content) > SHEET_MAX_BYTES:
        raise FileRefused(_("项目表不能超过 %(mb)d MB。") % {"mb": SHEET_MAX_BYTES // MiB})
    return content


class _Files:
    """The job's files, checked: the sheet's rows and the open image archive (closed on exit)."""

    def __init__(self, job: ProjectImportJob):
        self.job = job
        self.images: ImageArchive | None = None

    def __enter__(self) -> _Files:
        return self

    def __exit__(self, *exc) -> None:
        if self.images is not None:
            self.images.close()

    def check(self) -> ImportCheck:
        job = self.job
        import_job_progress(job=job, phase="archive", done=0, total=0)
        sheet = _read_sheet(job)
        if job.images:
            handle = job.images.storage.open(job.images.name, "rb")
            try:
                self.images = ImageArchive(handle)
            except BaseException:
                handle.close()
                raise
        return check(
            exhibition=job.exhibition, sheet=sheet, images=self.images, progress=_reporter(job, "rows")
        )


def import_job_check(*, job_id: int) -> ProjectImportJob | None:
    """The worker's first half: check the job's files and record the preview (or why they
    were refused). Safe to run twice; a vanished, cancelled or finished job is skipped.

    Side effects: the job's progress, status and preview."""
    job = import_job_start(job_id=job_id, check=True)
    if job is None:
        return None
    with override(job.language or None):
        try:
            with _Files(job) as files:
                checked = files.check()
        except FileRefused as refused:
            import_job_fail(job=job, error=str(refused))
            return job
        except Exception:
            log.exception("project import job %s: the check failed", job_id)
            import_job_fail(job=job, error=_("检查文件时出错，请重新上传。"))
            return job
        import_job_checked(job=job, preview=preview_as_json(checked))
    return job


def import_job_run(*, job_id: int) -> ProjectImportJob | None:
    """The worker's second half, after the curator confirmed: check the files again, store the
    images of new and changed rows, and write every row without errors in one transaction
    (rows with errors are skipped). If anything fails, the stored images are deleted and
    nothing is written. Safe to run twice: an imported job is skipped.

    Side effects: as ``services.projects_import``; the job's progress and status."""
    job = import_job_start(job_id=job_id, check=False)
    if job is None:
        return None
    stored: list[str] = []
    with override(job.language or None):
        try:
            with _Files(job) as files:
                checked = files.check()
                valid = checked.valid_rows
                todo = [row for row in valid if row.action != "same"]
                count = sum((1 if row.cover else 0) + len(row.images) for row in todo if row.images_changed)
                report = _reporter(job, "images")
                written = []
                for row in todo:
                    item = ImportedProject(
                        external_id=row.values["external_id"],
                        values=row.fields,
                        fingerprint=row.fingerprint,
                        replace_images=row.images_changed,
                    )
                    if row.images_changed:
                        before = len(stored)
                        item.cover = (
                            _store(files.images, row.cover, cover=True, stored=stored) if row.cover else None
                        )
                        item.images = [
                            _store(files.images, ref, cover=False, stored=stored) for ref in row.images
                        ]
                        if len(stored) // PROGRESS_EVERY != before // PROGRESS_EVERY:
                            report(len(stored), count)
                    written.append(item)
            import_job_progress(job=job, phase="saving", done=0, total=0)
            projects_import(
                job=job,
                rows=written,
                unchanged=len(valid) - len(todo),
                skipped=len(checked.rows) - len(valid),
            )
        except Exception as error:
            if stored:
                import_images_delete(names=stored)
            if isinstance(error, FileRefused):
                message = str(error)
            elif isinstance(error, ValidationError):
                message = error.messages[0]
            else:
                log.exception("project import job %s: the import failed", job_id)
                message = _("导入时出错，未保存任何展项，请重新上传。")
            import_job_fail(job=job, error=message)
    return job


def _store(images: ImageArchive, ref: ImageRef, *, cover: bool, stored: list[str]) -> StoredImage:
    name = import_image_store(content=images.read(ref), suffix=ref.checked.suffix, cover=cover)
    stored.append(name)
    return StoredImage(name=name, width=ref.checked.width, height=ref.checked.height)


# --- The template -----------------------------------------------------------------------------


def template_workbook(*, exhibition: Exhibition) -> bytes:
    """An .xlsx with the Chinese column headers (required ones in red), one example row, and
    a sheet with the hall's sections and the allowed values."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("展项")
    sheet.append([str(column.title) for column in COLUMNS])
    for cell, column in zip(sheet[1], COLUMNS, strict=True):
        cell.font = Font(bold=True, color="B3161B" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    section = exhibition.sections.order_by("order", "id").first()
    example = {
        "external_id": "SD-2017-001",
        "title": _("示例：固态锂电池隔膜材料"),
        "section": section.name if section else "",
        "pitch": _("耐高温、不起火的陶瓷复合隔膜"),
        "stage": str(Project.Stage.PILOT.label),
        "cooperation": "、".join([str(Cooperation.TRANSFER.label), str(Cooperation.FINANCING.label)]),
        "organization": _("苏州大学"),
        "team": _("张教授（负责人）"),
        "description": _("项目介绍，可以分段。"),
        "contact_name": _("王老师"),
        "contact_phone": "13800000009",
        "contact_email": "wang@example.edu.cn",
        "cover": "SD-2017-001.jpg",
        "images": "SD-2017-001-1.jpg、SD-2017-001-2.jpg",
    }
    sheet.append([example[column.key] for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        width = 40 if column.multi_line else 18
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = width
    help_sheet = workbook.create_sheet(_("填写说明"))
    help_sheet.append(
        [
            _(
                "红色表头为必填列。项目编号在本展厅内唯一且不要更改：再次导入同一编号会更新该展项，"
                "不会重复创建。图片写图片压缩包（.zip）中的文件名，多张用“、”分隔，最多 9 张。"
            )
        ]
    )
    help_sheet.append(
        [_("展区"), *exhibition.sections.order_by("order", "id").values_list("name", flat=True)]
    )
    help_sheet.append([_("所处阶段"), *[str(label) for _v, label in Project.Stage.choices]])
    help_sheet.append([_("寻求合作方式"), *[str(label) for _v, label in Cooperation.choices]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
