"""Events as the city plan writes them (issue 15): several hosts in order, days before the
week's period, places of every kind, the office's contacts on the week."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from events import importing, services
from events.models import Event, EventPartner
from events.selectors.reporting import reporting_calendar
from tests import factories

pytestmark = pytest.mark.django_db


def form_data(week, **overrides):
    data = {
        "subtitle": "第一届昆山市工业机器人技术应用技能大赛",
        "form": "contest",
        "place_kind": "place",
        "place": "昆山市登云科技职业学院",
        "starts_at": f"{week.starts_on:%Y-%m-%d}T09:00",
        "ends_at": f"{week.starts_on:%Y-%m-%d}T17:00",
        "contact_name": "李娜",
        "contact_phone": "13800000002",
        "description": "比赛。",
        "action": "draft",
    }
    return {**data, **overrides}


# --- Several hosts ---------------------------------------------------------------------------


def test_co_hosts_are_kept_in_the_order_chosen(client, member, organizer, week):
    renshe = factories.organizer(name="昆山市人力资源和社会保障局")
    zonggonghui = factories.organizer(name="昆山市总工会")
    client.force_login(member)

    # The picker sends the units in the order they were chosen (not alphabetical).
    response = client.post(
        reverse("organizer:event_create"),
        form_data(week, host=organizer.pk, co_hosts=[zonggonghui.pk, renshe.pk]),
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert [unit.name for unit in event.hosts] == [
        organizer.name,
        "昆山市总工会",
        "昆山市人力资源和社会保障局",
    ]
    assert all(partner.may_report for partner in event.co_hosts)
    # The edit form offers them first, in that order, so saving again keeps it.
    page = client.get(reverse("organizer:event_edit", args=[event.pk])).content.decode()
    assert page.index("昆山市总工会") < page.index("昆山市人力资源和社会保障局")


def test_a_unit_is_a_host_once(client, member, organizer, week):
    renshe = factories.organizer()
    client.force_login(member)

    twice = client.post(
        reverse("organizer:event_create"), form_data(week, host=organizer.pk, co_hosts=[organizer.pk])
    )
    also_undertaker = client.post(
        reverse("organizer:event_create"),
        form_data(week, host=organizer.pk, co_hosts=[renshe.pk], undertakers=[renshe.pk]),
    )

    assert twice.context["form"].errors["co_hosts"] == ["同一主办单位只需列一次。"]
    assert also_undertaker.context["form"].errors["undertakers"] == ["主办单位不必再列为承办或协办单位。"]
    assert not Event.objects.exists()


def test_editing_the_partners_keeps_the_role_and_people_units_were_given(week, organizer, member):
    renshe, school = factories.organizer(), factories.organizer()
    event = factories.complete_event(week=week, host=organizer, reporter=member)
    clerk = factories.member(renshe)
    services.event_save(
        event=event,
        by=member,
        partners=[
            services.PartnerSpec(role="host", organizer=renshe),
            services.PartnerSpec(role="undertaker", organizer=school),
        ],
    )
    co_host = EventPartner.objects.get(event=event, organizer=renshe)
    services.event_unit_people_set(
        partner=co_host, contact_name="陈芳", contact_phone="", contact_email="", reporter=clerk, by=clerk
    )
    services.event_reporting_set(
        event=event,
        reporting_partner_ids=[EventPartner.objects.get(organizer=school).pk],
        reports_before_period=False,
        by=factories.office_user(),
    )

    services.event_save(
        event=Event.objects.get(pk=event.pk),
        by=member,
        partners=[
            services.PartnerSpec(role="undertaker", organizer=school),
            services.PartnerSpec(role="host", organizer=renshe),
            services.PartnerSpec(role="co_organizer", name="青年创业协会"),
        ],
    )

    rows = list(EventPartner.objects.filter(event=event).order_by("order"))
    assert [(p.role, p.display_name, p.may_report) for p in rows] == [
        ("undertaker", school.name, True),
        ("host", renshe.name, True),
        ("co_organizer", "青年创业协会", False),
    ]
    assert (rows[1].contact_name, rows[1].reporter) == ("陈芳", clerk)


def test_a_co_hosts_members_see_the_event_and_hear_the_decision(client, week, organizer, member, mailbox):
    renshe = factories.organizer()
    clerk = factories.member(renshe, email="clerk@example.com")
    event = factories.complete_event(week=week, host=organizer, reporter=member, status="submitted")
    EventPartner.objects.create(event=event, role="host", organizer=renshe, may_report=True)

    with mailbox.sending():
        services.event_approve(event=event, by=factories.office_user())

    assert "clerk@example.com" in {address for message in mailbox for address in message.to}
    client.force_login(clerk)
    assert event.subtitle in client.get(reverse("organizer:dashboard")).content.decode()


def test_the_office_page_offers_the_reporter_role_to_partners_with_an_account(client, week, organizer):
    event = factories.complete_event(week=week, host=organizer, status="approved")
    school = factories.organizer(name="登云学院")
    EventPartner.objects.create(event=event, role="undertaker", organizer=school)
    EventPartner.objects.create(event=event, role="co_organizer", name="无账号协会")
    client.force_login(factories.office_user())

    page = client.get(reverse("review_events:detail", args=[event.pk])).content.decode()

    assert reverse("review_events:reporting", args=[event.pk]) in page
    assert "承办单位：登云学院" in page
    # One label per role, not one per unit.
    EventPartner.objects.create(event=event, role="undertaker", name="创业园")
    page = client.get(reverse("review_events:detail", args=[event.pk])).content.decode()
    facts = page.split("承办与协办", 1)[1].split("</dd>", 1)[0]
    assert facts.count("承办单位：") == 1 and "登云学院、创业园" in facts
    assert facts.index("承办单位") < facts.index("协办单位：无账号协会")
    assert "协办单位：无账号协会</label>" not in page  # only a unit with members can report


# --- The reporting period: a month, and events that start before it --------------------------


@pytest.fixture
def plan_week(db):
    """The plan's period: 2017-09-15 to 10-15, a month."""
    return factories.week(
        unified_title="2017年全国大众创业万众创新活动周暨“创响江苏”活动月",
        starts_on=dt.date(2017, 9, 15),
        ends_on=dt.date(2017, 10, 15),
    )


