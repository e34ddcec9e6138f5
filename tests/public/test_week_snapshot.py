"""The week's rows kept between versions (public.week_snapshot): after each kind of change the
schedule's pages and the week's feeds, patched from the kept rows, are byte for byte those
read from the database; a change that names its event re-reads only that event."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import pytest
import time_machine
from django.contrib import admin
from django.db import DatabaseError, connection
from django.test import override_settings
from django.urls import reverse

from core.public_cache import NO_EVENT, bump_public_version
from events.models import Event, EventPartner, Theme, Week
from events.services.workflow import (
    PartnerSpec,
    change_request_accept,
    event_approve,
    event_cancel,
    event_save,
)
from public import week_snapshot
from submissions.models import DailyReport, MediaFile
from submissions.services.review import media_set_public
from tests import factories
from tests.exhibits import factories as exhibit_factories
from tests.public.test_schedule_fragments import (  # noqa: F401 (varied_week: the fixture)
    ALL_DAYS,
    DAY1,
    DAY2,
    DAY3,
    DAY4,
    NOW,
    REDIS_DOWN,
    varied_week,
)
from tests.public.test_videos import video
from venues.models import Venue

pytestmark = pytest.mark.django_db

SCHEDULE = reverse("schedule")


def urls(week, main_venue, sub_venue, theme) -> list[str]:
    """Every page the kept rows serve: the home page, each day's tab, all days, each filter, a
    search, English, the week's feeds, and each venue's page and calendar."""
    days = [f"{SCHEDULE}?day={day.isoformat()}" for day in (DAY1, DAY2, DAY3, DAY4)]
    return [
        reverse("home"),
        "/en/",
        SCHEDULE,
        *days,
        f"{SCHEDULE}?day=all",
        f"{SCHEDULE}?day=all&venue={main_venue.pk}",
        f"{SCHEDULE}?day=all&venue={sub_venue.pk}",
        f"{SCHEDULE}?venue={sub_venue.pk}",
        f"{SCHEDULE}?day=all&venue=none",
        f"{SCHEDULE}?day=all&form={Event.Form.ROADSHOW}",
        f"{SCHEDULE}?form={Event.Form.FORUM}",
        f"{SCHEDULE}?day=all&theme={theme.pk}",
        f"{SCHEDULE}?q=论坛",
        f"{SCHEDULE}?day={DAY2.isoformat()}&q=昆山市人社局",
        f"/en{SCHEDULE}?day=all",
        f"/en{SCHEDULE}?day={DAY2.isoformat()}&venue={main_venue.pk}",
        reverse("schedule_ics"),
        reverse("schedule_xml"),
        reverse("schedule_frab_json"),
        reverse("api_schedule"),
        reverse("videos"),  # its filter's choices are the schedule's
        *(
            reverse(name, args=[venue.pk])
            for venue in (main_venue, sub_venue)
            for name in ("venues:detail", "venues:ics")
        ),
    ]


def pages(client, addresses: list[str]) -> dict[str, bytes]:
    answers = {}
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        answers[address] = response.content
    return answers


def from_database(client, addresses: list[str]) -> dict[str, bytes]:
    """The pages read from the database, as without the kept rows (a new version, so no page
    comes from the page cache; it names no event, so the kept rows stay as they were)."""
    bump_public_version(events=NO_EVENT)
    with override_settings(PUBLIC_WEEK_SNAPSHOT=False):
        return pages(client, addresses)


@pytest.fixture
def setting(week, main_venue, sub_venue, varied_week):  # noqa: F811 (the fixture imported above)
    theme = factories.theme(name="科技金融")
    plain = varied_week["plain"]
    plain.themes.add(theme)
    # What only an event's page shows: the undertaking and co-organizing units, a cover.
    EventPartner.objects.create(
        event=plain, role=EventPartner.Role.UNDERTAKER, name="昆山市承办单位", order=2
    )
    EventPartner.objects.create(
        event=plain,
        role=EventPartner.Role.CO_ORGANIZER,
        organizer=factories.organizer(name="昆山市协办局"),
        order=3,
    )
    Event.objects.filter(pk=plain.pk).update(cover="event-covers/plain.jpg")
    # Each event's page after the lists: the lists read the rows the pages are then made of.
    event_pages = [reverse("event_detail", args=[event.pk]) for event in varied_week.values()]
    return urls(week, main_venue, sub_venue, theme) + event_pages, theme


@pytest.fixture
def staff_in_admin(rf, db):
    """Saves and deletes through the admin's classes, as the admin's views do."""

    class Admin:
        request = rf.post("/")
        request.user = factories.superuser()

        def save(self, obj, **fields):
            for name, value in fields.items():
                setattr(obj, name, value)
            admin.site._registry[type(obj)].save_model(self.request, obj, form=None, change=True)

        def delete(self, obj):
            admin.site._registry[type(obj)].delete_model(self.request, obj)

    return Admin()


@pytest.fixture
def renamed_in_admin(client, week, setting, staff_in_admin, django_capture_on_commit_callbacks):
    """Renames an object through its admin (the bump comes once the transaction commits) with
    the week's pages read before and after; the rows were read again, not patched. Returns
    the rows held before and the pages after."""
    addresses, _theme = setting

    def rename(obj, name: str):
        pages(client, addresses)
        kept = held(week)
        with django_capture_on_commit_callbacks(execute=True):
            staff_in_admin.save(obj, name=name)
        after = pages(client, addresses)
        assert held(week).read_at != kept.read_at, "the rows were patched, not read again"
        return kept, after

    return rename


def held(week) -> week_snapshot.WeekSnapshot:
    return week_snapshot._held[week.pk]


def test_each_kind_of_change_patches_the_kept_rows_into_the_pages_the_database_gives(
    client,
    week,
    main_venue,
    sub_venue,
    varied_week,  # noqa: F811 (the fixture imported above)
    setting,
    office_user,
    staff_in_admin,
    django_capture_on_commit_callbacks,
):
    addresses, theme = setting
    dropped_theme = factories.theme(name="将删除的主题")
    varied_week["online"].themes.add(dropped_theme)
    co_host = factories.organizer(name="昆山市人社局")
    # A venue and a theme no public event uses yet: the filter's choices change with the rows.
    new_venue = factories.venue(name="昆山市人才大厦", kind="permanent")
    new_theme = factories.theme(name="人才引进")
    submitted = factories.event(
        week=week,
        subtitle="待审核的洽谈会",
        status=Event.Status.SUBMITTED,
        venue=sub_venue,
        starts_at=factories.at(DAY3, 9),
        ends_at=factories.at(DAY3, 11),
    )
    report_video = video(varied_week["plain"], is_public=False)
    DailyReport.objects.filter(pk=report_video.report_id).update(
        status=DailyReport.Status.ACCEPTED,
        submitted_at=factories.at(DAY1, 15),
        is_late=False,
        reviewed_at=factories.at(DAY1, 16),
    )

    def edit_partners_and_themes():
        event = Event.objects.get(pk=varied_week["live_platform"].pk)
        event_save(
            event=event,
            by=office_user,
            themes=[theme, new_theme],
            partners=[PartnerSpec(role=EventPartner.Role.HOST, organizer=co_host)],
        )

    def accept_a_new_time_and_venue():
        event = varied_week["later_relay"]
        change = factories.change_request(
            event=event,
            starts_at=factories.at(DAY1, 19).isoformat(),
            ends_at=factories.at(DAY1, 21).isoformat(),
            venue=new_venue.pk,
        )
        change_request_accept(change_request=change, by=office_user)

    def replace_the_cover():
        event = Event.objects.get(pk=varied_week["markup"].pk)
        event.cover = exhibit_factories.jpeg_upload("new-cover.jpg")
        event_save(event=event, by=office_user)

    changes = {
        # The admin's changes of what events' rows show name those events.
        "sub-venue renamed in the admin": lambda: staff_in_admin.save(sub_venue, name="昆山开发区分会场"),
        "co-host unit renamed in the admin": lambda: staff_in_admin.save(
            EventPartner.objects.get(event=varied_week["plain"], role=EventPartner.Role.HOST).organizer,
            name="昆山市科学技术局",
        ),
        "lead host renamed in the admin": lambda: staff_in_admin.save(
            varied_week["recorded"].host, name="昆山市文体广旅局"
        ),
        "theme renamed in the admin": lambda: staff_in_admin.save(theme, name="科技金融与投资"),
        "theme deleted in the admin": lambda: staff_in_admin.delete(dropped_theme),
        "cover replaced": replace_the_cover,
        "themes and co-hosts edited": edit_partners_and_themes,
        "time and venue changed": accept_a_new_time_and_venue,
        "cancelled": lambda: event_cancel(event=varied_week["online"], by=office_user, reason="改为线下"),
        "approved": lambda: event_approve(event=submitted, by=office_user),
        "report video made public": lambda: media_set_public(media=report_video, by=office_user, public=True),
    }
    with time_machine.travel(NOW, tick=False):
        before = pages(client, addresses)
        assert before == from_database(client, addresses)
        for kind, change in changes.items():
            kept = held(week)
            with django_capture_on_commit_callbacks(execute=True):
                change()
            patched = pages(client, addresses)
            snapshot = held(week)
            assert snapshot.version != kept.version, kind
            assert snapshot.read_at == kept.read_at, f"{kind}: the rows were read again, not patched"
            assert patched != before, f"{kind}: the pages do not show the change"
            assert patched == from_database(client, addresses), kind
            before = patched
    html = before[f"{SCHEDULE}?day=all"].decode()
    assert "待审核的洽谈会" in html and "昆山市人社局" in html
    assert "昆山开发区分会场" in html and "昆山市科学技术局" in html and "昆山市文体广旅局" in html
    # The filter's choices follow the renamed venue and the deleted theme.
    assert f'<option value="{sub_venue.pk}">昆山开发区分会场</option>' in html and "将删除的主题" not in html
    assert f'<option value="{new_venue.pk}"' in html and f'<option value="{new_theme.pk}"' in html
    assert f'href="/events/{varied_week["plain"].pk}/#recording"' in html
    page = before[reverse("event_detail", args=[varied_week["plain"].pk])].decode()
    assert (
        "<dt>承办单位</dt><dd>昆山市承办单位</dd>" in page
        and "<dt>协办单位</dt><dd>昆山市协办局</dd>" in page
    )
    assert '<span class="badge badge-theme">科技金融与投资</span>' in page
    assert f'src="/events/{varied_week["plain"].pk}/cover/"' in page


def test_a_change_that_names_no_event_reads_everything_again(client, week, main_venue, setting):
    addresses, _theme = setting
    with time_machine.travel(NOW, tick=False):
        pages(client, addresses)
        kept = held(week)
        # A venue renamed and a bump that names nothing (as a week's change in the admin bumps).
        main_venue.name = "昆山市创新中心"
        main_venue.save()
        bump_public_version()
        renamed = pages(client, addresses)
        assert held(week).read_at != kept.read_at
        # Rows that read as before are the rows kept before, with their cards and feed pieces;
        # the events at the renamed venue are new rows.
        before = {row.pk: row for row in kept.rows}
        reused = {row.pk for row in held(week).rows if row is before[row.pk]}
        at_venue = {row.pk for row in kept.rows if row.venue_id == main_venue.pk}
        assert at_venue and reused == set(before) - at_venue
        assert "昆山市创新中心" in renamed[f"{SCHEDULE}?day=all"].decode()
        assert renamed == from_database(client, addresses)


def test_a_whole_read_makes_new_rows_of_exactly_the_events_that_changed_unnamed(
    client,
    week,
    setting,
    varied_week,  # noqa: F811 (the fixture imported above)
):
    """Changes written past the services (no bump names them), then a bump that names nothing:
    the rows of the events whose record, partners, themes or recording video changed are new,
    every other row is the row kept, and the pages are those the database gives."""
    addresses, theme = setting
    recorded, longer = (video(varied_week["markup"], duration=seconds) for seconds in (60.0, 90.0))
    DailyReport.objects.filter(pk__in=[recorded.report_id, longer.report_id]).update(
        status=DailyReport.Status.ACCEPTED,
        submitted_at=factories.at(DAY1, 15),
        is_late=False,
        reviewed_at=factories.at(DAY1, 16),
    )
    MediaFile.objects.filter(pk=longer.pk).update(is_public=False)
    with time_machine.travel(NOW, tick=False):
        pages(client, addresses)
        kept = held(week)
        Event.objects.filter(pk=varied_week["online"].pk).update(subtitle="线上训练营（第二期）")
        EventPartner.objects.filter(event=varied_week["plain"], role=EventPartner.Role.UNDERTAKER).update(
            name="昆山市新的承办单位"
        )
        Theme.objects.filter(pk=theme.pk).update(name="科技金融与投资")  # only "plain" has it
        varied_week["live_hls"].themes.add(factories.theme(name="新加的主题"))
        MediaFile.objects.filter(pk=longer.pk).update(is_public=True)  # the markup's recording now
        bump_public_version()
        after = pages(client, addresses)
        before = {row.pk: row for row in kept.rows}
        new = {row.pk for row in held(week).rows if row is not before[row.pk]}
        assert new == {varied_week[name].pk for name in ("online", "plain", "live_hls", "markup")}
        assert held(week).by_pk[varied_week["markup"].pk].recording_video.pk == longer.pk
        assert after == from_database(client, addresses)


def test_a_bump_that_named_nothing_and_changed_nothing_keeps_the_rows_days_and_choices(client, week, setting):
    addresses, _theme = setting
    with time_machine.travel(NOW, tick=False):
        before = pages(client, addresses)
        kept = held(week)
        bump_public_version()  # names nothing: the rows are read again
        assert pages(client, addresses) == before
        snapshot = held(week)
        assert snapshot.read_at != kept.read_at
        assert all(row is old for row, old in zip(snapshot.rows, kept.rows, strict=True))
        assert snapshot.facets is kept.facets


def test_a_change_naming_half_the_rows_or_more_reads_them_all_keeping_what_reads_the_same(
    client, week, main_venue, setting, renamed_in_admin
):
    """The main venue renamed names the events at it and at its sub-venues: most of the week.
    Reading those by id would cost more than reading the week; the rows that read as before
    (those at a sub-venue or at no venue) are kept with their cards."""
    addresses, _theme = setting
    with time_machine.travel(NOW, tick=False):
        kept, renamed = renamed_in_admin(main_venue, "昆山市创新中心")
        before = {row.pk: row for row in kept.rows}
        reused = {row.pk for row in held(week).rows if row is before[row.pk]}
        at_main = {row.pk for row in kept.rows if row.venue_id == main_venue.pk}
        assert 2 * len(at_main) >= len(kept.rows) and reused == set(before) - at_main
        assert f'<option value="{main_venue.pk}">昆山市创新中心</option>' in renamed[ALL_DAYS].decode()
        assert renamed == from_database(client, addresses)


def test_a_venue_no_event_is_at_changed_in_the_admin_has_the_rows_read_again(
    client, setting, renamed_in_admin
):
    """The home page and the JSON API list the venues kept with the rows, those no event is at
    too: such a venue's change names nothing, and the rows and venues are read again."""
    addresses, _theme = setting
    idle = factories.venue(name="昆山市闲置会场", kind="permanent")
    with time_machine.travel(NOW, tick=False):
        _kept, renamed = renamed_in_admin(idle, "昆山市备用会场")
        assert "昆山市备用会场" in renamed[reverse("home")].decode()
        assert renamed == from_database(client, addresses)


