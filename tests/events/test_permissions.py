"""The permission matrix: every role x every event state x every organizer and review URL.

Expected answers: anonymous → the login page (302); another unit's event in the organizer
area → 404; an action the role may not take, or not in this state → 403.
"""

import pytest
from django.urls import get_resolver, reverse

from events.models import EventPartner, Membership
from tests import factories

pytestmark = pytest.mark.django_db

STATES = ["draft", "submitted", "approved", "returned", "cancelled"]
# member_c: a member of the event's co-host (a second 主办单位), who reports but does not edit.
ROLES = ["anonymous", "member_a", "member_b", "member_c", "reviewer", "admin"]
PUBLIC_URLS = {"organizer:apply", "organizer:apply_done", "organizer:invitation"}

# name → (method, kwargs builder key)
ORGANIZER_URLS = {
    "organizer:dashboard": ("get", None),
    "organizer:event_create": ("get", None),
    "organizer:notices": ("get", None),
    "organizer:event_detail": ("get", "event"),
    "organizer:event_edit": ("get", "event"),
    "organizer:event_submit": ("post", "event"),
    "organizer:event_withdraw": ("post", "event"),
    "organizer:event_unit_people": ("get", "partner"),
}
REVIEW_URLS = {
    "review_events:queue": ("get", None),
    "review_events:list": ("get", None),
    "review_events:bulk_approve": ("post", None),
    "review_events:detail": ("get", "event"),
    "review_events:approve": ("get", "event"),
    "review_events:return": ("get", "event"),
    "review_events:cancel": ("get", "event"),
    "review_events:reporting": ("post", "event"),
    "review_events:change_accept": ("get", "change"),
    "review_events:change_reject": ("get", "change"),
    "review_events:import": ("get", None),
    "review_events:import_template": ("get", None),
    "review_events:import_plan": ("get", None),
    "review_events:organizers": ("get", None),
    "review_events:organizer_detail": ("get", "unit"),
    "review_events:member_remove": ("post", "membership"),
    "review_events:applications": ("get", None),
    "review_events:application_accept": ("post", "application"),
    "review_events:application_decline": ("get", "application"),
}


def expected(role: str, state: str, name: str) -> int:
    if role == "anonymous":
        return 302
    if name == "organizer:notices":
        return 200
    method, target = {**ORGANIZER_URLS, **REVIEW_URLS}[name]
    ok = 302 if method == "post" else 200
    if name.startswith("organizer:"):
        if role in ("reviewer", "admin") and target is None:
            return 403
        if target is None:
            return 200
        if role not in ("member_a", "member_c"):
            return 404
        if role == "member_c":
            allowed = {
                "organizer:event_detail": STATES,
                "organizer:event_unit_people": ["draft", "submitted", "approved", "returned"],
            }.get(name, [])
            return ok if state in allowed else 403
        allowed = {
            "organizer:event_detail": STATES,
            "organizer:event_edit": ["draft", "returned", "approved"],
            "organizer:event_submit": ["draft", "returned"],
            "organizer:event_withdraw": ["submitted"],
            # The co-host names its own people; the lead host does so in the event form.
            "organizer:event_unit_people": [],
        }[name]
        return ok if state in allowed else 403
    if role not in ("reviewer", "admin"):
        return 403
    if name in ("review_events:approve", "review_events:return"):
        return ok if state == "submitted" else 403
    if name == "review_events:cancel":
        return ok if state == "approved" else 403
    return ok


def test_the_matrix_covers_every_organizer_and_review_url():
    names = {
        f"{namespace}:{pattern.name}"
        for namespace in ("organizer", "review_events")
        for pattern in get_resolver().namespace_dict[namespace][1].url_patterns
    }
    assert names == set(ORGANIZER_URLS) | set(REVIEW_URLS) | PUBLIC_URLS


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", sorted({**ORGANIZER_URLS, **REVIEW_URLS}))
def test_permission_matrix(client, week, state, name):
    unit_a, unit_b, unit_c = factories.organizer(), factories.organizer(), factories.organizer()
    people = {
        "member_a": factories.member(unit_a),
        "member_b": factories.member(unit_b),
        "member_c": factories.member(unit_c),
        "reviewer": factories.office_user(),
        "admin": factories.superuser(),
    }
    fields = {"cancel_reason": "取消"} if state == "cancelled" else {}
    event = factories.complete_event(
        week=week, host=unit_a, reporter=people["member_a"], status=state, **fields
    )
    change = factories.change_request(event=event, place="新地点")
    co_host = EventPartner.objects.create(event=event, role="host", organizer=unit_c, may_report=True)
    targets = {
        "event": lambda: {"pk": event.pk},
        "partner": lambda: {"pk": event.pk, "partner_pk": co_host.pk},
        "change": lambda: {"pk": change.pk},
        "unit": lambda: {"pk": unit_a.pk},
        "membership": lambda: {
            "pk": unit_a.pk,
            "membership_pk": Membership.objects.create(organizer=unit_a, user=factories.user()).pk,
        },
        "application": lambda: {"pk": factories.application().pk},
    }
    method, target = {**ORGANIZER_URLS, **REVIEW_URLS}[name]

    answers, wanted = {}, {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(people[role])
        url = reverse(name, kwargs=targets[target]() if target else None)
        response = getattr(client, method)(url)
        answers[role], wanted[role] = response.status_code, expected(role, state, name)
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))
        event.refresh_from_db()
        if event.status != state:  # a permitted POST changed it: put it back for the next role
            event.status = state
            event.save()

    assert answers == wanted


@pytest.mark.parametrize("state", STATES)
def test_public_sees_only_approved_and_cancelled_events(week, organizer, state):
    from events.models import Event

    fields = {"cancel_reason": "取消"} if state == "cancelled" else {}
    event = factories.event(week=week, host=organizer, status=state, **fields)

    public = Event.objects.public().filter(pk=event.pk).exists()

    assert public == (state in ("approved", "cancelled"))


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("published", [True, False], ids=["published", "unpublished"])
def test_visible_to_agrees_with_the_see_event_rule(week, organizer, member, state, published):
    import rules
    from django.contrib.auth.models import AnonymousUser

    from events.models import Event

    week.is_published = published
    week.save()
    fields = {"cancel_reason": "取消"} if state == "cancelled" else {}
    event = factories.event(week=week, host=organizer, status=state, **fields)
    other_units_member = factories.member(factories.organizer())
    people = {
        "anonymous": AnonymousUser(),
        "signed_in_nobody": factories.user(),
        "other_unit": other_units_member,
        "member": member,
        "office": factories.office_user(),
    }

    visible = {
        name: Event.objects.visible_to(person).filter(pk=event.pk).exists() for name, person in people.items()
    }
    allowed = {name: rules.test_rule("events.see_event", person, event) for name, person in people.items()}

    is_public = published and state in ("approved", "cancelled")
    assert (
        visible
        == allowed
        == {
            "anonymous": is_public,
            "signed_in_nobody": is_public,
            "other_unit": is_public,
            "member": True,
            "office": True,
        }
    )