def kepu_day(week, **fields):
    """Event 一, 科普日: 9/13-17, two days before the plan's period."""
    return factories.event(
        week=week,
        subtitle="全国“科普日”活动",
        place_kind="place",
        venue=None,
        place="全市各区镇",
        starts_at=factories.at(dt.date(2017, 9, 13), 9),
        ends_at=factories.at(dt.date(2017, 9, 17), 17),
        **fields,
    )


def test_the_database_no_longer_refuses_an_event_before_its_week(plan_week):
    event = kepu_day(plan_week)
    plan_week.starts_on = dt.date(2017, 9, 16)
    plan_week.save()  # a week shrunk away from an event's first days: allowed too

    assert Event.objects.get(pk=event.pk).starts_before_period


def test_reporting_days_are_the_days_inside_the_period_unless_the_office_says_so(plan_week):
    event = kepu_day(plan_week)

    assert event.days == [dt.date(2017, 9, d) for d in range(13, 18)]
    assert event.reporting_days == [dt.date(2017, 9, d) for d in range(15, 18)]
    assert reporting_calendar(week=plan_week)[0] == dt.date(2017, 9, 15)
    assert len(reporting_calendar(week=plan_week)) == 31

    services.event_reporting_set(
        event=event, reporting_partner_ids=[], reports_before_period=True, by=factories.office_user()
    )

    event.refresh_from_db()
    assert event.reporting_days == event.days
    assert reporting_calendar(week=plan_week)[:3] == [
        dt.date(2017, 9, 13),
        dt.date(2017, 9, 14),
        dt.date(2017, 9, 15),
    ]


