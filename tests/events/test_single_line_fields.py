"""One-line fields (subtitle, place, address, contact, venue name ...) refuse line breaks and
control characters, in the event form, the spreadsheet import and the venue admin."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.text import validate_single_line
from events import importing
from events.models import Event
from tests import factories
from venues.models import Venue

from .test_event_registration import form_data
from .test_importing import row, workbook

pytestmark = pytest.mark.django_db

MESSAGE = "不能包含换行或控制字符。"
HOSTILE = [
    "上半场\r\n下半场",
    "上半场\n下半场",
    "上半场\r下半场",
    "一\t二",
    "响铃\x07",
    "删除\x7f",
    "C1\x85",
    "分段\u2028",
]


@pytest.fixture
def venue(db):
    return factories.venue(name="科技广场分会场")


@pytest.fixture
def plan(week):
    factories.organizer(name="昆山市人社局")
    factories.organizer(name="昆山市总工会")
    factories.venue(name="科技广场分会场")
    factories.theme(name="创业就业")
    return week


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_the_rule_refuses_every_control_character(value):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(value)

    assert refused.value.messages == [MESSAGE]


@pytest.mark.parametrize("value", ["", "孵化基地创业孵化培训会", "Room 3 · 二楼（东）", "a\u00a0b"])
def test_the_rule_lets_ordinary_text_through(value):
    validate_single_line(value)


@pytest.mark.parametrize("field", ["subtitle", "place", "address", "contact_name"])
def test_the_event_form_refuses_a_line_break_in_a_single_line_field(
    client, member, organizer, week, venue, field
):
    client.force_login(member)

    response = client.post(
        reverse("organizer:event_create"),
        form_data(week, venue, host=organizer.pk, **{field: "上半场\r\n下半场"}),
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [MESSAGE]
    assert not Event.objects.exists()


def test_the_event_form_refuses_a_control_character_inside_a_partner_name(
    client, member, organizer, week, venue
):
    client.force_login(member)

    response = client.post(
        reverse("organizer:event_create"),
        form_data(week, venue, host=organizer.pk, undertaker_names="东创蒲公英\n创酷\x1b空间"),
    )

    assert response.context["form"].errors["undertaker_names"] == [MESSAGE]
    assert not Event.objects.exists()


def test_the_event_form_still_takes_one_partner_name_a_line(client, member, organizer, week, venue):
    client.force_login(member)

    response = client.post(
        reverse("organizer:event_create"),
        form_data(week, venue, host=organizer.pk, undertaker_names="东创蒲公英\r\n创酷空间"),
    )

    assert response.status_code == 302
    assert [p.display_name for p in Event.objects.get().partners.all()] == ["东创蒲公英", "创酷空间"]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("副标题", "上半场\r\n下半场"),
        ("活动地点", "科技\n广场"),
        ("详细地址", "前进东路\t1 号"),
        ("联系人", "李\u2028娜"),  # openpyxl writes no C0 control but TAB, LF, CR
    ],
)
def test_the_importer_refuses_the_row_with_the_message(plan, column, value):
    checked = importing.preview(content=workbook(row(**{column: value})), week=plan)

    assert not checked.is_valid
    assert checked.rows[0].errors == [f"{column}：{MESSAGE}"]
    assert checked.messages() == [f"第 2 行：{column}：{MESSAGE}"]


def test_the_importer_takes_line_breaks_in_the_description_and_between_names(plan):
    checked = importing.preview(
        content=workbook(row(活动简介="第一段\n\n第二段", 协办单位="东创蒲公英\n创酷空间")), week=plan
    )

    assert checked.is_valid, checked.messages()


def test_the_importer_caps_cell_text(plan):
    checked = importing.preview(
        content=workbook(
            row(活动简介="长" * 2001),
            row(副标题="第二场", 会场="场" * 201),
            row(副标题="第三场", 活动简介="短" * 2000),
        ),
        week=plan,
    )

    errors = {r.number: r.errors for r in checked.rows}
    assert errors[2] == ["活动简介不能超过 2000 个字。"]
    assert errors[3] == ["会场不能超过 200 个字。"]
    assert errors[4] == []
    assert checked.rows[1].values["venue"] == "场" * 200 + "…"


def test_the_venue_admin_refuses_a_line_break_in_name_address_or_district(client):
    client.force_login(factories.superuser())

    response = client.post(
        reverse("admin:venues_venue_add"),
        {
            "name": "主会场\n（东）",
            "kind": "main",
            "district": "高新\r\n区",
            "address": "创业路\t1 号",
            "order": "0",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert (errors["name"], errors["district"], errors["address"]) == ([MESSAGE], [MESSAGE], [MESSAGE])
    assert not Venue.objects.exists()


@pytest.mark.parametrize(
    ("form_class", "field", "data"),
    [
        ("OrganizerForm", "name", {"name": "科技局\n第二行", "kind": "government"}),
        (
            "ApplicationForm",
            "contact_name",
            {"name": "某公司", "kind": "enterprise", "contact_name": "刘\r\n洋"},
        ),
        ("InvitationForm", "full_name", {"email": "a@example.com", "full_name": "王\t明"}),
    ],
)
def test_unit_and_person_names_are_one_line(db, form_class, field, data):
    from events import forms as event_forms

    form = getattr(event_forms, form_class)(data=data)

    assert not form.is_valid()
    assert "不能包含换行或控制字符。" in form.errors[field]


def test_the_event_and_unit_admin_refuse_a_line_break(admin_client, event):
    from django.urls import reverse

    page = admin_client.get(reverse("admin:events_event_change", args=[event.pk]))
    form = page.context["adminform"].form
    data = {**form.initial, "subtitle": "标题\n第二行"}
    bound = type(form)(data=data, instance=event)

    assert "不能包含换行或控制字符。" in bound.errors["subtitle"]