def test_a_hall_change_keeps_the_rows_and_the_clock_moves_the_states(client, week, setting):
    addresses, _theme = setting
    with time_machine.travel(NOW, tick=False):
        morning = pages(client, addresses)
        kept = held(week)
        bump_public_version(events=NO_EVENT)
        assert pages(client, addresses) == morning
        assert held(week).rows is kept.rows
    # Past noon the morning's relays are over: the kept rows are marked again per request.
    with time_machine.travel(factories.at(DAY2, 12, 30), tick=False):
        bump_public_version(events=NO_EVENT)
        noon = pages(client, addresses)
        assert held(week).rows is kept.rows
        assert noon[f"{SCHEDULE}?day=all"].count(b'<li class="event-card is-live">') == 1
        assert noon == from_database(client, addresses)


def test_kept_rows_are_read_again_when_old_or_without_the_cache(client, week, setting, settings):
    addresses, _theme = setting
    with time_machine.travel(NOW, tick=False):
        pages(client, addresses[:1])
        kept = held(week)
        kept.read_at -= week_snapshot.MAX_AGE + 1  # read a minute ago (a monotonic clock)
        bump_public_version(events=NO_EVENT)
        pages(client, addresses[:1])
        assert held(week) is not kept and held(week).read_at > kept.read_at
    # Without the shared cache there is no version to label rows with: the database serves.
    with override_settings(CACHES=REDIS_DOWN, CACHE_RETRY_SECONDS=0):
        assert week_snapshot.current(week) is None
    settings.PUBLIC_WEEK_SNAPSHOT = False
    assert week_snapshot.current(week) is None