def test_the_form_saves_an_event_starting_before_the_period_and_warns(client, plan_week):
    unit = factories.organizer()
    client.force_login(factories.member(unit))

    response = client.post(
        reverse("organizer:event_create"),
        form_data(
            plan_week,
            host=unit.pk,
            place="全市各区镇",
            starts_at="2017-09-13T09:00",
            ends_at="2017-09-17T17:00",
        ),
        follow=True,
    )

    event = Event.objects.get()
    assert event.starts_before_period
    assert "已提示市发改委" in response.content.decode()


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "field", "message"),
    [
        (
            "2017-09-10T09:00",
            "2017-09-12T17:00",
            "ends_at",
            "活动须至少有一天在活动周（2017-09-15 至 2017-10-15）之内。",
        ),
        (
            "2017-10-14T09:00",
            "2017-10-16T17:00",
            "ends_at",
            "结束时间须在活动周（2017-09-15 至 2017-10-15）之内。",
        ),
    ],
)
def test_an_event_must_still_run_inside_the_period(client, plan_week, starts_at, ends_at, field, message):
    unit = factories.organizer()
    client.force_login(factories.member(unit))

    response = client.post(
        reverse("organizer:event_create"),
        form_data(plan_week, host=unit.pk, starts_at=starts_at, ends_at=ends_at),
    )

    assert response.context["form"].errors[field] == [message]


def test_the_office_sees_the_flag_and_decides_the_days_before(client, plan_week):
    event = kepu_day(plan_week)
    client.force_login(factories.office_user())
    url = reverse("review_events:detail", args=[event.pk])

    page = client.get(url).content.decode()
    assert 'data-flag="before-period"' in page and "活动周开始前的活动日不须报送。" in page
    client.post(reverse("review_events:reporting", args=[event.pk]), {"reports_before_period": "on"})

    event.refresh_from_db()
    assert event.reports_before_period
    assert "活动周开始前的活动日也须报送。" in client.get(url).content.decode()


# --- Places of every kind --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fields", "errors"),
    [
        ("venue", {"place": "报告厅"}, {"venue": ["请选择会场。"]}),
        ("place", {"place": ""}, {"place": ["请填写活动地点。"]}),
        ("elsewhere", {"place": ""}, {"place": ["请填写活动地点。"]}),
        (
            "hybrid",
            {"place": "报告厅"},
            {"venue": ["请选择会场。"], "online_url": ["线上线下同步的活动请填写线上参与链接或直播链接。"]},
        ),
    ],
)
def test_each_kind_of_place_asks_for_its_fields(client, member, organizer, week, kind, fields, errors):
    client.force_login(member)

    response = client.post(
        reverse("organizer:event_create"), form_data(week, host=organizer.pk, place_kind=kind, **fields)
    )

    assert {field: response.context["form"].errors[field] for field in errors} == errors


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("place", ("place", None, "全市各区镇", "", "")),
        ("elsewhere", ("elsewhere", None, "全市各区镇", "", "")),
        ("online", ("online", None, "", "", "https://vote.example.com/")),
        ("hybrid", ("hybrid", "venue", "全市各区镇", "前进东路", "https://vote.example.com/")),
    ],
)
def test_a_kind_keeps_only_its_own_fields(client, member, organizer, week, kind, expected):
    venue = factories.venue()
    client.force_login(member)

    client.post(
        reverse("organizer:event_create"),
        form_data(
            week,
            host=organizer.pk,
            place_kind=kind,
            venue=venue.pk,
            place="全市各区镇",
            address="前进东路" if kind == "hybrid" else "",
            online_url="https://vote.example.com/",
        ),
    )

    event = Event.objects.get()
    venue_kept = "venue" if event.venue_id == venue.pk else event.venue
    assert (event.place_kind, venue_kept, event.place, event.address, event.online_url) == expected


def test_the_form_marks_each_place_field_with_the_kinds_that_use_it(client, member, week):
    client.force_login(member)

    page = client.get(reverse("organizer:event_create")).content.decode()

    assert 'data-place-kinds="venue hybrid"' in page and 'data-place-kinds="online hybrid"' in page
    assert "js/place_kind.js" in page


def test_an_event_in_another_city_has_no_venue_and_its_reports_are_still_due(week, member, organizer):
    event = factories.event(
        week=week, host=organizer, reporter=member, place_kind="elsewhere", venue=None, place="广州"
    )

    assert event.where == "广州（外地）"
    assert event.reporting_days == event.days


