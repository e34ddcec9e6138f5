"""Large imports run in a worker: stored as a job, checked by the task, previewed, confirmed once."""

import datetime as dt
import random
import string

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from events import importing, services
from events.models import Event, ImportJob
from events.views.review import IMPORT_SESSION_KEY
from tests import factories
from tests.events.test_importing import row, workbook
from venues.models import Venue

pytestmark = pytest.mark.django_db

SMALL = 1024  # a threshold every test plan is larger than


@pytest.fixture
def plan(week):
    factories.organizer(name="昆山市人社局")
    factories.organizer(name="昆山市总工会")
    factories.venue(name="科技广场分会场")
    factories.theme(name="创业就业")
    return week


@pytest.fixture
def small_threshold(settings):
    settings.IMPORT_IN_WORKER_BYTES = SMALL


def two_events() -> bytes:
    content = workbook(
        row(), row(副标题="第二届青年创业大赛预赛", 开始时间="2026-09-22 09:00", 结束时间="2026-09-22 17:00")
    )
    assert len(content) > SMALL
    return content


def upload(client, content: bytes, **data):
    return client.post(
        reverse("review_events:import"), {"file": SimpleUploadedFile("plan.xlsx", content), **data}
    )


def job_url(job) -> str:
    return f"{reverse('review_events:import')}?job={job.pk}"


def test_a_file_over_the_default_threshold_gets_the_waiting_page_then_the_worker_previews_it(
    client, reviewer, plan, django_capture_on_commit_callbacks
):
    # A real plan of 1000 rows with long, varied descriptions: well over 256 KiB.
    chance = random.Random(20)
    rows = [
        row(副标题=f"创业活动{number}", 活动简介="".join(chance.choices(string.ascii_letters, k=400)))
        for number in range(importing.MAX_ROWS)
    ]
    content = workbook(*rows)
    assert len(content) > services.IMPORT_IN_WORKER_BYTES
    client.force_login(reviewer)

    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(client, content)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job_url(job)
    assert (job.status, job.week, job.uploaded_by, job.name, bytes(job.content)) == (
        "queued",
        plan,
        reviewer,
        "plan.xlsx",
        content,
    )
    waiting = client.get(job_url(job))
    assert "正在后台检查文件…" in waiting.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in waiting.content.decode()
    assert waiting.context["preview"] is None
    assert IMPORT_SESSION_KEY not in client.session

    for callback in callbacks:  # the commit: the task is enqueued (and runs eagerly)
        callback()

    job.refresh_from_db()
    assert job.status == "done"
    assert job.finished_at is not None
    assert len(job.result["rows"]) == importing.MAX_ROWS
    page = client.get(job_url(job))
    assert page.context["preview"].is_valid
    assert "http-equiv" not in page.content.decode()
    assert "创业活动999" in page.content.decode()
    assert not Event.objects.exists()


def test_a_small_file_is_still_previewed_in_the_request(client, reviewer, plan):
    client.force_login(reviewer)

    response = upload(client, two_events())

    assert response.status_code == 200
    assert response.context["preview"].is_valid
    assert not ImportJob.objects.exists()


def test_the_job_shows_the_rows_and_confirm_imports_them_exactly_once(
    client, reviewer, plan, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, two_events(), publish="on")
    job = ImportJob.objects.get()
    assert response["Location"] == job_url(job)

    page = client.get(job_url(job))
    html = page.content.decode()
    assert "孵化基地创业孵化培训会" in html and "第二届青年创业大赛预赛" in html
    assert "确认导入 2 项新活动" in html
    assert "导入后直接发布" in html
    assert [row.number for row in page.context["preview"].rows] == [2, 3]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(job_url(job), {"confirm": "1"})

    assert confirmed["Location"] == reverse("review_events:list")
    assert Event.objects.count() == 2
    assert set(Event.objects.values_list("status", flat=True)) == {"approved"}
    job.refresh_from_db()
    assert (job.status, bytes(job.content)) == ("imported", b"")

    again = client.post(job_url(job), {"confirm": "1"}, follow=True)

    assert Event.objects.count() == 2
    assert "该文件已导入或尚未检查完毕，未重复导入。" in again.content.decode()
    assert "该文件已导入。" in client.get(job_url(job)).content.decode()


def test_confirm_before_the_check_imports_nothing(client, reviewer, plan, small_threshold):
    client.force_login(reviewer)
    upload(client, two_events())  # no commit in the test: the worker never ran
    job = ImportJob.objects.get()

    client.post(job_url(job), {"confirm": "1"})

    assert not Event.objects.exists()
    job.refresh_from_db()
    assert job.status == "queued"


