"""The holder's way into the public hall, end to end through the pages:
invitation → account → project → returned → resubmitted → accepted → public → edited → back
in review (and out of the hall) → accepted again."""

import re

import pytest
from django.urls import reverse

from exhibits.models import Holder, Project, ProjectReview
from tests import factories
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db

A = ProjectReview.Action


def project_data(hall, **overrides):
    data = {
        "title": "固态锂电池隔膜材料",
        "pitch": "耐高温、不起火的电池隔膜",
        "section": hall.sections.get(name="碳中和").pk,
        "stage": "pilot",
        "cooperation_sought": ["transfer", "codevelop"],
        "organization": "某某理工大学",
        "team": "张教授（负责人）、李博士",
        "description": "第一段。\n\n第二段。",
        "contact_name": "李老师",
        "contact_phone": "13800000008",
        "contact_email": "li@example.edu.cn",
        "action": "submit",
    }
    return {**data, **overrides}


def test_invited_holder_is_returned_resubmits_and_reaches_the_public_hall(client, hall, curator, mailbox):
    # The curator invites a university's contact by e-mail.
    curator_client = factories_client(curator)
    with mailbox.sending():
        response = curator_client.post(
            reverse("exhibits:invite", args=[hall.pk]),
            {"emails": "li@example.edu.cn", "organization": "某某理工大学"},
        )
    assert response.status_code == 302
    assert len(mailbox) == 1
    link = re.search(r"(/exhibits/invitation/\S+/)", mailbox[0].body).group(1)

    # The invitee creates an account from the link and lands in the area.
    page = client.get(link)
    assert page.status_code == 200
    assert "li@example.edu.cn" in page.content.decode()
    response = client.post(
        link,
        {
            "full_name": "李老师",
            "organization": "某某理工大学",
            "phone": "13800000008",
            "password1": factories.PASSWORD,
            "password2": factories.PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("exhibits:home")
    holder = Holder.objects.get(exhibition=hall)
    assert holder.user.email == "li@example.edu.cn"
    assert holder.organization == "某某理工大学"
    assert client.get(link).status_code == 410  # single use

    # The holder submits a project with a cover.
    data = project_data(hall, cover=exhibit_factories.png_upload())
    response = client.post(reverse("exhibits:project_create", args=[hall.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    project = Project.objects.get()
    assert project.status == Project.Status.SUBMITTED
    assert project.cover.name.endswith(".png")
    assert project.cooperation_codes == ["transfer", "codevelop"]
    assert client.get(reverse("expo:project", args=[project.pk])).status_code == 404

    # The curator returns it with a reason; the holder is told.
    with mailbox.sending():
        response = curator_client.post(
            reverse("exhibits:review", args=[project.pk]),
            {"decision": "return", "reason": "请补充中试数据。"},
        )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.RETURNED
    assert "请补充中试数据" in mailbox[-1].body
    detail = client.get(reverse("exhibits:project", args=[project.pk])).content.decode()
    assert "请补充中试数据" in detail

    # The holder edits and resubmits.
    response = client.post(
        reverse("exhibits:project_edit", args=[project.pk]),
        project_data(hall, description="补充了中试数据：良品率 98%。"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED

    # Accepted, it is in the public hall and has a page.
    hall_url = reverse("expo:hall")
    assert "固态锂电池隔膜材料" not in client.get(hall_url).content.decode()
    with mailbox.sending():
        curator_client.post(
            reverse("exhibits:review", args=[project.pk]), {"decision": "accept", "reason": ""}
        )
    project.refresh_from_db()
    assert project.status == Project.Status.ACCEPTED
    anonymous = factories_client(None)
    assert "固态锂电池隔膜材料" in anonymous.get(hall_url).content.decode()
    page = anonymous.get(reverse("expo:project", args=[project.pk])).content.decode()
    assert "良品率 98%" in page
    assert "li@example.edu.cn" not in page and "13800000008" not in page  # contacts never public

    # An edit after acceptance goes to review; the public keeps the accepted version (the
    # cached pages too) until a curator accepts the changes.
    project_url = reverse("expo:project", args=[project.pk])
    with mailbox.sending():
        client.post(
            reverse("exhibits:project_edit", args=[project.pk]),
            project_data(
                hall, title="固态锂电池隔膜材料（第二代）", contact_phone="13900000001", action="save"
            ),
        )
    project.refresh_from_db()
    assert project.status == Project.Status.ACCEPTED and project.has_pending_changes
    assert project.title == "固态锂电池隔膜材料" and project.contact_phone == "13900000001"
    for url in (hall_url, project_url):
        html = anonymous.get(url).content.decode()
        assert "固态锂电池隔膜材料" in html and "第二代" not in html, url
    assert "第二代" in client.get(reverse("exhibits:project", args=[project.pk])).content.decode()

    with mailbox.sending():
        curator_client.post(reverse("exhibits:review", args=[project.pk]), {"decision": "accept"})
    assert "已通过审核" in mailbox[-1].body
    project.refresh_from_db()
    assert project.title == "固态锂电池隔膜材料（第二代）" and not project.has_pending_changes
    assert "固态锂电池隔膜材料（第二代）" in anonymous.get(project_url).content.decode()
    assert "固态锂电池隔膜材料（第二代）" in anonymous.get(hall_url).content.decode()
    assert list(project.reviews.values_list("action", "by__email")) == [
        (A.SUBMIT, "li@example.edu.cn"),
        (A.RETURN, curator.email),
        (A.SUBMIT, "li@example.edu.cn"),
        (A.ACCEPT, curator.email),
        (A.REVISE, "li@example.edu.cn"),
        (A.REVISE_ACCEPT, curator.email),
    ]
    assert project.reviews.get(action=A.RETURN).reason == "请补充中试数据。"


def test_open_link_lets_a_signed_in_person_join_and_a_new_link_retires_the_old(client, hall, curator):
    from exhibits import services

    link = reverse("exhibits:join", args=[services.join_link_token(hall)])
    person = factories.user()
    client.force_login(person)
    assert client.get(link).status_code == 200
    response = client.post(link, {"organization": "某某科技公司"})
    assert response.status_code == 302
    assert Holder.objects.filter(exhibition=hall, user=person, organization="某某科技公司").exists()
    assert client.get(reverse("exhibits:project_create", args=[hall.pk])).status_code == 200

    services.join_link_renew(exhibition=hall, by=curator)
    assert client.get(link).status_code == 410


def test_open_link_sign_up_refuses_an_address_that_has_an_account(client, hall):
    from exhibits import services

    factories.user(email="taken@example.com")
    link = reverse("exhibits:join", args=[services.join_link_token(hall)])
    response = client.post(
        link,
        {
            "email": "taken@example.com",
            "full_name": "王五",
            "organization": "某公司",
            "password1": factories.PASSWORD,
            "password2": factories.PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "该邮箱已有账号" in response.content.decode()
    assert not Holder.objects.exists()


def test_a_draft_cannot_be_submitted_after_the_call_closed(client, hall, holder):
    from django.utils import timezone

    project = exhibit_factories.project(exhibition=hall, owner=holder, status=Project.Status.DRAFT)
    hall.call_closes_at = timezone.now() - timezone.timedelta(minutes=1)
    hall.save()
    client.force_login(holder)

    client.post(reverse("exhibits:project_submit", args=[project.pk]))

    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT
    assert client.get(reverse("exhibits:project_create", args=[hall.pk])).status_code == 403


def test_submitting_asks_for_what_review_needs(client, hall, holder):
    client.force_login(holder)
    response = client.post(
        reverse("exhibits:project_create", args=[hall.pk]), {"title": "只有标题", "action": "submit"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["pitch"] == ["提交审核时必填。"]
    assert not Project.objects.exists()  # all or nothing: the draft is not kept either

    response = client.post(
        reverse("exhibits:project_create", args=[hall.pk]), {"title": "只有标题", "action": "save"}
    )
    assert response.status_code == 302
    assert Project.objects.get().status == Project.Status.DRAFT


def test_a_curator_features_accepted_projects_first_in_the_hall(client, hall, curator, mailbox):
    first, second = (
        exhibit_factories.project(exhibition=hall, title=title) for title in ("甲项目", "乙项目")
    )
    curator_client = factories_client(curator)
    assert client.get(reverse("expo:hall")).status_code == 200  # cached now

    with mailbox.sending():
        curator_client.post(reverse("exhibits:feature", args=[second.pk]), {"order": "1"})
    html = client.get(reverse("expo:hall")).content.decode()
    assert html.index("乙项目") < html.index("甲项目")

    curator_client.post(reverse("exhibits:feature", args=[second.pk]), {"order": ""})
    second.refresh_from_db()
    assert second.featured_order is None


def factories_client(user):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_saving_an_accepted_project_unchanged_keeps_it_in_the_hall(client, hall, holder):
    project = exhibit_factories.project(
        exhibition=hall, owner=holder, section=hall.sections.get(name="碳中和")
    )
    client.force_login(holder)
    form = client.get(reverse("exhibits:project_edit", args=[project.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if name != "cover"}
    data = {name: ("" if value is None else value) for name, value in data.items()}

    response = client.post(
        reverse("exhibits:project_edit", args=[project.pk]), {**data, "action": "save"}, follow=True
    )

    project.refresh_from_db()
    assert project.status == Project.Status.ACCEPTED
    assert "没有修改" in response.content.decode()
