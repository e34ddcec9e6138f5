"""The hall's permission matrix: every URL of the app, as anonymous, holder A, holder B,
the curator of hall X, the curator of hall Y and the office, against holder B's objects in
hall X (so holder A meets another holder's objects and curator Y another hall's).

Expected: anonymous → the login page (302) in the signed-in area; another holder's or
another hall's object → 404; an action the role may not take on an object it can see → 403;
a successful POST → 302 back to a page.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from exhibits import services
from exhibits.models import (
    Curator,
    Holder,
    HolderInvitation,
    Intent,
    Presentation,
    Project,
    ProjectDocument,
    ProjectImage,
    ProjectImportJob,
    ProjectRevision,
    ProjectVideo,
)
from exhibits.views.public import intent_token
from tests import factories
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db

ANON, HOLDER_A, HOLDER_B, CURATOR_X, CURATOR_Y, OFFICE = (
    "anonymous",
    "holder_a",
    "holder_b",
    "curator_x",
    "curator_y",
    "office",
)
ROLES = (ANON, HOLDER_A, HOLDER_B, CURATOR_X, CURATOR_Y, OFFICE)


def row(anon, holder_a, holder_b, curator_x, curator_y, office):
    return dict(zip(ROLES, (anon, holder_a, holder_b, curator_x, curator_y, office), strict=True))


EVERYONE_200 = row(200, 200, 200, 200, 200, 200)
# name → (method, object key for the URL's arguments, expected status per role)
MATRIX = {
    # The public hall.
    "expo:hall": ("get", None, EVERYONE_200),
    "expo:exhibition": ("get", "hall_x_slug", EVERYONE_200),
    "expo:project": ("get", "accepted_b", EVERYONE_200),
    "expo:cover": ("get", "accepted_b", EVERYONE_200),
    # Files of a project not yet public: its holder, its curators, the office.
    "expo:image": ("get", "image_b", row(404, 404, 200, 200, 404, 200)),
    "expo:document": ("get", "document_b", row(404, 404, 200, 200, 404, 200)),
    # The web versions of a public project's video; those of a project not yet public are its
    # holder's, its curators' and the office's; the upload itself is served to nobody.
    "expo:video": ("get", "video_b", EVERYONE_200),
    "expo:video_poster": ("get", "video_b", EVERYONE_200),
    "expo:intent": ("get", "accepted_b", EVERYONE_200),
    "expo:intent_confirm": ("get", "intent_token", EVERYONE_200),
    "expo:intent_done": ("get", None, EVERYONE_200),
    # Joining: the signed link is the capability; holders already in are sent home.
    "exhibits:join": ("get", "join_token", row(200, 302, 302, 200, 200, 200)),
    "exhibits:invitation": ("get", "invitation_token", row(200, 302, 302, 200, 200, 200)),
    # The area.
    "exhibits:home": ("get", None, row(302, 200, 200, 200, 200, 200)),
    "exhibits:intents": ("get", None, row(302, 200, 200, 200, 200, 200)),
    "exhibits:project_create": ("get", "hall_x", row(302, 200, 200, 404, 404, 404)),
    "exhibits:project": ("get", "draft_b", row(302, 404, 200, 200, 404, 200)),
    "exhibits:project_edit": ("get", "draft_b", row(302, 404, 200, 403, 404, 403)),
    "exhibits:project_submit": ("post", "draft_b", row(302, 404, 302, 403, 404, 403)),
    "exhibits:image_add": ("post", "draft_b", row(302, 404, 302, 403, 404, 403)),
    "exhibits:image_delete": ("post", "image_b", row(302, 404, 302, 403, 404, 403)),
    "exhibits:document_add": ("post", "draft_b", row(302, 404, 302, 403, 404, 403)),
    # Its resumable upload (tus), as the video's below.
    "exhibits:document_resumable": ("post", "draft_b", row(302, 404, 412, 403, 404, 403)),
    "exhibits:document_resumable_upload": ("get", "upload_b", row(302, 404, 404, 403, 404, 403)),
    "exhibits:document_delete": ("post", "document_b", row(302, 404, 302, 403, 404, 403)),
    "exhibits:video_add": ("post", "draft_b", row(302, 404, 302, 403, 404, 403)),
    # Its resumable upload (tus): the holder's POST without the protocol's header is a 412; an
    # upload is only its uploader's (a made-up id: a 404 for the holder too).
    "exhibits:video_resumable": ("post", "draft_b", row(302, 404, 412, 403, 404, 403)),
    "exhibits:video_resumable_upload": ("get", "upload_b", row(302, 404, 404, 403, 404, 403)),
    "exhibits:video_delete": ("post", "draft_video_b", row(302, 404, 302, 403, 404, 403)),
    "exhibits:signing_create": ("get", "accepted_b", row(302, 404, 200, 200, 404, 200)),
    "exhibits:intent_answer": ("post", "intent_b", row(302, 404, 302, 302, 404, 302)),
    # A curator's hall.
    "exhibits:hall": ("get", "hall_x", row(302, 404, 404, 200, 404, 200)),
    "exhibits:invite": ("get", "hall_x", row(302, 404, 404, 200, 404, 200)),
    "exhibits:join_link_renew": ("post", "hall_x", row(302, 404, 404, 302, 404, 302)),
    "exhibits:hall_intents": ("get", "hall_x", row(302, 404, 404, 200, 404, 200)),
    "exhibits:totals": ("get", "hall_x", row(302, 404, 404, 200, 404, 200)),
    # The projects a 路演 of the hall's week presents: the hall's curators and the office.
    "exhibits:presentations": ("get", "hall_x", row(302, 404, 404, 200, 404, 200)),
    "exhibits:event_presentations": ("get", "roadshow_x", row(302, 404, 404, 200, 404, 200)),
    "exhibits:totals_xlsx": ("get", "hall_x", row(302, 404, 404, 200, 404, 200)),
    "exhibits:hall_chart": ("get", "hall_x", row(302, 404, 404, 200, 404, 200)),  # the totals' charts
    "exhibits:review": ("get", "submitted_b", row(302, 404, 403, 200, 404, 200)),
    # The new cover of an accepted project's changes in review: never public.
    "exhibits:revision_cover": ("get", "changed_b", row(302, 404, 200, 200, 404, 200)),
    # Bulk import: the hall's curators and the office.
    "exhibits:import": ("get", "hall_x", row(302, 404, 404, 200, 404, 200)),
    "exhibits:import_template": ("get", "hall_x", row(302, 404, 404, 200, 404, 200)),
    "exhibits:import_job": ("get", "job_x", row(302, 404, 404, 200, 404, 200)),
    "exhibits:import_progress": ("get", "job_x", row(302, 404, 404, 200, 404, 200)),
    # A holder's e-mail address: the signed link is the capability; a new link for one's own hall.
    "exhibits:holder_confirm": ("get", "confirm_token", EVERYONE_200),
    "exhibits:holder_confirm_send": ("post", "hall_x", row(302, 302, 302, 404, 404, 404)),
    "exhibits:holder_remove": ("post", "holder_b", row(302, 404, 404, 302, 404, 302)),
    "exhibits:feature": ("post", "accepted_b", row(302, 404, 403, 302, 404, 302)),
}


def _names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            yield from _names(entry, inner)
        elif isinstance(entry, URLPattern) and namespace in ("expo", "exhibits"):
            yield f"{namespace}:{entry.name}"


def test_the_matrix_covers_every_url_of_the_app():
    assert set(_names()) == set(MATRIX)


@pytest.fixture
def world():
    hall_x = exhibit_factories.exhibition()
    hall_y = exhibit_factories.exhibition()
    for hall in (hall_x, hall_y):
        exhibit_factories.section(exhibition=hall, name="碳中和")
    holder_a = exhibit_factories.holder(exhibition=hall_x)
    holder_b = exhibit_factories.holder(exhibition=hall_x)
    holder_y = exhibit_factories.holder(exhibition=hall_y)
    exhibit_factories.project(exhibition=hall_x, owner=holder_a)
    exhibit_factories.project(exhibition=hall_y, owner=holder_y, status=Project.Status.SUBMITTED)
    draft_b = exhibit_factories.project(exhibition=hall_x, owner=holder_b, status=Project.Status.DRAFT)
    submitted_b = exhibit_factories.project(
        exhibition=hall_x, owner=holder_b, status=Project.Status.SUBMITTED
    )
    accepted_b = exhibit_factories.project(exhibition=hall_x, owner=holder_b)
    accepted_b.cover.save("cover.png", exhibit_factories.png_upload())
    image_b = services.project_image_add(
        project=draft_b, by=holder_b, upload=exhibit_factories.png_upload(), name="i.png"
    )
    document_b = services.project_document_add(
        project=draft_b, by=holder_b, upload=exhibit_factories.pdf_upload(), title="资料"
    )
    intent_b = exhibit_factories.intent(project=accepted_b)
    unconfirmed = exhibit_factories.intent(project=accepted_b, confirmed=False)
    invitation = HolderInvitation.objects.create(exhibition=hall_x, email="new@example.edu.cn")
    changed_b = exhibit_factories.project(exhibition=hall_x, owner=holder_b)
    ProjectRevision.objects.create(
        project=changed_b, title="新名称", cover=exhibit_factories.png_upload("new.png"), created_by=holder_b
    )
    job_x = ProjectImportJob.objects.create(exhibition=hall_x, sheet_name="展项.xlsx")
    holding_b = Holder.objects.get(exhibition=hall_x, user=holder_b)
    video_b = exhibit_factories.video(project=accepted_b)
    draft_video_b = exhibit_factories.video(project=draft_b, ready=False)
    roadshow_x = exhibit_factories.roadshow(week=hall_x.week)
    users = {
        ANON: None,
        HOLDER_A: holder_a,
        HOLDER_B: holder_b,
        CURATOR_X: exhibit_factories.curator(exhibition=hall_x),
        CURATOR_Y: exhibit_factories.curator(exhibition=hall_y),
        OFFICE: factories.office_user(),
    }
    args = {
        None: [],
        "hall_x": [hall_x.pk],
        "hall_x_slug": [hall_x.slug],
        "draft_b": [draft_b.pk],
        "upload_b": [draft_b.pk, "0c0ffee0-0000-4000-8000-000000000000"],
        "submitted_b": [submitted_b.pk],
        "accepted_b": [accepted_b.pk],
        "image_b": [draft_b.pk, image_b.pk],
        "document_b": [draft_b.pk, document_b.pk],
        "intent_b": [intent_b.pk],
        "intent_token": [intent_token(unconfirmed)],
        "join_token": [services.join_link_token(hall_x)],
        "changed_b": [changed_b.pk],
        "job_x": [job_x.pk],
        "holder_b": [holding_b.pk],
        "confirm_token": [services.holder_confirmation_token(holding_b)],
        "invitation_token": [services.invitation_token(invitation)],
        "video_b": [accepted_b.pk, video_b.pk],
        "draft_video_b": [draft_b.pk, draft_video_b.pk],
        "roadshow_x": [hall_x.pk, roadshow_x.pk],
    }
    return users, args


def _args_for(name: str, key, args) -> list:
    # The area's image and document actions name the file alone; the public ones its project too.
    if name in ("exhibits:image_delete", "exhibits:document_delete", "exhibits:video_delete"):
        return args[key][1:]
    if name == "exhibits:hall_chart":
        return [*args[key], "sections"]
    return args[key]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, world, name, role):
    users, args = world
    method, key, expected = MATRIX[name]
    if users[role] is not None:
        client.force_login(users[role])
    url = reverse(name, args=_args_for(name, key, args))

    response = getattr(client, method)(url)

    assert response.status_code == expected[role], f"{method.upper()} {url} as {role}"
    if (
        response.status_code == 302
        and role == ANON
        and name.startswith("exhibits:")
        and expected[role] == 302
    ):
        assert "/accounts/login/" in response["Location"]


def test_a_role_refused_changes_nothing(client, world):
    """The refused POSTs of the matrix leave the database as it was."""
    users, args = world

    def snapshot():
        return (
            sorted(Project.objects.values_list("pk", "status", "featured_order")),
            ProjectImage.objects.count(),
            ProjectDocument.objects.count(),
            sorted(ProjectVideo.objects.values_list("pk", "pending")),
            Presentation.objects.count(),
            sorted(Intent.objects.values_list("pk", "answer")),
            Curator.objects.count(),
            sorted(Holder.objects.values_list("pk", "removed_at", "confirmation_sent_at")),
        )

    before = snapshot()
    for name, (method, key, expected) in MATRIX.items():
        if method != "post":
            continue
        for role, status in expected.items():
            if status in (403, 404) or (role == ANON and status == 302):
                client.logout()
                if users[role] is not None:
                    client.force_login(users[role])
                client.post(
                    reverse(name, args=_args_for(name, key, args)), {"order": "1", "answer": "declined"}
                )
    assert snapshot() == before


def test_contacts_and_intents_never_reach_public_pages(client, world):
    users, args = world
    project = Project.objects.get(pk=args["accepted_b"][0])
    intent = Intent.objects.get(pk=args["intent_b"][0])
    pages = [
        reverse("expo:hall"),
        reverse("expo:exhibition", args=args["hall_x_slug"]),
        reverse("expo:project", args=[project.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        for secret in (project.contact_phone, project.contact_email, intent.email, intent.name):
            assert secret not in html, (url, secret)
