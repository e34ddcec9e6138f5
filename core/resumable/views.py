"""The tus 1.0 protocol over Django views: core, creation, termination and expiration.

Two views, for the collection (``POST`` makes an upload, ``OPTIONS`` describes the server)
and for one upload (``HEAD`` says how far it is, ``PATCH`` appends, ``DELETE`` ends it, and a
plain ``GET`` answers the page with the domain's result as JSON). A domain subclasses both
with ``ResumableTarget`` hooks: which target the URL names (raising Http404 or
PermissionDenied for a user who may not upload to it; the same rule the domain's normal
upload view asks), whether a file of the announced length and metadata may start (before
its first byte is stored), what a finished file becomes, and how its answer reads.

Unsafe methods go through Django's CSRF middleware like any form: the page's client sends
the token in ``X-CSRFToken``. PATCH bodies are read from the request stream a megabyte at a
time (``request.read``), never through ``request.body``.
"""

from __future__ import annotations

import base64
import binascii

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views import View

from .models import ResumableUpload
from .services import (
    Refused,
    resumable_append,
    resumable_create,
    resumable_finish,
    resumable_finish_held,
    resumable_terminate,
)

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration"
OFFSET_TYPE = "application/offset+octet-stream"
METADATA_MAX = 4096


class ResumableTarget:
    """What a domain tells the protocol. ``purpose`` names it in the rows."""

    purpose = ""

    def resumable_target(self) -> str:
        """The URL's target as a string; raises Http404/PermissionDenied for a user who may not upload to it."""
        raise NotImplementedError

    def resumable_max_size(self) -> int | None:
        """The largest file the target takes (``Tus-Max-Size``), or None."""
        return None

    def resumable_check(self, *, length: int, metadata: dict[str, str]) -> None:
        """Raise ``Refused`` (413 for a file too large, with the reason) before anything is stored."""

    def resumable_finish(self, upload: ResumableUpload, staged: UploadedFile) -> dict:
        """Make the domain's file of a complete upload: ``{"created": [...]}`` or ``{"errors": [...]}``.
        ``staged`` is a Django upload: the staging file on local disk (a file storage on the
        same disk renames it into place), or the complete S3 object, read in a stream."""
        raise NotImplementedError

    def resumable_answer(self, upload: ResumableUpload) -> dict:
        """The result as the page reads it (``GET``)."""
        return dict(upload.result)

    def resumable_location(self, upload: ResumableUpload) -> str:
        raise NotImplementedError


class _TusView(ResumableTarget, View):
    # Methods without a tus version header: the server's description and the page's result.
    unversioned = ("options", "get")

    def dispatch(self, request, *args, **kwargs):
        method = request.method.lower()
        if method in self.http_method_names:
            # Who may not upload here learns nothing else first: 404 (or 403) before any protocol error.
            self.authorize()
            if method not in self.unversioned and request.headers.get("Tus-Resumable") != TUS_VERSION:
                return self._answer(HttpResponse(status=412), version=True)
        try:
            return self._answer(super().dispatch(request, *args, **kwargs))
        except Refused as refused:
            return self._answer(self.refusal(refused))

    def authorize(self) -> None:
        self.resumable_target()

    def options(self, request, *args, **kwargs):
        response = HttpResponse(status=204)
        response["Tus-Extension"] = EXTENSIONS
        largest = self.resumable_max_size()
        if largest is not None:
            response["Tus-Max-Size"] = str(largest)
        return self._answer(response, version=True)

    @staticmethod
    def refusal(refused: Refused) -> HttpResponse:
        # tus-js-client shows the body of a refused request: the page reads the JSON's errors.
        return JsonResponse({"errors": [refused.message] if refused.message else []}, status=refused.status)

    @staticmethod
    def _answer(response: HttpResponse, *, version: bool = False) -> HttpResponse:
        response["Tus-Resumable"] = TUS_VERSION
        if version:
            response["Tus-Version"] = TUS_VERSION
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _state(response: HttpResponse, upload: ResumableUpload) -> HttpResponse:
        response["Upload-Offset"] = str(upload.offset)
        if upload.finished_at is None:
            response["Upload-Expires"] = http_date(upload.expires_at.timestamp())
        return response


