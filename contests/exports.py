"""Documents the organizer files: the entries (.xlsx, with the form's answers), a round's
results (.xlsx: ranks, each juror's total, the criteria's means, the rules applied) and one
juror's score sheet (.docx, every score and comment, with lines to sign), laid out like the
office's other files (``submissions.exports``: sheets with a frozen header and text never
read as a formula; Word in the government layout). Reads only; nothing here writes.

The score sheet is in Chinese whatever the reader's language: it is signed and filed.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook

from submissions.exports import day_label, safe_name
from submissions.exports.sheets import TIME_FORMAT, append_row, header, print_setup
from submissions.exports.word import BODY_FONT, HEADING_FONT, TITLE_FONT, page_setup, paragraph, set_font

from . import ranking
from .models import Contest, Entry, FormField, Juror, Score
from .selectors.ranking import RoundRanking

TABLE_FONT_SIZE = 10.5  # 五号


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _workbook_bytes(workbook: Workbook) -> bytes:
    for sheet in workbook.worksheets:
        print_setup(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Entries ---------------------------------------------------------------------------------


def entries_filename(contest: Contest) -> str:
    return f"{safe_name(contest.title, limit=40)}_{_('报名表')}.xlsx"


def answer_text(entry: Entry, field: FormField, file_field_ids: set[int]) -> str:
    if field.kind == FormField.Kind.FILE:
        return _("已上传") if field.pk in file_field_ids else ""
    value = entry.answers.get(field.answer_key)
    if field.kind == FormField.Kind.MEMBERS:
        return "；".join(
            f"{m.get('name', '')}（{m.get('role', '')}）" if m.get("role") else m.get("name", "")
            for m in value or []
        )
    return value or ""


def entries_workbook(*, contest: Contest, entries, fields: list[FormField]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("报名")
    columns = [
        _("序号"),
        _("项目名称"),
        _("组别"),
        _("企业或团队名称"),
        _("联系人"),
        _("联系电话"),
        _("联系邮箱"),
        _("状态"),
        _("审核意见"),
        _("已进入轮次"),
        _("报名时间"),
        _("商业计划书"),
        _("路演视频"),
        *(field.label if field.is_active else f"{field.label}（{_('已删除')}）" for field in fields),
    ]
    header(
        sheet,
        _("%(title)s：报名表") % {"title": contest.title},
        columns,
        {_("项目名称"): 30, _("企业或团队名称"): 30},
    )
    for entry in entries:
        file_ids = {item.field_id for item in entry.files.all()}
        append_row(
            sheet,
            [
                entry.code,
                entry.name,
                entry.track.name,
                entry.organization,
                entry.contact_name,
                entry.contact_phone,
                entry.contact_email,
                entry.get_status_display(),
                entry.screening_reason,
                entry.reached_round.name if entry.reached_round else "",
                _local(entry.submitted_at),
                _("已上传") if entry.plan else "",
                _("已上传") if entry.video else "",
                *(answer_text(entry, field, file_ids) for field in fields),
            ],
        )
        sheet.cell(row=sheet.max_row, column=11).number_format = TIME_FORMAT
    return _workbook_bytes(workbook)


# --- Results ---------------------------------------------------------------------------------


def rules_text(round_) -> list[str]:
    """The rules the ranking applied, as the results state them."""
    lines = [_("评委个人总分 = 各评分项得分 ÷ 满分 × 权重之和；申请回避或未评完的评委不计入该项目。")]
    if round_.trimmed_mean:
        lines.append(
            _("最终得分：评委不少于 %(count)d 人时去掉一个最高分和一个最低分后取平均，否则取平均。")
            % {"count": ranking.TRIM_FROM}
        )
    else:
        lines.append(_("最终得分：计入评委个人总分的平均值。"))
    lines.append(str(round_.get_tie_rule_display()))
    return lines


def juror_cells(row: ranking.RankRow, jurors) -> list:
    """What each juror gave an entrant: their total (marked when trimmed away), 回避, 未评完."""
    cells = []
    for juror in jurors:
        if juror.pk in row.dropped:
            cells.append(f"{ranking.rounded(row.juror_totals[juror.pk])}（{_('去掉')}）")
        elif juror.pk in row.juror_totals:
            cells.append(ranking.rounded(row.juror_totals[juror.pk]))
        elif row.excluded.get(juror.pk) == ranking.CONFLICT:
            cells.append(_("回避"))
        elif row.excluded.get(juror.pk) == ranking.INCOMPLETE:
            cells.append(_("未评完"))
        else:
            cells.append("")
    return cells


def results_filename(ranked: RoundRanking) -> str:
    round_ = ranked.round
    return f"{safe_name(round_.contest.title, limit=40)}_{safe_name(round_.name)}_{_('成绩')}.xlsx"


def results_workbook(ranked: RoundRanking) -> bytes:
    round_ = ranked.round
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("成绩")
    jurors, criteria = ranked.jurors, ranked.criteria
    columns = [
        _("名次"),
        _("出场顺序"),
        _("序号"),
        _("项目名称"),
        _("组别"),
        _("企业或团队名称"),
        _("最终得分"),
        _("计入评委数"),
        *(f"{juror.name}" for juror in jurors),
        *(f"{criterion.name}（{_('均分')}）" for criterion in criteria),
    ]
    header(
        sheet,
        _("%(title)s %(round)s 成绩") % {"title": round_.contest.title, "round": round_.name},
        columns,
        {_("项目名称"): 30, _("企业或团队名称"): 24},
    )
    for item in ranked.entrants:
        row = item.row
        cells = juror_cells(row, jurors)
        append_row(
            sheet,
            [
                row.rank or "",
                item.round_entry.running_order,
                item.entry.code,
                item.entry.name,
                item.entry.track.name,
                item.entry.organization,
                item.total,
                row.counted,
                *cells,
                *(ranking.rounded(row.criteria_means.get(c.pk)) for c in criteria),
            ],
        )
    append_row(sheet, [])
    for line in rules_text(round_):
        append_row(sheet, [line])
    return _workbook_bytes(workbook)


# --- A juror's score sheet -------------------------------------------------------------------


def sheet_filename(juror: Juror) -> str:
    round_ = juror.round
    return f"{safe_name(round_.contest.title, limit=30)}_{safe_name(round_.name)}_评分表_{safe_name(juror.name)}.docx"


def juror_sheet_document(*, juror: Juror, lineup, criteria, scores: list[Score], assessments) -> bytes:
    """One juror's score sheet: every entrant in running order with each criterion's score,
    the total and the comment (回避 where declared), then lines to sign and date."""
    round_, contest = juror.round, juror.round.contest
    values = {(score.entry_id, score.criterion_id): score.value for score in scores}
    notes = {item.entry_id: item for item in assessments}
    specs = [ranking.CriterionSpec(c.pk, c.name, c.weight, c.max_score, c.order) for c in criteria]
    doc = Document()
    page_setup(doc)
    paragraph(doc, contest.title, font=TITLE_FONT, size=18, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(
        doc, f"{round_.name}评分表", font=TITLE_FONT, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, after=12
    )
    who = f"评委：{juror.name}" + (f"（{juror.title}）" if juror.title else "")
    if juror.track_id:
        who += f"    评审组别：{juror.track.name}"
    paragraph(doc, who, size=14)
    dates = day_label(round_.starts_on) + (
        "" if round_.ends_on == round_.starts_on else f"至{day_label(round_.ends_on)}"
    )
    paragraph(
        doc, f"比赛日期：{dates}" + (f"    地点：{round_.place}" if round_.place else ""), size=14, after=8
    )
    headers = [
        "出场",
        "项目名称",
        *(f"{c.name}（{ranking.plain(c.max_score)}）" for c in criteria),
        "总分",
        "评语",
    ]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, text, bold=True)
    for item in lineup:
        entry = item.entry
        note = notes.get(entry.pk)
        row = table.add_row().cells
        _cell(row[0], str(item.running_order))
        _cell(row[1], entry.name)
        if note is not None and note.conflict:
            for index in range(len(criteria)):
                _cell(row[2 + index], "—")
            _cell(row[2 + len(criteria)], "回避")
            _cell(row[3 + len(criteria)], note.conflict_note or "申请回避")
            continue
        entry_values = {c.pk: values.get((entry.pk, c.pk)) for c in criteria}
        for index, criterion in enumerate(criteria):
            value = entry_values[criterion.pk]
            _cell(row[2 + index], ranking.plain(value) if value is not None else "")
        complete = all(value is not None for value in entry_values.values())
        total = ranking.rounded(ranking.sheet_total(specs, entry_values)) if complete and specs else None
        _cell(row[2 + len(criteria)], f"{total}" if total is not None else "")
        _cell(row[3 + len(criteria)], note.comment if note else "")
    paragraph(doc, after=12)
    submitted = (
        timezone.localtime(juror.submitted_at).strftime("%Y-%m-%d %H:%M") if juror.submitted_at else "未提交"
    )
    paragraph(doc, f"评分提交时间：{submitted}", size=12)
    paragraph(doc, after=18)
    paragraph(doc, "评委签字：________________        日期：____年____月____日", font=HEADING_FONT, size=14)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _cell(cell, text: str, *, bold: bool = False) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(text)
    set_font(run, BODY_FONT, TABLE_FONT_SIZE, bold=bold)