def test_rows_half_a_minute_old_serve_the_request_and_are_read_again_once_it_is_answered(
    client,
    week,
    varied_week,  # noqa: F811 (the fixture imported above)
    setting,
):
    addresses, _theme = setting
    plain = varied_week["plain"]
    all_days, event_page = f"{SCHEDULE}?day=all", reverse("event_detail", args=[plain.pk])
    with time_machine.travel(NOW, tick=False):
        pages(client, addresses)
        for page, title in ((all_days, "脚本改过的标题"), (event_page, "脚本又改过的标题")):
            kept = held(week)
            kept.read_at -= week_snapshot.REFRESH_AGE + 1
            # A change that skipped its bump (a script writing to the database); a bump naming
            # no event, so the page is made again rather than taken from the page cache.
            Event.objects.filter(pk=plain.pk).update(subtitle=title)
            bump_public_version(events=NO_EVENT)
            answered = client.get(page).content.decode()
            assert title not in answered, f"{page}: the request waited for the rows to be read"
            snapshot = held(week)
            assert snapshot is not kept and snapshot.read_at > kept.read_at, f"{page}: not read after it"
            assert [row is kept.by_pk[row.pk] for row in snapshot.rows].count(False) == 1, page
            assert title in snapshot.by_pk[plain.pk].subtitle
            bump_public_version(events=NO_EVENT)  # past the page kept from that response
            assert pages(client, addresses) == from_database(client, addresses), page
        # Young rows are not read again after a response.
        kept = held(week)
        pages(client, [all_days, event_page])
        assert held(week) is kept


