"""Resumable uploads of a report day's files (tus, ``core.resumable``): the domain's side.

The same user who may use the day's normal upload (``UnitEventMixin``: the user's units'
events, and the rule ``submissions.file_report``) may start one; anybody else gets a 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from core.resumable.models import ResumableUpload
from core.resumable.services import Refused
from core.resumable.views import ResumableCreateView, ResumableUploadView

from ..models import DailyReport, MediaFile
from ..presenters import media_card
from ..services import reports as report_services
from ..services import resumable as resumable_services
from .organizer import UnitEventMixin


class ReportResumableMixin(UnitEventMixin):
    purpose = resumable_services.PURPOSE

    def resumable_target(self) -> str:
        return resumable_services.report_target(event_id=self.event.pk, day=self.event_day.day)

    def resumable_max_size(self) -> int:
        week = self.event.week
        return max(week.video_max_bytes, week.photo_max_bytes)

    def _report(self) -> DailyReport:
        try:
            return report_services.report_for_day(event=self.event, day=self.kwargs["day"])
        except ValidationError:
            raise Http404 from None

    def resumable_check(self, *, length: int, metadata: dict[str, str]) -> None:
        try:
            resumable_services.resumable_media_check(report=self._report(), length=length, metadata=metadata)
        except ValidationError as error:
            raise Refused(413, " ".join(error.messages)) from None
        except PermissionDenied as error:
            raise Refused(403, str(error)) from None

    def resumable_finish(self, upload: ResumableUpload, staged) -> dict:
        try:
            media = resumable_services.resumable_media_finish(
                report=self._report(), staged=staged, metadata=upload.metadata, by=self.request.user
            )
        except (ValidationError, PermissionDenied) as error:
            return {"errors": list(getattr(error, "messages", [str(error)]))}
        except OSError:
            name = upload.metadata.get("filename", "")
            return {"errors": [_("“%(name)s”保存失败（存储空间不可用），请稍后重试。") % {"name": name}]}
        return {"created": [media.pk]}

    def resumable_answer(self, upload: ResumableUpload) -> dict:
        """What the normal upload answers the page: the new files' cards, or the reasons."""
        if upload.result.get("errors"):
            return {"created": [], "errors": upload.result["errors"]}
        report = self.event_day.report
        editable = report_services.report_is_editable(report)
        media = MediaFile.objects.filter(pk__in=upload.result.get("created", []), report__event=self.event)
        cards = [media_card(item, editable=editable, request=self.request) for item in media]
        return {"created": cards, "errors": []}

    def resumable_location(self, upload: ResumableUpload) -> str:
        return reverse("reports:resumable_upload", args=[self.event.pk, self.event_day.day, upload.pk])


class ReportResumableCreateView(ReportResumableMixin, ResumableCreateView):
    """``POST`` a new upload to the day's files (tus creation); ``OPTIONS`` the server's terms."""


class ReportResumableUploadView(ReportResumableMixin, ResumableUploadView):
    """``HEAD``/``PATCH``/``DELETE`` one of the user's uploads to the day; ``GET`` its result."""
