"""Large spreadsheet imports, checked by a worker instead of in the web request.

An upload larger than ``IMPORT_IN_WORKER_BYTES`` (setting, 256 KiB by default) is stored as an
``ImportJob`` (``import_job_create``); after commit a worker runs the task
``events.preview_import``, which claims the job (``import_job_start``), checks the file with
``events.importing.preview`` and records the outcome (``import_job_finish``). The office's
import page waits for it, then shows the preview; the confirm claims the job once
(``import_job_claim``) and imports from its stored file.

The checking itself lives in ``events/importing.py``, a layer above the services: this module
only keeps the jobs.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.dispatch import try_enqueue

from ..models import ImportJob, User, Week

# Known from the upload's size before anything is read. The row count would need the zip opened
# and the sheet's XML read (its <dimension> is optional and may lie); rows are capped at 1000
# anyway, so what makes a request slow is a large file (styles, long texts, padding).
IMPORT_IN_WORKER_BYTES = 256 * 1024
TASK_NAME = "events.preview_import"

S = ImportJob.Status


def import_in_worker(*, size: int) -> bool:
    """Whether an upload of ``size`` bytes is checked by a worker rather than in the request."""
    return size > getattr(settings, "IMPORT_IN_WORKER_BYTES", IMPORT_IN_WORKER_BYTES)


def import_jobs_delete_old(*, now=None) -> int:
    """Delete the jobs older than ``ImportJob.KEEP_FOR`` (a day), whatever their state.

    Side effects: rows deleted. Returns how many."""
    cutoff = (now or timezone.now()) - ImportJob.KEEP_FOR
    deleted, _per_model = ImportJob.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def import_job_create(
    *, content: bytes, name: str, week: Week, by: User | None, publish: bool, language: str
) -> ImportJob:
    """Store an uploaded file for a worker to check, for ``week``.

    Side effects: jobs older than a day deleted; an ``ImportJob`` created (queued); after
    commit, task ``events.preview_import`` enqueued (if the broker is away, the job is marked
    failed with a Chinese message instead)."""
    import_jobs_delete_old()
    job = ImportJob.objects.create(
        week=week, uploaded_by=by, name=name[:255], content=content, publish=publish, language=language
    )
    transaction.on_commit(partial(_enqueue, job_id=job.pk))
    return job


def _enqueue(*, job_id: int) -> None:
    if not try_enqueue(TASK_NAME, about=f"import job {job_id}", job_id=job_id):
        # Say so on the page rather than have it wait for ever.
        job = ImportJob.objects.filter(pk=job_id).first()
        if job is not None:
            with override(job.language or None):
                message = _("无法启动后台检查，请稍后重新上传。")
            import_job_finish(job=job, result=None, error=message)


def import_job_start(*, job_id: int) -> ImportJob | None:
    """Claim a queued job for checking. A job still marked running (its worker died and the task
    was delivered again) is taken again; a vanished, finished or imported one is not.

    Side effects: the job's status set to running. Returns the job, or None."""
    claimed = ImportJob.objects.filter(pk=job_id, status__in=[S.QUEUED, S.RUNNING]).update(status=S.RUNNING)
    if not claimed:
        return None
    return ImportJob.objects.select_related("week").filter(pk=job_id).first()


def import_job_finish(*, job: ImportJob, result: dict | None, error: str = "") -> bool:
    """Record the check's outcome: done with ``result`` (the preview as JSON), or failed with the
    Chinese ``error`` (the file could not be checked as a whole). A job finished, imported or
    deleted meanwhile is left alone.

    Side effects: the job's status, result, error and finished time saved; a failed job's file
    dropped (it cannot be imported). Returns whether."""
    status = S.FAILED if error else S.DONE
    fields = {"status": status, "result": result, "error": error, "finished_at": timezone.now()}
    if error:
        fields["content"] = b""
    updated = ImportJob.objects.filter(pk=job.pk, status__in=[S.QUEUED, S.RUNNING]).update(**fields)
    if updated:
        job.status, job.result, job.error = status, result, error
    return bool(updated)


def import_job_claim(*, job: ImportJob) -> bool:
    """Mark a checked job imported, once: of two confirms, only the first gets True. Call it in
    the transaction that imports, so a failed import leaves the job checked.

    Side effects: the job's status set to imported and its file dropped."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=S.DONE).update(status=S.IMPORTED, content=b"")
    if claimed:
        job.status = S.IMPORTED
    return bool(claimed)
