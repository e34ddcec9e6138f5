"""The public hall: search in Chinese, filters, featured first, what is public, page views,
files and the share card. Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://...)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exhibits import services
from exhibits.models import COOPERATION_BITS, Project, ProjectDailyViews
from exhibits.selectors.public import HallFilters, hall_projects
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db


def titles(url: str, client=None) -> list[str]:
    response = (client or Client()).get(url)
    assert response.status_code == 200
    return [project.title for project in response.context["projects"]]


def test_a_two_character_word_is_found_inside_a_longer_title_title_matches_first(hall):
    in_pitch = exhibit_factories.project(
        exhibition=hall, title="新能源汽车热管理系统", pitch="延长动力电池寿命", featured_order=1
    )
    in_title = exhibit_factories.project(exhibition=hall, title="固态锂电池隔膜", pitch="耐高温隔膜")
    in_description = exhibit_factories.project(
        exhibition=hall, title="储能电站运维平台", pitch="远程运维", description="适用于各类电池储能电站。"
    )
    exhibit_factories.project(exhibition=hall, title="农业无人机", pitch="精准施药", description="植保")

    found = titles(reverse("expo:hall") + "?q=电池")

    assert found[0] == in_title.title  # the title match first, though the other one is featured
    assert set(found) == {in_title.title, in_pitch.title, in_description.title}
    assert found.index(in_pitch.title) < found.index(in_description.title)  # then the pitch match


def test_every_word_must_match_and_the_organization_counts(hall):
    exhibit_factories.project(exhibition=hall, title="固态锂电池隔膜", organization="华北电力大学")
    exhibit_factories.project(exhibition=hall, title="锂电池回收", organization="北京科技大学")

    assert titles(reverse("expo:hall") + "?q=电池 电力") == ["固态锂电池隔膜"]


def test_search_selector_directly_on_this_database(hall):
    exhibit_factories.project(exhibition=hall, title="固态锂电池隔膜材料")
    found = list(hall_projects(filters=HallFilters(q="电池")))
    assert [p.title for p in found] == ["固态锂电池隔膜材料"]
    assert found[0].title_rank == 1


def test_filters_by_section_stage_cooperation_organization_and_year(hall):
    carbon, health = hall.sections.get(name="碳中和"), hall.sections.get(name="生物医药与大健康")
    a = exhibit_factories.project(
        exhibition=hall,
        section=carbon,
        stage="pilot",
        organization="甲大学",
        cooperation=COOPERATION_BITS["license"],
    )
    b = exhibit_factories.project(
        exhibition=hall,
        section=health,
        stage="concept",
        organization="乙公司",
        cooperation=COOPERATION_BITS["license"] | COOPERATION_BITS["landing"],
    )
    older = exhibit_factories.exhibition(
        week=exhibit_factories.factories.week(
            is_current=False, starts_on=dt.date(2025, 9, 20), ends_on=dt.date(2025, 9, 26)
        )
    )
    c = exhibit_factories.project(exhibition=older, stage="pilot", organization="甲大学", cooperation=0)
    url = reverse("expo:hall")

    assert titles(f"{url}?section={carbon.pk}") == [a.title]
    assert set(titles(f"{url}?stage=pilot")) == {a.title, c.title}
    assert set(titles(f"{url}?coop=license")) == {a.title, b.title}
    assert titles(f"{url}?coop=landing") == [b.title]
    assert set(titles(f"{url}?org=甲大学")) == {a.title, c.title}
    assert titles(f"{url}?year=2025") == [c.title]
    assert titles(f"{url}?stage=nonsense&coop=x&section=abc") != []  # unknown values are ignored
    assert set(titles(reverse("expo:exhibition", args=[older.slug]))) == {c.title}


def test_only_accepted_projects_of_public_halls_are_shown(hall):
    shown = exhibit_factories.project(exhibition=hall, title="已入展")
    for status in ("draft", "submitted", "returned", "rejected"):
        exhibit_factories.project(exhibition=hall, title=f"状态 {status}", status=status)
    hidden_hall = exhibit_factories.exhibition(is_published=False)
    exhibit_factories.project(exhibition=hidden_hall, title="未公开展厅")
    week_over = exhibit_factories.exhibition(
        is_permanent=False,
        week=exhibit_factories.factories.week(
            is_current=False, starts_on=dt.date(2020, 9, 1), ends_on=dt.date(2020, 9, 7)
        ),
    )
    gone = exhibit_factories.project(exhibition=week_over, title="活动周已结束")

    assert titles(reverse("expo:hall")) == [shown.title]
    assert Client().get(reverse("expo:project", args=[gone.pk])).status_code == 404
    for project in Project.objects.exclude(pk=shown.pk):
        assert Client().get(reverse("expo:project", args=[project.pk])).status_code == 404


def test_the_project_page_has_images_documents_share_card_and_intent_button(hall, holder):
    project = exhibit_factories.project(
        exhibition=hall,
        owner=holder,
        title="固态锂电池隔膜",
        pitch="不起火的隔膜",
        status=Project.Status.DRAFT,
    )
    project.cover.save("cover.png", exhibit_factories.png_upload())
    services.project_image_add(
        project=project, by=holder, upload=exhibit_factories.jpeg_upload(), name="image.jpg", caption="样品"
    )
    services.project_document_add(
        project=project, by=holder, upload=exhibit_factories.pdf_upload(), title="项目简介"
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACCEPTED)

    html = Client().get(reverse("expo:project", args=[project.pk])).content.decode()

    assert '<meta property="og:title" content="固态锂电池隔膜">' in html
    assert '<meta property="og:description" content="不起火的隔膜">' in html
    assert f'content="http://127.0.0.1:8000/expo/p/{project.pk}/cover/"' in html or "og:image" in html
    assert reverse("expo:intent", args=[project.pk]) in html
    assert "表达合作意向" in html
    image = project.images.get()
    document = project.documents.get()
    assert reverse("expo:image", args=[project.pk, image.pk]) in html
    assert reverse("expo:document", args=[project.pk, document.pk]) in html
    assert project.contact_phone not in html and project.contact_email not in html

    served = Client().get(reverse("expo:document", args=[project.pk, document.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["Cache-Control"] == "public, max-age=300"
    assert b"".join(served.streaming_content).startswith(b"%PDF-")
    assert Client().get(reverse("expo:image", args=[project.pk, image.pk]))["Content-Type"] == "image/jpeg"


def test_files_of_a_project_in_review_are_private(hall, holder, curator):
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.SUBMITTED)
    project.cover.save("cover.png", exhibit_factories.png_upload())
    url = reverse("expo:cover", args=[project.pk])
    assert Client().get(url).status_code == 404
    for person in (holder, curator):
        client = Client()
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, max-age=300"
    other = Client()
    other.force_login(exhibit_factories.holder(exhibition=hall))
    assert other.get(url).status_code == 404


def test_page_views_are_counted_per_day_cached_or_not_without_cookies(hall, mailbox):
    project = exhibit_factories.project(exhibition=hall)
    url = reverse("expo:project", args=[project.pk])
    client = Client()
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200
        # Nothing set on the visitor for counting (the language form's CSRF cookie is the site's).
        assert set(response.cookies) <= {"csrftoken"}
    client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    client.head(url)

    row = ProjectDailyViews.objects.get()
    assert (row.project, row.day, row.count) == (project, timezone.localdate(), 3)
    services.project_view_count(project_id=project.pk, day=timezone.localdate() - dt.timedelta(days=1))
    assert ProjectDailyViews.objects.count() == 2


@pytest.mark.parametrize(
    ("upload", "field", "message"),
    [
        (
            lambda: exhibit_factories.png_upload("x.jpg"),
            None,
            None,
        ),  # a PNG named .jpg is fine: stored as .png
        (lambda: _upload("fake.png", b"<html>not an image</html>"), "image", "无法识别的图片"),
        (lambda: _gif(), "image", "请上传 JPEG 或 PNG"),
    ],
)
def test_images_are_judged_by_content(client, hall, holder, upload, field, message):
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    client.force_login(holder)
    response = client.post(
        reverse("exhibits:image_add", args=[project.pk]), {"image": upload(), "caption": ""}, follow=True
    )
    if message is None:
        assert project.images.get().image.name.endswith(".png")
    else:
        assert message in response.content.decode()
        assert not project.images.exists()


def test_documents_must_be_pdf_by_their_first_bytes(client, hall, holder):
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    client.force_login(holder)
    response = client.post(
        reverse("exhibits:document_add", args=[project.pk]),
        {"file": _upload("brochure.pdf", b"PK\x03\x04 a zip named pdf"), "title": "简介"},
        follow=True,
    )
    assert "请上传 PDF 文档" in response.content.decode()
    assert not project.documents.exists()
    client.post(
        reverse("exhibits:document_add", args=[project.pk]),
        {"file": exhibit_factories.pdf_upload("x.bin"), "title": "简介"},
    )
    assert project.documents.get().file.name.endswith(".pdf")


def test_at_most_nine_images(hall, holder):
    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    for _ in range(9):
        services.project_image_add(
            project=project, by=holder, upload=exhibit_factories.png_upload(), name="i.png"
        )
    with pytest.raises(Exception, match="最多 9 张"):
        services.project_image_add(
            project=project, by=holder, upload=exhibit_factories.png_upload(), name="i.png"
        )
    assert project.images.count() == 9


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def _gif():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    return SimpleUploadedFile("anim.png", buffer.getvalue())


def test_the_hall_speaks_english_too(client, hall):
    exhibit_factories.project(exhibition=hall, title="固态锂电池隔膜", stage="pilot")
    # The hall is part of the public site: its language is in its address, no cookie needed.
    response = client.get("/en" + reverse("expo:hall"))
    html = response.content.decode()

    assert "Online hall" in html and "Pilot scale" in html and "1 project" in html
    assert not response.cookies and "csrfmiddlewaretoken" not in html
    assert 'href="/expo/" hreflang="zh-Hans"' in html
