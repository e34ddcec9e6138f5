"""The office's own contacts (活动周联系人, 信息报送联系人, e-mail, phone) as settings of the week,
on every organizer page and the public pages; the plan's 抄送 list at the end of the bulletin;
each event's subtitle first in the files."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from docx import Document

from events.models import EventPartner
from submissions.exports import docx as docx_export
from tests import factories

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 9, 21)
CONTACTS = ("陈莉", "胡丹", "kunshangyk@163.com", "57303063")
COPY_TO = (
    "市委办公室，市人大常委会办公室，市政协办公室，市委各部门，市法院，市检察院，市各民主党派，各群众团体"
)


@pytest.fixture
def plan_week(week):
    week.office_contact_name, week.report_contact_name = "陈莉", "胡丹"
    week.office_email, week.office_phone = "kunshangyk@163.com", "57303063"
    week.copy_to = COPY_TO
    week.save()
    return week


def _contacts_block(page: str) -> str:
    assert "data-office-contacts" in page
    return page.split("data-office-contacts", 1)[1].split("</aside>", 1)[0]


def test_every_organizer_page_shows_the_offices_contacts(client, plan_week, organizer, member):
    event = factories.complete_event(week=plan_week, host=organizer, reporter=member, status="approved")
    client.force_login(member)
    urls = [
        reverse("organizer:dashboard"),
        reverse("organizer:event_create"),
        reverse("organizer:event_detail", args=[event.pk]),
        reverse("organizer:event_edit", args=[event.pk]),
        reverse("organizer:notices"),
        reverse("reports:list"),
        reverse("reports:detail", args=[event.pk, event.days[0]]),
    ]

    for url in urls:
        block = _contacts_block(client.get(url).content.decode())
        assert all(text in block for text in CONTACTS), url


def test_the_public_pages_show_the_contacts_and_nothing_when_there_are_none(client, plan_week):
    event = factories.event(week=plan_week)

    for url in (reverse("home"), reverse("schedule"), reverse("event_detail", args=[event.pk])):
        block = _contacts_block(client.get(url).content.decode())
        assert all(text in block for text in CONTACTS), url
    plan_week.office_contact_name = plan_week.report_contact_name = ""
    plan_week.office_email = plan_week.office_phone = ""
    plan_week.save()
    client.logout()
    cache.clear()
    assert "data-office-contacts" not in client.get(reverse("schedule")).content.decode()


def test_the_bulletin_ends_with_the_copy_to_list_and_names_every_host(plan_week, office_user):
    lead, second = (
        factories.organizer(name="昆山市经济和信息化委员会"),
        factories.organizer(name="昆山市总工会"),
    )
    event = factories.event(
        week=plan_week,
        host=lead,
        subtitle="工业机器人技能大赛",
        place_kind="place",
        venue=None,
        place="登云科技职业学院",
        starts_at=factories.at(DAY, 9),
        ends_at=factories.at(DAY, 17),
    )
    EventPartner.objects.create(event=event, role="host", organizer=second, may_report=True)
    factories.report(event=event, day=DAY, status="accepted", reviewed_by=office_user)

    doc = Document(
        io.BytesIO(docx_export.bulletin_document(week=plan_week, day=DAY, now=factories.at(DAY, 18)))
    )
    texts = [p.text for p in doc.paragraphs if p.text.strip()]

    assert texts[-2] == f"抄送：{COPY_TO}。"
    assert "主办单位：昆山市经济和信息化委员会、昆山市总工会；地点：登云科技职业学院。" in texts
    assert "（一）工业机器人技能大赛" in texts


def test_a_bulletin_without_a_copy_to_list_has_no_such_line(week):
    doc = Document(io.BytesIO(docx_export.bulletin_document(week=week, day=DAY, now=factories.at(DAY, 18))))

    assert not any(p.text.startswith("抄送") for p in doc.paragraphs)


def test_the_contacts_are_punctuated_in_the_pages_language(client, plan_week):
    chinese = _contacts_block(client.get(reverse("home")).content.decode())
    english = _contacts_block(client.get("/en/").content.decode())

    assert "陈莉；信息报送联系人 胡丹" in chinese
    assert "；" not in english and "陈莉; " in english


def test_a_venues_page_in_english_says_its_lists_in_the_plural(client, week):
    main = factories.venue(kind="main")
    factories.venue(kind="sub", parent=main)

    page = client.get(f"/en/venues/{main.pk}/").content.decode()

    assert ">Sub-venues</h2>" in page and ">Events</h2>" in page
