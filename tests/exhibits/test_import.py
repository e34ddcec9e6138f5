"""A curator's bulk import: upload an .xlsx (and a .zip of images) → a worker checks it into a
preview with each row's errors → confirm (a worker imports) or cancel (nothing saved). The
same file again updates instead of duplicating; hostile archives are refused quickly.

The workers run in place (CELERY_TASK_ALWAYS_EAGER) when the upload's or the confirm's
transaction commits, which ``django_capture_on_commit_callbacks(execute=True)`` stands for.
"""

import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exhibits import importing, services
from exhibits.models import Project, ProjectImage, ProjectImportJob, ProjectReview
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SECTIONS = ["碳中和", "生物医药与大健康", "数字文创"]


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Do something whose after-commit work (the eager worker) runs before it returns."""

    def run_(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run_


def upload(client, run, hall, sheet: bytes, images: bytes | None = None, *, accept: bool = False):
    data = {"sheet": SimpleUploadedFile("展项.xlsx", sheet, content_type=XLSX)}
    if images is not None:
        data["images"] = SimpleUploadedFile("图片.zip", images, content_type="application/zip")
    if accept:
        data["accept"] = "on"
    response = run(client.post, reverse("exhibits:import", args=[hall.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    job = ProjectImportJob.objects.latest("id")
    assert response["Location"] == reverse("exhibits:import_job", args=[job.pk])
    return job


def confirm(client, run, job):
    response = run(client.post, reverse("exhibits:import_job", args=[job.pk]), {"action": "confirm"})
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def many_rows(count: int, *, with_images_every: int = 20) -> tuple[list[dict], dict[str, bytes]]:
    rows, files = [], {}
    for number in range(1, count + 1):
        extra = {}
        if number % with_images_every == 0:
            extra = {"封面图文件": f"P{number:05d}.jpg", "项目图片文件": f"图片/P{number:05d}-1.png"}
            files[f"P{number:05d}.jpg"] = exhibit_factories.image_bytes(color=(number % 255, 40, 40))
            files[f"图片/P{number:05d}-1.png"] = exhibit_factories.image_bytes(
                kind="PNG", color=(40, number % 255, 40)
            )
        rows.append(exhibit_factories.import_row(number, section=SECTIONS[number % 3], **extra))
    return rows, files


def test_2000_rows_with_images_are_created_once_and_a_second_run_updates_only_changed_rows(
    curator_client, run, hall
):
    rows, files = many_rows(2000)
    sheet, images = exhibit_factories.import_workbook(rows), exhibit_factories.images_zip(files)

    job = upload(curator_client, run, hall, sheet, images)

    job.refresh_from_db()
    assert job.status == ProjectImportJob.Status.CHECKED, job.error
    assert job.preview["counts"] == {
        "rows": 2000,
        "new": 2000,
        "update": 0,
        "same": 0,
        "errors": 0,
        "valid": 2000,
    }
    assert not Project.objects.exists()  # the preview saves nothing
    page = curator_client.get(reverse("exhibits:import_job", args=[job.pk])).content.decode()
    assert "将新建 2000 个" in page and "确认导入 2000 个" in page

    job = confirm(curator_client, run, job)

    assert job.status == ProjectImportJob.Status.IMPORTED, job.error
    assert job.outcome == {"created": 2000, "updated": 0, "unchanged": 0, "skipped": 0}
    assert Project.objects.filter(exhibition=hall).count() == 2000
    assert ProjectImage.objects.count() == 100
    project = Project.objects.get(external_id="P00020")
    assert project.owner is None  # the hall keeps imported projects
    assert project.status == Project.Status.SUBMITTED
    assert project.section.name == SECTIONS[20 % 3]
    assert project.stage == Project.Stage.PILOT
    assert project.cooperation_codes == ["transfer", "financing"]
    assert project.contact_email == "contact20@example.edu.cn"
    assert project.cover.name.endswith(".jpg") and project.cover.storage.exists(project.cover.name)
    assert project.cover_versions["source"] == project.cover.name  # web versions made by the worker
    image = project.images.get()
    assert (image.width, image.height) == (64, 48) and image.image.name.endswith(".png")
    assert project.reviews.get().action == ProjectReview.Action.IMPORT
    assert not job.sheet and not job.images  # the uploads are gone

    # The same file with three rows changed: a title, a cover, an image list.
    rows[0]["项目名称"] = "改过的名称"
    rows[1]["项目介绍"] = "改过的介绍"
    files["P00040.jpg"] = exhibit_factories.image_bytes(color=(1, 2, 3))
    old_cover = Project.objects.get(external_id="P00040").cover.name
    second = upload(
        curator_client,
        run,
        hall,
        exhibit_factories.import_workbook(rows),
        exhibit_factories.images_zip(files),
    )
    second.refresh_from_db()
    assert second.preview["counts"] == {
        "rows": 2000,
        "new": 0,
        "update": 3,
        "same": 1997,
        "errors": 0,
        "valid": 3,
    }

    second = confirm(curator_client, run, second)

    assert second.outcome == {"created": 0, "updated": 3, "unchanged": 1997, "skipped": 0}
    assert Project.objects.count() == 2000
    assert Project.objects.get(external_id="P00001").title == "改过的名称"
    assert Project.objects.get(external_id="P00002").description == "改过的介绍"
    changed = Project.objects.get(external_id="P00040")
    assert changed.cover.name != old_cover and not changed.cover.storage.exists(old_cover)
    assert ProjectImage.objects.count() == 100
    untouched = Project.objects.get(external_id="P00060")
    assert untouched.reviews.count() == 1  # unchanged rows are not written at all


def test_a_row_with_errors_is_shown_with_row_and_column_and_is_not_saved(curator_client, run, hall):
    rows = [
        exhibit_factories.import_row(1),
        exhibit_factories.import_row(2, section="不存在的展区", 联系人电话="12345"),
        exhibit_factories.import_row(3, 所处阶段="研发", 寻求合作方式="技术转让、捐赠"),
        exhibit_factories.import_row(4, 项目编号="P00001"),  # the same id as row 2
        exhibit_factories.import_row(5, 项目名称="第一行\n第二行"),
        exhibit_factories.import_row(6, 一句话介绍=""),
        exhibit_factories.import_row(7),
    ]
    job = upload(curator_client, run, hall, exhibit_factories.import_workbook(rows))
    job.refresh_from_db()
    assert job.preview["counts"]["errors"] == 5
    errors = {row["number"]: row["errors"] for row in job.preview["rows"] if row["errors"]}
    assert set(errors) == {3, 4, 5, 6, 7}  # sheet rows: the header is row 1
    assert ["展区", "展区“不存在的展区”不存在，应为：碳中和、生物医药与大健康、数字文创。"] in errors[3]
    assert any(column == "联系人电话" for column, _message in errors[3])
    assert [column for column, _message in errors[4]] == ["所处阶段", "寻求合作方式"]
    assert errors[5] == [["项目编号", "与第 2 行的项目编号相同，每个项目编号只能出现一次。"]]
    assert errors[6] == [["项目名称", "不能包含换行或控制字符。"]]
    assert errors[7] == [["一句话介绍", "不能为空。"]]

    page = curator_client.get(reverse("exhibits:import_job", args=[job.pk])).content.decode()
    assert "第 3 行，“展区”：展区“不存在的展区”不存在" in page
    assert "跳过有错误的 5 行，导入其余 2 个" in page

    job = confirm(curator_client, run, job)

    assert job.outcome == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 5}
    assert sorted(Project.objects.values_list("external_id", flat=True)) == ["P00001", "P00007"]
    assert Project.objects.get(external_id="P00001").title == rows[0]["项目名称"]


def test_cancelling_saves_nothing_and_deletes_the_files(curator_client, run, hall):
    rows, files = many_rows(40)
    job = upload(
        curator_client,
        run,
        hall,
        exhibit_factories.import_workbook(rows),
        exhibit_factories.images_zip(files),
    )
    job.refresh_from_db()
    names = [job.sheet.name, job.images.name]
    storage = job.sheet.storage
    assert job.status == ProjectImportJob.Status.CHECKED and all(storage.exists(name) for name in names)

    response = run(curator_client.post, reverse("exhibits:import_job", args=[job.pk]), {"action": "cancel"})

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ProjectImportJob.Status.CANCELLED
    assert not any(storage.exists(name) for name in names)
    assert not Project.objects.exists() and not ProjectImage.objects.exists()
    # A cancelled job cannot be imported afterwards.
    confirm(curator_client, run, job)
    assert not Project.objects.exists()


def test_imported_projects_can_go_straight_into_the_hall(client, curator_client, run, hall):
    rows = [exhibit_factories.import_row(number, 项目名称=f"钠离子电池储能柜 {number}") for number in (1, 2)]
    job = upload(curator_client, run, hall, exhibit_factories.import_workbook(rows), accept=True)
    confirm(curator_client, run, job)

    assert set(Project.objects.values_list("status", flat=True)) == {Project.Status.ACCEPTED}
    client.logout()
    assert "钠离子电池储能柜 1" in client.get(reverse("expo:hall") + "?q=电池").content.decode()


def bomb(size: int = 40 * 1024 * 1024) -> bytes:
    """A zip whose one entry inflates a thousand times over (a few hundred KB on disk)."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.jpg", b"\0" * size)
    return buffer.getvalue()


