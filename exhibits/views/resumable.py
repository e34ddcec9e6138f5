"""Resumable uploads of a project's video (tus, ``core.resumable``): the hall's side.

Whoever may use the project's normal video upload (``exhibits.edit_project`` on a project of
``area_projects``) may start one; anybody else gets the 404 or 403 that upload gives. A
finished file goes through the same first look (``checked_video_suffix``) and service
(``project_video_add``: it replaces the project's video and queues its check).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic.detail import SingleObjectMixin

from core.resumable.models import ResumableUpload
from core.resumable.services import Refused
from core.resumable.views import ResumableCreateView, ResumableUploadView
from core.views import ObjectPermissionMixin

from .. import services
from ..validation import VIDEO_MAX_BYTES, checked_video_suffix
from .area import ProjectQuerysetMixin


class ProjectVideoResumableMixin(ObjectPermissionMixin, ProjectQuerysetMixin, SingleObjectMixin):
    permission_required = "exhibits.edit_project"
    purpose = "project_video"

    def resumable_target(self) -> str:
        return str(self.get_object().pk)

    def resumable_max_size(self) -> int:
        return VIDEO_MAX_BYTES

    def resumable_check(self, *, length: int, metadata: dict[str, str]) -> None:
        if length > VIDEO_MAX_BYTES:
            raise Refused(413, _("视频不能超过 1 GB。"))

    def resumable_finish(self, upload: ResumableUpload, staged) -> dict:
        try:
            video = services.project_video_add(
                project=self.get_object(),
                by=self.request.user,
                upload=staged,
                name=f"video{checked_video_suffix(staged)}",
            )
        except ValidationError as error:
            return {"errors": error.messages}
        return {"created": [video.pk]}

    def resumable_answer(self, upload: ResumableUpload) -> dict:
        # The project page shows the new video and its check: the page reloads it.
        return {
            "created": [{"id": pk} for pk in upload.result.get("created", [])],
            "errors": upload.result.get("errors", []),
            "page": reverse("exhibits:project", args=[self.get_object().pk]),
        }

    def resumable_location(self, upload: ResumableUpload) -> str:
        return reverse("exhibits:video_resumable_upload", args=[self.get_object().pk, upload.pk])


class ProjectVideoResumableCreateView(ProjectVideoResumableMixin, ResumableCreateView):
    """``POST`` a new upload of the project's video (tus creation); ``OPTIONS`` the terms."""


class ProjectVideoResumableUploadView(ProjectVideoResumableMixin, ResumableUploadView):
    """``HEAD``/``PATCH``/``DELETE`` one of the user's uploads of the video; ``GET`` its result."""
