"""The admin shows support a project with its parts (pending change, images, documents, videos
and their checks, the events presenting it, the review history), read only: uploads and
reviews happen on the hall's pages. Saving the project keeps its parts."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from exhibits.models import ProjectDocument, ProjectImage, ProjectRevision, ProjectVideo
from tests import factories
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_with_parts(week):
    hall = exhibit_factories.exhibition(week=week, title="高校科技成果云展厅")
    project = exhibit_factories.project(exhibition=hall, title="固态锂电池隔膜材料")
    image = ProjectImage(project=project, caption="中试线")
    image.image.save("line.jpg", ContentFile(exhibit_factories.image_bytes()), save=False)
    image.save()
    document = ProjectDocument(project=project, title="项目简介")
    document.file.save("intro.pdf", exhibit_factories.pdf_upload(), save=False)
    document.save()
    exhibit_factories.video(
        project=project, ready=False, reasons=["分辨率不足"], status=ProjectVideo.Status.FAILED
    )
    exhibit_factories.presentation(
        event=exhibit_factories.roadshow(week=week, subtitle="高校科技成果路演"), project=project
    )
    ProjectRevision.objects.create(
        project=project, title="固态锂电池隔膜材料（第二代）", section=project.section
    )
    return project


def test_support_sees_every_part_of_a_project_and_cannot_add_or_delete_them(client, project_with_parts):
    client.force_login(factories.superuser())

    response = client.get(reverse("admin:exhibits_project_change", args=[project_with_parts.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    for shown in (
        "中试线",
        "项目简介",
        "项目介绍.mp4",
        "分辨率不足",
        "高校科技成果路演",
        "固态锂电池隔膜材料（第二代）",
    ):
        assert shown in html
    inlines = {formset.formset.prefix: formset for formset in response.context["inline_admin_formsets"]}
    assert {"images", "documents", "videos", "presentations", "revision"} <= set(inlines)
    for prefix in ("images", "documents", "videos", "presentations", "revision"):
        formset = inlines[prefix]
        assert not formset.has_add_permission and not formset.has_delete_permission


def test_saving_the_project_in_the_admin_keeps_its_parts(client, project_with_parts):
    client.force_login(factories.superuser())
    page = client.get(reverse("admin:exhibits_project_change", args=[project_with_parts.pk]))
    form = page.context["adminform"].form
    data = {}
    for field in form:  # what the browser would send back for each field as shown
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = (
            "on"
            if value is True
            else [str(v) for v in value]
            if isinstance(value, list | tuple)
            else str(value)
        )
    data["title"] = "固态锂电池隔膜材料（修订）"
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for field in management:
            data[field.html_name] = field.value()
        for inline_form in formset.formset.forms:
            for field in inline_form.hidden_fields():
                data[field.html_name] = field.value() or ""

    response = client.post(reverse("admin:exhibits_project_change", args=[project_with_parts.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    project_with_parts.refresh_from_db()
    assert project_with_parts.title == "固态锂电池隔膜材料（修订）"
    assert (project_with_parts.images.count(), project_with_parts.documents.count()) == (1, 1)
    assert project_with_parts.videos.count() == 1 and project_with_parts.presentations.count() == 1
