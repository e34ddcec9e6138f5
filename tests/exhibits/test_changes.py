"""An accepted project stays public while its holder's changes are in review: the public sees
the last accepted version (title, cover, images, documents) until a curator accepts the
changes; returned, the holder edits them again; not accepted, they are discarded."""

import pytest
from django.test import Client
from django.urls import reverse

from exhibits.models import COOPERATION_BITS, Pending, Project, ProjectImage, ProjectReview, ProjectRevision
from tests.exhibits import factories as exhibit_factories
from tests.exhibits.test_flow import project_data

pytestmark = pytest.mark.django_db

A = ProjectReview.Action
OLD, NEW = "固态锂电池隔膜材料", "固态锂电池隔膜材料（第二代）"


@pytest.fixture
def accepted(hall, holder):
    """An accepted project holding the values ``project_data`` posts (so posting them changes nothing)."""
    data = project_data(hall)
    project = exhibit_factories.project(
        exhibition=hall,
        owner=holder,
        section=hall.sections.get(name="碳中和"),
        cooperation=COOPERATION_BITS["transfer"] | COOPERATION_BITS["codevelop"],
        **{name: data[name] for name in ("title", "pitch", "stage", "organization", "team", "description")},
        **{name: data[name] for name in ("contact_name", "contact_phone", "contact_email")},
    )
    project.cover.save("cover.png", exhibit_factories.png_upload(size=(80, 40)), save=True)
    return project


@pytest.fixture
def clients(holder, curator, mailbox):
    def logged_in(user):
        client = Client()
        client.force_login(user)
        return client

    return logged_in(holder), logged_in(curator), Client()


def edit(client, project, mailbox, **changes):
    with mailbox.sending():
        return client.post(
            reverse("exhibits:project_edit", args=[project.pk]),
            project_data(project.exhibition, action="save", **changes),
        )


def decide(client, project, mailbox, decision, reason=""):
    with mailbox.sending():
        response = client.post(
            reverse("exhibits:review", args=[project.pk]), {"decision": decision, "reason": reason}
        )
    assert response.status_code == 302, response.content.decode()[:2000]