def test_rows_that_cannot_be_read_after_a_response_stay_until_a_request_reads_them(
    client, week, setting, caplog
):
    addresses, _theme = setting

    def database_away(execute, sql, params, many, context):
        raise DatabaseError("the database went away")

    with time_machine.travel(NOW, tick=False):
        pages(client, [SCHEDULE])
        kept = held(week)
        kept.read_at -= week_snapshot.REFRESH_AGE + 1
        week_snapshot.current(week)  # a request found them old
        with connection.execute_wrapper(database_away):
            week_snapshot.read_due_after_response()
        assert held(week) is kept
        assert "could not be read again after a response" in caplog.text
        kept.read_at -= week_snapshot.MAX_AGE
        bump_public_version(events=NO_EVENT)  # past the page kept at this version
        pages(client, [SCHEDULE])
        assert held(week) is not kept


def test_an_event_page_uses_its_kept_row_while_no_change_named_it(client, week, varied_week):  # noqa: F811
    plain, other = varied_week["plain"].pk, varied_week["online"].pk
    with time_machine.travel(NOW, tick=False):
        pages(client, [SCHEDULE])
        kept = held(week)
        bump_public_version(events=NO_EVENT)
        bump_public_version(events=[other])
        # Another event's change: this one's row is still right; nothing is read or patched.
        assert week_snapshot.held_row(plain) is kept.by_pk[plain] and held(week) is kept
        # A request that read its version before another thread brought the rows further.
        kept.version += 10
        assert week_snapshot.held_row(plain) is None and not kept.outdated
        kept.version -= 10
        bump_public_version(events=[plain])
        assert week_snapshot.held_row(plain) is None  # its own: the database, until a list patches
        pages(client, [SCHEDULE])
        assert week_snapshot.held_row(plain) is held(week).by_pk[plain] is not kept.by_pk[plain]
        # A venue renamed: the rows must all be read again, which a list page does; until then
        # an event's page reads its event from the database and does not ask again.
        kept = held(week)
        bump_public_version()
        assert week_snapshot.held_row(plain) is None and kept.outdated
        bump_public_version(events=NO_EVENT)
        assert week_snapshot.held_row(plain) is None
        pages(client, [SCHEDULE])
        assert held(week) is not kept and week_snapshot.held_row(plain) is held(week).by_pk[plain]


