"""A curator's bulk import of projects, kept as a ``ProjectImportJob`` and run by workers.

1. ``import_job_create`` stores the uploaded .xlsx (and .zip of images) and, after commit,
   enqueues ``exhibits.check_import``: a worker checks every row (``importing.py``, a layer
   above) and records the preview (``import_job_checked``), or the reason the files were
   refused as a whole (``import_job_fail``).
2. The curator reads the preview and confirms (``import_job_confirm`` enqueues
   ``exhibits.run_import``) or cancels (``import_job_cancel``: nothing is written, the files
   are deleted).
3. The worker checks the files again, stores the images of new and changed rows and calls
   ``projects_import``, which writes every row in one transaction and marks the job imported.

Rows are matched by their external id within the hall: the same file again creates nothing,
and a changed row updates its project. Imported projects have no owner: the hall keeps them
(its curators review, feature and re-import them; intents reach the row's contact e-mail).

Progress (``done`` of ``total``) is written outside any transaction, so the page sees it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.dispatch import try_enqueue
from core.public_cache import NO_EVENT, bump_public_version_after_commit
from core.uploads import generated_name
from events.models import User

from ..models import Exhibition, Project, ProjectImage, ProjectImportJob, ProjectReview
from .images import image_version_names, image_versions_schedule

CHECK_TASK = "exhibits.check_import"
RUN_TASK = "exhibits.run_import"
# Finished jobs are kept as a record of who imported what, then deleted by a later upload.
JOBS_KEPT_FOR = dt.timedelta(days=90)
# Fields an import writes (besides the external id, the images and the fingerprint).
IMPORTED_FIELDS = (
    "title",
    "pitch",
    "section_id",
    "stage",
    "cooperation",
    "organization",
    "team",
    "description",
    "contact_name",
    "contact_phone",
    "contact_email",
)

S = ProjectImportJob.Status
P = Project.Status


@dataclass(frozen=True)
class StoredImage:
    """An image of a row, already in storage under ``name``."""

    name: str
    width: int
    height: int


@dataclass
class ImportedProject:
    """One checked row to write: ``values`` by ``IMPORTED_FIELDS``; with ``replace_images``,
    the cover and images become ``cover`` and ``images`` (those of a changed row, or of a new
    one), else the project keeps its own."""

    external_id: str
    values: dict
    fingerprint: str
    replace_images: bool = True
    cover: StoredImage | None = None
    images: list[StoredImage] = field(default_factory=list)


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    updated: int
    unchanged: int
    skipped: int

    def as_json(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


# --- The job's life ---------------------------------------------------------------------------


def _delete_files_after_commit(job: ProjectImportJob) -> None:
    for field_file in (job.sheet, job.images):
        if field_file:
            transaction.on_commit(partial(field_file.storage.delete, field_file.name), robust=True)


def import_jobs_tidy(*, now: dt.datetime | None = None) -> int:
    """Forget old imports: a job checked but never confirmed within ``KEEP_FILES_FOR`` is
    cancelled and its files deleted; jobs older than ``JOBS_KEPT_FOR`` are deleted.

    Side effects: those jobs and files. Returns how many jobs were cancelled or deleted."""
    now = now or timezone.now()
    count = 0
    abandoned = ProjectImportJob.objects.filter(
        status__in=[S.CHECKED, S.QUEUED], updated_at__lt=now - ProjectImportJob.KEEP_FILES_FOR
    )
    for job in abandoned:
        if ProjectImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=S.CANCELLED, sheet="", images="", updated_at=now
        ):
            _delete_files_after_commit(job)
            count += 1
    deleted, _per_model = ProjectImportJob.objects.filter(created_at__lt=now - JOBS_KEPT_FOR).delete()
    return count + deleted


@transaction.atomic
def import_job_create(
    *,
    exhibition: Exhibition,
    by: User | None,
    sheet: File,
    images: File | None = None,
    accept: bool = False,
    language: str = "",
) -> ProjectImportJob:
    """Store a curator's upload for a worker to check (nothing is read here).

    Side effects: old jobs tidied (``import_jobs_tidy``); the job and its files; after commit,
    task ``exhibits.check_import`` enqueued (if the broker is away, the job fails with a
    Chinese message instead of waiting for ever)."""
    import_jobs_tidy()
    job = ProjectImportJob(
        exhibition=exhibition,
        uploaded_by=by,
        sheet_name=(getattr(sheet, "name", "") or "")[:255],
        images_name=(getattr(images, "name", "") or "")[:255] if images else "",
        accept=accept,
        language=language,
    )
    job.sheet.save("sheet.bin", sheet, save=False)
    if images:
        job.images.save("images.bin", images, save=False)
    job.save()
    transaction.on_commit(partial(_enqueue, CHECK_TASK, job.pk))
    return job


def _enqueue(task: str, job_id: int) -> None:
    if not try_enqueue(task, about=f"project import job {job_id}", job_id=job_id):
        job = ProjectImportJob.objects.filter(pk=job_id).first()
        if job is not None:
            with override(job.language or None):
                import_job_fail(job=job, error=_("无法启动后台任务，请稍后重新上传。"))


def import_job_start(*, job_id: int, check: bool) -> ProjectImportJob | None:
    """Claim a job for the worker: for the check (queued or checking → checking) or for the
    import (importing). A job still marked as running (its worker died and the task came
    again) is taken again; a vanished, cancelled or finished one is not.

    Side effects: the job's status. Returns the job, or None."""
    if check:
        claimed = ProjectImportJob.objects.filter(pk=job_id, status__in=[S.QUEUED, S.CHECKING]).update(
            status=S.CHECKING, phase="", done=0, total=0, updated_at=timezone.now()
        )
    else:
        claimed = ProjectImportJob.objects.filter(pk=job_id, status=S.IMPORTING).update(
            phase="", done=0, total=0, updated_at=timezone.now()
        )
    if not claimed:
        return None
    return ProjectImportJob.objects.select_related("exhibition", "uploaded_by").get(pk=job_id)


