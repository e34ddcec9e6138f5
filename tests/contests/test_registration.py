"""Registration: an account with a confirmed e-mail, an entry saved as a draft and submitted
with its plan (a PDF by content) and video, edited until the deadline, its status; the
organizer's screening (one, many, filters, .xlsx) and promotion from round to round."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contests import services
from contests.models import Entry, EntryFile, FormField, RoundEntry
from events.models import Notice
from tests import factories
from tests.contests import factories as contest_factories

pytestmark = pytest.mark.django_db


def entry_data(contest, **overrides):
    data = {
        "track": contest.tracks.first().pk,
        "name": "智能农业无人机",
        "organization": "昆山飞羽科技有限公司",
        "contact_name": "王芳",
        "contact_phone": "13912345678",
        "contact_email": "wang@example.com",
        "action": "save",
    }
    return {**data, **overrides}


def confirm_link(message) -> str:
    return re.search(r"(/contest/confirm/[^\s?]+/)", message.body).group(1)


def test_a_new_applicant_signs_up_confirms_the_email_and_registers(client, contest, mailbox):
    register = reverse("contest:register", args=[contest.slug])
    assert "注册并继续报名" in client.get(register).content.decode()

    with mailbox.sending():
        response = client.post(
            register,
            {
                "email": "wang@example.com",
                "full_name": "王芳",
                "phone": "13912345678",
                "password1": "a-long-Passphrase-42",
                "password2": "a-long-Passphrase-42",
            },
        )
    assert response.status_code == 302 and response["Location"] == register
    assert [message.to for message in mailbox] == [["wang@example.com"]]

    # Signed in now: the form, prefilled from the account; a draft first.
    page = client.get(register).content.decode()
    assert "wang@example.com" in page and "尚未确认" in page
    response = client.post(
        register, {**entry_data(contest), "plan_upload": contest_factories.pdf_upload(), "action": "submit"}
    )
    entry = Entry.objects.get()
    assert response["Location"] == reverse("contest:entry", args=[entry.pk])
    assert entry.status == Entry.Status.DRAFT and entry.plan  # kept although it could not be submitted
    assert "请先确认您的邮箱" in client.get(response["Location"]).content.decode()

    client.get(confirm_link(mailbox[0]))
    response = client.post(reverse("contest:entry_submit", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED and entry.number == 1 and entry.code == "0001"
    assert Notice.objects.filter(recipient=entry.applicant, title__contains="报名成功").exists()
    page = client.get(reverse("contest:entry", args=[entry.pk])).content.decode()
    assert "已报名，待审核" in page and "0001" in page


def test_a_plan_must_be_a_pdf_by_content_and_a_video_a_video(client, contest):
    person = contest_factories.applicant()
    client.force_login(person)
    register = reverse("contest:register", args=[contest.slug])
    fake = io.BytesIO(b"PK\x03\x04 this is a zip, not a PDF")
    fake.name = "plan.pdf"
    response = client.post(register, {**entry_data(contest), "plan_upload": fake})
    assert response.status_code == 200
    assert "请上传 PDF 文档" in response.content.decode()
    text = io.BytesIO(b"just text")
    text.name = "pitch.mp4"
    response = client.post(
        register, {**entry_data(contest), "plan_upload": contest_factories.pdf_upload(), "video_upload": text}
    )
    assert "请上传 MP4" in response.content.decode()
    assert not Entry.objects.exists()

    response = client.post(
        register,
        {
            **entry_data(contest),
            "plan_upload": contest_factories.pdf_upload(),
            "video_upload": contest_factories.mp4_upload(),
            "action": "submit",
        },
    )
    entry = Entry.objects.get()
    assert entry.status == Entry.Status.SUBMITTED
    assert entry.video.name.endswith(".mp4") and entry.plan.name.endswith(".pdf")
    assert client.get(reverse("contest:entry_plan", args=[entry.pk])).status_code == 200


def test_the_contests_own_questions(client, contest):
    text = FormField.objects.create(
        contest=contest, label="项目简介", kind="text", multiline=True, required=True
    )
    choice = FormField.objects.create(
        contest=contest, label="所处阶段", kind="choice", choices=["创意", "初创", "成长"], required=True
    )
    members = FormField.objects.create(
        contest=contest, label="团队成员", kind="members", max_members=3, required=False
    )
    document = FormField.objects.create(contest=contest, label="营业执照", kind="file", required=True)
    client.force_login(contest_factories.applicant())
    register = reverse("contest:register", args=[contest.slug])
    data = {**entry_data(contest), "action": "submit"}

    response = client.post(
        register, {**data, "plan_upload": contest_factories.pdf_upload(), f"q_{choice.pk}": "不存在"}
    )
    assert response.status_code == 200 and not Entry.objects.exists()

    client.post(
        register,
        {
            **data,
            "plan_upload": contest_factories.pdf_upload(),
            f"q_{text.pk}": "第一行\n第二行",
            f"q_{choice.pk}": "初创",
        },
    )
    entry = Entry.objects.get()
    assert entry.status == Entry.Status.DRAFT  # the required file is missing
    assert services.missing_for_submit(entry) == ["营业执照"]

    response = client.post(
        reverse("contest:entry_edit", args=[entry.pk]),
        {
            **data,
            f"q_{text.pk}": "第一行\n第二行",
            f"q_{choice.pk}": "初创",
            f"q_{members.pk}": "张三 负责人\n李四，技术",
            f"q_{document.pk}": contest_factories.pdf_upload("licence.pdf"),
        },
    )
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED
    assert entry.answers[str(choice.pk)] == "初创"
    assert entry.answers[str(members.pk)] == [
        {"name": "张三", "role": "负责人"},
        {"name": "李四", "role": "技术"},
    ]
    assert EntryFile.objects.filter(entry=entry, field=document).exists()

    too_many = "\n".join(f"成员{n}" for n in range(4))
    response = client.post(
        reverse("contest:entry_edit", args=[entry.pk]),
        {**data, f"q_{members.pk}": too_many, "action": "save"},
    )
    assert "最多填写 3 位成员" in response.content.decode()


def test_an_entry_is_edited_until_the_deadline_and_screened_again_after_a_change(
    client, contest, organizer_member
):
    person = contest_factories.applicant()
    entry = contest_factories.entry(contest=contest, applicant=person)
    services.entries_screen(entries=[entry], by=organizer_member, eligible=True)
    client.force_login(person)
    edit = reverse("contest:entry_edit", args=[entry.pk])

    client.post(edit, entry_data(contest, name="智能农业无人机 2.0"))
    entry.refresh_from_db()
    assert entry.name == "智能农业无人机 2.0" and entry.status == Entry.Status.SUBMITTED

    with time_machine.travel(contest.registration_closes_at + dt.timedelta(minutes=1)):
        assert client.get(edit).status_code == 403
        assert client.post(edit, entry_data(contest, name="截止后修改")).status_code == 403
        page = client.get(reverse("contest:entry", args=[entry.pk])).content.decode()
        assert "报名已截止，报名信息不能再修改" in page
    entry.refresh_from_db()
    assert entry.name == "智能农业无人机 2.0"


def test_one_entry_per_applicant_and_contest(client, contest):
    person = contest_factories.applicant()
    entry = contest_factories.entry(contest=contest, applicant=person)
    client.force_login(person)
    response = client.get(reverse("contest:register", args=[contest.slug]))
    assert response["Location"] == reverse("contest:entry", args=[entry.pk])


def test_screening_one_and_many_tells_the_applicants(client, contest, organizer_member, mailbox):
    entries = [contest_factories.entry(contest=contest) for _ in range(3)]
    client.force_login(organizer_member)
    url = reverse("contests:entries", args=[contest.pk])

    client.post(url, {"entries": [e.pk for e in entries[:2]], "action": "ineligible", "reason": ""})
    assert Entry.objects.filter(status=Entry.Status.INELIGIBLE).count() == 0  # a reason is needed
    with mailbox.sending():
        client.post(
            url,
            {"entries": [e.pk for e in entries[:2]], "action": "ineligible", "reason": "不属于本市注册企业"},
        )
        client.post(url, {"entries": [entries[2].pk], "action": "eligible"})
    statuses = dict(Entry.objects.values_list("pk", "status"))
    assert [statuses[e.pk] for e in entries] == ["ineligible", "ineligible", "eligible"]
    assert len(mailbox) == 3
    assert "不属于本市注册企业" in mailbox[0].body

    client.post(reverse("contests:screen", args=[entries[0].pk]), {"decision": "eligible"})
    assert Entry.objects.get(pk=entries[0].pk).status == Entry.Status.ELIGIBLE


def test_filters_and_the_xlsx_export(client, contest, organizer_member):
    field = FormField.objects.create(contest=contest, label="所在区镇", kind="text")
    enterprise, team = contest.tracks.all()
    a = contest_factories.entry(
        contest=contest,
        track=enterprise,
        name="固态电池",
        organization="锂安",
        answers={str(field.pk): "玉山镇"},
    )
    b = contest_factories.entry(
        contest=contest, track=team, name="无人机巡检", organization="飞羽", status=Entry.Status.ELIGIBLE
    )
    contest_factories.entry(contest=contest, status=Entry.Status.DRAFT, name="草稿不显示")
    client.force_login(organizer_member)
    url = reverse("contests:entries", args=[contest.pk])

    def names(query):
        return [entry.name for entry in client.get(url, query).context["entries"]]

    assert names({}) == ["固态电池", "无人机巡检"]
    assert names({"track": team.pk}) == ["无人机巡检"]
    assert names({"status": "eligible"}) == ["无人机巡检"]
    assert names({"q": "电池"}) == ["固态电池"]
    assert names({"q": str(b.number)}) == ["无人机巡检"]

    response = client.get(reverse("contests:entries_xlsx", args=[contest.pk]), {"track": enterprise.pk})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [row[1] for row in rows] == ["固态电池"]
    assert rows[0][-1] == "玉山镇" and rows[0][0] == a.code


def test_register_screen_and_promote_to_the_final_round(client, contest, organizer_member):
    """The issue's acceptance path: register → screen → promote round by round to the final."""
    first, second, final = (contest_factories.round_(contest=contest, number=n) for n in (1, 2, 3))
    entries = [contest_factories.entry(contest=contest) for _ in range(4)]
    client.force_login(organizer_member)
    url = reverse("contests:entries", args=[contest.pk])
    client.post(url, {"entries": [e.pk for e in entries[:3]], "action": "eligible"})

    # Only eligible entries enter the first round; only the first round's the second.
    client.post(url, {"entries": [e.pk for e in entries], "action": "advance", "round": first.pk})
    assert list(first.lineup.values_list("entry_id", flat=True)) == [e.pk for e in entries[:3]]
    client.post(url, {"entries": [entries[0].pk, entries[3].pk], "action": "advance", "round": final.pk})
    assert not final.lineup.exists()  # not in the round before
    client.post(url, {"entries": [e.pk for e in entries[:2]], "action": "advance", "round": second.pk})
    client.post(url, {"entries": [entries[0].pk], "action": "advance", "round": final.pk})

    assert list(final.lineup.values_list("entry_id", flat=True)) == [entries[0].pk]
    assert Entry.objects.get(pk=entries[0].pk).reached_round == final
    assert [e.name for e in client.get(url, {"round": second.pk}).context["entries"]] == [
        e.name for e in entries[:2]
    ]
    assert Notice.objects.filter(recipient=entries[0].applicant, title__contains="晋级").count() == 3
    assert RoundEntry.objects.filter(entry=entries[3]).count() == 0