def test_rows_an_event_page_could_not_use_are_brought_up_to_date_once_it_is_answered(
    client,
    week,
    varied_week,  # noqa: F811 (the fixture imported above)
):
    plain = varied_week["plain"]
    page = reverse("event_detail", args=[plain.pk])
    with time_machine.travel(NOW, tick=False):
        pages(client, [SCHEDULE])
        kept = held(week)
        # Its own event changed: the page reads it from the database, then the rows are
        # patched with it (not read whole).
        Event.objects.filter(pk=plain.pk).update(subtitle="改过的对接会")
        bump_public_version(events=[plain.pk])
        assert "改过的对接会" in client.get(page).content.decode()
        patched = held(week)
        assert patched is not kept and patched.read_at == kept.read_at
        assert week_snapshot.held_row(plain.pk) is patched.by_pk[plain.pk]
        assert patched.by_pk[plain.pk].subtitle == "改过的对接会"
        # A bump that named nothing: the page reads the database, then the rows are read whole.
        bump_public_version()
        assert client.get(f"/en{page}").status_code == 200
        assert held(week).read_at > patched.read_at
        assert week_snapshot.held_row(plain.pk) is held(week).by_pk[plain.pk]


def test_a_week_no_longer_asked_for_is_dropped_when_another_is_read(week):
    next_week = factories.week(name="下一届活动周", is_current=False)
    with time_machine.travel(NOW, tick=False):
        week_snapshot.current(week)
        held(week).read_at -= week_snapshot.MAX_AGE + 1  # last read a minute ago
        week_snapshot.current(next_week)
    assert set(week_snapshot._held) == {next_week.pk}


