"""A project's life: saved and submitted by its holder, returned, accepted or rejected by a
curator (the history kept in ``ProjectReview``), featured with an order; its images and
documents; the daily count of its public page's views.

A change to an accepted project's public side (its text, cover, images, documents or video)
goes to review as a ``ProjectRevision`` while the public keeps seeing the accepted version: the
project stays accepted and in the hall, the revision holds the changed fields and new cover,
added and deleted images, documents and videos are marked ``pending``. A curator accepts the
revision (it is applied to the project), returns it with a reason (the holder edits it
again), or does not accept it (it is discarded). The holder may go on changing it while it
waits; a curator's decision names the state of the changes they saw (``seen``), and is
refused if the holder changed them since. Contact details are not public and change without
review.
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
from django.utils.translation import gettext_lazy, gettext_noop

from core.public_cache import NO_EVENT, bump_public_version_after_commit
from events.models import User
from events.notifications import Subject, notify
from submissions.uploads import clean_original_name

from ..models import (
    PUBLIC_FIELDS,
    Holder,
    Pending,
    Project,
    ProjectDailyViews,
    ProjectDocument,
    ProjectImage,
    ProjectReview,
    ProjectRevision,
    ProjectVideo,
)
from .images import image_version_names, image_versions_schedule
from .videos import video_check_schedule, video_file_names, videos_sweep_soon

S = Project.Status
A = ProjectReview.Action
R = ProjectRevision.Status
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")
# A revision's copy of the public fields, by the project's attribute names.
REVISION_FIELDS = tuple(f"{name}_id" if name == "section" else name for name in PUBLIC_FIELDS)

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
    bump_public_version_after_commit(events=NO_EVENT)


def _lock(project: Project) -> Project:
    """Lock the project's row until the transaction ends and take its current state from it,
    so a curator's decision and the holder's edit cannot both pass the check they start from.
    Returns the row as stored (``project`` may carry a form's unsaved values)."""
    current = Project.objects.select_for_update().get(pk=project.pk)
    project.status = current.status
    return current


def _revision(project: Project) -> ProjectRevision | None:
    """The project's open revision, locked (call after ``_lock``)."""
    revision = ProjectRevision.objects.select_for_update().filter(project_id=project.pk).first()
    project.revision = revision
    return revision


def _frozen(project: Project) -> None:
    if project.status in (S.SUBMITTED, S.REJECTED):
        raise ValidationError(_("待审核或未入选的展项不能修改。"), code="state")


def _delete_files_after_commit(*names: str) -> None:
    storage = ProjectImage._meta.get_field("image").storage
    for name in names:
        if name:
            transaction.on_commit(partial(storage.delete, name), robust=True)


def _record(project: Project, *, action: str, to: str, by: User | None, reason: str = "") -> None:
    ProjectReview.objects.create(
        project=project, action=action, from_status=project.status, to_status=to, by=by, reason=reason
    )
    project.status = to


def _revision_open(project: Project, revision: ProjectRevision | None, *, by: User | None) -> ProjectRevision:
    """The accepted project's revision, pending review: a new one starts as a copy of the
    public fields; a returned one goes back to review. Records "revise" when it starts waiting."""
    if revision is None:
        revision = ProjectRevision(
            project=project,
            created_by=by,
            **{name: getattr(project, name) for name in REVISION_FIELDS},
        )
    if revision.pk is None or revision.status != R.PENDING:
        ProjectReview.objects.create(
            project=project, action=A.REVISE, from_status=S.ACCEPTED, to_status=S.ACCEPTED, by=by
        )
    revision.status = R.PENDING
    revision.save()
    project.revision = revision
    return revision


def _revision_is_empty(live: Project, revision: ProjectRevision) -> bool:
    """Nothing public would change: the same fields and cover, no pending image or document."""
    return (
        all(getattr(revision, name) == getattr(live, name) for name in REVISION_FIELDS)
        and not revision.cover
        and not revision.cover_cleared
        and not live.images.exclude(pending=Pending.NONE).exists()
        and not live.documents.exclude(pending=Pending.NONE).exists()
        and not live.videos.exclude(pending=Pending.NONE).exists()
    )


def _tell_holder(project: Project, *, subject: Subject, decision: str, reason: str = "") -> None:
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
    they are. An accepted one takes its contact details at once; its public fields and cover
    go to its revision, pending review (the project, and what the public sees, stay as they
    are); if they equal the accepted version again, the revision is dropped. Submitted and
    rejected projects cannot be changed.

    Side effects: the project row, or its contacts and its revision (a new cover file);
    history when changes start waiting; a replaced cover's files deleted after commit, web
    versions of a new cover scheduled.
    """
    if project.pk is None:
        project.owner = project.owner or by
        project.status = S.DRAFT
        project.save()
        if project.cover:
            image_versions_schedule(project_ids=[project.pk])
        return project
    live = _lock(project)
    revision = _revision(project)
    _frozen(project)
    if project.status == S.ACCEPTED:
        return _save_accepted(project, live=live, revision=revision, by=by)
    old_cover = live.cover.name or ""
    project.save()
    if (project.cover.name or "") != old_cover:
        _delete_files_after_commit(old_cover, *image_version_names(live.cover_versions))
        Project.objects.filter(pk=project.pk).update(cover_versions={})
        project.cover_versions = {}
        if project.cover:
            image_versions_schedule(project_ids=[project.pk])
    return project


def _save_accepted(project: Project, *, live: Project, revision: ProjectRevision | None, by: User) -> Project:
    contacts = {name: getattr(project, name) for name in CONTACT_FIELDS}
    if any(getattr(live, name) != value for name, value in contacts.items()):
        Project.objects.filter(pk=project.pk).update(**contacts, updated_at=timezone.now())
    working = {name: getattr(project, name) for name in REVISION_FIELDS}
    cover = project.cover
    new_upload = bool(cover) and not getattr(cover, "_committed", True)
    kept_revision_cover = revision.cover.name if revision is not None and revision.cover else ""
    cover_name = "" if new_upload else (cover.name or "")
    if new_upload:
        cover_change = "new"
    elif cover_name == (live.cover.name or ""):
        cover_change = ""
    elif not cover_name:
        cover_change = "cleared" if live.cover else ""
    elif cover_name == kept_revision_cover:
        cover_change = "kept"
    else:
        cover_change = ""
    changed = (
        any(working[name] != getattr(live, name) for name in REVISION_FIELDS)
        or cover_change
        or live.images.exclude(pending=Pending.NONE).exists()
        or live.documents.exclude(pending=Pending.NONE).exists()
        or live.videos.exclude(pending=Pending.NONE).exists()
    )
    if not changed:
        if revision is not None:
            _delete_files_after_commit(kept_revision_cover)
            revision.delete()
            project.revision = None
        return project
    revision = revision or ProjectRevision(project=live, created_by=by)
    for name, value in working.items():
        setattr(revision, name, value)
    if cover_change != "kept" and kept_revision_cover:
        _delete_files_after_commit(kept_revision_cover)
        revision.cover = ""
    if cover_change == "new":
        revision.cover = cover.file  # the upload, stored under a generated name with the revision
    revision.cover_cleared = cover_change == "cleared"
    _revision_open(live, revision, by=by)
    project.revision = revision
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
    if project.owner_id is not None and not _owner_confirmed(project):
        raise ValidationError(
            _("请先确认您的邮箱（点击确认邮件中的链接），再提交审核。"), code="email_unconfirmed"
        )
    missing = missing_for_submit(project)
    if missing:
        raise ValidationError(
            _("提交审核前请补全：%(fields)s。") % {"fields": "、".join(missing)}, code="incomplete"
        )
    _record(project, action=A.SUBMIT, to=S.SUBMITTED, by=by)
    project.submitted_at = timezone.now()
    project.save(update_fields=["status", "submitted_at", "updated_at"])
    return project


def _owner_confirmed(project: Project) -> bool:
    holder = (
        Holder.objects.select_related("user")
        .filter(exhibition_id=project.exhibition_id, user_id=project.owner_id, removed_at__isnull=True)
        .first()
    )
    return holder is not None and holder.email_confirmed


def _decide(project: Project, *, by: User, action: str, to: str, reason: str) -> Project:
    _lock(project)
    if project.status != S.SUBMITTED:
        raise ValidationError(_("只有待审核的展项可以审核。"), code="state")
    if action in (A.RETURN, A.REJECT):
        _require_reason(reason)
    _record(project, action=action, to=to, by=by, reason=reason)
    fields = ["status", "updated_at"]
    if to == S.ACCEPTED:
        project.accepted_at = timezone.now()
        fields.append("accepted_at")
    project.save(update_fields=fields)
    return project


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError(_("退回或不予入选时请填写意见。"), code="reason")


def _revision_decided(
    project: Project, *, by: User, action: str, reason: str, subject: Subject, decision: str
) -> Project:
    """Record the curator's decision on an accepted project's pending changes (the project's
    own status stays accepted) and tell its holder."""
    ProjectReview.objects.create(
        project=project, action=action, from_status=S.ACCEPTED, to_status=S.ACCEPTED, by=by, reason=reason
    )
    _tell_holder(project, subject=subject, decision=decision, reason=reason)
    return project


def revision_stamp(revision: ProjectRevision) -> str:
    """The state of a revision a curator saw (its last change), for ``seen``."""
    return revision.updated_at.isoformat()


def _pending_revision(project: Project, seen: str | None) -> ProjectRevision | None:
    """Lock the project; its revision if that waits for review (the decision is about it),
    unless the holder changed it since the curator saw it (``seen``)."""
    _lock(project)
    revision = _revision(project)
    if project.status == S.ACCEPTED and revision is not None and revision.status == R.PENDING:
        if seen is not None and seen != revision_stamp(revision):
            raise ValidationError(_("项目方刚刚又修改了展项，请重新查看修改内容后再审核。"), code="stale")
        return revision
    return None


@transaction.atomic
def project_accept(*, project: Project, by: User, reason: str = "", seen: str | None = None) -> Project:
    """Put a submitted project into the public hall, or apply the pending changes of an
    accepted one (its revision: fields, cover, added and deleted images and documents).

    Side effects: status → accepted (or the changes applied and the revision deleted; the
    replaced cover and the deleted files removed after commit; web versions of a new cover
    scheduled); history; e-mail + notice to the holder; ``bump_public_version()`` after commit.
    ``seen``: the revision's stamp the curator judged (``revision_stamp``); refused if stale.
    """
    revision = _pending_revision(project, seen)
    if revision is not None:
        _apply(project, revision, by=by, reason=reason)
        _tell_holder(
            project,
            subject=Subject(gettext_noop("展项修改已通过：%(title)s"), {"title": project.title}),
            decision=_("的修改已通过审核，展厅已显示修改后的内容"),
            reason=reason,
        )
    else:
        _decide(project, by=by, action=A.ACCEPT, to=S.ACCEPTED, reason=reason)
        _tell_holder(
            project,
            subject=Subject(gettext_noop("展项已入展：%(title)s"), {"title": project.title}),
            decision=_("已通过审核，在云展厅公开展示"),
            reason=reason,
        )
    _bump_public_after_commit()
    return project


def _apply(project: Project, revision: ProjectRevision, *, by: User, reason: str) -> None:
    live = Project.objects.get(pk=project.pk)
    for name in REVISION_FIELDS:
        setattr(live, name, getattr(revision, name))
    if revision.cover or revision.cover_cleared:
        _delete_files_after_commit(live.cover.name or "", *image_version_names(live.cover_versions))
        live.cover = revision.cover.name if revision.cover else ""
        live.cover_versions = {}
    live.save()
    for image in live.images.filter(pending=Pending.DELETE):
        _delete_files_after_commit(image.image.name, *image_version_names(image.versions))
        image.delete()
    live.images.filter(pending=Pending.ADD).update(pending=Pending.NONE)
    for document in live.documents.filter(pending=Pending.DELETE):
        _delete_files_after_commit(document.file.name)
        document.delete()
    live.documents.filter(pending=Pending.ADD).update(pending=Pending.NONE)
    if live.videos.filter(pending=Pending.ADD).exists():  # the new video replaces the live one
        for video in live.videos.exclude(pending=Pending.ADD):
            _delete_files_after_commit(*video_file_names(video))
            video.delete()
    else:
        for video in live.videos.filter(pending=Pending.DELETE):
            _delete_files_after_commit(*video_file_names(video))
            video.delete()
    live.videos.filter(pending=Pending.ADD).update(pending=Pending.NONE)
    if revision.cover:
        image_versions_schedule(project_ids=[live.pk])
    ProjectReview.objects.create(
        project=live,
        action=A.REVISE_ACCEPT,
        from_status=S.ACCEPTED,
        to_status=S.ACCEPTED,
        by=by,
        reason=reason,
    )
    revision.delete()
    for name in (*REVISION_FIELDS, "cover", "cover_versions", "updated_at"):
        setattr(project, name, getattr(live, name))
    project.revision = None


@transaction.atomic
def project_return(*, project: Project, by: User, reason: str, seen: str | None = None) -> Project:
    """Send a submitted project, or the pending changes of an accepted one, back to its holder
    with a reason; they edit and resubmit (an accepted project stays public meanwhile).

    Side effects: status → returned (or the revision returned); history with the reason;
    e-mail + notice to the holder.
    """
    revision = _pending_revision(project, seen)
    if revision is not None:
        _require_reason(reason)
        revision.status = R.RETURNED
        revision.save(update_fields=["status", "updated_at"])
        return _revision_decided(
            project,
            by=by,
            action=A.REVISE_RETURN,
            reason=reason,
            subject=Subject(gettext_noop("展项修改被退回：%(title)s"), {"title": project.title}),
            decision=_("的修改被退回，请按意见修改后重新提交；展厅仍显示原来的版本"),
        )
    _decide(project, by=by, action=A.RETURN, to=S.RETURNED, reason=reason)
    _tell_holder(
        project,
        subject=Subject(gettext_noop("展项被退回修改：%(title)s"), {"title": project.title}),
        decision=_("被退回，请按意见修改后重新提交"),
        reason=reason,
    )
    return project


@transaction.atomic
def project_reject(*, project: Project, by: User, reason: str, seen: str | None = None) -> Project:
    """Decline a submitted project for good (it can no longer be changed or resubmitted); for
    an accepted project, decline its pending changes: they are discarded and the accepted
    version stays.

    Side effects: status → rejected (or the revision, its new cover and its added images and
    documents deleted, deleted ones kept); history with the reason; e-mail + notice to the holder.
    """
    revision = _pending_revision(project, seen)
    if revision is not None:
        _require_reason(reason)
        _discard(project, revision)
        return _revision_decided(
            project,
            by=by,
            action=A.REVISE_REJECT,
            reason=reason,
            subject=Subject(gettext_noop("展项修改未通过：%(title)s"), {"title": project.title}),
            decision=_("的修改未通过审核，展厅继续显示原来的版本"),
        )
    _decide(project, by=by, action=A.REJECT, to=S.REJECTED, reason=reason)
    _tell_holder(
        project,
        subject=Subject(gettext_noop("展项未入选：%(title)s"), {"title": project.title}),
        decision=_("未入选本展厅"),
        reason=reason,
    )
    return project


def _discard(project: Project, revision: ProjectRevision) -> None:
    _delete_files_after_commit(revision.cover.name if revision.cover else "")
    for image in ProjectImage.objects.filter(project_id=project.pk, pending=Pending.ADD):
        _delete_files_after_commit(image.image.name, *image_version_names(image.versions))
        image.delete()
    ProjectImage.objects.filter(project_id=project.pk, pending=Pending.DELETE).update(pending=Pending.NONE)
    for document in ProjectDocument.objects.filter(project_id=project.pk, pending=Pending.ADD):
        _delete_files_after_commit(document.file.name)
        document.delete()
    ProjectDocument.objects.filter(project_id=project.pk, pending=Pending.DELETE).update(pending=Pending.NONE)
    for video in ProjectVideo.objects.filter(project_id=project.pk, pending=Pending.ADD):
        _delete_files_after_commit(*video_file_names(video))
        video.delete()
    ProjectVideo.objects.filter(project_id=project.pk, pending=Pending.DELETE).update(pending=Pending.NONE)
    revision.delete()
    project.revision = None


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


def _editable(project: Project) -> tuple[Project, ProjectRevision | None]:
    live = _lock(project)
    revision = _revision(project)
    _frozen(project)
    return live, revision


def _after_withdrawn(live: Project, revision: ProjectRevision | None) -> None:
    """An added image or document was taken back: the revision changed (a curator's decision
    on what they saw before is stale), or changes nothing any more and goes."""
    if live.status != S.ACCEPTED or revision is None:
        return
    if _revision_is_empty(live, revision):
        revision.delete()
    else:
        revision.save(update_fields=["updated_at"])


@transaction.atomic
def project_image_add(*, project: Project, by: User, upload, name: str, caption: str = "") -> ProjectImage:
    """Add an image (already checked: ``validation.checked_image_suffix``) stored as ``name``'s
    suffix. At most ``ProjectImage.MAX_PER_PROJECT``. On an accepted project it waits in the
    project's revision (not public until the changes are accepted).

    Side effects: the image row and file; its web versions scheduled; maybe the revision
    opened (history)."""
    live, revision = _editable(project)
    count = project.images.exclude(pending=Pending.DELETE).count()
    if count >= ProjectImage.MAX_PER_PROJECT:
        raise ValidationError(
            _("每个展项最多 %(count)d 张图片，请先删除不需要的图片。")
            % {"count": ProjectImage.MAX_PER_PROJECT},
            code="too_many",
        )
    accepted = project.status == S.ACCEPTED
    image = ProjectImage(
        project=project,
        caption=caption,
        order=project.images.count(),
        pending=Pending.ADD if accepted else "",
    )
    image.image.save(name, upload, save=False)
    image.save()
    image_versions_schedule(project_ids=[project.pk])
    if accepted:
        _revision_open(live, revision, by=by)
    return image


@transaction.atomic
def project_image_delete(*, image: ProjectImage, by: User) -> None:
    """Delete an image; its files after commit. On an accepted project a public image is only
    marked, and goes when the project's changes are accepted (an added one goes at once)."""
    project = image.project
    live, revision = _editable(project)
    if project.status == S.ACCEPTED and image.pending != Pending.ADD:
        ProjectImage.objects.filter(pk=image.pk).update(pending=Pending.DELETE)
        _revision_open(live, revision, by=by)
        return
    _delete_files_after_commit(image.image.name, *image_version_names(image.versions))
    image.delete()
    _after_withdrawn(live, revision)


@transaction.atomic
def project_document_add(*, project: Project, by: User, upload, title: str) -> ProjectDocument:
    """Add a PDF (already checked: ``validation.check_pdf``). At most
    ``ProjectDocument.MAX_PER_PROJECT``. On an accepted project it waits in the revision.

    Side effects: the document row and file; maybe the revision opened (history)."""
    live, revision = _editable(project)
    count = project.documents.exclude(pending=Pending.DELETE).count()
    if count >= ProjectDocument.MAX_PER_PROJECT:
        raise ValidationError(
            _("每个展项最多 %(count)d 份文档，请先删除不需要的文档。")
            % {"count": ProjectDocument.MAX_PER_PROJECT},
            code="too_many",
        )
    accepted = project.status == S.ACCEPTED
    document = ProjectDocument(
        project=project,
        title=title,
        size=upload.size,
        order=project.documents.count(),
        pending=Pending.ADD if accepted else "",
    )
    document.file.save("document.pdf", upload, save=False)
    document.save()
    if accepted:
        _revision_open(live, revision, by=by)
    return document


@transaction.atomic
def project_document_delete(*, document: ProjectDocument, by: User) -> None:
    """Delete a document; its file after commit. On an accepted project a public document is
    only marked, and goes when the project's changes are accepted."""
    project = document.project
    live, revision = _editable(project)
    if project.status == S.ACCEPTED and document.pending != Pending.ADD:
        ProjectDocument.objects.filter(pk=document.pk).update(pending=Pending.DELETE)
        _revision_open(live, revision, by=by)
        return
    _delete_files_after_commit(document.file.name)
    document.delete()
    _after_withdrawn(live, revision)


# --- The video ------------------------------------------------------------------------------


def project_video_add(*, project: Project, by: User, upload, name: str) -> ProjectVideo:
    """Store a video (already looked at: ``validation.checked_video_suffix``) as the project's
    one video, stored as ``name``'s suffix, and queue its check.

    The copy into storage (up to a gigabyte, maybe to object storage) happens first, outside
    the transaction; a short transaction then locks the project and swaps the video: on a
    draft or returned project the old video goes (its files after commit); on an accepted
    one the new video waits in the project's changes (``pending`` add; the live one is marked
    for deletion and stays public until the changes are accepted; an earlier replacement not
    yet accepted goes). Submitted and rejected projects cannot be changed.

    Side effects: the file stored (deleted again if the row is not written); the row; maybe
    the revision opened (history); after commit the check enqueued (``videos``) and the
    sweep of lost video work run."""
    video = ProjectVideo(
        project=project,
        original_name=clean_original_name(upload.name or ""),
        size=upload.size,
        uploaded_by=by,
    )
    storage = video.file.storage
    video.file = storage.save(video.file.field.generate_filename(video, name), upload, max_length=255)
    try:
        with transaction.atomic():
            live, revision = _editable(project)
            accepted = project.status == S.ACCEPTED
            for old in ProjectVideo.objects.select_for_update().filter(project_id=project.pk):
                if accepted and old.pending == Pending.NONE:
                    ProjectVideo.objects.filter(pk=old.pk).update(pending=Pending.DELETE)
                elif not accepted or old.pending == Pending.ADD:
                    _delete_files_after_commit(*video_file_names(old))
                    old.delete()
            video.pending = Pending.ADD if accepted else Pending.NONE
            video.alive_at = timezone.now()
            video.save()
            if accepted:
                _revision_open(live, revision, by=by)
            video_check_schedule(video)
            videos_sweep_soon()
    except BaseException:
        storage.delete(video.file.name)
        raise
    return video


@transaction.atomic
def project_video_delete(*, video: ProjectVideo, by: User) -> None:
    """Delete the project's video, its files after commit. On an accepted project the public
    video is only marked, and goes when the project's changes are accepted (a new one waiting
    for review goes at once)."""
    project = video.project
    live, revision = _editable(project)
    if project.status == S.ACCEPTED and video.pending != Pending.ADD:
        ProjectVideo.objects.filter(pk=video.pk).update(pending=Pending.DELETE)
        _revision_open(live, revision, by=by)
        return
    _delete_files_after_commit(*video_file_names(video))
    video.delete()
    _after_withdrawn(live, revision)


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
