"""The admin: an event's state is decided in the review area; saves and deletes refresh public pages."""

import pytest
from django.contrib import admin
from django.urls import reverse

from core.public_cache import changed_events_between, public_version
from events.models import Event, EventPartner, Organizer, Theme, Week
from tests import factories
from venues.models import Venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return factories.superuser()


def test_event_state_and_cancel_reason_are_read_only_in_the_admin(client, staff, week):
    event = factories.event(week=week, status=Event.Status.SUBMITTED)
    client.force_login(staff)

    response = client.get(reverse("admin:events_event_change", args=[event.pk]))

    form = response.context["adminform"].form
    assert "status" not in form.fields and "cancel_reason" not in form.fields
    assert {"status", "cancel_reason"} <= set(response.context["adminform"].readonly_fields)


def test_saving_in_the_admin_refreshes_public_pages_after_commit(
    client, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    before = public_version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("admin:events_theme_add"), {"name": "乡村振兴", "order": "3"})

    assert response.status_code == 302 and Theme.objects.filter(name="乡村振兴").exists()
    assert len(callbacks) == 1
    assert public_version() == before + 1


def test_deleting_in_the_admin_refreshes_public_pages_after_commit(
    client, staff, django_capture_on_commit_callbacks
):
    theme = factories.theme(name="将删除的主题")
    client.force_login(staff)
    before = public_version()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:events_theme_delete", args=[theme.pk]), {"post": "yes"})

    assert not Theme.objects.filter(pk=theme.pk).exists()
    assert public_version() == before + 1


@pytest.mark.parametrize("model", [Event, Week, Venue, Theme, Organizer], ids=lambda m: m.__name__)
def test_every_public_models_admin_bumps_the_version_on_save_and_delete(
    rf, staff, week, model, django_capture_on_commit_callbacks
):
    obj = {
        Event: lambda: factories.event(week=week),
        Week: lambda: factories.week(is_current=False),
        Venue: lambda: factories.venue(),
        Theme: lambda: factories.theme(),
        Organizer: lambda: factories.organizer(),
    }[model]()
    model_admin = admin.site._registry[model]
    request = rf.post("/")
    request.user = staff
    before = public_version()

    with django_capture_on_commit_callbacks(execute=True):
        model_admin.save_model(request, obj, form=None, change=True)
    saved = public_version()
    pk = obj.pk
    with django_capture_on_commit_callbacks(execute=True):
        model_admin.delete_queryset(request, model.objects.filter(pk=obj.pk))

    assert (saved, public_version()) == (before + 1, before + 2)
    # An event's admin names it, so processes keeping the week's rows re-read that one only; a
    # unit's or a theme's names the events that show it (none here); a week's names nothing
    # (anything the schedule shows may have changed), nor does a venue's that no event is at
    # (the home page and the API list every venue).
    named = {Event: {pk}, Week: None, Venue: None}.get(model, set())
    assert changed_events_between(before, saved) == changed_events_between(saved, saved + 1) == named


def test_the_admins_of_venues_units_and_themes_name_the_events_that_show_them(
    rf, staff, week, django_capture_on_commit_callbacks
):
    main_venue = factories.venue(kind="main")
    sub_venue = factories.venue(kind="sub", parent=main_venue)
    at_main, at_sub = (
        factories.event(week=week, venue=main_venue),
        factories.event(week=week, venue=sub_venue),
    )
    unit = factories.organizer()
    hosted, partnered = factories.event(week=week, host=unit), factories.event(week=week)
    EventPartner.objects.create(
        event=partnered, role=EventPartner.Role.HOST, organizer=unit, order=1, may_report=True
    )
    theme = factories.theme()
    tagged = factories.event(week=week)
    tagged.themes.add(theme)
    factories.event(week=week)  # shows none of them
    # Not public: no row shows them.
    factories.event(week=week, venue=main_venue, host=unit, status=Event.Status.SUBMITTED).themes.add(theme)
    request = rf.post("/")
    request.user = staff

    def named(model, obj, *, delete=False) -> set[int] | None:
        model_admin = admin.site._registry[model]
        before = public_version()
        with django_capture_on_commit_callbacks(execute=True):
            if delete:
                model_admin.delete_model(request, obj)
            else:
                model_admin.save_model(request, obj, form=None, change=True)
        return changed_events_between(before, public_version())

    # A main venue's name is in its sub-venues' rows' filter choices too.
    assert named(Venue, main_venue) == {at_main.pk, at_sub.pk}
    assert named(Venue, sub_venue) == {at_sub.pk}
    assert named(Organizer, unit) == {hosted.pk, partnered.pk}
    assert named(Theme, theme) == {tagged.pk}
    # Asked before the delete: the theme's tags go with it.
    assert named(Theme, theme, delete=True) == {tagged.pk}


def test_the_changelists_edits_and_bulk_deletes_name_the_events_that_show_them(
    client, staff, week, django_capture_on_commit_callbacks
):
    """The theme list's editable order (saved object by object) and its "delete selected"
    action go through the same naming as one object's page."""
    first, second = factories.theme(name="科技金融", order=1), factories.theme(name="人才引进", order=2)
    tagged = factories.event(week=week)
    tagged.themes.add(first)
    client.force_login(staff)
    changelist = reverse("admin:events_theme_changelist")

    def named(post: dict) -> set[int] | None:
        before = public_version()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(changelist, post)
        assert response.status_code == 302
        return changed_events_between(before, public_version())

    reordered = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-id": str(first.pk),
        "form-0-order": "3",
        "form-1-id": str(second.pk),
        "form-1-order": "2",
        "_save": "保存",
    }
    assert named(reordered) == {tagged.pk}
    assert Theme.objects.get(pk=first.pk).order == 3
    deleted = {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"}
    assert named(deleted) == {tagged.pk}
    assert not Theme.objects.filter(pk__in=[first.pk, second.pk]).exists()


def test_a_persons_new_phone_in_the_admin_refreshes_the_office_boards(
    client, staff, django_capture_on_commit_callbacks
):
    from core.change_counters import token

    reporter = factories.user(full_name="王敏", phone="13800000001")
    client.force_login(staff)
    before = token("events")
    fields = {
        "username": reporter.username,
        "email": reporter.email,
        "is_active": "on",
        "date_joined_0": "2026-09-01",
        "date_joined_1": "10:00:00",
        "full_name": "王敏",
    }

    with django_capture_on_commit_callbacks(execute=True):
        unchanged = client.post(
            reverse("admin:events_user_change", args=[reporter.pk]), {**fields, "phone": "13800000001"}
        )
    assert unchanged.status_code == 302
    assert token("events") == before  # the date joined changed, nothing the board shows

    with django_capture_on_commit_callbacks(execute=True):
        changed = client.post(
            reverse("admin:events_user_change", args=[reporter.pk]), {**fields, "phone": "13900000002"}
        )
    assert changed.status_code == 302
    reporter.refresh_from_db()
    assert reporter.phone == "13900000002" and token("events") != before


def test_deleting_a_person_in_the_admin_refreshes_the_office_boards(
    client, staff, django_capture_on_commit_callbacks
):
    from core.change_counters import token

    reporter = factories.user(full_name="王敏")
    client.force_login(staff)
    before = token("events")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:events_user_delete", args=[reporter.pk]), {"post": "yes"})

    assert not type(reporter).objects.filter(pk=reporter.pk).exists()
    assert token("events") != before
