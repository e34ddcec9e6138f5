"""A PDF answering one of the contest's file questions sent resumably (tus), like the plan:
only the entry's applicant while they may edit it, only to a file question of the entry's own
contest form, the size refused before the first byte, and a finished upload checked by
``check_pdf`` and stored by ``entry_save`` (the question's file replaced)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests import services
from contests.models import Entry, EntryFile, FormField
from core.resumable import staging
from core.resumable.models import ResumableUpload
from tests.contests import factories as contest_factories
from tests.tus import TUS, DroppingBody, offset_of, patch

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024
# Over two of the staging's 1 MiB pieces, so the drop below falls inside the body's third.
LICENCE = b"%PDF-1.7\n" + os.urandom(2 * MIB + 54321) + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def staging_folder(settings, tmp_path):
    settings.RESUMABLE_UPLOAD_DIR = tmp_path / "uploads-in-progress"


@pytest.fixture
def question(contest):
    return FormField.objects.create(
        contest=contest, label="营业执照", kind=FormField.Kind.FILE, required=False
    )


@pytest.fixture
def entry(contest):
    return contest_factories.entry(contest=contest, status=Entry.Status.ELIGIBLE)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _create(client, entry, question, length, filename="营业执照.pdf"):
    name = base64.b64encode(filename.encode()).decode()
    return client.post(
        reverse("contest:entry_file_resumable", args=[entry.pk, question.pk]),
        headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": f"filename {name}"},
    )


def _stored(entry, question) -> EntryFile | None:
    return EntryFile.objects.filter(entry=entry, field=question).first()


def _sha256(field) -> bytes:
    with field.open("rb") as stored:
        return hashlib.sha256(stored.read()).digest()


def test_a_question_file_resumes_after_a_dropped_connection_and_replaces_the_old_one(
    entry, question, django_capture_on_commit_callbacks
):
    services.entry_save(entry=entry, by=entry.applicant, files={question.pk: contest_factories.pdf_upload()})
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.ELIGIBLE)
    entry.refresh_from_db()
    old_name = _stored(entry, question).file.name
    client = _signed_in(entry.applicant)
    created = _create(client, entry, question, len(LICENCE))
    assert created.status_code == 201
    location = created["Location"]
    assert location.startswith(reverse("contest:entry_file_resumable", args=[entry.pk, question.pk]))

    first = MIB // 2
    assert patch(client, location, LICENCE[:first], 0).status_code == 204
    # The next PATCH carries the rest, but the connection drops after 60 % of the file.
    rest = LICENCE[first:]
    dropped_at = int(len(LICENCE) * 0.6)
    patch(client, location, rest, first, **{"wsgi.input": DroppingBody(rest, dropped_at - first)})
    assert offset_of(client, location) == dropped_at  # what arrived is kept
    assert _stored(entry, question).file.name == old_name  # nothing stored before the last byte

    resumed_from = offset_of(client, location)
    with django_capture_on_commit_callbacks(execute=True):  # the old file is deleted after commit
        assert patch(client, location, LICENCE[resumed_from:], resumed_from).status_code == 204

    stored = _stored(entry, question)
    assert stored.file.name != old_name and not stored.file.storage.exists(old_name)
    assert _sha256(stored.file) == hashlib.sha256(LICENCE).digest() and stored.size == len(LICENCE)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED  # entry_save's rule: screened again after a change
    answer = client.get(location).json()
    assert answer["created"] == ["file"] and answer["errors"] == [] and answer["name"] == "营业执照.pdf"
    assert answer["finished"] and answer["offset"] == len(LICENCE)
    assert not list(staging.folder().iterdir())  # the staged file was moved into place


def test_the_edit_page_names_each_file_questions_upload_address(entry, question, contest):
    text_question = FormField.objects.create(contest=contest, label="团队简介", kind=FormField.Kind.TEXT)
    page = _signed_in(entry.applicant).get(reverse("contest:entry_edit", args=[entry.pk]))

    html = page.content.decode()
    assert f'data-tus="{reverse("contest:entry_file_resumable", args=[entry.pk, question.pk])}"' in html
    assert html.count("data-tus=") == 1, text_question  # a text question goes with the form
    # Registering (no entry yet) posts the files with the form.
    other = contest_factories.applicant()
    register = _signed_in(other).get(reverse("contest:register", args=[contest.slug]))
    assert register.status_code == 200 and "data-tus=" not in register.content.decode()


def test_too_large_is_refused_before_the_first_byte(entry, question):
    response = _create(_signed_in(entry.applicant), entry, question, 20 * MIB + 1)

    assert response.status_code == 413 and response.json()["errors"] == ["文档不能超过 20 MB。"]
    assert not ResumableUpload.objects.exists()
    assert not staging.folder().exists() or not list(staging.folder().iterdir())


def test_not_a_pdf_is_refused_and_nothing_is_stored(entry, question):
    client = _signed_in(entry.applicant)
    not_a_pdf = b"<html>" + b"x" * 4000
    location = _create(client, entry, question, len(not_a_pdf), filename="执照.pdf")["Location"]
    assert patch(client, location, not_a_pdf, 0).status_code == 204

    answer = client.get(location)
    assert answer.status_code == 400
    assert answer.json()["errors"] == ["请上传 PDF 文档（按文件内容判断，不看扩展名）。"]
    assert not EntryFile.objects.exists()
    entry.refresh_from_db()
    assert entry.status == Entry.Status.ELIGIBLE


def test_only_the_applicant_may_upload_to_the_entry(contest, entry, question):
    other_applicant = contest_factories.applicant()
    contest_factories.entry(contest=contest, applicant=other_applicant)
    organizer = contest_factories.organizer_member(contest)

    assert _create(_signed_in(other_applicant), entry, question, 10).status_code == 404
    assert _create(_signed_in(organizer), entry, question, 10).status_code == 404
    assert _create(Client(), entry, question, 10).status_code == 302  # to the login page
    assert not ResumableUpload.objects.exists()
    location = _create(_signed_in(entry.applicant), entry, question, 10)["Location"]
    assert _signed_in(other_applicant).head(location, headers=TUS).status_code == 404
    assert patch(_signed_in(other_applicant), location, b"%PDF-12345", 0).status_code == 404
    assert ResumableUpload.objects.get().offset == 0


def test_a_question_not_of_the_entrys_contest_form_or_not_a_file_is_404(contest, entry, question):
    client = _signed_in(entry.applicant)
    elsewhere = FormField.objects.create(
        contest=contest_factories.contest(), label="营业执照", kind=FormField.Kind.FILE
    )
    text = FormField.objects.create(contest=contest, label="团队简介", kind=FormField.Kind.TEXT)
    removed = FormField.objects.create(
        contest=contest, label="旧附件", kind=FormField.Kind.FILE, is_active=False
    )

    for wrong in (elsewhere, text, removed):
        assert _create(client, entry, wrong, 10).status_code == 404, wrong.label
    assert not ResumableUpload.objects.exists()
    # An upload answers its own question: another question's address does not know it.
    other_question = FormField.objects.create(contest=contest, label="专利证书", kind=FormField.Kind.FILE)
    upload_id = _create(client, entry, question, 10)["Location"].rstrip("/").rsplit("/", 1)[1]
    for url in (
        reverse("contest:entry_file_resumable_upload", args=[entry.pk, other_question.pk, upload_id]),
        reverse("contest:entry_plan_resumable_upload", args=[entry.pk, upload_id]),
        reverse("contest:entry_file_resumable_upload", args=[entry.pk, elsewhere.pk, upload_id]),
    ):
        assert client.head(url, headers=TUS).status_code == 404, url


def test_after_the_deadline_uploads_are_refused(contest, entry, question):
    client = _signed_in(entry.applicant)
    location = _create(client, entry, question, len(LICENCE))["Location"]
    assert patch(client, location, LICENCE[:100], 0).status_code == 204
    contest.registration_closes_at = timezone.now() - dt.timedelta(minutes=1)
    contest.save(update_fields=["registration_closes_at"])

    created = _create(client, entry, question, len(LICENCE))
    patched = patch(client, location, LICENCE[100:], 100)  # the rest is refused too

    assert created.status_code == patched.status_code == 403
    assert created.json()["errors"] == patched.json()["errors"] == ["报名已截止，报名信息不能再修改。"]
    assert ResumableUpload.objects.get().offset == 100
    assert not EntryFile.objects.exists()