def test_a_hostile_images_zip_is_refused_quickly_and_nothing_is_saved(curator_client, run, hall):
    rows = [exhibit_factories.import_row(1, 封面图文件="bomb.jpg")]
    content = bomb(9 * 1024 * 1024)  # below the 10 MB an image may have, a thousand times its size
    started = time.monotonic()

    job = upload(curator_client, run, hall, exhibit_factories.import_workbook(rows), content)

    assert time.monotonic() - started < 3
    job.refresh_from_db()
    assert job.status == ProjectImportJob.Status.FAILED
    assert "图片压缩包" in job.error and "压缩比异常" in job.error
    assert not job.sheet and not job.images
    assert not Project.objects.exists()
    page = curator_client.get(reverse("exhibits:import_job", args=[job.pk])).content.decode()
    assert "压缩比异常" in page and "没有保存任何展项" in page


def test_a_hostile_or_foreign_sheet_is_refused(curator_client, run, hall):
    job = upload(curator_client, run, hall, bomb())
    job.refresh_from_db()
    assert job.status == ProjectImportJob.Status.FAILED and "项目表" in job.error

    job = upload(curator_client, run, hall, b"external_id,title\nP1,abc\n")
    job.refresh_from_db()
    assert job.error == "项目表无法读取，请上传由模板填写的 .xlsx 文件。"

    job = upload(
        curator_client, run, hall, exhibit_factories.import_workbook([{"项目编号": "1"}], header=["项目编号"])
    )
    job.refresh_from_db()
    assert job.error.startswith("表头缺少以下列：项目名称、展区")


