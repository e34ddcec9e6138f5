"""An organizer registers, saves, submits, withdraws and edits the unit's events."""

import datetime as dt

import pytest
from django.urls import reverse

from events.models import Event, EventChangeRequest, EventPartner, EventStatusChange
from tests import factories

pytestmark = pytest.mark.django_db


def form_data(week, venue, **overrides):
    data = {
        "subtitle": "孵化基地创业孵化培训会",
        "form": "service",
        "venue": venue.pk,
        "place": "科技广场",
        "address": "前进东路",
        "starts_at": f"{week.starts_on:%Y-%m-%d}T09:00",
        "ends_at": f"{week.starts_on:%Y-%m-%d}T11:30",
        "contact_name": "李娜",
        "contact_phone": "13800000002",
        "contact_email": "lina@example.com",
        "description": "第一段\n\n<script>alert(1)</script>",
        "action": "draft",
    }
    return {**data, **overrides}


@pytest.fixture
def venue(db):
    return factories.venue(name="科技广场分会场")


def test_new_event_form_shows_the_unified_title_for_the_live_preview(client, member, week):
    client.force_login(member)

    response = client.get(reverse("organizer:event_create"))

    assert response.status_code == 200
    assert f'data-unified-title="{week.unified_title}"' in response.content.decode()
    assert "js/event_title_preview.js" in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main")[1].split("</main>")[0]


def test_saving_a_draft_creates_the_event_partners_and_history(client, member, organizer, week, venue):
    client.force_login(member)
    other_unit = factories.organizer(name="昆山市总工会")
    data = form_data(
        week,
        venue,
        host=organizer.pk,
        reporter=member.pk,
        undertakers=[other_unit.pk],
        undertaker_names="东创蒲公英",
        co_organizer_names="创酷空间、青年创业协会",
    )

    response = client.post(reverse("organizer:event_create"), data)

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organizer:event_detail", args=[event.pk])
    assert (event.status, event.host, event.week, event.reporter) == ("draft", organizer, week, member)
    assert [(p.role, p.display_name) for p in event.partners.all()] == [
        (EventPartner.Role.UNDERTAKER, "昆山市总工会"),
        (EventPartner.Role.UNDERTAKER, "东创蒲公英"),
        (EventPartner.Role.CO_ORGANIZER, "创酷空间"),
        (EventPartner.Role.CO_ORGANIZER, "青年创业协会"),
    ]
    assert list(EventStatusChange.objects.values_list("from_status", "to_status", "by")) == [
        ("", "draft", member.pk)
    ]


