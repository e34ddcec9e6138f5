"""The contests' permission matrix: every URL of the app, as anonymous, applicant A, applicant
B, the juror of round X, a juror of another contest, a member of the unit that runs contest
X, a member of another unit (which runs contest Y) and the office, against applicant B's
entry in contest X.

Expected: anonymous → the login page (302) in the signed-in area; another applicant's entry,
another unit's contest, another juror's sheet → 404; an action the role may not take on an
object it can see → 403; a successful POST → 302 back to a page. Jurors have no account:
the link puts them in the browser's session, so in the signed-in area they are anonymous.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from contests import services
from contests.models import (
    Assessment,
    Contest,
    Criterion,
    Entry,
    EntryFile,
    FormField,
    Juror,
    Round,
    RoundEntry,
    Score,
    Track,
    Vote,
)
from tests import factories
from tests.contests import factories as contest_factories

pytestmark = pytest.mark.django_db

ANON, APPLICANT_A, APPLICANT_B, JUROR_X, JUROR_Y, MEMBER, OTHER_MEMBER, OFFICE = ROLES = (
    "anonymous",
    "applicant_a",
    "applicant_b",
    "juror_x",
    "juror_y",
    "member",
    "other_member",
    "office",
)


def row(anon, a, b, juror_x, juror_y, member, other, office):
    return dict(zip(ROLES, (anon, a, b, juror_x, juror_y, member, other, office), strict=True))


EVERYONE = row(200, 200, 200, 200, 200, 200, 200, 200)
# The organizer area: who runs contest X (and the office); anonymous and jurors sign in first.
RUN_GET = row(302, 404, 404, 302, 302, 200, 404, 200)
RUN_POST = row(302, 404, 404, 302, 302, 302, 404, 302)
JUROR_X_ONLY = row(404, 404, 404, 200, 404, 404, 404, 404)
ENTRY_FILE = row(404, 404, 200, 404, 404, 200, 404, 200)

# name → (method, object key for the URL's arguments, expected status per role)
MATRIX = {
    # The organizer area.
    "contests:home": ("get", None, row(302, 200, 200, 302, 302, 200, 200, 200)),
    "contests:contest_create": ("get", None, row(302, 403, 403, 302, 302, 200, 200, 200)),
    "contests:contest": ("get", "contest_x", RUN_GET),
    "contests:contest_edit": ("get", "contest_x", RUN_GET),
    "contests:track_add": ("post", "contest_x", RUN_POST),
    "contests:track_delete": ("post", "track_x", RUN_POST),
    "contests:field_create": ("get", "contest_x", RUN_GET),
    "contests:field_edit": ("get", "field_x", RUN_GET),
    "contests:field_remove": ("post", "field_x", RUN_POST),
    "contests:round_create": ("get", "contest_x", RUN_GET),
    "contests:entries": ("get", "contest_x", RUN_GET),
    "contests:entries_xlsx": ("get", "contest_x", RUN_GET),
    "contests:entry": ("get", "entry_b", RUN_GET),
    "contests:screen": ("post", "entry_b", RUN_POST),
    "contests:entry_project": ("post", "entry_b", RUN_POST),
    "contests:round": ("get", "round_x", RUN_GET),
    "contests:round_edit": ("get", "round_x", RUN_GET),
    "contests:lineup_draw": ("post", "round_x", RUN_POST),
    "contests:lineup_remove": ("post", "lineup_b", RUN_POST),
    "contests:story": ("get", "lineup_b", RUN_GET),
    "contests:criterion_add": ("post", "round_x", RUN_POST),
    "contests:criterion_delete": ("post", "criterion_x", RUN_POST),
    "contests:juror_add": ("post", "round_x", RUN_POST),
    "contests:juror_renew": ("post", "juror_x", RUN_POST),
    "contests:juror_remove": ("post", "juror_x", RUN_POST),
    "contests:juror_reopen": ("post", "juror_x", RUN_POST),
    "contests:juror_sheet": ("get", "juror_x", RUN_GET),
    "contests:ranking": ("get", "round_x", RUN_GET),
    "contests:publish": ("post", "round_x", RUN_POST),
    "contests:results_xlsx": ("get", "round_x", RUN_GET),
    "contests:votes": ("get", "round_x", RUN_GET),
    "contests:chart_votes": ("get", "round_x", RUN_GET),
    "contests:chart_registrations": ("get", "contest_x", RUN_GET),
    "contests:void": ("post", "round_x", RUN_POST),
    # The public pages, registration and an applicant's own entry.
    "contest:list": ("get", None, EVERYONE),
    "contest:detail": ("get", "slug_x", EVERYONE),
    "contest:results": ("get", "results_x", EVERYONE),
    # One entry per person: applicants who have one are sent to it.
    "contest:register": ("get", "slug_x", row(200, 302, 302, 200, 200, 200, 200, 200)),
    "contest:confirm_email": ("get", "confirm_b", row(302, 302, 302, 302, 302, 302, 302, 302)),
    "contest:confirm_resend": ("post", None, row(302, 302, 302, 302, 302, 302, 302, 302)),
    "contest:entry": ("get", "entry_b", row(302, 404, 200, 302, 302, 404, 404, 404)),
    "contest:entry_edit": ("get", "entry_b", row(302, 404, 200, 302, 302, 404, 404, 404)),
    # B's entry is submitted already (403); withdrawing it is refused with a message (in a round).
    "contest:entry_submit": ("post", "entry_b", row(302, 404, 403, 302, 302, 404, 404, 404)),
    "contest:entry_withdraw": ("post", "entry_b", row(302, 404, 302, 302, 302, 404, 404, 404)),
    "contest:entry_plan": ("get", "entry_b", ENTRY_FILE),
    "contest:entry_video": ("get", "entry_b", ENTRY_FILE),
    "contest:entry_file": ("get", "entry_file_b", ENTRY_FILE),
    # Resumable uploads of B's plan and video (tus): B only (a POST without tus headers: 412);
    # an upload that is not B's own is a 404 to B too.
    "contest:entry_plan_resumable": ("post", "entry_b", row(302, 404, 412, 302, 302, 404, 404, 404)),
    "contest:entry_video_resumable": ("post", "entry_b", row(302, 404, 412, 302, 302, 404, 404, 404)),
    "contest:entry_plan_resumable_upload": ("get", "tus_b", row(302, 404, 404, 302, 302, 404, 404, 404)),
    "contest:entry_video_resumable_upload": ("get", "tus_b", row(302, 404, 404, 302, 302, 404, 404, 404)),
    "contest:entry_file_resumable": ("post", "question_b", row(302, 404, 412, 302, 302, 404, 404, 404)),
    "contest:entry_file_resumable_upload": (
        "get",
        "question_tus_b",
        row(302, 404, 404, 302, 302, 404, 404, 404),
    ),
    "contest:vote": ("get", "round_x", EVERYONE),
    "contest:vote_verify": ("get", "round_x", EVERYONE),
    "contest:vote_cast": ("post", "candidate_b", row(302, 302, 302, 302, 302, 302, 302, 302)),
    "contest:vote_totals": ("get", "round_x", EVERYONE),
    "contest:candidate_video": ("get", "candidate_b", EVERYONE),
    "contest:candidate_poster": ("get", "candidate_b", EVERYONE),
    # The jurors' pages: only the browser that opened juror X's link.
    "jury:home": ("get", None, row(200, 200, 200, 302, 302, 200, 200, 200)),
    "jury:enter": ("get", "juror_x_token", row(302, 302, 302, 302, 302, 302, 302, 302)),
    "jury:lineup": ("get", "juror_x_pk", JUROR_X_ONLY),
    "jury:submit": ("post", "juror_x_pk", row(404, 404, 404, 302, 404, 404, 404, 404)),
    "jury:sheet": ("get", "sheet_b", JUROR_X_ONLY),
    # An empty body: the juror gets "bad request" (nothing saved), anybody else nothing at all.
    "jury:score": ("post", "sheet_b", row(404, 404, 404, 400, 404, 404, 404, 404)),
    "jury:conflict": ("post", "sheet_b", row(404, 404, 404, 302, 404, 404, 404, 404)),
    "jury:plan": ("get", "sheet_b", JUROR_X_ONLY),
}


def _names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _names(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and namespace in ("contest", "contests", "jury"):
            yield f"{namespace}:{entry.name}"


def test_the_matrix_covers_every_url_of_the_app():
    assert set(_names()) == set(MATRIX)


@pytest.fixture
def world():
    now = timezone.now()
    contest_x = contest_factories.contest()
    contest_y = contest_factories.contest()
    track_x = contest_x.tracks.first()
    field_x = FormField.objects.create(contest=contest_x, label="营业执照", kind="file", required=False)
    round_x = contest_factories.round_(
        contest=contest_x,
        vote_opens_at=now - timezone.timedelta(days=1),
        vote_closes_at=now + timezone.timedelta(days=1),
    )
    final_x = contest_factories.round_(contest=contest_x, number=2, results_published_at=now, results=[])
    criterion_x = contest_factories.criteria(round_x)[0]
    applicant_a = contest_factories.applicant()
    applicant_b = contest_factories.applicant()
    contest_factories.entry(contest=contest_x, applicant=applicant_a)
    entry_b = contest_factories.entry(contest=contest_x, applicant=applicant_b)
    entry_b.video.save("pitch.mp4", contest_factories.mp4_upload())
    contest_factories.web_versions(entry_b)
    stored = EntryFile(entry=entry_b, field=field_x, size=10)
    stored.file.save("licence.pdf", contest_factories.pdf_upload(), save=False)
    stored.save()
    (lineup_b,) = contest_factories.lineup(round_x, [entry_b])
    juror_x = contest_factories.juror(round_=round_x)
    round_y = contest_factories.round_(contest=contest_y)
    juror_y = contest_factories.juror(round_=round_y)
    users = {
        ANON: None,
        APPLICANT_A: applicant_a,
        APPLICANT_B: applicant_b,
        JUROR_X: juror_x,
        JUROR_Y: juror_y,
        MEMBER: contest_factories.organizer_member(contest_x),
        OTHER_MEMBER: contest_factories.organizer_member(contest_y),
        OFFICE: factories.office_user(),
    }
    args = {
        None: [],
        "contest_x": [contest_x.pk],
        "slug_x": [contest_x.slug],
        "results_x": [contest_x.slug, final_x.pk],
        "track_x": [track_x.pk],
        "field_x": [field_x.pk],
        "round_x": [round_x.pk],
        "criterion_x": [criterion_x.pk],
        "entry_b": [entry_b.pk],
        "entry_file_b": [entry_b.pk, stored.pk],
        "tus_b": [entry_b.pk, "0c0ffee0-0000-4000-8000-000000000000"],
        "question_b": [entry_b.pk, field_x.pk],
        "question_tus_b": [entry_b.pk, field_x.pk, "0c0ffee0-0000-4000-8000-000000000000"],
        "lineup_b": [lineup_b.pk],
        "candidate_b": [round_x.pk, entry_b.pk],
        "juror_x": [juror_x.pk],
        "juror_x_pk": [juror_x.pk],
        "juror_x_token": [services.juror_link_token(juror_x)],
        "sheet_b": [juror_x.pk, entry_b.pk],
        "confirm_b": [services.confirmation_token(applicant_b)],
    }
    return users, args


def _client_for(client, user):
    if isinstance(user, Juror):
        client.get(reverse("jury:enter", args=[services.juror_link_token(user)]))
    elif user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, world, name, role):
    users, args = world
    method, key, expected = MATRIX[name]
    _client_for(client, users[role])
    url = reverse(name, args=args[key])

    response = getattr(client, method)(url)

    assert response.status_code == expected[role], f"{method.upper()} {url} as {role}"
    if response.status_code == 302 and name.startswith("contests:") and role in (ANON, JUROR_X, JUROR_Y):
        assert "/accounts/login/" in response["Location"]


def test_a_role_refused_changes_nothing(client, world):
    """The refused POSTs of the matrix leave the database as it was."""
    users, args = world

    def snapshot():
        return (
            sorted(Entry.objects.values_list("pk", "status", "screening_reason")),
            sorted(Contest.objects.values_list("pk", "title")),
            Track.objects.count(),
            FormField.objects.filter(is_active=True).count(),
            sorted(Round.objects.values_list("pk", "results_published_at")),
            sorted(RoundEntry.objects.values_list("pk", "running_order")),
            Criterion.objects.count(),
            sorted(Juror.objects.values_list("pk", "link_generation", "submitted_at")),
            Score.objects.count(),
            Assessment.objects.count(),
            Vote.objects.count(),
        )

    before = snapshot()
    for name, (method, key, expected) in MATRIX.items():
        if method != "post":
            continue
        for role, status in expected.items():
            refused = status in (403, 404) or (
                status == 302 and name.startswith("contests:") and role in (ANON, JUROR_X, JUROR_Y)
            )
            if refused:
                client.logout()
                client.cookies.clear()
                _client_for(client, users[role])
                client.post(
                    reverse(name, args=args[key]),
                    {
                        "name": "新组别",
                        "decision": "ineligible",
                        "reason": "x",
                        "conflict": "on",
                        "weight": "10",
                        "max_score": "10",
                    },
                )
    assert snapshot() == before
