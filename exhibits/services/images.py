"""Web versions of a project's cover and images (``core.image_versions``: JPEGs 400, 800 and
1600 pixels wide, never upscaled; the originals kept).

The services that store a cover or an image call ``image_versions_schedule``; after commit a
worker runs ``exhibits.make_image_versions`` for the project, which makes the versions every
current file of it lacks (``project_image_versions_make``) and records them beside the file
(``Project.cover_versions``, ``ProjectImage.versions``). Until then pages show the original.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from core.dispatch import try_enqueue
from core.image_versions import ImageVersion, make_versions, recorded_versions, version_names, versions_record
from core.public_cache import NO_EVENT, bump_public_version_after_commit

from ..models import Project, ProjectImage

TASK_NAME = "exhibits.make_image_versions"


def image_version_names(record: dict | None) -> list[str]:
    """The files of a record's versions, to delete them with the original."""
    return version_names(record)


def cover_versions(project: Project) -> dict[int, ImageVersion]:
    """The web versions of the project's current cover, by slot; empty until made."""
    return recorded_versions(project.cover_versions, project.cover.name or "")


def image_versions(image: ProjectImage) -> dict[int, ImageVersion]:
    return recorded_versions(image.versions, image.image.name or "")


def image_versions_schedule(*, project_ids) -> None:
    """After commit, have a worker make the missing web versions of each project's cover and
    images. Side effects: one task ``exhibits.make_image_versions`` per project, after commit."""
    for project_id in dict.fromkeys(project_ids):
        transaction.on_commit(partial(_enqueue, project_id))


def _enqueue(project_id: int) -> None:
    # If the broker is away the pages keep showing the originals; the next change schedules again.
    try_enqueue(TASK_NAME, about=f"project {project_id} (image versions)", project_id=project_id)


def project_image_versions_make(*, project_id: int) -> int:
    """Make and record the web versions of the project's cover and of each image that lacks
    them; safe to run twice, and while the files change (versions of a file replaced
    meanwhile are deleted again). A removed cover has its old versions deleted.

    Side effects: version files stored; ``cover_versions`` and ``versions`` updated; after
    commit, replaced version files deleted and, for an accepted project,
    ``bump_public_version()`` (its cached pages name the new versions). Returns how many
    files got versions."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return 0
    storage = Project._meta.get_field("cover").storage
    recorded = 0
    source = project.cover.name or ""
    if (project.cover_versions or {}).get("source", "") != source:
        made = make_versions(storage, source) if source else []
        recorded += _record(Project, project_id, "cover", "cover_versions", source, made)
    for image in ProjectImage.objects.filter(project_id=project_id):
        if (image.versions or {}).get("source", "") != image.image.name:
            made = make_versions(storage, image.image.name)
            recorded += _record(ProjectImage, image.pk, "image", "versions", image.image.name, made)
    if recorded and project.status == Project.Status.ACCEPTED:
        bump_public_version_after_commit(events=NO_EVENT)
    return recorded


def _record(model, pk: int, file_field: str, record_field: str, source: str, made: list[ImageVersion]) -> int:
    storage = model._meta.get_field(file_field).storage
    new_names = {version.name for version in made}
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=pk).first()
        current = (getattr(row, file_field).name or "") if row else None
        old = (getattr(row, record_field) or {}) if row else {}
        if row is None or current != source or old.get("source", "") == source:
            # The file changed (or vanished, or another run recorded it) meanwhile.
            for name in new_names:
                transaction.on_commit(partial(storage.delete, name), robust=True)
            return 0
        model.objects.filter(pk=pk).update(**{record_field: versions_record(source, made)})
        for name in set(version_names(old)) - new_names:
            transaction.on_commit(partial(storage.delete, name), robust=True)
    return 1 if made else 0
