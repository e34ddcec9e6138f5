"""Resumable uploads of an entry's plan, pitch video and the PDFs answering the contest's
file questions (tus, ``core.resumable``): the applicant's side.

Whoever may edit the entry (``contests.edit_entry`` on one of the user's own entries: its
applicant, while registration is open and the entry is live) may start one; anybody else
gets the 404 (another applicant's entry) or 403 (registration closed) the edit page gives.
A file question is one of the entry's contest's active questions of kind "file"; any other
question is a 404. The size limit is checked from ``Upload-Length`` before the first byte is
stored. A finished file goes through the same checks as the form (``check_pdf``: a PDF by its
first bytes; ``checked_video_suffix``: a video container by ``submissions.media.sniff``) and the
same service (``entry_save``: the file replaced, a video's check and web versions queued).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic.detail import SingleObjectMixin

from core.resumable.models import ResumableUpload
from core.resumable.services import Refused
from core.resumable.views import ResumableCreateView, ResumableUploadView
from core.views import ObjectPermissionMixin
from exhibits.validation import DOCUMENT_MAX_BYTES

from .. import services
from ..models import Entry, FormField
from ..validation import VIDEO_MAX_BYTES, check_pdf, checked_video_suffix
from .register import OwnEntryMixin

# kind (the URL's) → the largest file it takes; "file" is a PDF answering a file question.
LIMITS = {"plan": DOCUMENT_MAX_BYTES, "video": VIDEO_MAX_BYTES, "file": DOCUMENT_MAX_BYTES}


class EntryFileResumableMixin(ObjectPermissionMixin, OwnEntryMixin, SingleObjectMixin):
    """The URL names the entry (``pk``) and the file (``kind``: ``plan``, ``video``, or ``file``
    with the question's ``question_pk``)."""

    permission_required = "contests.edit_entry"

    @property
    def kind(self) -> str:
        return self.kwargs["kind"]

    @property
    def purpose(self) -> str:
        return f"entry_{self.kind}"

    def handle_no_permission(self):
        # Their own entry, no longer editable: the page shows why (JSON, as the protocol's refusals).
        if not self.request.user.is_authenticated:
            return super().handle_no_permission()
        if self.get_object().status == Entry.Status.WITHDRAWN:
            reason = _("已撤回的报名不能修改。")
        else:
            reason = _("报名已截止，报名信息不能再修改。")
        return self._answer(self.refusal(Refused(403, reason)))

    def question(self) -> FormField:
        """The file question a "file" upload answers: a question of the entry's contest that its
        form shows as a file field (``services.active_fields``), else 404."""
        if not hasattr(self, "_question"):
            questions = self.get_object().contest.fields.filter(is_active=True, kind=FormField.Kind.FILE)
            self._question = get_object_or_404(questions, pk=self.kwargs["question_pk"])
        return self._question

    def resumable_target(self) -> str:
        entry = self.get_object()
        if self.kind == "file":  # an upload answers one question: another question's URL is a 404 for it
            return f"{entry.pk}/{self.question().pk}"
        return str(entry.pk)

    def resumable_max_size(self) -> int:
        return LIMITS[self.kind]

    def resumable_check(self, *, length: int, metadata: dict[str, str]) -> None:
        if length > LIMITS[self.kind]:
            if self.kind in ("plan", "file"):
                raise Refused(413, _("文档不能超过 20 MB。"))
            raise Refused(413, _("视频不能超过 1 GB。"))

    def resumable_finish(self, upload: ResumableUpload, staged) -> dict:
        entry = self.get_object()
        try:
            if self.kind == "plan":
                check_pdf(staged)
                services.entry_save(entry=entry, by=self.request.user, plan=staged)
            elif self.kind == "file":
                check_pdf(staged)
                services.entry_save(entry=entry, by=self.request.user, files={self.question().pk: staged})
            else:
                suffix = checked_video_suffix(staged)
                services.entry_save(entry=entry, by=self.request.user, video=staged, video_suffix=suffix)
        except ValidationError as error:
            return {"errors": error.messages}
        return {"created": [self.kind]}

    def resumable_answer(self, upload: ResumableUpload) -> dict:
        return {
            "created": upload.result.get("created", []),
            "errors": upload.result.get("errors", []),
            "name": upload.metadata.get("filename", ""),
            "size": upload.length,
            "page": reverse("contest:entry", args=[self.get_object().pk]),
        }

    def resumable_location(self, upload: ResumableUpload) -> str:
        if self.kind == "file":
            args = [self.get_object().pk, self.question().pk, upload.pk]
        else:
            args = [self.get_object().pk, upload.pk]
        return reverse(f"contest:entry_{self.kind}_resumable_upload", args=args)


class EntryFileResumableCreateView(EntryFileResumableMixin, ResumableCreateView):
    """``POST`` a new upload of the entry's plan, video or a question's file (tus creation); ``OPTIONS`` the terms."""


class EntryFileResumableUploadView(EntryFileResumableMixin, ResumableUploadView):
    """``HEAD``/``PATCH``/``DELETE`` one of the applicant's uploads; ``GET`` its result."""