def test_the_host_is_not_also_its_own_partner(client, member, organizer, week, venue):
    client.force_login(member)

    response = client.post(
        reverse("organizer:event_create"),
        form_data(week, venue, host=organizer.pk, reporter=member.pk, co_organizers=[organizer.pk]),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["co_organizers"] == ["主办单位不必再列为承办或协办单位。"]
    assert not Event.objects.exists()


def test_a_draft_may_be_incomplete_but_submitting_names_each_missing_field(
    client, member, organizer, week, venue
):
    client.force_login(member)
    data = form_data(
        week, venue, host=organizer.pk, contact_name="", contact_phone="", description="", action="submit"
    )

    response = client.post(reverse("organizer:event_create"), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    for field in ("contact_name", "contact_phone", "reporter", "description"):
        assert errors[field] == ["提交审核时必须填写此项。"]
    assert not Event.objects.exists()
    response = client.post(reverse("organizer:event_create"), {**data, "action": "draft"})
    assert Event.objects.get().status == "draft"


def test_submit_button_saves_and_submits_in_one_go(client, member, organizer, week, venue):
    client.force_login(member)

    client.post(
        reverse("organizer:event_create"),
        form_data(week, venue, host=organizer.pk, reporter=member.pk, action="submit"),
    )

    event = Event.objects.get()
    assert event.status == "submitted"
    assert list(event.history.values_list("to_status", flat=True)) == ["draft", "submitted"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2026-09-20T08:00"}, "ends_at", "结束时间须晚于开始时间。"),
        # Starting before the period is allowed with a warning (tests/events/test_plan_events.py);
        # starting after it is not.
        (
            {"starts_at": "2026-09-27T09:00", "ends_at": "2026-09-27T10:00"},
            "starts_at",
            "开始时间须在活动周（2026-09-20 至 2026-09-26）之内。",
        ),
        ({"ends_at": "2026-09-27T10:00"}, "ends_at", "结束时间须在活动周（2026-09-20 至 2026-09-26）之内。"),
        (
            {"contact_phone": "12345"},
            "contact_phone",
            "请填写有效的手机号（如 13812345678）或固定电话（如 0512-57303063，可带分机号）。",
        ),
        ({"subtitle": ""}, "subtitle", "这个字段是必填项。"),
        ({"form": "party"}, "form", "选择一个有效的选项。 party 不在可用的选项中。"),
        ({"live_url": "not a url"}, "live_url", "输入一个有效的 URL。"),
        ({"contact_email": "nobody"}, "contact_email", "输入一个有效的 Email 地址。"),
    ],
)
def test_each_validation_message_is_in_chinese(
    client, member, organizer, week, venue, overrides, field, message
):
    client.force_login(member)

    response = client.post(
        reverse("organizer:event_create"), form_data(week, venue, host=organizer.pk, **overrides)
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not Event.objects.exists()


def test_reporter_must_belong_to_the_host_unit(client, member, organizer, week, venue):
    second_unit = factories.organizer()
    factories.Membership.objects.create(organizer=second_unit, user=member)
    outsider = factories.member(second_unit)
    client.force_login(member)

    response = client.post(
        reverse("organizer:event_create"), form_data(week, venue, host=organizer.pk, reporter=outsider.pk)
    )

    assert response.context["form"].errors["reporter"] == ["信息报送员须是主办单位的成员。"]


def test_cover_must_be_a_real_image(client, member, organizer, week, venue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(member)
    fake = SimpleUploadedFile("cover.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")

    response = client.post(
        reverse("organizer:event_create"), {**form_data(week, venue, host=organizer.pk), "cover": fake}
    )

    assert response.context["form"].errors["cover"] == [
        "请上传一张有效的图片。您所上传的文件不是图片或者是已损坏的图片。"
    ]


def test_cover_must_be_jpeg_or_png(client, member, organizer, week, venue):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    client.force_login(member)
    gif = SimpleUploadedFile("cover.gif", buffer.getvalue(), content_type="image/gif")

    response = client.post(
        reverse("organizer:event_create"), {**form_data(week, venue, host=organizer.pk), "cover": gif}
    )

    assert response.context["form"].errors["cover"] == ["封面图须为 JPG 或 PNG 图片。"]


def test_description_is_plain_text_with_paragraphs(client, member, draft):
    draft.description = "第一段\n\n<b>第二段</b>"
    draft.save()
    client.force_login(member)

    body = client.get(reverse("organizer:event_detail", args=[draft.pk])).content.decode()

    assert "<p>第一段</p>" in body
    assert "<p>&lt;b&gt;第二段&lt;/b&gt;</p>" in body


def test_warnings_for_a_double_booked_place_and_a_reporter_without_email(client, organizer, week, venue):
    reporter = factories.member(organizer, email="")
    factories.event(
        week=week,
        venue=venue,
        place="科技广场",
        subtitle="已有活动",
        starts_at=factories.at(week.starts_on, 10),
        ends_at=factories.at(week.starts_on, 12),
    )
    client.force_login(reporter)

    response = client.post(
        reverse("organizer:event_create"),
        form_data(week, venue, host=organizer.pk, reporter=reporter.pk),
        follow=True,
    )

    texts = [str(m) for m in response.context["messages"]]
    assert "已保存草稿。" in texts
    assert any(t.startswith("同一地点“科技广场”在重叠时间已有活动：已有活动") for t in texts)
    assert f"信息报送员 {reporter.display_name} 没有邮箱，将收不到报送提醒邮件。" in texts
    assert Event.objects.count() == 2


def test_double_booking_by_another_units_unpublished_event_names_neither_event_nor_unit(
    client, member, week, venue
):
    other_unit = factories.organizer(name="昆山市保密局")
    factories.event(
        week=week,
        host=other_unit,
        venue=venue,
        place="科技广场",
        subtitle="尚未公开的草稿",
        status=Event.Status.DRAFT,
        starts_at=factories.at(week.starts_on, 10),
        ends_at=factories.at(week.starts_on, 12),
    )
    client.force_login(member)

    response = client.post(
        reverse("organizer:event_create"),
        form_data(week, venue, host=member.organizers.get().pk),
        follow=True,
    )

    texts = [str(m) for m in response.context["messages"]]
    assert "同一地点“科技广场”在重叠时间已被其他单位的活动预订。" in texts
    body = response.content.decode()
    assert "尚未公开的草稿" not in body and "昆山市保密局" not in body


def test_double_booking_by_an_own_units_draft_is_named(client, organizer, member, week, venue):
    factories.event(
        week=week,
        host=organizer,
        venue=venue,
        place="科技广场",
        subtitle="本单位草稿",
        status=Event.Status.DRAFT,
        starts_at=factories.at(week.starts_on, 10),
        ends_at=factories.at(week.starts_on, 12),
    )
    client.force_login(member)

    response = client.post(
        reverse("organizer:event_create"), form_data(week, venue, host=organizer.pk), follow=True
    )

    texts = [str(m) for m in response.context["messages"]]
    assert f"同一地点“科技广场”在重叠时间已有活动：本单位草稿（{organizer.name}）。" in texts


def test_submit_and_withdraw_from_the_event_page(client, member, draft):
    client.force_login(member)

    client.post(reverse("organizer:event_submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "submitted"

    client.post(reverse("organizer:event_withdraw", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert list(draft.history.values_list("from_status", "to_status")) == [
        ("draft", "submitted"),
        ("submitted", "draft"),
    ]


def test_submitting_an_incomplete_draft_says_what_is_missing(client, member, organizer, week):
    event = factories.event(week=week, host=organizer, status="draft")
    client.force_login(member)

    response = client.post(reverse("organizer:event_submit", args=[event.pk]), follow=True)

    event.refresh_from_db()
    assert event.status == "draft"
    assert [str(m) for m in response.context["messages"]] == [
        "提交审核前请补全：联系人、联系人电话、信息报送员、活动简介。"
    ]


def test_editing_time_of_an_approved_event_makes_a_change_request_and_keeps_public_values(
    client, member, draft, week
):
    draft.status = "approved"
    draft.save()
    approved_start, approved_subtitle = draft.starts_at, draft.subtitle
    client.force_login(member)
    data = form_data(
        week,
        draft.venue,
        host=draft.host_id,
        reporter=member.pk,
        subtitle="新副标题",
        place="新地点",
        starts_at=f"{week.starts_on:%Y-%m-%d}T14:00",
        ends_at=f"{week.starts_on:%Y-%m-%d}T16:00",
        action="save",
    )

    response = client.post(reverse("organizer:event_edit", args=[draft.pk]), data, follow=True)

    draft.refresh_from_db()
    assert (draft.subtitle, draft.place, draft.starts_at, draft.status) == (
        approved_subtitle,
        "创酷空间",
        approved_start,
        "approved",
    )
    change = EventChangeRequest.objects.get()
    assert change.status == "pending"
    assert change.proposed["place"] == "新地点"
    assert change.proposed["subtitle"] == "新副标题"
    assert dt.datetime.fromisoformat(change.proposed["starts_at"]) == factories.at(week.starts_on, 14)
    assert change.previous["place"] == "创酷空间"
    # The title changed too, so the message does not name only time and place.
    assert "变更已提交市发改委审核；审核通过前，公开页面仍显示原内容。" in [
        str(m) for m in response.context["messages"]
    ]
    # The edit form shows what was asked for while the request waits; saving it back unchanged keeps it.
    form = client.get(reverse("organizer:event_edit", args=[draft.pk])).context["form"]
    assert form.initial["place"] == "新地点"


def test_editing_an_approved_event_back_to_its_approved_values_withdraws_the_change_request(
    client, member, draft, week
):
    draft.status = "approved"
    draft.save()
    factories.change_request(event=draft, by=member, place="新地点")
    client.force_login(member)
    data = form_data(
        week,
        draft.venue,
        host=draft.host_id,
        reporter=member.pk,
        subtitle=draft.subtitle,
        description=draft.description,
        place=draft.place,
        address=draft.address,
        starts_at=f"{week.starts_on:%Y-%m-%d}T09:00",
        ends_at=f"{week.starts_on:%Y-%m-%d}T17:00",
        action="save",
    )

    client.post(reverse("organizer:event_edit", args=[draft.pk]), data)

    assert not EventChangeRequest.objects.exists()


def test_dashboard_lists_events_with_next_step(client, member, draft):
    client.force_login(member)

    response = client.get(reverse("organizer:dashboard"))

    body = response.content.decode()
    assert draft.subtitle in body
    assert "补全信息后提交审核" in body
    assert draft.venue.name in body


def test_dashboard_lists_other_weeks_events_apart_without_a_next_step(client, week, organizer, member):
    """Last year's events of the unit are not work to do now: listed apart, with their year."""
    last_year = factories.week(
        name="2025年活动周", starts_on=dt.date(2025, 9, 21), ends_on=dt.date(2025, 9, 27), is_current=False
    )
    old = factories.event(
        week=last_year,
        host=organizer,
        reporter=member,
        subtitle="去年的路演",
        status="approved",
        starts_at=factories.at(dt.date(2025, 9, 22), 9),
        ends_at=factories.at(dt.date(2025, 9, 22), 12),
    )
    current = factories.event(
        week=week, host=organizer, reporter=member, subtitle="今年的路演", status="approved"
    )
    client.force_login(member)

    response = client.get(reverse("organizer:dashboard"))

    assert response.context["events"] == [current]
    assert response.context["other_weeks_events"] == [old]
    body = response.content.decode()
    this_week, other_weeks = body.split("往届及其他届次的活动")
    assert "今年的路演" in this_week and "去年的路演" not in this_week
    assert "去年的路演" in other_weeks and "2025-09-22" in other_weeks and "2025年活动周" in other_weeks


def test_a_notice_reads_in_the_language_of_whoever_opens_it(client, member, draft):
    """Notices are written in Chinese (as their e-mails), and the site shows each in the
    reader's language: the office may have acted in English, the unit read in either."""
    from django.utils import translation

    from events.notifications import Subject, notify

    with translation.override("en"):  # the office acting on an English page
        notify(
            users=[member],
            subject=Subject("活动已审核通过并发布：%(title)s", {"title": draft.subtitle}),
            template_base="events/emails/event_decision",
            context={"event": draft, "decision": "approved", "comment": "", "change": None},
        )
    client.force_login(member)

    chinese = client.get(reverse("organizer:notices")).content.decode()
    english = client.get(reverse("organizer:notices"), headers={"accept-language": "en"}).content.decode()

    notice = member.notices.get()
    assert notice.title == f"活动已审核通过并发布：{draft.subtitle}"  # the e-mail's subject, in Chinese
    assert notice.title in chinese
    assert notice.title not in english and f"{draft.subtitle}" in english