def import_job_progress(*, job: ProjectImportJob, phase: str, done: int, total: int) -> bool:
    """Record how far the worker got in ``phase`` ("rows", "images", "saving"). Returns False
    when the job is no longer running (the curator cancelled it), so the worker can stop.

    Side effects: ``phase``, ``done``, ``total``."""
    job.phase, job.done, job.total = phase, done, total
    return bool(
        ProjectImportJob.objects.filter(pk=job.pk, status__in=ProjectImportJob.PENDING).update(
            phase=phase, done=done, total=total, updated_at=timezone.now()
        )
    )


def import_job_checked(*, job: ProjectImportJob, preview: dict) -> bool:
    """Record the check's preview; the job waits for the curator. A job cancelled meanwhile is
    left alone. Side effects: status, preview. Returns whether."""
    updated = ProjectImportJob.objects.filter(pk=job.pk, status=S.CHECKING).update(
        status=S.CHECKED, preview=preview, error="", phase="", updated_at=timezone.now()
    )
    if updated:
        job.status, job.preview = S.CHECKED, preview
    return bool(updated)


def import_job_fail(*, job: ProjectImportJob, error: str, preview: dict | None = None) -> bool:
    """The files were refused as a whole, or the worker failed: the job ends with the Chinese
    ``error`` (and the preview, if there was one). A job cancelled or finished meanwhile is
    left alone. Side effects: status, error; the files deleted after commit."""
    fields = {"status": S.FAILED, "error": error, "finished_at": timezone.now(), "updated_at": timezone.now()}
    if preview is not None:
        fields["preview"] = preview
    with transaction.atomic():
        updated = ProjectImportJob.objects.filter(pk=job.pk, status__in=ProjectImportJob.PENDING).update(
            **fields, sheet="", images=""
        )
        if updated:
            _delete_files_after_commit(job)
            job.status, job.error = S.FAILED, error
    return bool(updated)


