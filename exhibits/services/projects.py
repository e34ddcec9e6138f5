"""A project's life: saved and submitted by its holder, returned, accepted or rejected by a
curator (the history kept in ``ProjectReview``), featured with an order; its images and
documents; the daily count of its public page's views.

Any change to an accepted project (its text, cover, images or documents) takes it back to
review: it leaves the public hall until a curator accepts it again.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.public_cache import bump_public_version
from events.models import User
from events.notifications import notify

from ..models import Project, ProjectDailyViews, ProjectDocument, ProjectImage, ProjectReview

S = Project.Status
A = ProjectReview.Action

# What a curator needs to judge a project; the form asks for these when it is submitted.
REQUIRED_TO_SUBMIT = {
    "section": gettext_lazy("展区"),
    "pitch": gettext_lazy("一句话介绍"),
    "description": gettext_lazy("项目介绍"),
    "stage": gettext_lazy("所处阶段"),
    "cooperation": gettext_lazy("寻求合作方式"),
    "organization": gettext_lazy("成果所属单位"),
    "contact_name": gettext_lazy("联系人"),
    "contact_phone": gettext_lazy("联系人电话"),
}


def missing_for_submit(project: Project) -> list[str]:
    """The labels of what a project still lacks before it can be submitted."""
    return [
        str(label)
        for field, label in REQUIRED_TO_SUBMIT.items()
        if not getattr(project, f"{field}_id" if field == "section" else field)
    ]


def _bump_public_after_commit() -> None:
    """Invalidate the public pages once the change is visible to them (see events' workflow)."""
    transaction.on_commit(bump_public_version, robust=True)


def _lock(project: Project) -> Project:
    """Lock the project's row until the transaction ends and take its current state from it,
    so a curator's decision and the holder's edit cannot both pass the check they start from."""
    current = Project.objects.select_for_update().only("status").get(pk=project.pk)
    project.status = current.status
    return project


def _record(project: Project, *, action: str, to: str, by: User | None, reason: str = "") -> None:
    ProjectReview.objects.create(
        project=project, action=action, from_status=project.status, to_status=to, by=by, reason=reason
    )
    project.status = to


def _reopen_if_accepted(project: Project, *, by: User | None) -> bool:
    """An accepted project that changes goes back to review (and leaves the public hall)."""
    if project.status != S.ACCEPTED:
        return False
    _record(project, action=A.REVISE, to=S.SUBMITTED, by=by)
    project.submitted_at = timezone.now()
    _bump_public_after_commit()
    return True


def _tell_holder(project: Project, *, subject: str, decision: str, reason: str = "") -> None:
    if project.owner_id is None:
        return
    notify(
        users=[project.owner],
        subject=subject,
        template_base="exhibits/emails/project_decision",
        context={"project": project, "decision": decision, "reason": reason},
        url=reverse("exhibits:project", args=[project.pk]),
    )


@transaction.atomic
def project_save(*, project: Project, by: User) -> Project:
    """Save a holder's new or edited project (``project`` carries the form's values).

    A new project is a draft kept by ``by``. Draft and returned projects take the values as
    they are; an accepted one takes them and goes back to review (status → submitted, a
    "revise" history entry, ``bump_public_version()`` after commit). Submitted and rejected
    projects cannot be changed.

    Side effects: the project row (a new cover file); history for a reopened project.
    """
    if project.pk is None:
        project.owner = project.owner or by
        project.status = S.DRAFT
    else:
        _lock(project)
        if project.status in (S.SUBMITTED, S.REJECTED):
            raise ValidationError(_("待审核或未入选的展项不能修改。"), code="state")
        _reopen_if_accepted(project, by=by)
    project.save()
    return project


@transaction.atomic
def project_submit(*, project: Project, by: User) -> Project:
    """Send a draft or returned project to the curators.

    A draft can be submitted only while the hall's call is open; a returned one at any time
    (the curator asked for it). Side effects: status → submitted; history.
    """
    _lock(project)
    if project.status not in (S.DRAFT, S.RETURNED):
        raise ValidationError(_("只有草稿或已退回的展项可以提交审核。"), code="state")
    if project.status == S.DRAFT and not project.exhibition.call_is_open():
        raise ValidationError(_("该展厅的项目征集不在开放时间内，不能提交新展项。"), code="call_closed")
    missing = missing_for_submit(project)
    if missing:
        raise ValidationError(
            _("提交审核前请补全：%(fields)s。") % {"fields": "、".join(missing)}, code="incomplete"
        )
    _record(project, action=A.SUBMIT, to=S.SUBMITTED, by=by)
    project.submitted_at = timezone.now()
    project.save(update_fields=["status", "submitted_at", "updated_at"])
    return project


def _decide(project: Project, *, by: User, action: str, to: str, reason: str) -> Project:
    _lock(project)
    if project.status != S.SUBMITTED:
        raise ValidationError(_("只有待审核的展项可以审核。"), code="state")
    if action in (A.RETURN, A.REJECT) and not reason.strip():
        raise ValidationError(_("退回或不予入选时请填写意见。"), code="reason")
    _record(project, action=action, to=to, by=by, reason=reason)
    fields = ["status", "updated_at"]
    if to == S.ACCEPTED:
        project.accepted_at = timezone.now()
        fields.append("accepted_at")
    project.save(update_fields=fields)
    return project


@transaction.atomic
def project_accept(*, project: Project, by: User, reason: str = "") -> Project:
    """Put a submitted project into the public hall.

    Side effects: status → accepted; history; e-mail + notice to the holder;
    ``bump_public_version()`` after commit.
    """
    _decide(project, by=by, action=A.ACCEPT, to=S.ACCEPTED, reason=reason)
    _tell_holder(
        project,
        subject=_("展项已入展：%(title)s") % {"title": project.title},
        decision=_("已通过审核，在云展厅公开展示"),
        reason=reason,
    )
    _bump_public_after_commit()
    return project


@transaction.atomic
def project_return(*, project: Project, by: User, reason: str) -> Project:
    """Send a submitted project back to its holder with a reason; they edit and resubmit.

    Side effects: status → returned; history with the reason; e-mail + notice to the holder.
    """
    _decide(project, by=by, action=A.RETURN, to=S.RETURNED, reason=reason)
    _tell_holder(
        project,
        subject=_("展项被退回修改：%(title)s") % {"title": project.title},
        decision=_("被退回，请按意见修改后重新提交"),
        reason=reason,
    )
    return project


@transaction.atomic
def project_reject(*, project: Project, by: User, reason: str) -> Project:
    """Decline a submitted project for good (it can no longer be changed or resubmitted).

    Side effects: status → rejected; history with the reason; e-mail + notice to the holder.
    """
    _decide(project, by=by, action=A.REJECT, to=S.REJECTED, reason=reason)
    _tell_holder(
        project,
        subject=_("展项未入选：%(title)s") % {"title": project.title},
        decision=_("未入选本展厅"),
        reason=reason,
    )
    return project


@transaction.atomic
def project_feature(*, project: Project, by: User, order: int | None) -> Project:
    """Feature an accepted project at ``order`` (smaller first), or stop featuring it (None).

    Side effects: ``featured_order``; ``bump_public_version()`` after commit.
    """
    _lock(project)
    if project.status != S.ACCEPTED:
        raise ValidationError(_("只有已入展的展项可以设为精选。"), code="state")
    project.featured_order = order
    project.save(update_fields=["featured_order", "updated_at"])
    _bump_public_after_commit()
    return project


# --- Images and documents -------------------------------------------------------------------


def _delete_file_after_commit(field_file) -> None:
    if field_file:
        transaction.on_commit(partial(field_file.storage.delete, field_file.name), robust=True)


@transaction.atomic
def project_image_add(*, project: Project, by: User, upload, name: str, caption: str = "") -> ProjectImage:
    """Add an image (already checked: ``validation.checked_image_suffix``) stored as ``name``'s
    suffix. At most ``ProjectImage.MAX_PER_PROJECT``. An accepted project goes back to review.

    Side effects: the image row and file; maybe the project reopened (see ``project_save``)."""
    _lock(project)
    if project.status in (S.SUBMITTED, S.REJECTED):
        raise ValidationError(_("待审核或未入选的展项不能修改。"), code="state")
    count = project.images.count()
    if count >= ProjectImage.MAX_PER_PROJECT:
        raise ValidationError(
            _("每个展项最多 %(count)d 张图片，请先删除不需要的图片。")
            % {"count": ProjectImage.MAX_PER_PROJECT},
            code="too_many",
        )
    image = ProjectImage(project=project, caption=caption, order=count)
    image.image.save(name, upload, save=False)
    image.save()
    if _reopen_if_accepted(project, by=by):
        project.save(update_fields=["status", "submitted_at", "updated_at"])
    return image


@transaction.atomic
def project_image_delete(*, image: ProjectImage, by: User) -> None:
    """Delete an image; its file after commit. An accepted project goes back to review."""
    project = _lock(image.project)
    if project.status in (S.SUBMITTED, S.REJECTED):
        raise ValidationError(_("待审核或未入选的展项不能修改。"), code="state")
    _delete_file_after_commit(image.image)
    image.delete()
    if _reopen_if_accepted(project, by=by):
        project.save(update_fields=["status", "submitted_at", "updated_at"])


@transaction.atomic
def project_document_add(*, project: Project, by: User, upload, title: str) -> ProjectDocument:
    """Add a PDF (already checked: ``validation.check_pdf``). At most
    ``ProjectDocument.MAX_PER_PROJECT``. An accepted project goes back to review.

    Side effects: the document row and file; maybe the project reopened."""
    _lock(project)
    if project.status in (S.SUBMITTED, S.REJECTED):
        raise ValidationError(_("待审核或未入选的展项不能修改。"), code="state")
    count = project.documents.count()
    if count >= ProjectDocument.MAX_PER_PROJECT:
        raise ValidationError(
            _("每个展项最多 %(count)d 份文档，请先删除不需要的文档。")
            % {"count": ProjectDocument.MAX_PER_PROJECT},
            code="too_many",
        )
    document = ProjectDocument(project=project, title=title, size=upload.size, order=count)
    document.file.save("document.pdf", upload, save=False)
    document.save()
    if _reopen_if_accepted(project, by=by):
        project.save(update_fields=["status", "submitted_at", "updated_at"])
    return document


@transaction.atomic
def project_document_delete(*, document: ProjectDocument, by: User) -> None:
    """Delete a document; its file after commit. An accepted project goes back to review."""
    project = _lock(document.project)
    if project.status in (S.SUBMITTED, S.REJECTED):
        raise ValidationError(_("待审核或未入选的展项不能修改。"), code="state")
    _delete_file_after_commit(document.file)
    document.delete()
    if _reopen_if_accepted(project, by=by):
        project.save(update_fields=["status", "submitted_at", "updated_at"])


# --- Page views -----------------------------------------------------------------------------


def project_view_count(*, project_id: int, day: dt.date | None = None) -> None:
    """Count one view of a project's public page on ``day`` (today, local time).

    One row per project and day, raised in the database (``F() + 1``), so concurrent views
    are all counted; the first view of a day creates the row (a second creator loses the
    race on the unique constraint and raises it instead). Side effects: that row.
    """
    day = day or timezone.localdate()
    rows = ProjectDailyViews.objects.filter(project_id=project_id, day=day)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            ProjectDailyViews.objects.create(project_id=project_id, day=day, count=1)
    except IntegrityError:  # created meanwhile by another view of the same page
        rows.update(count=F("count") + 1)