def test_a_venue_changed_unnamed_shows_after_a_patch_and_a_whole_read(
    client,
    week,
    main_venue,
    setting,
    varied_week,  # noqa: F811 (the fixture imported above)
):
    """A venue changed past the services, then a change naming another event (the patch reads
    the venues again, keeping the rows at the venue as they were), then a bump that names
    nothing: the whole read compares each kept row's own venue with the venue now, not the
    venues of the patch, so the rows at it are made again."""
    addresses, _theme = setting
    with time_machine.travel(NOW, tick=False):
        pages(client, addresses)
        Venue.objects.filter(pk=main_venue.pk).update(name="昆山市创新中心（改）")
        bump_public_version(events=[varied_week["online"].pk])  # online: at no venue
        pages(client, addresses)
        bump_public_version()
        after = pages(client, addresses)
        assert "昆山市创新中心（改）" in after[f"{SCHEDULE}?day=all"].decode()
        assert all(
            row.venue.name == "昆山市创新中心（改）"
            for row in held(week).rows
            if row.venue_id == main_venue.pk
        )
        assert after == from_database(client, addresses)


def test_a_week_changed_unnamed_has_every_row_made_again(client, week, setting, varied_week):  # noqa: F811
    """The rows print their week too (an event's page its name): a week that reads otherwise
    in any field keeps no row of the earlier read."""
    addresses, _theme = setting
    with time_machine.travel(NOW, tick=False):
        pages(client, addresses)
        kept = held(week)
        Week.objects.filter(pk=week.pk).update(name="第二届创新创业周")
        bump_public_version()
        after = pages(client, addresses)
        assert not {id(row) for row in held(week).rows} & {id(row) for row in kept.rows}
        page = after[reverse("event_detail", args=[varied_week["plain"].pk])].decode()
        assert "· 第二届创新创业周</title>" in page
        assert after == from_database(client, addresses)