@transaction.atomic
def import_job_cancel(*, job: ProjectImportJob, by: User) -> ProjectImportJob:
    """The curator does not import: nothing is written and the files are deleted. A job may
    be cancelled until it is confirmed (also while it is being checked).

    Side effects: status cancelled; the files deleted after commit."""
    updated = ProjectImportJob.objects.filter(pk=job.pk, status__in=[S.QUEUED, S.CHECKING, S.CHECKED]).update(
        status=S.CANCELLED, sheet="", images="", finished_at=timezone.now(), updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("该导入已开始或已结束，不能取消。"), code="state")
    _delete_files_after_commit(job)
    job.status = S.CANCELLED
    return job


@transaction.atomic
def import_job_confirm(*, job: ProjectImportJob, by: User) -> ProjectImportJob:
    """The curator imports a checked job: a worker checks the files again and writes every row
    without errors (rows with errors are skipped and listed). Once only: a second confirm is
    refused.

    Side effects: status importing; after commit, task ``exhibits.run_import`` enqueued."""
    preview = job.preview or {}
    if not preview.get("counts", {}).get("valid"):
        raise ValidationError(_("没有可以导入的行。"), code="empty")
    updated = ProjectImportJob.objects.filter(pk=job.pk, status=S.CHECKED).update(
        status=S.IMPORTING, phase="", done=0, total=0, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("该文件已导入、正在导入或已取消。"), code="state")
    job.status = S.IMPORTING
    transaction.on_commit(partial(_enqueue, RUN_TASK, job.pk))
    return job


# --- The writes -------------------------------------------------------------------------------


def import_image_store(*, content: bytes, suffix: str, cover: bool) -> str:
    """Store one checked image of a row (before ``projects_import``, outside its transaction)
    under a generated name ending in ``suffix``. Returns the stored name."""
    field = Project._meta.get_field("cover") if cover else ProjectImage._meta.get_field("image")
    folder = "exhibits/covers" if cover else "exhibits/images/imported"
    return field.storage.save(generated_name(folder, f"image{suffix}"), ContentFile(content))


def import_images_delete(*, names: list[str]) -> None:
    """Delete images stored for an import that then failed. Side effects: those files."""
    storage = ProjectImage._meta.get_field("image").storage
    for name in names:
        storage.delete(name)