# --- The spreadsheet import takes the same fields ---------------------------------------------


def _workbook(*rows) -> bytes:
    headers = [str(title) for _key, title, _required in importing.COLUMNS]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        base = {"活动形式": "群众竞赛", "开始时间": "2017-10-10 09:00", "结束时间": "2017-10-13 17:00", **row}
        sheet.append([base.get(header, "") for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_import_takes_several_hosts_kinds_of_place_and_warns_about_an_early_start(plan_week):
    for name in ("昆山市经济和信息化委员会", "昆山市人力资源和社会保障局", "昆山市总工会", "昆山市科技局"):
        factories.organizer(name=name)
    content = _workbook(
        {
            "副标题": "工业机器人技能大赛",
            "主办单位": "昆山市经济和信息化委员会、昆山市人力资源和社会保障局、昆山市总工会",
            "地点类型": "本市其他地点",
            "活动地点": "昆山市登云科技职业学院",
        },
        {
            "副标题": "创业典型专题宣传",
            "活动形式": "文化传播",
            "主办单位": "昆山市人力资源和社会保障局",
            "地点类型": "线上",
            "线上参与链接": "https://vote.example.com/",
        },
        {
            "副标题": "赴广州参加总决赛",
            "主办单位": "昆山市经济和信息化委员会",
            "地点类型": "外地",
            "活动地点": "广州",
        },
        {
            "副标题": "全国科普日活动",
            "活动形式": "文化传播",
            "主办单位": "昆山市科技局",
            "活动地点": "全市各区镇",
            "开始时间": "2017-09-13 09:00",
            "结束时间": "2017-09-17 17:00",
        },
    )

    preview = importing.preview(content=content, week=plan_week)
    assert preview.is_valid, preview.messages()
    assert [bool(row.warnings) for row in preview.rows] == [False, False, False, True]
    assert "已提示市发改委" in preview.rows[3].warnings[0]
    importing.import_events(content=content, week=plan_week, by=None)

    robots = Event.objects.get(subtitle="工业机器人技能大赛")
    assert robots.host_names == "昆山市经济和信息化委员会、昆山市人力资源和社会保障局、昆山市总工会"
    assert all(partner.may_report for partner in robots.co_hosts)
    online = Event.objects.get(subtitle="创业典型专题宣传")
    assert (online.place_kind, online.venue, online.place, online.online_url) == (
        "online",
        None,
        "",
        "https://vote.example.com/",
    )
    assert Event.objects.get(subtitle="赴广州参加总决赛").where == "广州（外地）"
    kepu = Event.objects.get(subtitle="全国科普日活动")
    assert kepu.place_kind == "place" and kepu.starts_before_period


def test_the_import_checks_the_new_fields_as_the_form_does(plan_week):
    factories.organizer(name="昆山市经济和信息化委员会")
    content = _workbook(
        {"副标题": "甲", "主办单位": "昆山市经济和信息化委员会、不存在的单位", "活动地点": "某处"},
        {
            "副标题": "乙",
            "主办单位": "昆山市经济和信息化委员会、昆山市经济和信息化委员会",
            "活动地点": "某处",
        },
        {"副标题": "丙", "主办单位": "昆山市经济和信息化委员会", "地点类型": "月球"},
        {"副标题": "丁", "主办单位": "昆山市经济和信息化委员会", "地点类型": "外地"},
        {"副标题": "戊", "主办单位": "昆山市经济和信息化委员会", "地点类型": "线上", "线上参与链接": "vote"},
    )

    rows = importing.preview(content=content, week=plan_week).rows

    assert rows[0].errors == ["主办单位“不存在的单位”不在平台上，请先在“单位”中添加。"]
    assert rows[1].errors == ["同一主办单位只需列一次。"]
    assert rows[2].errors[0].startswith("地点类型“月球”无效")
    assert rows[3].errors == ["活动地点：请填写活动地点。"]
    assert rows[4].errors == ["线上参与链接须以 http:// 或 https:// 开头。"]
