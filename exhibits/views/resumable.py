"""Resumable uploads of a project's video and PDF documents (tus, ``core.resumable``): the
hall's side.

Whoever may use the project's normal upload (``exhibits.edit_project`` on a project of
``area_projects``) may start one; anybody else gets the 404 or 403 that upload gives. The URL
names the file (``kind``: ``video`` or ``document``). The size limit is checked from
``Upload-Length`` before the first byte is stored (a document's title, sent in the metadata,
too). A finished file goes through the same checks and service as the form: a video through
``checked_video_suffix`` and ``project_video_add`` (it replaces the project's video and
queues its check); a document through ``DocumentForm`` (``check_pdf``: a PDF by its first
bytes; a one-line title) and ``project_document_add``.
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
from ..forms import DocumentForm
from ..validation import DOCUMENT_MAX_BYTES, VIDEO_MAX_BYTES, checked_video_suffix
from .area import ProjectQuerysetMixin

# kind (the URL's) → the largest file it takes.
LIMITS = {"video": VIDEO_MAX_BYTES, "document": DOCUMENT_MAX_BYTES}


class ProjectFileResumableMixin(ObjectPermissionMixin, ProjectQuerysetMixin, SingleObjectMixin):
    permission_required = "exhibits.edit_project"

    @property
    def kind(self) -> str:
        return self.kwargs["kind"]

    @property
    def purpose(self) -> str:
        return f"project_{self.kind}"

    def resumable_target(self) -> str:
        return str(self.get_object().pk)

    def resumable_max_size(self) -> int:
        return LIMITS[self.kind]

    def resumable_check(self, *, length: int, metadata: dict[str, str]) -> None:
        if self.kind == "video":
            if length > VIDEO_MAX_BYTES:
                raise Refused(413, _("视频不能超过 1 GB。"))
            return
        if length > DOCUMENT_MAX_BYTES:
            raise Refused(413, _("文档不能超过 20 MB。"))
        # The title the form asks for, judged before the file is sent rather than after 20 MB.
        title_errors = DocumentForm(data={"title": metadata.get("title", "")}).errors.get("title")
        if title_errors:
            raise Refused(400, " ".join(title_errors))

    def resumable_finish(self, upload: ResumableUpload, staged) -> dict:
        try:
            if self.kind == "video":
                created = services.project_video_add(
                    project=self.get_object(),
                    by=self.request.user,
                    upload=staged,
                    name=f"video{checked_video_suffix(staged)}",
                )
            else:
                created = self._document_add(upload, staged)
        except ValidationError as error:
            return {"errors": error.messages}
        return {"created": [created.pk]}

    def _document_add(self, upload: ResumableUpload, staged):
        """The form's checks (the PDF and its title) and its service, as ``DocumentAddView``."""
        form = DocumentForm(data={"title": upload.metadata.get("title", "")}, files={"file": staged})
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        return services.project_document_add(
            project=self.get_object(),
            by=self.request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        )

    def resumable_answer(self, upload: ResumableUpload) -> dict:
        # The project page shows the new file (and a video's check): the page reloads it.
        return {
            "created": [{"id": pk} for pk in upload.result.get("created", [])],
            "errors": upload.result.get("errors", []),
            "page": reverse("exhibits:project", args=[self.get_object().pk]),
        }

    def resumable_location(self, upload: ResumableUpload) -> str:
        return reverse(f"exhibits:{self.kind}_resumable_upload", args=[self.get_object().pk, upload.pk])


class ProjectFileResumableCreateView(ProjectFileResumableMixin, ResumableCreateView):
    """``POST`` a new upload of the project's video or a document (tus creation); ``OPTIONS`` the terms."""


class ProjectFileResumableUploadView(ProjectFileResumableMixin, ResumableUploadView):
    """``HEAD``/``PATCH``/``DELETE`` one of the user's uploads of the file; ``GET`` its result."""