def projects_import(
    *, job: ProjectImportJob, rows: list[ImportedProject], unchanged: int, skipped: int
) -> ImportOutcome:
    """Write the checked rows of ``job`` in one transaction: a row whose external id the hall
    has updates that project (its status, owner and featuring stay; its images too unless
    ``replace_images``); any other row creates a project kept by the hall (no owner), accepted
    if the job says so, else submitted for review. Each project gets a history entry.

    Side effects: projects, their images and history; the job marked imported with the counts,
    its files deleted; after commit, the files of replaced covers and images (and their web
    versions) deleted, web versions of new images scheduled, ``bump_public_version()`` when
    an accepted project changed. Raises ``ValidationError`` if the job is no longer importing.
    """
    now = timezone.now()
    by = job.uploaded_by
    status = P.ACCEPTED if job.accept else P.SUBMITTED
    with transaction.atomic():
        if not ProjectImportJob.objects.select_for_update().filter(pk=job.pk, status=S.IMPORTING).exists():
            raise ValidationError(_("该导入已结束或已取消。"), code="state")
        existing = {
            project.external_id: project
            for project in Project.objects.select_for_update()
            .filter(exhibition_id=job.exhibition_id, external_id__in=[row.external_id for row in rows])
            .prefetch_related("images")
        }
        new_rows = [row for row in rows if row.external_id not in existing]
        changed_rows = [row for row in rows if row.external_id in existing]
        created = _create(job=job, rows=new_rows, status=status, now=now)
        updated = _update(rows=changed_rows, existing=existing, now=now)
        reason_new = _("导入自 %(file)s") % {"file": job.sheet_name}
        reason_changed = _("再次导入 %(file)s，内容已更新") % {"file": job.sheet_name}
        ProjectReview.objects.bulk_create(
            [
                ProjectReview(
                    project=project,
                    action=ProjectReview.Action.IMPORT,
                    from_status=P.DRAFT,
                    to_status=status,
                    by=by,
                    reason=reason_new,
                    at=now,
                )
                for project in created
            ]
            + [
                ProjectReview(
                    project=project,
                    action=ProjectReview.Action.IMPORT,
                    from_status=project.status,
                    to_status=project.status,
                    by=by,
                    reason=reason_changed,
                    at=now,
                )
                for project in updated
            ],
            batch_size=500,
        )
        outcome = ImportOutcome(
            created=len(created), updated=len(updated), unchanged=unchanged, skipped=skipped
        )
        ProjectImportJob.objects.filter(pk=job.pk).update(
            status=S.IMPORTED,
            outcome=outcome.as_json(),
            sheet="",
            images="",
            phase="",
            finished_at=now,
            updated_at=now,
        )
        _delete_files_after_commit(job)
        image_versions_schedule(
            project_ids=[
                project.pk
                for project, row in [
                    *zip(created, new_rows, strict=True),
                    *zip(updated, changed_rows, strict=True),
                ]
                if row.replace_images and (row.cover or row.images)
            ]
        )
        if any(project.status == P.ACCEPTED for project in [*created, *updated]):
            bump_public_version_after_commit(events=NO_EVENT)
    job.status, job.outcome = S.IMPORTED, outcome.as_json()
    return outcome


def _create(*, job: ProjectImportJob, rows: list[ImportedProject], status: str, now) -> list[Project]:
    projects = [
        Project(
            exhibition_id=job.exhibition_id,
            external_id=row.external_id,
            import_fingerprint=row.fingerprint,
            status=status,
            submitted_at=now,
            accepted_at=now if status == P.ACCEPTED else None,
            cover=row.cover.name if row.cover else "",
            **row.values,
        )
        for row in rows
    ]
    Project.objects.bulk_create(projects, batch_size=500)
    ProjectImage.objects.bulk_create(
        [
            ProjectImage(
                project=project, image=image.name, width=image.width, height=image.height, order=order
            )
            for project, row in zip(projects, rows, strict=True)
            for order, image in enumerate(row.images)
        ],
        batch_size=1000,
    )
    return projects


def _update(*, rows: list[ImportedProject], existing: dict[str, Project], now) -> list[Project]:
    projects, new_images, old_image_ids, old_files = [], [], [], []
    for row in rows:
        project = existing[row.external_id]
        for name, value in row.values.items():
            setattr(project, name, value)
        project.import_fingerprint = row.fingerprint
        project.updated_at = now
        if row.replace_images:
            if project.cover:
                old_files += [project.cover.name, *image_version_names(project.cover_versions)]
            project.cover = row.cover.name if row.cover else ""
            project.cover_versions = {}
            for image in project.images.all():
                old_image_ids.append(image.pk)
                old_files += [image.image.name, *image_version_names(image.versions)]
            new_images += [
                ProjectImage(
                    project=project, image=image.name, width=image.width, height=image.height, order=order
                )
                for order, image in enumerate(row.images)
            ]
        projects.append(project)
    Project.objects.bulk_update(
        projects,
        [*IMPORTED_FIELDS, "import_fingerprint", "cover", "cover_versions", "updated_at"],
        batch_size=200,
    )
    for start in range(0, len(old_image_ids), 500):
        ProjectImage.objects.filter(pk__in=old_image_ids[start : start + 500]).delete()
    ProjectImage.objects.bulk_create(new_images, batch_size=1000)
    storage = ProjectImage._meta.get_field("image").storage
    for name in old_files:
        transaction.on_commit(partial(storage.delete, name), robust=True)
    return projects