def test_rows_with_errors_are_shown_and_cannot_be_confirmed(
    client, reviewer, plan, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, workbook(row(), row(副标题="另一项", 主办单位="不存在的单位")))
    job = ImportJob.objects.get()

    page = client.get(job_url(job))
    client.post(job_url(job), {"confirm": "1"})

    assert ImportJob.objects.get().status == "done"
    assert "主办单位“不存在的单位”不在平台上，请先在“单位”中添加。" in page.content.decode()
    assert "文件有错误，未导入任何活动。" in page.content.decode()
    assert not Event.objects.exists()


def test_a_file_that_changed_meaning_since_the_check_is_rejected_at_confirm(
    client, reviewer, plan, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, two_events())
    job = ImportJob.objects.get()
    Venue.objects.filter(name="科技广场分会场").delete()

    response = client.post(job_url(job), {"confirm": "1"})

    assert response.status_code == 200
    assert "会场“科技广场分会场”不存在。" in response.content.decode()
    assert not Event.objects.exists()
    job.refresh_from_db()
    assert job.status == "done"


def test_a_file_that_is_no_workbook_records_a_failed_job_with_the_chinese_message(
    client, reviewer, plan, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, b"name,subtitle\n" * 200)

    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.error == "无法读取该文件，请上传由模板填写的 .xlsx 文件。"
    page = client.get(job_url(job)).content.decode()
    assert "无法读取该文件，请上传由模板填写的 .xlsx 文件。" in page
    assert "http-equiv" not in page
    assert "确认导入" not in page


def test_a_crash_of_the_check_records_a_failed_job(
    client, reviewer, plan, small_threshold, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("openpyxl fell over")

    monkeypatch.setattr(importing, "preview", broken)
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, two_events())

    job = ImportJob.objects.get()
    assert (job.status, job.error) == ("failed", "检查文件时出错，请重新上传。")


def test_a_broker_that_is_away_fails_the_job_instead_of_waiting_forever(
    client, reviewer, plan, small_threshold, django_capture_on_commit_callbacks, monkeypatch
):
    def away(*args, **kwargs):
        raise ConnectionError("no broker")

    monkeypatch.setattr("core.dispatch.enqueue", away)  # the one door to the broker
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, two_events())

    job = ImportJob.objects.get()
    assert (job.status, job.error) == ("failed", "无法启动后台检查，请稍后重新上传。")


def test_the_task_twice_or_for_a_vanished_job_does_nothing_more(reviewer, plan):
    job = services.import_job_create(
        content=two_events(), name="plan.xlsx", week=plan, by=reviewer, publish=False, language="zh-hans"
    )
    assert importing.import_job_run(job_id=job.pk).status == "done"
    finished = ImportJob.objects.get().finished_at

    assert importing.import_job_run(job_id=job.pk) is None
    assert importing.import_job_run(job_id=job.pk + 100) is None
    assert ImportJob.objects.get().finished_at == finished


def test_a_job_whose_worker_is_lost_stops_the_waiting(client, reviewer, plan, small_threshold):
    client.force_login(reviewer)
    upload(client, two_events())
    job = ImportJob.objects.get()
    ImportJob.objects.update(created_at=timezone.now() - ImportJob.STALE_AFTER - dt.timedelta(minutes=1))

    page = client.get(job_url(job)).content.decode()

    assert "后台检查超时，请重新上传文件。" in page
    assert "http-equiv" not in page


def test_jobs_older_than_a_day_are_deleted_by_the_next_upload(client, reviewer, plan, small_threshold):
    client.force_login(reviewer)
    upload(client, two_events())
    old = ImportJob.objects.get()
    ImportJob.objects.update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))

    upload(client, two_events())

    assert not ImportJob.objects.filter(pk=old.pk).exists()
    assert ImportJob.objects.count() == 1


def test_only_the_uploader_sees_and_confirms_the_job_of_the_current_week(
    client, reviewer, plan, small_threshold, member, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, two_events())
    job = ImportJob.objects.get()

    client.force_login(member)  # an organizer's member: no review area at all
    assert client.get(job_url(job)).status_code == 403
    assert client.post(job_url(job), {"confirm": "1"}).status_code == 403
    client.force_login(factories.office_user())  # another reviewer: not their job
    assert client.get(job_url(job)).status_code == 404
    assert client.post(job_url(job), {"confirm": "1"}).status_code == 404
    client.force_login(factories.superuser())
    assert client.get(job_url(job)).status_code == 404
    client.logout()
    assert "/login/" in client.get(job_url(job))["Location"]
    client.force_login(reviewer)
    plan.is_current = False
    plan.save(update_fields=["is_current"])
    factories.week(is_current=True)
    assert client.get(job_url(job)).status_code == 404  # a job of another week than the current one
    assert client.get(f"{reverse('review_events:import')}?job=x").status_code == 404

    assert not Event.objects.exists()
    assert ImportJob.objects.get().status == "done"
