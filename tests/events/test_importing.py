"""Bulk import from .xlsx: template, preview with row-by-row Chinese errors, all or nothing, idempotent."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from events import importing
from events.models import Event, EventPartner, EventStatusChange
from tests import factories

pytestmark = pytest.mark.django_db

HEADERS = [str(title) for _key, title, _required in importing.COLUMNS]


@pytest.fixture
def plan(week):
    factories.organizer(name="昆山市人社局")
    factories.organizer(name="昆山市总工会")
    factories.venue(name="科技广场分会场")
    factories.theme(name="创业就业")
    return week


def row(**values):
    base = {
        "副标题": "孵化基地创业孵化培训会",
        "活动形式": "专业服务",
        "主办单位": "昆山市人社局",
        "承办单位": "昆山市总工会",
        "协办单位": "东创蒲公英",
        "会场": "科技广场分会场",
        "活动地点": "科技广场",
        "详细地址": "前进东路",
        "开始时间": "2026-09-23 09:00",
        "结束时间": "2026-09-23 11:30",
        "主题标签": "创业就业",
        "联系人": "李娜",
        "联系电话": "0512-57303063",
        "联系邮箱": "lina@example.com",
        "直播或回放链接": "",
        "活动简介": "培训",
    }
    base.update(values)
    return [base.get(h, "") for h in HEADERS]  # columns a test does not name stay empty


def workbook(*rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for line in rows:
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_template_has_the_chinese_headers(client, reviewer, week):
    client.force_login(reviewer)

    response = client.get(reverse("review_events:import_template"))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert HEADERS[:3] == ["副标题", "活动形式", "主办单位"]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_template_example_row_itself_imports_once_its_units_exist(reviewer, week):
    factories.organizer(name="昆山市人社局")
    factories.venue(name="昆山市主会场")
    content = importing.template_workbook(week=week)

    checked = importing.preview(content=content, week=week)

    assert checked.is_valid, checked.messages()


def test_preview_then_import_creates_events_with_partners_themes_and_history(client, reviewer, plan):
    client.force_login(reviewer)
    content = workbook(
        row(), row(副标题="第二届青年创业大赛预赛", 开始时间="2026-09-22 09:00", 结束时间="2026-09-22 17:00")
    )

    preview = client.post(reverse("review_events:import"), {"file": SimpleUploadedFile("plan.xlsx", content)})
    assert preview.status_code == 200
    assert preview.context["preview"].is_valid
    assert not Event.objects.exists()
    response = client.post(reverse("review_events:import"), {"confirm": "1"})

    assert response["Location"] == reverse("review_events:list")
    event = Event.objects.get(subtitle="孵化基地创业孵化培训会")
    assert (event.status, event.host.name, event.venue.name, event.form) == (
        "draft",
        "昆山市人社局",
        "科技广场分会场",
        "service",
    )
    assert event.starts_at == factories.at(plan.starts_on.replace(day=23), 9)
    assert [(p.role, p.display_name, p.organizer_id is not None) for p in event.partners.all()] == [
        (EventPartner.Role.UNDERTAKER, "昆山市总工会", True),
        (EventPartner.Role.CO_ORGANIZER, "东创蒲公英", False),
    ]
    assert [t.name for t in event.themes.all()] == ["创业就业"]
    assert EventStatusChange.objects.filter(event=event, to_status="draft", comment="批量导入").exists()
    assert Event.objects.count() == 2


def test_importing_the_same_file_twice_creates_nothing_new(reviewer, plan):
    content = workbook(row())
    first = importing.import_events(content=content, week=plan, by=reviewer)

    second = importing.import_events(content=content, week=plan, by=reviewer)

    assert (first.created, first.skipped, second.created, second.skipped) == (1, 0, 0, 1)
    assert Event.objects.count() == 1


@pytest.mark.parametrize("column", ["承办单位", "协办单位"])
def test_a_host_listed_as_its_own_partner_is_a_row_error(plan, column):
    content = workbook(row(**{column: "昆山市总工会、昆山市人社局"}))

    checked = importing.preview(content=content, week=plan)

    assert not checked.is_valid
    assert checked.rows[0].errors == ["主办单位不必再列为承办或协办单位。"]


def test_one_bad_row_rejects_the_whole_file_with_row_by_row_chinese_errors(client, reviewer, plan):
    client.force_login(reviewer)
    content = workbook(
        row(),
        row(
            副标题="",
            活动形式="联欢",
            主办单位="不存在局",
            会场="月球",
            开始时间="明天",
            结束时间="2026-09-23 08:00",
        ),
        row(
            副标题="时间颠倒",
            开始时间="2026-09-23 12:00",
            结束时间="2026-09-23 10:00",
            联系电话="123",
            联系邮箱="x",
            直播或回放链接="ftp://x",
            主题标签="不存在主题",
        ),
        row(副标题="周外", 开始时间="2026-10-01 09:00", 结束时间="2026-10-01 10:00"),
        row(),
    )

    response = client.post(
        reverse("review_events:import"), {"file": SimpleUploadedFile("plan.xlsx", content)}
    )

    preview = response.context["preview"]
    assert not preview.is_valid
    errors = {r.number: r.errors for r in preview.rows}
    assert errors[2] == []
    assert errors[3] == [
        "“副标题”不能为空。",
        "活动形式“联欢”无效，应为：成果展示、会议论坛、文化传播、项目路演、群众竞赛、专业服务。",
        "主办单位“不存在局”不在平台上，请先在“单位”中添加。",
        "会场“月球”不存在。",
        "开始时间“明天”无法识别，请写成 2017-09-25 09:00。",
    ]
    assert errors[4] == [
        "结束时间须晚于开始时间。",
        "主题标签“不存在主题”不存在。",
        "联系电话：请填写有效的手机号（如 13812345678）或固定电话（如 0512-57303063，可带分机号）。",
        "联系邮箱“x”格式不正确。",
        "直播或回放链接须以 http:// 或 https:// 开头。",
    ]
    assert errors[5] == [
        "开始时间须在活动周（2026-09-20 至 2026-09-26）之内。",
        "结束时间须在活动周（2026-09-20 至 2026-09-26）之内。",
    ]
    assert errors[6] == ["与第 2 行是同一活动（主办单位、副标题、开始时间相同）。"]
    assert "文件有错误，未导入任何活动。" in response.content.decode()
    assert not Event.objects.exists()
    # The confirm step cannot sneak an invalid file through.
    client.post(reverse("review_events:import"), {"confirm": "1"})
    assert not Event.objects.exists()


def test_missing_columns_and_unreadable_files(reviewer, plan):
    missing = importing.preview(content=workbook(["x"], headers=["副标题"]), week=plan)
    garbage = importing.preview(content=b"not a workbook", week=plan)
    empty = importing.preview(content=workbook(), week=plan)

    # 会场 and 活动地点 are optional now: an online event has neither (the row's kind decides).
    assert missing.file_errors == [
        "表头缺少以下列：活动形式、主办单位、开始时间、结束时间。请使用下载的模板。"
    ]
    assert garbage.file_errors == ["无法读取该文件，请上传由模板填写的 .xlsx 文件。"]
    assert empty.file_errors == ["文件中没有活动数据。"]


def test_upload_must_be_xlsx(client, reviewer, plan):
    client.force_login(reviewer)

    response = client.post(reverse("review_events:import"), {"file": SimpleUploadedFile("plan.csv", b"a,b")})

    assert response.context["form"].errors["file"] == ["请上传 .xlsx 格式的 Excel 文件。"]


def test_import_with_publish_approves_and_bumps_the_public_version(
    reviewer, plan, django_capture_on_commit_callbacks
):
    from core.public_cache import changed_events_between, public_version

    version = public_version()

    with django_capture_on_commit_callbacks(execute=True):
        importing.import_events(content=workbook(row()), week=plan, by=reviewer, publish=True)

    assert Event.objects.public().count() == 1
    assert public_version() == version + 1
    assert changed_events_between(version, version + 1) == {Event.objects.public().get().pk}


def test_management_command_imports_and_is_idempotent(tmp_path, plan, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook(row()))

    call_command("import_events", str(path))
    call_command("import_events", str(path))

    assert Event.objects.count() == 1
    out = capsys.readouterr().out
    assert "导入完成：新建 1 项，已存在跳过 0 项。" in out
    assert "导入完成：新建 0 项，已存在跳过 1 项。" in out


def test_management_command_reports_errors_and_imports_nothing(tmp_path, plan, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook(row(), row(会场="月球")))

    with pytest.raises(CommandError, match="文件有错误，未导入任何活动。"):
        call_command("import_events", str(path))

    assert "第 3 行：会场“月球”不存在。" in capsys.readouterr().err
    assert not Event.objects.exists()