def test_images_are_found_by_name_and_judged_by_content(curator_client, run, hall):
    class GbkName(zipfile.ZipInfo):
        """Names as zip tools on Chinese Windows write them: GBK, without the UTF-8 flag."""

        def _encodeFilenameFlags(self):
            return self.filename.encode("gbk"), self.flag_bits & ~0x800

    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(GbkName("图片/封面一.JPG"), exhibit_factories.image_bytes())
        archive.writestr("fake.jpg", b"<html>not an image</html>")
        archive.writestr("a/same.png", exhibit_factories.image_bytes(kind="PNG"))
        archive.writestr("b/same.png", exhibit_factories.image_bytes(kind="PNG"))
    rows = [
        exhibit_factories.import_row(1, 封面图文件="封面一.jpg"),  # folder and case ignored
        exhibit_factories.import_row(2, 封面图文件="fake.jpg"),
        exhibit_factories.import_row(3, 项目图片文件="missing.jpg"),
        exhibit_factories.import_row(4, 项目图片文件="same.png"),
        exhibit_factories.import_row(5, 项目图片文件="b/same.png"),
        exhibit_factories.import_row(6, 项目图片文件="、".join(f"x{n}.jpg" for n in range(10))),
    ]
    job = upload(curator_client, run, hall, exhibit_factories.import_workbook(rows), buffer.getvalue())
    job.refresh_from_db()
    errors = {row["number"]: row["errors"] for row in job.preview["rows"]}
    assert errors[2] == []
    assert errors[3] == [["封面图文件", "图片“fake.jpg”：无法识别的图片，请上传 JPEG 或 PNG 格式的照片。"]]
    assert errors[4] == [["项目图片文件", "图片“missing.jpg”不在图片压缩包中。"]]
    assert errors[5] == [["项目图片文件", "压缩包中有多个名为“same.png”的文件，请写上所在文件夹。"]]
    assert errors[6] == []
    assert errors[7] == [["项目图片文件", "每个展项最多 9 张图片。"]]

    no_zip = upload(curator_client, run, hall, exhibit_factories.import_workbook(rows[:1]))
    no_zip.refresh_from_db()
    assert no_zip.preview["rows"][0]["errors"] == [
        ["封面图文件", "填写了图片“封面一.jpg”，但没有上传图片压缩包。"]
    ]


