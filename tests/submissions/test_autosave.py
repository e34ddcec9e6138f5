"""The report page's autosave: the draft is saved through a JSON answer of the report URL."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from submissions.models import DailyReport, MediaFile
from submissions.services.reports import missing_items
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter_client(client, member):
    client.force_login(member)
    return client


def _url(event, day=None):
    return reverse("reports:detail", args=[event.pk, day or event.days[0]])


def _autosave(**fields) -> dict:
    data = {
        "action": "autosave",
        "report-text": "",
        "report-attendance": "",
        "leaders-TOTAL_FORMS": "2",
        "leaders-INITIAL_FORMS": "0",
        "leaders-MIN_NUM_FORMS": "0",
        "leaders-MAX_NUM_FORMS": "50",
        "leaders-0-level": "municipal",
        "leaders-1-level": "municipal",
    }
    return {**data, **fields}


def _post(client, event, data):
    return client.post(_url(event), data, headers={"accept": "application/json"})


def test_autosave_saves_text_attendance_and_leaders_as_the_draft(reporter_client, event):
    response = _post(
        reporter_client,
        event,
        _autosave(
            **{
                "report-text": "路演现场签约 3 个项目。",
                "report-attendance": "120",
                "leaders-0-name": "李华",
                "leaders-0-post": "副市长",
            }
        ),
    )

    assert response.status_code == 200
    answer = response.json()
    assert answer["saved_label"].startswith("已自动保存 ")
    assert answer["saved_at"]
    report = DailyReport.objects.get(event=event, day=event.days[0])
    assert report.status == DailyReport.Status.DRAFT
    assert report.text == "路演现场签约 3 个项目。" and report.attendance == 120
    assert [(leader.name, leader.post) for leader in report.leaders.all()] == [("李华", "副市长")]
    assert answer["saved_label"].endswith(timezone.localtime(report.updated_at).strftime("%H:%M"))


def test_autosave_replaces_the_leaders_and_leaves_no_message(reporter_client, event):
    _post(reporter_client, event, _autosave(**{"leaders-0-name": "李华", "leaders-0-post": "副市长"}))
    _post(reporter_client, event, _autosave(**{"report-text": "改过", "report-no_leaders": "on"}))

    report = DailyReport.objects.get()
    assert report.text == "改过" and report.no_leaders and not report.leaders.exists()
    page = reporter_client.get(_url(event)).content.decode()
    assert "草稿已保存" not in page  # an autosave queues no message for the next page
    assert "改过" in page  # restored from the server


def test_autosave_saves_captions_sent_with_the_form(reporter_client, event):
    report = DailyReport.objects.create(event=event, day=event.days[0])
    media = MediaFile.objects.create(
        report=report, kind="photo", file="reports/x.jpg", original_name="x.jpg", size=1, sha256="0" * 64
    )

    _post(reporter_client, event, _autosave(**{f"caption-{media.pk}": "开幕式"}))

    media.refresh_from_db()
    assert media.caption == "开幕式"


def test_a_submitted_report_is_not_autosaved(reporter_client, event):
    DailyReport.objects.create(
        event=event,
        day=event.days[0],
        text="已报送的内容",
        no_leaders=True,
        status=DailyReport.Status.SUBMITTED,
        submitted_at=timezone.now(),
        is_late=False,
    )

    response = _post(reporter_client, event, _autosave(**{"report-text": "偷偷改"}))

    assert response.status_code == 403
    assert "已提交" in " ".join(response.json()["errors"]["__all__"])
    assert DailyReport.objects.get().text == "已报送的内容"


def test_a_half_filled_leader_row_answers_its_error_in_chinese(reporter_client, event):
    response = _post(reporter_client, event, _autosave(**{"report-text": "内容", "leaders-1-name": "李华"}))

    assert response.status_code == 400
    assert response.json()["errors"] == {"leaders-1": ["请同时填写领导的姓名和职务。"]}
    assert DailyReport.objects.get().text == ""  # nothing of an invalid form is saved


def test_leaders_with_no_leaders_ticked_answer_the_services_error(reporter_client, event):
    response = _post(
        reporter_client,
        event,
        _autosave(**{"report-no_leaders": "on", "leaders-0-name": "李华", "leaders-0-post": "副市长"}),
    )

    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == ["已选择“无领导出席”，就不能再填写出席领导。"]


def test_a_bad_attendance_answers_under_the_fields_name(reporter_client, event):
    response = _post(reporter_client, event, _autosave(**{"report-attendance": "很多"}))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["report-attendance"]


def test_autosave_needs_the_csrf_token(member, event):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = _post(client, event, _autosave(**{"report-text": "没有令牌"}))

    assert response.status_code == 403
    assert not DailyReport.objects.filter(text="没有令牌").exists()


def test_autosave_with_the_csrf_token_of_the_page_is_accepted(member, event):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(_url(event))
    token = client.cookies["csrftoken"].value

    response = _post(client, event, _autosave(csrfmiddlewaretoken=token, **{"report-text": "有令牌"}))

    assert response.status_code == 200
    assert DailyReport.objects.get().text == "有令牌"


def test_another_units_report_is_not_found(client, event):
    client.force_login(factories.member(factories.organizer()))

    response = _post(client, event, _autosave(**{"report-text": "别人的"}))

    assert response.status_code == 404
    assert not DailyReport.objects.exists()


def test_a_day_the_event_does_not_run_is_not_found(reporter_client, event):
    day = event.days[0].replace(year=event.days[0].year - 1)

    response = reporter_client.post(_url(event, day), _autosave(**{"report-text": "x"}))

    assert response.status_code == 404


# The page's other JSON answers: an upload brings its card, a delete leaves no message.


def test_json_upload_answers_with_the_rendered_card(reporter_client, event, tmp_path):
    from tests.submissions import media_samples

    photo = media_samples.make_jpeg(tmp_path / "现场.jpg", size_bytes=int(2.1 * 1024 * 1024))
    with open(photo, "rb") as handle:
        response = reporter_client.post(
            reverse("reports:upload", args=[event.pk, event.days[0]]),
            {"photos": [handle]},
            headers={"accept": "application/json"},
        )

    [created] = response.json()["created"]
    html = created["html"]
    assert f'data-media-id="{created["id"]}"' in html and "现场.jpg" in html
    assert reverse("reports:media_delete", args=[created["id"]]) in html
    assert 'name="csrfmiddlewaretoken"' in html and 'form="report-form"' in html
    assert "style=" not in html


def test_json_delete_answers_and_queues_no_message(reporter_client, event):
    report = DailyReport.objects.create(event=event, day=event.days[0])
    media = MediaFile.objects.create(
        report=report, kind="photo", file="reports/x.jpg", original_name="x.jpg", size=1, sha256="0" * 64
    )

    response = reporter_client.post(
        reverse("reports:media_delete", args=[media.pk]), headers={"accept": "application/json"}
    )

    assert response.json() == {"deleted": media.pk, "errors": []}
    assert not MediaFile.objects.exists()
    assert "可以重新上传" not in reporter_client.get(_url(event)).content.decode()


def test_leaders_stay_through_repeated_autosaves_and_the_submit_after_them(reporter_client, event):
    """The page keeps posting the rows it rendered (no leader yet: INITIAL_FORMS 0) after the
    first autosave stored a leader. Each later post of the same row must keep the leader
    (it used to count as unchanged against the stored leader and was deleted every other time)."""
    leader = {"leaders-0-name": "张伟", "leaders-0-post": "副市长"}
    typed = _autosave(**{"report-text": "签约 3 个项目。", "report-attendance": "80", **leader})

    for _ in range(3):
        assert _post(reporter_client, event, typed).status_code == 200
        report = DailyReport.objects.get()
        assert list(report.leaders.values_list("name", "post")) == [("张伟", "副市长")]

    reporter_client.post(_url(event), {**typed, "action": "submit"})

    report = DailyReport.objects.get()
    assert list(report.leaders.values_list("name", "post")) == [("张伟", "副市长")]
    assert "出席领导情况" not in missing_items(report)


def test_a_refused_submit_says_what_is_missing_once(reporter_client, event):
    response = reporter_client.post(
        _url(event), {**_autosave(**{"report-text": "签约。"}), "action": "submit"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("还缺：出席领导情况") == 1
    assert DailyReport.objects.get().status == DailyReport.Status.DRAFT


def test_the_autosave_answer_says_what_is_still_missing(reporter_client, event):
    """The page's "提交前还缺" follows the typing: the autosave's answer lists what is left."""
    nothing_typed = _post(reporter_client, event, _autosave()).json()
    typed = _post(
        reporter_client,
        event,
        _autosave(**{"report-text": "签约 3 个项目。", "leaders-0-name": "张伟", "leaders-0-post": "副市长"}),
    ).json()

    assert [item[:4] for item in nothing_typed["missing"]] == ["活动信息", "出席领导", "合格照片"]
    assert [item[:4] for item in typed["missing"]] == ["合格照片"]