class ResumableCreateView(_TusView):
    """``POST``: the creation extension (``Upload-Length`` required, ``Upload-Metadata`` optional)."""

    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        target = self.resumable_target()
        length = _non_negative(request.headers.get("Upload-Length"))
        if length is None:
            raise Refused(400, "Upload-Length")
        metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
        if metadata is None:
            raise Refused(400, "Upload-Metadata")
        self.resumable_check(length=length, metadata=metadata)  # the domain's reasons first, in its words
        largest = self.resumable_max_size()
        if largest is not None and length > largest:
            raise Refused(413, _("文件超过大小上限，未上传。"))
        upload = resumable_create(
            owner=request.user, purpose=self.purpose, target=target, length=length, metadata=metadata
        )
        if length == 0:
            upload = resumable_finish(
                upload=upload, finish=lambda staged: self.resumable_finish(upload, staged)
            )
        response = HttpResponse(status=201)
        response["Location"] = self.resumable_location(upload)
        return self._state(response, upload)


class ResumableUploadView(_TusView):
    """One upload of the user's, for the URL's target: anybody else's is a 404."""

    http_method_names = ["head", "patch", "delete", "get", "options"]

    def upload(self) -> ResumableUpload:
        """The row as read when the request began (PATCH reads it again under the file's lock)."""
        if not hasattr(self, "_upload"):
            self._upload = get_object_or_404(
                ResumableUpload,
                pk=self.kwargs["upload_id"],
                owner=self.request.user,
                purpose=self.purpose,
                target=self.resumable_target(),
            )
        return self._upload

    def authorize(self) -> None:
        self.upload()

    def head(self, request, *args, **kwargs):
        upload = self.upload()
        if upload.finished_at is None and upload.expired():
            raise Refused(410)
        response = HttpResponse(status=200)
        response["Upload-Length"] = str(upload.length)
        if upload.metadata:
            response["Upload-Metadata"] = format_metadata(upload.metadata)
        return self._state(response, upload)

    def patch(self, request, *args, **kwargs):
        upload = self.upload()
        if request.content_type != OFFSET_TYPE:
            raise Refused(415)
        offset = _non_negative(request.headers.get("Upload-Offset"))
        size = _non_negative(request.META.get("CONTENT_LENGTH"))
        if offset is None or size is None:
            raise Refused(400, "Upload-Offset, Content-Length")
        if upload.finished_at is not None:
            if offset == upload.length and size == 0:
                return self._state(HttpResponse(status=204), upload)
            raise Refused(409)
        upload = resumable_append(upload=upload, offset=offset, read=request.read, size=size)
        if upload.complete:
            upload = self._finish(upload)
        return self._state(HttpResponse(status=204), upload)

    def _finish(self, upload: ResumableUpload) -> ResumableUpload:
        # Another request finishing it, or having finished it: the row as stored.
        return resumable_finish_held(
            upload=upload, finish=lambda staged: self.resumable_finish(upload, staged)
        )

    def delete(self, request, *args, **kwargs):
        resumable_terminate(upload=self.upload())
        return HttpResponse(status=204)

    def get(self, request, *args, **kwargs):
        upload = self.upload()
        if upload.complete and upload.finished_at is None:  # its last PATCH died before finishing it
            upload = self._finish(upload)
        answer = {
            "offset": upload.offset,
            "length": upload.length,
            "finished": upload.finished_at is not None,
            **self.resumable_answer(upload),
        }
        status = 400 if answer.get("errors") else 200
        return JsonResponse(answer, status=status)


def parse_metadata(header: str) -> dict[str, str] | None:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs; None when malformed."""
    if len(header) > METADATA_MAX:
        return None
    metadata: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in header.split(","))):
        key, _space, encoded = pair.partition(" ")
        if not key or key in metadata or not key.isascii() or not key.isprintable():
            return None
        try:
            metadata[key] = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
    return metadata


def format_metadata(metadata: dict[str, str]) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in metadata.items())


def _non_negative(value: str | None) -> int | None:
    if value is None or not value.isdigit() or not value.isascii():
        return None
    return int(value)