def test_withdrawing_before_the_deadline(client, contest):
    person = contest_factories.applicant()
    entry = contest_factories.entry(contest=contest, applicant=person)
    client.force_login(person)
    client.post(reverse("contest:entry_withdraw", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WITHDRAWN
    assert client.get(reverse("contest:entry_edit", args=[entry.pk])).status_code == 403


def test_a_confirmation_link_for_an_old_address_does_not_confirm_the_new_one(client, mailbox):
    with mailbox.sending():
        person = services.applicant_sign_up(
            email="old@example.com", password="x-Passphrase-42", full_name="赵六"
        )
    link = confirm_link(mailbox[0])
    person.email = "new@example.com"
    person.save()
    assert client.get(link).status_code == 410
    assert not services.email_is_confirmed(person)


def test_an_existing_account_signs_in_instead(client, contest):
    factories.user(email="taken@example.com")
    response = client.post(
        reverse("contest:register", args=[contest.slug]),
        {
            "email": "taken@example.com",
            "full_name": "某人",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
    )
    assert "该邮箱已有账号" in response.content.decode()
    assert not mail.outbox


def test_registration_outside_the_window_is_refused(client, contest):
    contest.registration_opens_at = timezone.now() + dt.timedelta(days=1)
    contest.registration_closes_at = timezone.now() + dt.timedelta(days=2)
    contest.save()
    client.force_login(contest_factories.applicant())
    response = client.get(reverse("contest:register", args=[contest.slug]))
    assert response.status_code == 403 and "报名未开放或已截止" in response.content.decode()


def test_the_contests_public_pages_name_their_language_in_the_address(client, contest):
    chinese = client.get(reverse("contest:list"))
    english = client.get("/en" + reverse("contest:list"))

    # A visitor gets no cookie and a page any cache may keep; English is at /en/contest/.
    assert not chinese.cookies and chinese["Cache-Control"].startswith("public")
    assert contest.title in chinese.content.decode()
    assert english.status_code == 200 and english["Content-Language"] == "en"
    assert 'href="/contest/" hreflang="zh-Hans"' in english.content.decode()
