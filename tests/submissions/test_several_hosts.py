"""Events as the plan writes them: several hosts report, and so does an undertaking or
co-organizing unit the office gave the reporter role; one not given it cannot.

The plan's event 八 (工业机器人技能大赛) has three hosts: 经信委, 人社局, 总工会.
"""

import pytest
from django.urls import reverse

from events.models import EventPartner
from submissions.models import DailyReport, Reminder
from tests import factories
from tests.submissions.reminder_helpers import DAY, local, run_tick

pytestmark = pytest.mark.django_db


def _report_post(action: str = "submit") -> dict:
    return {
        "action": action,
        "report-text": "比赛顺利进行，32 支队伍参赛。",
        "report-attendance": "200",
        "report-no_leaders": "on",
        "leaders-TOTAL_FORMS": "0",
        "leaders-INITIAL_FORMS": "0",
        "leaders-MIN_NUM_FORMS": "0",
        "leaders-MAX_NUM_FORMS": "50",
    }


@pytest.fixture
def robot_contest(week):
    """Event 八 with its three hosts in the plan's order, an undertaking unit and a co-organizer."""
    jingxin = factories.organizer(name="昆山市经济和信息化委员会")
    renshe = factories.organizer(name="昆山市人力资源和社会保障局")
    zonggonghui = factories.organizer(name="昆山市总工会")
    school = factories.organizer(name="昆山登云科技职业学院")
    association = factories.organizer(name="昆山市机器人行业协会")
    lead_reporter = factories.member(jingxin, full_name="经信委报送员")
    event = factories.event(
        week=week,
        host=jingxin,
        reporter=lead_reporter,
        subtitle="第一届昆山市工业机器人技术应用技能大赛",
        starts_at=local(9),
        ends_at=local(17),
    )
    for order, unit in enumerate([renshe, zonggonghui]):
        EventPartner.objects.create(event=event, role="host", organizer=unit, may_report=True, order=order)
    undertaker = EventPartner.objects.create(event=event, role="undertaker", organizer=school, order=2)
    co_organizer = EventPartner.objects.create(
        event=event, role="co_organizer", organizer=association, order=3
    )
    return {
        "event": event,
        "renshe": renshe,
        "zonggonghui": zonggonghui,
        "school": school,
        "association": association,
        "undertaker": undertaker,
        "co_organizer": co_organizer,
    }


def test_the_hosts_are_in_the_plans_order(robot_contest):
    event = robot_contest["event"]

    assert [unit.name for unit in event.hosts] == [
        "昆山市经济和信息化委员会",
        "昆山市人力资源和社会保障局",
        "昆山市总工会",
    ]
    assert event.host_names == "昆山市经济和信息化委员会、昆山市人力资源和社会保障局、昆山市总工会"


def test_a_second_host_files_the_days_report(client, robot_contest, ready_report):
    event, renshe = robot_contest["event"], robot_contest["renshe"]
    ready_report(event, DAY)  # a passed photo is in
    client.force_login(factories.member(renshe))
    url = reverse("reports:detail", args=[event.pk, DAY])

    assert client.get(url).status_code == 200
    assert event.subtitle in client.get(reverse("reports:list")).content.decode()
    assert client.get(reverse("organizer:event_detail", args=[event.pk])).status_code == 200
    response = client.post(url, _report_post())

    assert response.status_code == 302
    report = DailyReport.objects.get(event=event, day=DAY)
    assert report.status == DailyReport.Status.SUBMITTED
    # Reporting is not editing: the event stays the lead host's to change.
    assert client.get(reverse("organizer:event_edit", args=[event.pk])).status_code == 403


def test_an_undertaker_given_the_reporter_role_by_the_office_reports(
    client, robot_contest, ready_report, django_capture_on_commit_callbacks, mailoutbox
):
    event, school, undertaker = robot_contest["event"], robot_contest["school"], robot_contest["undertaker"]
    teacher = factories.member(school, email="teacher@example.com")
    ready_report(event, DAY)
    client.force_login(factories.office_user())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("review_events:reporting", args=[event.pk]), {"partners": [undertaker.pk]}
        )

    assert response.status_code == 302
    undertaker.refresh_from_db()
    assert undertaker.may_report
    assert [message.to for message in mailoutbox] == [["teacher@example.com"]]
    client.force_login(teacher)
    response = client.post(reverse("reports:detail", args=[event.pk, DAY]), _report_post())
    assert response.status_code == 302
    assert DailyReport.objects.get(event=event, day=DAY).status == DailyReport.Status.SUBMITTED


