"""The read-only observers (publicity department, city leaders): they read the board, the
report pages, the summaries and accepted media; they review nothing, download no day files,
and see organizers' phone numbers only when the office granted ``events.view_contact_phones``."""

import io

import pytest
import rules
import time_machine
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from core.roles import OBSERVER_GROUP
from events.models import Event
from submissions.models import DailyReport
from tests import factories

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def day_of_reports():
    week = factories.week()
    unit = factories.organizer()
    reporter = factories.member(unit, phone=PHONE)

    def event(**fields):
        return factories.complete_event(
            week=week,
            host=unit,
            reporter=reporter,
            status=Event.Status.APPROVED,
            contact_phone=PHONE,
            **fields,
        )

    day = week.starts_on
    submitted = factories.report(event=event(subtitle="待审的活动"), day=day, status="submitted", photos=1)
    accepted = factories.report(
        event=event(subtitle="已采用的活动"), day=day, status="accepted", photos=1, failed=1
    )
    missing = event(subtitle="未报送的活动")
    return {"week": week, "day": day, "submitted": submitted, "accepted": accepted, "missing": missing}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _grant_phones(user):
    user.user_permissions.add(Permission.objects.get(codename="view_contact_phones"))


def test_an_observer_is_sent_to_the_board_and_reads_it_without_review_tools(day_of_reports):
    observer = factories.observer(password=factories.PASSWORD)
    client = Client()
    client.login(username=observer.username, password=factories.PASSWORD)

    landing = client.post(reverse("after_login"))
    assert landing["Location"] == reverse("board:home")
    page = client.get(f"{reverse('board:home')}?day={day_of_reports['day'].isoformat()}").content.decode()

    assert "每日信息报送看板" in page and "审核工作台" not in page
    assert "待审的活动" in page and "已采用的活动" in page and "未报送的活动" in page
    assert PHONE not in page  # not granted
    assert 'id="export-xlsx"' not in page and reverse("review_events:queue") not in page
    review_button = f'btn-primary" href="{reverse("board:report", args=[day_of_reports["submitted"].pk])}"'
    assert review_button not in page  # "查看", not "审核"
    assert reverse("board:summary") in page


def test_an_observer_cannot_decide_or_publish(day_of_reports):
    client = _client(factories.observer())
    report = day_of_reports["submitted"]
    media = day_of_reports["accepted"].media.filter(status="passed").get()

    assert client.post(reverse("board:accept", args=[report.pk]), {}).status_code == 403
    assert client.post(reverse("board:return", args=[report.pk]), {"comment": "x"}).status_code == 403
    assert client.post(reverse("board:media_public", args=[media.pk]), {"public": "1"}).status_code == 403
    assert (
        client.get(reverse("board:export", args=[day_of_reports["day"].isoformat(), "xlsx"])).status_code
        == 403
    )
    report.refresh_from_db()
    media.refresh_from_db()
    assert report.status == DailyReport.Status.SUBMITTED and not media.is_public


def test_an_observer_sees_only_the_passed_files_of_accepted_reports(day_of_reports):
    observer = factories.observer()
    client = _client(observer)
    accepted, submitted = day_of_reports["accepted"], day_of_reports["submitted"]
    passed = accepted.media.get(status="passed")
    failed = accepted.media.get(status="failed")

    accepted_page = client.get(reverse("board:report", args=[accepted.pk])).content.decode()
    submitted_page = client.get(reverse("board:report", args=[submitted.pk])).content.decode()

    assert reverse("media_files:serve", args=[passed.pk, "original"]) in accepted_page
    assert reverse("media_files:serve", args=[failed.pk, "original"]) not in accepted_page
    assert 'id="media-withheld"' in accepted_page
    assert 'id="accept-form"' not in submitted_page and 'id="media-withheld"' in submitted_page
    assert reverse("media_files:serve", args=[submitted.media.get().pk, "original"]) not in submitted_page
    assert rules.test_rule("submissions.see_media", observer, passed)
    assert not rules.test_rule("submissions.see_media", observer, failed)
    assert not rules.test_rule("submissions.see_media", observer, submitted.media.get())
    assert client.get(reverse("media_files:serve", args=[failed.pk, "original"])).status_code in (403, 404)


def test_the_office_grants_phone_numbers_to_an_observer(day_of_reports):
    observer = factories.observer()
    board = f"{reverse('board:home')}?day={day_of_reports['day'].isoformat()}"
    summary = f"{reverse('board:summary')}?day={day_of_reports['day'].isoformat()}"
    report = reverse("board:report", args=[day_of_reports["accepted"].pk])
    before = [_client(observer).get(url).content.decode() for url in (board, summary, report)]

    _grant_phones(observer)
    observer = type(observer).objects.get(pk=observer.pk)  # permissions are cached per user object
    after = [_client(observer).get(url).content.decode() for url in (board, summary, report)]

    assert [PHONE in page for page in before] == [False, False, False]
    assert [PHONE in page for page in after] == [True, True, True]


def _cells(xlsx: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(xlsx))
    return [str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_the_summary_files_carry_phones_only_for_those_granted(day_of_reports):
    observer, office = factories.observer(), factories.office_user()
    # After the first day's deadline, so the unfiled event is listed as missing with its phone.
    with time_machine.travel(factories.at(day_of_reports["day"], 20), tick=False):
        files = {
            who: (
                _client(user).get(reverse("board:summary_xlsx")),
                _client(user).get(reverse("board:summary_docx")),
            )
            for who, user in (("observer", observer), ("office", office))
        }

    for xlsx, docx in files.values():
        assert xlsx.status_code == docx.status_code == 200
    assert any("未报送的活动" in cell for cell in _cells(files["observer"][0].content))
    assert not any(PHONE in cell for cell in _cells(files["observer"][0].content))
    assert any(PHONE in cell for cell in _cells(files["office"][0].content))
    assert PHONE not in "".join(p.text for p in Document(io.BytesIO(files["observer"][1].content)).paragraphs)
    assert PHONE in "".join(p.text for p in Document(io.BytesIO(files["office"][1].content)).paragraphs)


def test_the_group_exists_and_the_office_keeps_everything(day_of_reports):
    assert Group.objects.filter(name=OBSERVER_GROUP).exists()  # made by a migration
    office = factories.office_user()
    page = (
        _client(office)
        .get(f"{reverse('board:home')}?day={day_of_reports['day'].isoformat()}")
        .content.decode()
    )

    assert PHONE in page and 'id="export-xlsx"' in page and "审核工作台" in page