def test_the_progress_answer_is_small_and_the_page_polls_it_without_inline_script(
    curator_client, hall, curator
):
    from django.core.files.base import ContentFile

    job = ProjectImportJob(exhibition=hall, uploaded_by=curator, sheet_name="a.xlsx")
    job.sheet.save("sheet.bin", ContentFile(b"x"), save=False)
    job.status, job.phase, job.done, job.total = ProjectImportJob.Status.CHECKING, "rows", 300, 2000
    job.save()

    answer = curator_client.get(reverse("exhibits:import_progress", args=[job.pk]))

    assert answer["Cache-Control"] == "no-store"
    assert answer.json() == {
        "status": "checking",
        "pending": True,
        "phase": "rows",
        "done": 300,
        "total": 2000,
        "percent": 15,
        "label": "正在检查第 300 / 2000 行…",
    }
    page = curator_client.get(reverse("exhibits:import_job", args=[job.pk])).content.decode()
    assert 'data-import-progress="' + reverse("exhibits:import_progress", args=[job.pk]) in page
    assert '<progress class="w-100" max="2000" value="300"' in page
    assert "exhibits/import.js" in page and "<script>" not in page


def test_the_template_has_the_columns_and_the_halls_sections(curator_client, hall):
    import io

    import openpyxl

    response = curator_client.get(reverse("exhibits:import_template", args=[hall.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == exhibit_factories.IMPORT_HEADER
    assert [cell.value for cell in workbook.worksheets[1][2] if cell.value] == ["展区", *SECTIONS]
    # The example row passes the import's own checks (except its images, which no zip holds).
    example = dict(
        zip(exhibit_factories.IMPORT_HEADER, [c.value for c in workbook.worksheets[0][2]], strict=True)
    )
    checked = importing.check(
        exhibition=hall,
        sheet=exhibit_factories.import_workbook([{**example, "封面图文件": "", "项目图片文件": ""}]),
        images=None,
    )
    assert checked.rows[0].errors == []


def test_a_job_stuck_without_its_worker_says_so(curator_client, hall, curator):
    from django.utils import timezone

    job = ProjectImportJob.objects.create(
        exhibition=hall,
        uploaded_by=curator,
        status=ProjectImportJob.Status.CHECKING,
        updated_at=timezone.now() - ProjectImportJob.STALE_AFTER * 2,
    )
    page = curator_client.get(reverse("exhibits:import_job", args=[job.pk])).content.decode()
    assert "后台任务长时间没有进展" in page and "data-import-progress" not in page
    assert curator_client.get(reverse("exhibits:import_progress", args=[job.pk])).json()["pending"] is False


def test_abandoned_previews_lose_their_files_at_the_next_upload(curator_client, run, hall, curator):
    from django.utils import timezone

    old = upload(
        curator_client, run, hall, exhibit_factories.import_workbook([exhibit_factories.import_row(1)])
    )
    old.refresh_from_db()
    name = old.sheet.name
    ProjectImportJob.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - ProjectImportJob.KEEP_FILES_FOR * 2
    )

    run(services.import_jobs_tidy)

    old.refresh_from_db()
    assert old.status == ProjectImportJob.Status.CANCELLED and not old.sheet.storage.exists(name)
