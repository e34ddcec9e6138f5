"""Uploading under races: a duplicate or a submit landing while the file is being stored."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from submissions.models import DailyReport, MediaFile
from submissions.services import media as media_services
from submissions.services.reports import report_for_day
from tests.submissions import media_samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(tmp_path):
    return media_samples.make_jpeg(tmp_path / "p.jpg").read_bytes()


def _upload(report, member, content):
    return media_services.media_upload(
        report=report,
        uploaded=SimpleUploadedFile("p.jpg", content, content_type="image/jpeg"),
        kind="photo",
        by=member,
    )


def _while_storing(monkeypatch, action):
    """Run ``action()`` once the upload is written to storage, before its row is inserted
    (what another request may do meanwhile). Returns the stored names."""
    stored = []
    storage = MediaFile._meta.get_field("file").storage
    real_save = storage.save

    def save(name, content, max_length=None):
        saved = real_save(name, content, max_length=max_length)
        if name.startswith("reports/"):  # the upload itself, not a preview made after it
            stored.append(saved)
            action()
        return saved

    monkeypatch.setattr(storage, "save", save)
    return stored


def test_same_file_uploaded_meanwhile_is_refused_and_the_stored_copy_removed(
    event, member, photo, monkeypatch
):
    report = report_for_day(event=event, day=event.days[0])
    stored = _while_storing(
        monkeypatch,
        lambda: MediaFile.objects.create(
            report=report,
            kind="photo",
            file="reports/other.jpg",
            original_name="p.jpg",
            size=1,
            sha256=hashlib.sha256(photo).hexdigest(),
        ),
    )

    with pytest.raises(ValidationError, match="已经上传过"):
        _upload(report, member, photo)

    assert MediaFile.objects.count() == 1
    assert not MediaFile._meta.get_field("file").storage.exists(stored[0])


def test_unique_constraint_violation_becomes_the_same_refusal(event, member, photo, monkeypatch):
    """Two uploads both past every check: the database's constraint decides, and the loser
    gets the message, not a server error."""
    report = report_for_day(event=event, day=event.days[0])
    stored = _while_storing(
        monkeypatch,
        lambda: MediaFile.objects.create(
            report=report,
            kind="photo",
            file="reports/other.jpg",
            original_name="p.jpg",
            size=1,
            sha256=hashlib.sha256(photo).hexdigest(),
        ),
    )
    monkeypatch.setattr(media_services, "is_duplicate_upload", lambda *, report_id, digest: False)

    with pytest.raises(ValidationError, match="已经上传过"):
        _upload(report, member, photo)

    assert MediaFile.objects.count() == 1
    assert not MediaFile._meta.get_field("file").storage.exists(stored[0])


def test_report_submitted_while_the_file_was_stored_gets_no_new_file(event, member, photo, monkeypatch):
    report = report_for_day(event=event, day=event.days[0])
    stored = _while_storing(
        monkeypatch,
        lambda: DailyReport.objects.filter(pk=report.pk).update(
            status=DailyReport.Status.SUBMITTED, submitted_at=timezone.now(), is_late=False
        ),
    )

    with pytest.raises(PermissionDenied):
        _upload(report, member, photo)

    assert not MediaFile.objects.exists()
    assert not MediaFile._meta.get_field("file").storage.exists(stored[0])


@pytest.mark.django_db(transaction=True)
def test_file_is_stored_outside_any_transaction(event, member, photo, monkeypatch):
    report = report_for_day(event=event, day=event.days[0])
    during_store = []
    _while_storing(monkeypatch, lambda: during_store.append(connection.in_atomic_block))

    media = _upload(report, member, photo)

    assert during_store == [False]
    assert MediaFile.objects.get().pk == media.pk
