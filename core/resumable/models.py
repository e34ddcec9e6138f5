"""One resumable upload: the row the protocol's requests read and move forward."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class ResumableUpload(models.Model):
    """A file arriving in pieces. ``offset`` counts the bytes already kept; it only moves
    forward, after the bytes are written: on local disk, fsync'd in the staging file
    ``staged_name``; on S3 (``multipart_id`` set), in the parts of that multipart upload
    (``parts``: ``{"number", "etag", "size"}`` each) and in the tail's small objects, bytes
    too few yet for a part of their own (``tail``: ``{"start", "size"}`` each), so that
    ``offset`` is the parts' sizes plus the tail's (``core.resumable.objects``).

    ``purpose`` names the domain step that finishes it (``report_media``) and ``target`` what
    it is for, in that domain's words (``"12/2026-05-20"``: an event's day); core reads neither.
    Once every byte has arrived the domain step runs once (``finished_at``) and its answer
    (``result``: ``{"created": [...]}`` or ``{"errors": [...]}``) is kept for the page to read.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=40)
    target = models.CharField(max_length=100)
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    staged_name = models.CharField(max_length=100)
    multipart_id = models.CharField(max_length=1024, blank=True)
    parts = models.JSONField(default=list, blank=True)
    tail = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "finished_at"], name="resumable_owner_open")]
        constraints = [
            models.CheckConstraint(
                condition=Q(offset__gte=0) & Q(offset__lte=F("length")), name="resumable_offset_in_length"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.target} {self.offset}/{self.length}"

    @property
    def complete(self) -> bool:
        return self.offset == self.length

    def expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())