def public_html(public, project) -> str:
    response = public.get(reverse("expo:project", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode() + public.get(reverse("expo:hall")).content.decode()


def test_the_public_sees_the_old_title_until_the_curator_accepts_the_change(accepted, clients, mailbox):
    holder_client, curator_client, public = clients
    edit(holder_client, accepted, mailbox, title=OLD)  # the form's values as they are: nothing to review
    assert not ProjectRevision.objects.exists()
    assert OLD in public_html(public, accepted)  # cached from now on

    response = edit(holder_client, accepted, mailbox, title=NEW)

    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == Project.Status.ACCEPTED and accepted.title == OLD
    assert accepted.revision.title == NEW and accepted.revision.status == ProjectRevision.Status.PENDING
    html = public_html(public, accepted)
    assert OLD in html and NEW not in html
    review = curator_client.get(reverse("exhibits:review", args=[accepted.pk])).content.decode()
    assert "审核修改" in review and f"<del>{OLD}</del> → <ins>{NEW}</ins>" in review
    assert "?status=changes" in curator_client.get(reverse("exhibits:home")).content.decode()
    queue = curator_client.get(reverse("exhibits:hall", args=[accepted.exhibition_id]) + "?status=changes")
    assert list(queue.context["projects"]) == [accepted]

    decide(curator_client, accepted, mailbox, "accept")

    accepted.refresh_from_db()
    assert accepted.title == NEW and not ProjectRevision.objects.exists()
    html = public_html(public, accepted)
    assert NEW in html
    assert list(accepted.reviews.values_list("action", flat=True)) == [A.REVISE, A.REVISE_ACCEPT]


def test_returned_changes_are_edited_again_and_rejected_ones_are_discarded(accepted, clients, mailbox):
    holder_client, curator_client, public = clients
    edit(holder_client, accepted, mailbox, title=NEW)
    seen = curator_client.get(reverse("exhibits:review", args=[accepted.pk])).context["form"]["seen"].value()
    # The holder changes them again while they wait: a decision on what the curator saw is stale.
    edit(holder_client, accepted, mailbox, title=NEW, stage="production")
    with mailbox.sending():
        stale = curator_client.post(
            reverse("exhibits:review", args=[accepted.pk]), {"decision": "accept", "reason": "", "seen": seen}
        )
    assert stale.status_code == 200 and "项目方刚刚又修改了展项" in stale.content.decode()
    accepted.refresh_from_db()
    assert accepted.title == OLD and accepted.revision.stage == "production"

    decide(curator_client, accepted, mailbox, "return", "请补充量产数据。")

    accepted.refresh_from_db()
    assert accepted.revision.status == ProjectRevision.Status.RETURNED
    assert "请补充量产数据" in mailbox[-1].body and "展厅仍显示原来的版本" in mailbox[-1].body
    detail = holder_client.get(reverse("exhibits:project", args=[accepted.pk])).content.decode()
    assert "请补充量产数据" in detail and "修改已退回" in detail
    form = holder_client.get(reverse("exhibits:project_edit", args=[accepted.pk])).context["form"]
    assert form["title"].value() == NEW and form["stage"].value() == "production"  # from where they left off
    assert OLD in public_html(public, accepted)

    edit(holder_client, accepted, mailbox, title=NEW, stage="production", pitch="量产良品率 98%")
    accepted.refresh_from_db()
    assert accepted.revision.status == ProjectRevision.Status.PENDING

    decide(curator_client, accepted, mailbox, "reject", "与展厅主题不符。")

    accepted.refresh_from_db()
    assert not ProjectRevision.objects.exists()
    assert (accepted.status, accepted.title, accepted.stage) == (Project.Status.ACCEPTED, OLD, "pilot")
    assert OLD in public_html(public, accepted)
    assert list(accepted.reviews.values_list("action", flat=True)) == [
        A.REVISE,
        A.REVISE_RETURN,
        A.REVISE,
        A.REVISE_REJECT,
    ]


def test_images_documents_and_cover_wait_for_the_changes_to_be_accepted(accepted, clients, mailbox, holder):
    holder_client, curator_client, public = clients
    shown = ProjectImage.objects.create(project=accepted, image=exhibit_factories.png_upload("shown.png"))
    old_cover = accepted.cover.name
    storage = accepted.cover.storage
    with mailbox.sending():
        holder_client.post(
            reverse("exhibits:image_add", args=[accepted.pk]), {"image": exhibit_factories.jpeg_upload()}
        )
    added = ProjectImage.objects.get(pending=Pending.ADD)
    with mailbox.sending():
        holder_client.post(reverse("exhibits:image_delete", args=[shown.pk]))
    assert ProjectImage.objects.get(pk=shown.pk).pending == Pending.DELETE
    # A new cover too, while the old one stays public.
    edit(holder_client, accepted, mailbox, cover=exhibit_factories.jpeg_upload("new.jpg", size=(120, 60)))

    accepted.refresh_from_db()
    revision = accepted.revision
    assert revision.cover and accepted.cover.name == old_cover
    page = public.get(reverse("expo:project", args=[accepted.pk])).content.decode()
    assert reverse("expo:image", args=[accepted.pk, shown.pk]) in page
    assert reverse("expo:image", args=[accepted.pk, added.pk]) not in page
    assert public.get(reverse("expo:image", args=[accepted.pk, added.pk])).status_code == 404
    assert holder_client.get(reverse("expo:image", args=[accepted.pk, added.pk])).status_code == 200
    assert holder_client.get(reverse("exhibits:revision_cover", args=[accepted.pk])).status_code == 200
    assert public.get(reverse("exhibits:revision_cover", args=[accepted.pk])).status_code == 302  # to login

    decide(curator_client, accepted, mailbox, "accept")

    accepted.refresh_from_db()
    assert accepted.cover.name == revision.cover.name and not storage.exists(old_cover)
    assert list(accepted.images.values_list("pk", "pending")) == [(added.pk, "")]
    assert not storage.exists(shown.image.name)
    page = public.get(reverse("expo:project", args=[accepted.pk])).content.decode()
    assert reverse("expo:image", args=[accepted.pk, added.pk]) in page


def test_contacts_change_at_once_and_undoing_every_change_drops_the_revision(accepted, clients, mailbox):
    holder_client, curator_client, _public = clients
    edit(holder_client, accepted, mailbox, title=OLD, contact_phone="13900000002")
    accepted.refresh_from_db()
    assert accepted.contact_phone == "13900000002" and not ProjectRevision.objects.exists()

    with mailbox.sending():
        holder_client.post(
            reverse("exhibits:image_add", args=[accepted.pk]), {"image": exhibit_factories.png_upload()}
        )
    added = ProjectImage.objects.get(pending=Pending.ADD)
    assert ProjectRevision.objects.get().status == ProjectRevision.Status.PENDING

    decide(curator_client, accepted, mailbox, "return", "图片太小。")
    with mailbox.sending():
        holder_client.post(reverse("exhibits:image_delete", args=[added.pk]))

    assert not ProjectImage.objects.filter(pk=added.pk).exists()
    assert not ProjectRevision.objects.exists()  # nothing left to review
    assert not holder_client.get(reverse("exhibits:project", args=[accepted.pk])).context["revision"]
