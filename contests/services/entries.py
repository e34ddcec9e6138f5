"""Registration (报名), screening and promotion between rounds.

- An applicant saves an entry (a draft at first) and submits it once it is complete and their
  e-mail address is confirmed; they edit it until registration closes (an edit after
  screening sends it back to be screened) or withdraw it.
- The organizer screens entries (eligible, or ineligible with a reason), one or many at once,
  and moves eligible entries into the first round and entrants of a round into the next.
- Applicants hear of each decision by e-mail (through the outbox, sent by a worker) and an
  in-site notice, written in one go for a decision on many entries (``_tell``).

The pitch video is stored as uploaded once its first bytes show a video; a worker then checks
it as report videos are checked and, once it is a public vote's candidate's, makes its web
versions (``services.videos``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.mail import render_message
from core.outbox import Outgoing, outbox_key, outbox_write_many
from events.models import Notice, User
from exhibits.models import Project

from ..models import Contest, Entry, EntryFile, FormField, Round, RoundEntry, Track
from ..selectors.hall import hall_projects
from .applicants import email_is_confirmed
from .setup import bump_public_after_commit
from .videos import entry_video_schedule

S = Entry.Status
BASE_REQUIRED = {
    "name": gettext_lazy("项目名称"),
    "organization": gettext_lazy("企业或团队名称"),
    "contact_name": gettext_lazy("联系人"),
    "contact_phone": gettext_lazy("联系电话"),
    "contact_email": gettext_lazy("联系邮箱"),
    "plan": gettext_lazy("商业计划书（PDF）"),
}


def _delete_file_after_commit(field_file) -> None:
    if field_file:
        transaction.on_commit(partial(field_file.storage.delete, field_file.name), robust=True)


def _lock(entry: Entry) -> Entry:
    """Take the entry's current status from its locked row, so an organizer's decision and the
    applicant's edit cannot both pass the check they start from. Returns the stored row
    (its status, project and files only)."""
    current = (
        Entry.objects.select_for_update()
        .only("status", "project_id", "plan", "plan_size", "video", "video_size")
        .get(pk=entry.pk)
    )
    entry.status = current.status
    return current


def _check_project(entry: Entry, *, owner: User | None = None) -> None:
    """``entry.project``, when set, must be a public project of the week's halls (held by
    ``owner`` when given): ``selectors.hall.hall_projects``."""
    if entry.project_id is None:
        return
    if not hall_projects(contest=entry.contest, owner=owner).filter(pk=entry.project_id).exists():
        raise ValidationError(
            _("只能选择本活动周网上展厅中已公开展示的项目（报名人只能选择自己提交的项目）。"), code="project"
        )


def lock_row(model, pk: int) -> None:
    """Hold ``model``'s row ``pk`` until the transaction ends (serialises one kind of write)."""
    list(model.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def _require_open(contest: Contest) -> None:
    if not contest.registration_is_open():
        raise ValidationError(_("报名已截止或尚未开始，报名信息不能再修改。"), code="closed")


def active_fields(contest: Contest) -> list[FormField]:
    return list(contest.fields.filter(is_active=True).order_by("order", "id"))


def missing_for_submit(
    entry: Entry, *, fields: list[FormField] | None = None, files: Iterable[int] = ()
) -> list[str]:
    """The labels of what an entry still lacks before it can be submitted (the required
    fields of every entry and of the contest's form)."""
    missing = [str(label) for name, label in BASE_REQUIRED.items() if not getattr(entry, name)]
    have_files = (
        set(files) if files else set(entry.files.values_list("field_id", flat=True)) if entry.pk else set()
    )
    for field in fields if fields is not None else active_fields(entry.contest):
        if not field.required:
            continue
        if field.kind == FormField.Kind.FILE:
            answered = field.pk in have_files
        else:
            answered = bool(entry.answers.get(field.answer_key))
        if not answered:
            missing.append(field.label)
    return missing


@transaction.atomic
def entry_save(
    *,
    entry: Entry,
    by: User,
    plan=None,
    video=None,
    files: dict[int, object] | None = None,
    video_suffix: str = ".mp4",
) -> Entry:
    """Save an applicant's new or edited entry (``entry`` carries the form's values and
    answers; uploads already checked by the form: ``plan`` a PDF, ``video`` a video named
    ``video_suffix``, ``files`` PDFs by field id).

    A new entry is a draft of ``by``. A screened entry that changes goes back to "submitted"
    to be screened again. A hall project newly picked must be one ``by`` holds (one the
    organizer linked may stay). Side effects: the entry, its files (replaced ones deleted after
    commit); a new video's check queued (``videos.entry_video_schedule``); the public
    version bumped when an eligible entry presenting a project goes back to screening."""
    _require_open(entry.contest)
    previous_project = None
    if entry.pk is None:
        if Entry.objects.filter(contest=entry.contest, applicant=by).exists():
            raise ValidationError(_("您已报名该大赛，请在“我的报名”中修改。"), code="exists")
        entry.applicant, entry.status = by, S.DRAFT
    else:
        stored = _lock(entry)
        previous_project = stored.project_id
        # The files as stored now: one a resumable upload stored after this entry was read
        # (``views.resumable``) is kept, or replaced (and deleted) like any other.
        entry.plan, entry.plan_size = stored.plan.name, stored.plan_size
        entry.video, entry.video_size = stored.video.name, stored.video_size
        if entry.status == S.ELIGIBLE and (previous_project or entry.project_id):
            bump_public_after_commit()  # the contest's page showed its project
        if entry.status == S.WITHDRAWN:
            raise ValidationError(_("已撤回的报名不能修改。"), code="state")
        if entry.status in (S.ELIGIBLE, S.INELIGIBLE):
            entry.status, entry.screening_reason, entry.screened_at, entry.screened_by = (
                S.SUBMITTED,
                "",
                None,
                None,
            )
    if entry.track.contest_id != entry.contest_id:
        raise ValidationError(_("请选择本大赛的组别。"), code="track")
    if entry.project_id != previous_project:
        _check_project(entry, owner=by)
    if plan is not None:
        _delete_file_after_commit(entry.plan)
        entry.plan.save("plan.pdf", plan, save=False)
        entry.plan_size = plan.size
    if video is not None:
        _delete_file_after_commit(entry.video)
        entry.video.save(f"video{video_suffix}", video, save=False)
        entry.video_size = video.size
    entry.save()
    if video is not None:
        entry_video_schedule(entry=entry)
    for field_id, upload in (files or {}).items():
        stored = EntryFile.objects.filter(entry=entry, field_id=field_id).first()
        if stored is None:
            stored = EntryFile(entry=entry, field_id=field_id)
        else:
            _delete_file_after_commit(stored.file)
        stored.file.save("file.pdf", upload, save=False)
        stored.size, stored.uploaded_at = upload.size, timezone.now()
        stored.save()
    return entry


@transaction.atomic
def entry_submit(*, entry: Entry, by: User) -> Entry:
    """Submit a complete draft: it gets the contest's next number and waits to be screened.

    Side effects: status, number, ``submitted_at``; an e-mail and notice to the applicant."""
    _require_open(entry.contest)
    _lock(entry)
    if entry.status != S.DRAFT:
        raise ValidationError(_("该报名已提交。"), code="state")
    if not email_is_confirmed(entry.applicant):
        raise ValidationError(_("请先确认您的邮箱（查收确认邮件），再提交报名。"), code="unconfirmed")
    missing = missing_for_submit(entry)
    if missing:
        raise ValidationError(
            _("提交前请补充：%(fields)s。") % {"fields": "、".join(missing)}, code="missing"
        )
    lock_row(Contest, entry.contest_id)  # numbers are given one at a time
    last = Entry.objects.filter(contest_id=entry.contest_id).aggregate(last=Max("number"))["last"] or 0
    entry.number, entry.status, entry.submitted_at = last + 1, S.SUBMITTED, timezone.now()
    entry.save(update_fields=["number", "status", "submitted_at", "updated_at"])
    _tell([entry], subject=_("报名成功：%(title)s"), message=_("已报名，等待主办单位审核"))
    return entry


@transaction.atomic
def entry_withdraw(*, entry: Entry, by: User) -> Entry:
    """The applicant withdraws a submitted entry (before registration closes). It keeps its
    number; it leaves the lists of entrants. Side effects: status."""
    _require_open(entry.contest)
    _lock(entry)
    if entry.status not in (S.SUBMITTED, S.ELIGIBLE, S.INELIGIBLE):
        raise ValidationError(_("该报名不能撤回。"), code="state")
    if entry.round_entries.exists():
        raise ValidationError(_("已进入比赛轮次的报名不能撤回，请联系主办单位。"), code="in_round")
    entry.status = S.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    return entry


def _tell(entries: Sequence[Entry], *, subject: str, message: str, reason: str = "") -> None:
    """Tell the applicant of each of ``entries`` by e-mail and an in-site notice, in one write
    of each whatever their number: the e-mails go into the outbox in this transaction
    (``outbox_write_many``) and leave from a worker after commit, never from the request; the
    notices are one insert. ``subject`` may name the contest as ``%(title)s``. Entries need
    their ``contest`` and ``applicant`` loaded."""
    batch = uuid.uuid4().hex[:12]  # this decision: its messages are written once
    outgoing, notices = [], []
    for entry in entries:
        applicant, url = entry.applicant, reverse("contest:entry", args=[entry.pk])
        said = str(subject) % {"title": entry.contest.title}
        text, html = render_message(
            "contests/emails/entry_status",
            {
                "entry": entry,
                "contest": entry.contest,
                "message": message,
                "reason": reason,
                "recipient": applicant,
            },
            url,
        )
        notices.append(Notice(recipient=applicant, title=said[:200], body=text, url=url))
        if applicant.email:
            key = outbox_key("contest-entry", entry.pk, batch)
            outgoing.append(Outgoing(key=key, to=(applicant.email,), subject=said, text=text, html=html))
    outbox_write_many(messages=outgoing)
    Notice.objects.bulk_create(notices)


# --- Screening -------------------------------------------------------------------------------


@transaction.atomic
def entries_screen(*, entries: Iterable[Entry], by: User, eligible: bool, reason: str = "") -> int:
    """Mark submitted (or already screened) entries eligible, or ineligible with ``reason``.
    Entries in another state, or already so, are left alone.

    Side effects: status, reason, who and when (one update); an e-mail and notice to each
    applicant whose entry changed, written in one go and mailed by a worker (``_tell``), so
    screening 200 entries at once runs the same few queries as one. Returns how many changed."""
    reason = reason.strip()
    if not eligible and not reason:
        raise ValidationError(_("不符合条件时请填写原因，报名人会收到。"), code="reason")
    to, kept = (S.ELIGIBLE, "") if eligible else (S.INELIGIBLE, reason)
    changing = list(
        Entry.objects.select_for_update(of=("self",))
        .filter(pk__in=[entry.pk for entry in entries], status__in=[S.SUBMITTED, S.ELIGIBLE, S.INELIGIBLE])
        .exclude(status=to, screening_reason=kept)
        .select_related("contest", "applicant")
        .order_by("number", "id")
    )
    if not changing:
        return 0
    now = timezone.now()
    Entry.objects.filter(pk__in=[entry.pk for entry in changing]).update(
        status=to, screening_reason=kept, screened_at=now, screened_by=by, updated_at=now
    )
    for entry in changing:
        entry.status, entry.screening_reason, entry.screened_at, entry.screened_by = to, kept, now, by
    if any(entry.project_id for entry in changing):
        bump_public_after_commit()  # the contest's page shows the projects of eligible entries
    if eligible:
        _tell(changing, subject=_("报名审核通过：%(title)s"), message=_("审核通过"))
    else:
        _tell(changing, subject=_("报名审核未通过：%(title)s"), message=_("审核未通过"), reason=reason)
    return len(changing)


@transaction.atomic
def entry_project_link(*, entry: Entry, project: Project | None, by: User) -> Entry:
    """The organizer links ``entry`` to a public project of the week's halls (any holder's),
    or unlinks it (None). Unlike the applicant's edit it does not send the entry back to
    screening. Side effects: ``project``; the public version bumped."""
    _lock(entry)
    if entry.status in (S.DRAFT, S.WITHDRAWN):
        raise ValidationError(_("草稿或已撤回的报名不能关联展厅项目。"), code="state")
    entry.project = project
    _check_project(entry)
    entry.save(update_fields=["project", "updated_at"])
    bump_public_after_commit()
    return entry


# --- Rounds ----------------------------------------------------------------------------------


def previous_round(round_: Round) -> Round | None:
    return (
        Round.objects.filter(contest_id=round_.contest_id, number__lt=round_.number)
        .order_by("-number")
        .first()
    )


@transaction.atomic
def entries_advance(*, entries: Iterable[Entry], to: Round, by: User) -> int:
    """Move entrants into round ``to``: eligible entries into the first round, entrants of the
    round before into the next. Others are left alone (and counted out); an entrant already
    in ``to`` stays where it is in the running order.

    Side effects: ``RoundEntry`` rows at the end of the running order; ``reached_round``; an
    e-mail and notice to each applicant moved. Returns how many moved."""
    if to.results_are_published:
        raise ValidationError(_("该轮成绩已公布，不能再加入参赛项目。"), code="published")
    lock_row(Round, to.pk)  # running orders are given one at a time
    before = previous_round(to)
    ids = [entry.pk for entry in entries]
    candidates = Entry.objects.filter(pk__in=ids, contest_id=to.contest_id).exclude(round_entries__round=to)
    if before is None:
        candidates = candidates.filter(status=S.ELIGIBLE)
    else:
        candidates = candidates.filter(round_entries__round=before, status=S.ELIGIBLE)
    candidates = list(candidates.select_related("applicant", "contest").order_by("number", "id"))
    last = to.lineup.aggregate(last=Max("running_order"))["last"] or 0
    RoundEntry.objects.bulk_create(
        RoundEntry(round=to, entry=entry, running_order=last + n, added_by=by)
        for n, entry in enumerate(candidates, start=1)
    )
    Entry.objects.filter(pk__in=[entry.pk for entry in candidates]).update(reached_round=to)
    _tell(candidates, subject=_("晋级通知：%(title)s"), message=_("进入%(round)s") % {"round": to.name})
    return len(candidates)


@transaction.atomic
def round_entry_remove(*, round_entry: RoundEntry, by: User) -> None:
    """Take an entrant out of a round it has no scores or votes in yet. Side effects: the row;
    ``reached_round`` back to the round before."""
    round_ = round_entry.round
    entry = round_entry.entry
    if entry.scores.filter(criterion__round=round_).exists() or entry.votes.filter(round=round_).exists():
        raise ValidationError(_("该项目在本轮已有评分或投票，不能移出。"), code="scored")
    if RoundEntry.objects.filter(entry=entry, round__number__gt=round_.number).exists():
        raise ValidationError(_("该项目已进入下一轮，请先从下一轮移出。"), code="later")
    round_entry.delete()
    last = RoundEntry.objects.filter(entry=entry).order_by("-round__number").select_related("round").first()
    Entry.objects.filter(pk=entry.pk).update(reached_round=last.round if last else None)


@transaction.atomic
def lineup_order(*, round_: Round, entry_ids: list[int]) -> None:
    """Set the running order (出场顺序) to ``entry_ids``' order (e.g. after a draw); entrants
    not named keep their relative order after them. Side effects: running orders."""
    rows = list(round_.lineup.select_for_update().order_by("running_order", "id"))
    position = {entry_id: n for n, entry_id in enumerate(entry_ids)}
    rows.sort(key=lambda row: (position.get(row.entry_id, len(position)), row.running_order, row.id))
    for n, row in enumerate(rows, start=1):
        row.running_order = n
    RoundEntry.objects.bulk_update(rows, ["running_order"])


def track_of(contest: Contest, track_id) -> Track | None:
    return contest.tracks.filter(pk=track_id).first()