def test_the_rows_of_a_week_unpublished_or_no_longer_current_are_dropped_not_read_again(
    client,
    week,
    varied_week,  # noqa: F811 (the fixture imported above)
):
    event_page = reverse("event_detail", args=[varied_week["plain"].pk])
    assert client.get(SCHEDULE).status_code == 200
    assert client.get(event_page).status_code == 200
    Week.objects.filter(pk=week.pk).update(is_published=False)
    bump_public_version()  # as the week's admin bumps
    # The event's page finds the rows stale and reads its event (not public now); after its
    # response the week is read again: the rows are dropped, not read with the week they were.
    assert client.get(event_page).status_code == 404
    assert week.pk not in week_snapshot._held
    assert client.get(event_page).status_code == 404

    Week.objects.filter(pk=week.pk).update(is_published=True)
    bump_public_version()
    assert client.get(SCHEDULE).status_code == 200
    Week.objects.filter(pk=week.pk).update(is_current=False)
    held(week).read_at -= week_snapshot.REFRESH_AGE + 1
    week_snapshot.refresh_aged()  # keep_young's round
    assert week.pk not in week_snapshot._held


def test_rows_dropped_with_what_lists_and_feeds_kept_of_them_are_freed_at_once(client, week, setting):
    """What a list or feed keeps with a row (``EventRow.memo``) holds no reference back to it:
    rows dropped with their snapshot are freed when the last reference goes, not by a later
    pass of the garbage collector (a process reading its rows again kept every dropped week
    until then)."""
    addresses, _theme = setting
    with time_machine.travel(NOW, tick=False):
        pages(client, addresses)  # every list and feed keeps its pieces with the rows
    rows = [weakref.ref(row) for row in held(week).rows]
    assert all(row().memo for row in rows)
    gc.collect()  # the requests' own garbage
    gc.disable()
    try:
        week_snapshot.forget()
        alive = [ref().subtitle for ref in rows if ref() is not None]
    finally:
        gc.enable()
    assert alive == []


@pytest.mark.django_db(transaction=True)
def test_a_process_asked_for_nothing_keeps_its_rows_young_in_a_thread_of_its_own(client, week):
    """gunicorn's workers run ``keep_young``: rows half a minute old are read again by the
    thread (its own database connection, closed after each round), young ones are left."""
    factories.many_events(week=week, count=5)
    assert client.get(SCHEDULE).status_code == 200
    kept = held(week)
    kept.read_at -= week_snapshot.REFRESH_AGE + 1
    open_before = connections_open()
    stop = threading.Event()
    thread = week_snapshot.keep_young(interval=0.05, stop=stop)
    try:
        deadline = time.monotonic() + 10
        while held(week) is kept and time.monotonic() < deadline:
            time.sleep(0.02)
        fresh = held(week)
        time.sleep(0.3)  # a few more rounds: young rows are left as they are
        assert held(week) is fresh
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert fresh is not kept and fresh.read_at > kept.read_at
    # Read from the database the thread sees (the test's rows are committed): every row reads
    # as before, so the rows are those kept.
    assert len(fresh.rows) == 5 and all(row is old for row, old in zip(fresh.rows, kept.rows, strict=True))
    # The thread closed its connection after each round: no more are open than before it.
    assert connections_open() <= open_before


def connections_open() -> int:
    """The connections to this test's database (on SQLite, none is counted)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]
