"""Accepting and returning reports, notifications, the public flag and the history."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import Notice
from submissions.models import DailyReport, ReportLogEntry
from submissions.services import review
from submissions.services.reports import report_submit
from tests import factories

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 9, 21)
CHECKLIST = ["不含涉密内容", "内容适合公开发布", "数字与事实准确"]


@pytest.fixture
def day_event(week, organizer, member):
    member.full_name = "王晓明"
    member.save()
    return factories.event(
        week=week,
        host=organizer,
        reporter=member,
        subtitle="沪昆新材料沙龙",
        starts_at=factories.at(DAY, 9),
        ends_at=factories.at(DAY, 12),
    )


@pytest.fixture
def submitted(day_event):
    return factories.report(
        event=day_event,
        day=DAY,
        status="submitted",
        photos=2,
        videos=1,
        leaders=[("周海", "副市长", "municipal")],
    )


# --- services --------------------------------------------------------------------------------


def test_accept_records_checklist_and_tells_the_reporter(
    submitted, office_user, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = review.report_accept(report=submitted, by=office_user, checklist=CHECKLIST)

    assert (report.status, report.reviewed_by, report.reviewed_at is not None) == (
        "accepted",
        office_user,
        True,
    )
    entry = report.log.get()
    assert (entry.action, entry.by, entry.checklist) == ("accepted", office_user, CHECKLIST)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([member.email], "每日信息已采用：沪昆新材料沙龙（9月21日）")
    ]
    assert Notice.objects.get(recipient=member).title == "每日信息已采用：沪昆新材料沙龙（9月21日）"


def test_accept_uses_the_weeks_own_checklist(submitted, office_user, week):
    week.publication_checklist = ["已核对出席领导职务"]
    week.save()

    with pytest.raises(ValidationError) as error:
        review.report_accept(report=submitted, by=office_user, checklist=CHECKLIST)
    report = review.report_accept(report=submitted, by=office_user, checklist=["已核对出席领导职务"])

    assert "已核对出席领导职务" in error.value.messages[0]
    assert report.log.get().checklist == ["已核对出席领导职务"]


def test_accept_needs_every_checklist_item(submitted, office_user):
    with pytest.raises(ValidationError) as error:
        review.report_accept(report=submitted, by=office_user, checklist=CHECKLIST[:1])

    assert error.value.messages == [
        "采用前请逐项确认发布审核清单，还未确认：内容适合公开发布、数字与事实准确"
    ]
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and not submitted.log.exists()


def test_return_needs_a_comment(submitted, office_user):
    with pytest.raises(ValidationError) as error:
        review.report_return(report=submitted, by=office_user, comment="  ")

    assert error.value.messages == ["退回时请填写退回意见，说明需要修改什么。"]


def test_return_tells_the_reporter_who_fixes_and_resubmits(
    submitted, office_user, member, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(dt.datetime(2026, 9, 21, 17, tzinfo=SHANGHAI)),
    ):
        report = review.report_return(
            report=submitted, by=office_user, comment="请补充副市长周海的讲话要点。"
        )

    assert (report.status, report.review_comment) == ("returned", "请补充副市长周海的讲话要点。")
    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "每日信息被退回，请修改后重新报送：沪昆新材料沙龙（9月21日）"
    assert "请补充副市长周海的讲话要点。" in message.body
    assert f"/organizer/reports/{submitted.event_id}/2026-09-21/" in message.body
    notice = Notice.objects.get(recipient=member)
    assert "请补充副市长周海的讲话要点。" in notice.body

    later = dt.datetime(2026, 9, 21, 18, 0, tzinfo=SHANGHAI)
    resubmitted = report_submit(report=report, by=member, now=later)

    assert (resubmitted.status, resubmitted.is_late) == ("submitted", False)  # lateness is the first filing's
    assert list(resubmitted.log.values_list("action", flat=True)) == ["returned", "resubmitted"]


def test_unit_members_are_told_when_no_reporter_is_named(week, organizer, member, office_user):
    other = factories.member(organizer)
    event = factories.event(
        week=week,
        host=organizer,
        reporter=None,
        starts_at=factories.at(DAY, 9),
        ends_at=factories.at(DAY, 12),
    )
    report = factories.report(event=event, day=DAY, status="submitted", photos=1)

    review.report_return(report=report, by=office_user, comment="照片不清晰")

    assert set(Notice.objects.values_list("recipient", flat=True)) == {member.pk, other.pk}


@pytest.mark.parametrize("status,label", [("draft", "草稿"), ("accepted", "已采用"), ("returned", "已退回")])
def test_only_submitted_reports_can_be_decided(day_event, office_user, status, label):
    report = factories.report(event=day_event, day=DAY, status=status, reviewed_by=office_user)

    for action in (
        lambda: review.report_accept(report=report, by=office_user, checklist=CHECKLIST),
        lambda: review.report_return(report=report, by=office_user, comment="再改改"),
    ):
        with pytest.raises(ValidationError) as error:
            action()
        assert error.value.messages == [f"只有已报送、待审核的报送才能采用或退回；这份报送当前为“{label}”。"]
    assert not Notice.objects.exists()


def test_public_flag_only_for_passed_media_of_accepted_reports(submitted, office_user):
    photo = submitted.media.filter(kind="photo").first()
    failed = factories.report(
        event=factories.event(week=submitted.event.week), status="accepted", failed=1, reviewed_by=office_user
    ).media.get()

    with pytest.raises(ValidationError) as not_accepted:
        review.media_set_public(media=photo, by=office_user, public=True)
    review.report_accept(report=submitted, by=office_user, checklist=CHECKLIST)
    made_public = review.media_set_public(media=photo, by=office_user, public=True)
    again = review.media_set_public(media=photo, by=office_user, public=True)
    with pytest.raises(ValidationError) as not_passed:
        review.media_set_public(media=failed, by=office_user, public=True)
    withdrawn = review.media_set_public(media=photo, by=office_user, public=False)

    assert not_accepted.value.messages == ["报送采用后，才能把其中的照片和视频设为公开。"]
    assert not_passed.value.messages == ["只有检查合格的照片和视频才能公开。"]
    assert (made_public.is_public, again.is_public, withdrawn.is_public) == (True, True, False)
    assert list(submitted.log.values_list("action", "comment")) == [
        ("accepted", ""),
        ("media_published", photo.original_name),
        ("media_unpublished", photo.original_name),
    ]


def test_public_media_appear_on_the_public_event_page(client, submitted, office_user):
    review.report_accept(report=submitted, by=office_user, checklist=CHECKLIST)
    photo = submitted.media.filter(kind="photo").first()
    page = reverse("event_detail", args=[submitted.event_id]) if _has_event_detail() else None

    review.media_set_public(media=photo, by=office_user, public=True)

    photo.refresh_from_db()
    assert photo.is_public
    if page:
        assert client.get(page).status_code == 200


def _has_event_detail() -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse("event_detail", args=[1])
    except NoReverseMatch:
        return False
    return True


# --- views ---------------------------------------------------------------------------------


@pytest.fixture
def office(client, office_user):
    client.force_login(office_user)
    return client


def test_report_page_shows_text_leaders_media_verdicts_and_history(office, submitted, day_event):
    factories.report(event=factories.event(week=day_event.week), status="draft")  # another day's noise
    submitted.log.create(action="submitted", by=day_event.reporter)

    response = office.get(reverse("board:report", args=[submitted.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "活动顺利举行，签约项目 3 个。" in html
    assert "副市长 周海" in html and html.index("出席领导") < html.index("活动信息")
    assert html.count('class="review-media"') == 2 and html.count("<video") == 1
    assert "合格" in html and "下载原件" in html
    assert f"/files/{submitted.media.first().pk}/original/" in html
    for item in CHECKLIST:
        assert f'value="{item}"' in html
    assert "王晓明" in html and "报送" in html
    assert "js/review_report.js" in html


def test_accept_by_post_and_then_next_in_the_days_queue(office, week, submitted, day_event):
    second = factories.report(
        event=factories.event(week=week, starts_at=factories.at(DAY, 13), ends_at=factories.at(DAY, 14)),
        day=DAY,
        status="submitted",
        submitted_at=factories.at(DAY, 15, 30),
        photos=1,
    )

    missing = office.post(
        reverse("board:accept", args=[submitted.pk]), {"checklist": CHECKLIST[:2]}, follow=True
    )
    done = office.post(reverse("board:accept", args=[submitted.pk]), {"checklist": CHECKLIST, "then": "next"})

    assert "还未确认：数字与事实准确" in missing.content.decode()
    assert done.status_code == 302 and done.url == reverse("board:report", args=[second.pk])
    submitted.refresh_from_db()
    assert submitted.status == "accepted"


def test_return_by_post_then_organizer_sees_the_comment(client, office, submitted, member):
    response = office.post(
        reverse("board:return", args=[submitted.pk]), {"comment": "请补充参加人数。"}, follow=True
    )

    assert "已退回" in response.content.decode()
    assert "请补充参加人数。" in response.content.decode()  # in the history
    client.force_login(member)
    page = client.get(reverse("reports:detail", args=[submitted.event_id, DAY]))
    assert "市发改委退回意见" in page.content.decode() and "请补充参加人数。" in page.content.decode()


def test_public_toggle_by_post(office, submitted, office_user):
    review.report_accept(report=submitted, by=office_user, checklist=CHECKLIST)
    photo = submitted.media.filter(kind="photo").first()

    response = office.post(reverse("board:media_public", args=[photo.pk]), {"public": "1"})

    assert response.url.endswith(f"#media-{photo.pk}")
    photo.refresh_from_db()
    assert photo.is_public
    assert ReportLogEntry.objects.filter(action="media_published").count() == 1


def test_next_and_previous_walk_the_days_queue(office, week, day_event):
    reports = [
        factories.report(
            event=factories.event(
                week=week, subtitle=f"活动{n}", starts_at=factories.at(DAY, 9), ends_at=factories.at(DAY, 10)
            ),
            day=DAY,
            status="submitted",
            submitted_at=factories.at(DAY, 10 + n),
        )
        for n in range(3)
    ]

    middle = office.get(reverse("board:report", args=[reports[1].pk]))

    assert (middle.context["previous"], middle.context["next"]) == (reports[0].pk, reports[2].pk)
    assert (middle.context["position"], middle.context["total"]) == (2, 3)
    assert 'id="next-link"' in middle.content.decode() and 'id="prev-link"' in middle.content.decode()


def test_decided_report_shows_no_decision_forms(office, day_event, office_user):
    report = factories.report(
        event=day_event, day=DAY, status="returned", reviewed_by=office_user, review_comment="照片太暗"
    )

    html = office.get(reverse("board:report", args=[report.pk])).content.decode()

    assert 'id="accept-form"' not in html and "照片太暗" in html


def test_unknown_report_is_404(office):
    assert office.get(reverse("board:report", args=[999999])).status_code == 404


def test_report_constraint_still_holds(submitted):
    assert DailyReport.objects.filter(status="accepted", reviewed_at__isnull=True).count() == 0


def test_checklist_item_saved_with_stray_spaces_can_still_be_ticked(submitted, office_user, week):
    week.publication_checklist = [" 已核对出席领导职务\u3000", "内容适合公开发布 "]
    week.save()

    report = review.report_accept(
        report=submitted, by=office_user, checklist=["已核对出席领导职务", "内容适合公开发布"]
    )

    assert report.status == "accepted"
    assert report.log.get().checklist == ["已核对出席领导职务", "内容适合公开发布"]
