"""A project's PDF document sent resumably (tus, ``core.resumable``), like its video: the same
holder-only rule, 20 MB (and a missing title) refused before the first byte, and a finished
upload checked by ``DocumentForm`` (``check_pdf``: a PDF by content) and stored by
``project_document_add`` as the form's document is."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest
from django.test import Client
from django.urls import reverse

from core.resumable import staging
from core.resumable.models import ResumableUpload
from exhibits.models import Project, ProjectDocument
from exhibits.validation import DOCUMENT_MAX_BYTES
from tests.exhibits import factories as exhibit_factories
from tests.tus import TUS, DroppingBody, offset_of, patch

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024
# Over two of the staging's 1 MiB pieces, so the drop below falls inside the body's third.
BROCHURE = b"%PDF-1.7\n" + os.urandom(2 * MIB + 54321) + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def staging_folder(settings, tmp_path):
    settings.RESUMABLE_UPLOAD_DIR = tmp_path / "uploads-in-progress"


@pytest.fixture
def draft(hall, holder):
    return exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _metadata(**values: str) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items())


def _create(client, project, length, title="项目简介", filename="简介.pdf"):
    values = {"filename": filename, "kind": "document"}
    if title is not None:
        values["title"] = title
    return client.post(
        reverse("exhibits:document_resumable", args=[project.pk]),
        headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": _metadata(**values)},
    )


def test_a_document_resumes_after_a_dropped_connection_and_the_project_shows_it(holder, draft):
    client = _signed_in(holder)
    created = _create(client, draft, len(BROCHURE))
    assert created.status_code == 201
    location = created["Location"]
    assert location.startswith(reverse("exhibits:document_resumable", args=[draft.pk]))

    first = MIB // 2
    assert patch(client, location, BROCHURE[:first], 0).status_code == 204
    # The next PATCH carries the rest, but the connection drops after 60 % of the file.
    rest = BROCHURE[first:]
    dropped_at = int(len(BROCHURE) * 0.6)
    patch(client, location, rest, first, **{"wsgi.input": DroppingBody(rest, dropped_at - first)})
    assert offset_of(client, location) == dropped_at  # what arrived is kept
    assert not ProjectDocument.objects.exists()  # nothing stored before the last byte

    resumed_from = offset_of(client, location)
    assert patch(client, location, BROCHURE[resumed_from:], resumed_from).status_code == 204

    document = ProjectDocument.objects.get(project=draft)
    with document.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).digest() == hashlib.sha256(BROCHURE).digest()
    assert document.title == "项目简介" and document.size == len(BROCHURE) and document.pending == ""
    answer = client.get(location).json()
    assert answer["created"] == [{"id": document.pk}] and answer["errors"] == []
    assert answer["page"] == reverse("exhibits:project", args=[draft.pk]) and answer["finished"]
    assert not list(staging.folder().iterdir())  # the staged file was moved into place
    page = client.get(answer["page"])
    assert reverse("expo:document", args=[draft.pk, document.pk]) in page.content.decode()


def test_an_accepted_projects_document_waits_in_its_changes_as_the_forms_does(hall, holder):
    accepted = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.ACCEPTED)
    client = _signed_in(holder)
    location = _create(client, accepted, len(BROCHURE))["Location"]

    assert patch(client, location, BROCHURE, 0).status_code == 204

    assert ProjectDocument.objects.get(project__status=Project.Status.ACCEPTED).pending == "add"


def test_over_20_mb_is_refused_before_the_first_byte(holder, draft):
    response = _create(_signed_in(holder), draft, DOCUMENT_MAX_BYTES + 1)

    assert response.status_code == 413 and response.json()["errors"] == ["文档不能超过 20 MB。"]
    assert not ResumableUpload.objects.exists() and not ProjectDocument.objects.exists()


def test_a_document_without_a_title_is_refused_before_the_first_byte(holder, draft):
    response = _create(_signed_in(holder), draft, len(BROCHURE), title=None)

    assert response.status_code == 400 and response.json()["errors"] == ["这个字段是必填项。"]
    assert not ResumableUpload.objects.exists()


def test_a_finished_file_that_is_no_pdf_is_refused_by_its_content(holder, draft):
    client = _signed_in(holder)
    data = b"<html>" + b"x" * 4000
    location = _create(client, draft, len(data))["Location"]

    patch(client, location, data, 0)

    answer = client.get(location)
    assert answer.status_code == 400
    assert answer.json()["errors"] == ["请上传 PDF 文档（按文件内容判断，不看扩展名）。"]
    assert not ProjectDocument.objects.exists()


def test_only_the_projects_holder_may_upload(hall, holder, draft):
    other_holder = exhibit_factories.holder(exhibition=hall)
    curator = exhibit_factories.curator(exhibition=hall)
    statuses = {
        "other holder": _create(_signed_in(other_holder), draft, 10).status_code,
        "curator": _create(_signed_in(curator), draft, 10).status_code,
        "holder": _create(_signed_in(holder), draft, 10).status_code,
    }

    assert statuses == {"other holder": 404, "curator": 403, "holder": 201}
    upload = ResumableUpload.objects.get()
    assert upload.purpose == "project_document"
    url = reverse("exhibits:document_resumable_upload", args=[draft.pk, upload.pk])
    assert _signed_in(other_holder).head(url, headers=TUS).status_code == 404
    # A document's upload is no video's: the video's address does not know it.
    video_url = reverse("exhibits:video_resumable_upload", args=[draft.pk, upload.pk])
    assert _signed_in(holder).head(video_url, headers=TUS).status_code == 404


def test_the_project_page_sends_documents_resumably_and_still_posts_without_javascript(holder, draft):
    page = _signed_in(holder).get(reverse("exhibits:project", args=[draft.pk])).content.decode()

    form_start = page.index('id="project-document-form"')
    form_tag = page[page.rindex("<form", 0, form_start) : page.index(">", form_start)]
    assert f'action="{reverse("exhibits:document_add", args=[draft.pk])}"' in form_tag
    assert f'data-tus-endpoint="{reverse("exhibits:document_resumable", args=[draft.pk])}"' in form_tag
    assert 'data-tus-kind="document"' in form_tag