def test_a_partner_not_given_the_reporter_role_cannot_report(client, robot_contest):
    event = robot_contest["event"]
    client.force_login(factories.member(robot_contest["association"]))
    detail = reverse("reports:detail", args=[event.pk, DAY])

    assert client.get(detail).status_code == 404
    assert client.post(detail, _report_post()).status_code == 404
    assert client.post(reverse("reports:upload", args=[event.pk, DAY])).status_code == 404
    assert client.get(reverse("organizer:event_detail", args=[event.pk])).status_code == 404
    assert event.subtitle not in client.get(reverse("reports:list")).content.decode()
    assert not DailyReport.objects.exists()


def test_the_office_takes_the_role_back_and_the_unit_stops_reporting(client, robot_contest):
    event, undertaker = robot_contest["event"], robot_contest["undertaker"]
    undertaker.may_report = True
    undertaker.save()
    teacher = factories.member(robot_contest["school"])
    client.force_login(factories.office_user())

    client.post(reverse("review_events:reporting", args=[event.pk]), {"partners": []})

    client.force_login(teacher)
    assert client.get(reverse("reports:detail", args=[event.pk, DAY])).status_code == 404
    # A co-host keeps reporting whatever the office ticks.
    assert EventPartner.objects.filter(event=event, role="host", may_report=True).count() == 2


def test_a_co_host_names_its_own_contact_and_reporter(client, robot_contest):
    event, renshe = robot_contest["event"], robot_contest["renshe"]
    clerk = factories.member(renshe, full_name="人社局报送员")
    partner = EventPartner.objects.get(event=event, organizer=renshe)
    client.force_login(clerk)
    url = reverse("organizer:event_unit_people", args=[event.pk, partner.pk])

    assert url in client.get(reverse("organizer:event_detail", args=[event.pk])).content.decode()
    response = client.post(
        url,
        {
            "contact_name": "陈芳",
            "contact_phone": "0512-57303063",
            "contact_email": "chen@example.com",
            "reporter": clerk.pk,
        },
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.contact_name, partner.contact_phone, partner.reporter) == ("陈芳", "0512-57303063", clerk)
    # Another unit's member cannot be named, and another co-host's row is not this unit's page.
    outsider = factories.member(robot_contest["zonggonghui"])
    response = client.post(url, {"reporter": outsider.pk})
    assert response.status_code == 200 and "reporter" in response.context["form"].errors
    other = EventPartner.objects.get(event=event, organizer=robot_contest["zonggonghui"])
    assert client.get(reverse("organizer:event_unit_people", args=[event.pk, other.pk])).status_code == 404


def test_reminders_go_to_every_hosts_reporter_once(django_capture_on_commit_callbacks, robot_contest):
    event, renshe, zonggonghui = robot_contest["event"], robot_contest["renshe"], robot_contest["zonggonghui"]
    event.contact_email = "lead-contact@example.com"
    event.save()
    renshe.webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=renshe"
    renshe.save()
    clerk = factories.member(renshe, email="clerk@example.com")
    # One person reports for two hosts: reminded once.
    both = factories.member(zonggonghui, email="both@example.com")
    factories.Membership.objects.create(organizer=renshe, user=both)
    EventPartner.objects.filter(event=event, organizer=renshe).update(
        reporter=clerk,
        contact_email="clerk@example.com",  # the same person: one e-mail
    )
    EventPartner.objects.filter(event=event, organizer=zonggonghui).update(
        reporter=both, contact_email="contact-zgh@example.com"
    )
    week = event.week
    week.remind_contact = True
    week.save()

    result = run_tick(django_capture_on_commit_callbacks, local(14, 1))

    rows = [
        (row.channel, row.recipient.email if row.recipient else row.address)
        for row in result.reminders
        if row.status == Reminder.Status.PENDING
    ]
    assert sorted(rows) == sorted(
        [
            ("site", event.reporter.email),
            ("email", event.reporter.email),
            ("email", "lead-contact@example.com"),
            ("site", "clerk@example.com"),
            ("email", "clerk@example.com"),
            ("site", "both@example.com"),
            ("email", "both@example.com"),
            ("email", "contact-zgh@example.com"),
            ("webhook", renshe.webhook_url),
        ]
    )
    # A second tick claims nothing again (the unique constraints tell the addresses apart).
    assert run_tick(django_capture_on_commit_callbacks, local(14, 2)).reminders == []
