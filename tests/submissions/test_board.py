"""The office board: who may see it, each state (at the deadline's very second), leaders
first, filters, order, live refresh, the version that tells an open board to refresh, the
phone's cards, and a query count that does not grow with rows."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from events.services.people import membership_remove
from events.services.workflow import event_cancel
from submissions.models import MediaFile
from submissions.services.media import MAX_CHECK_ATTEMPTS, media_check
from submissions.services.reports import report_for_day, report_save_draft, report_submit
from submissions.services.review import report_accept, report_return
from tests import factories

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 9, 21)
BOARD = reverse("board:home")


def shanghai(hour, minute=0, second=0, microsecond=0, day=DAY):
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, microsecond, tzinfo=SHANGHAI)


@pytest.fixture
def office(client, office_user):
    client.force_login(office_user)
    return client


@pytest.fixture
def day_event(week, organizer, member):
    return factories.event(
        week=week,
        host=organizer,
        reporter=member,
        subtitle="沪昆新材料沙龙",
        starts_at=factories.at(DAY, 9),
        ends_at=factories.at(DAY, 12),
    )


def rows(response):
    return {row.event.subtitle: row.state for row in response.context["board"].rows}


# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [("board:home", []), ("board:live", []), ("board:version", []), ("board:export", ["2026-09-21", "xlsx"])],
)
def test_anonymous_is_sent_to_login(client, week, name, args):
    response = client.get(reverse(name, args=args))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name,args",
    [("board:home", []), ("board:live", []), ("board:version", []), ("board:export", ["2026-09-21", "zip"])],
)
def test_organizer_gets_403(client, week, member, name, args):
    client.force_login(member)

    assert client.get(reverse(name, args=args)).status_code == 403


def test_organizer_gets_403_on_report_page_and_actions(client, week, member, day_event):
    report = factories.report(event=day_event, day=DAY, status="submitted")
    client.force_login(member)

    assert client.get(reverse("board:report", args=[report.pk])).status_code == 403
    assert client.post(reverse("board:accept", args=[report.pk])).status_code == 403
    assert client.post(reverse("board:return", args=[report.pk]), {"comment": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"


# --- day and states ------------------------------------------------------------------------


def test_opens_on_today_in_the_weeks_zone(office, week, day_event):
    # 01:00 in Shanghai on the 21st is still the 20th in UTC.
    with time_machine.travel(shanghai(1), tick=False):
        response = office.get(BOARD)

    assert response.context["day"] == DAY
    assert rows(response) == {"沪昆新材料沙龙": "not_started"}


def test_any_day_can_be_picked_and_is_kept_inside_the_week(office, week, day_event):
    with time_machine.travel(shanghai(10), tick=False):
        other = office.get(BOARD, {"day": "2026-09-22"})
        outside = office.get(BOARD, {"day": "2030-01-01"})

    assert other.context["day"] == dt.date(2026, 9, 22)
    assert rows(other) == {}
    assert outside.context["day"] == week.ends_on


@pytest.mark.parametrize(
    "now,expected",
    [
        (shanghai(15, 59, 59), "not_started"),
        (shanghai(16, 0, 0), "not_started"),  # the deadline's very second: not missing yet
        (shanghai(16, 0, 0, 1), "missing"),
        (shanghai(16, 0, 1), "missing"),
    ],
)
def test_missing_starts_just_after_the_deadline(office, week, day_event, now, expected):
    with time_machine.travel(now, tick=False):
        response = office.get(BOARD)

    assert rows(response) == {"沪昆新材料沙龙": expected}


@pytest.mark.parametrize(
    "submitted,expected",
    [
        (shanghai(16, 0, 0), "on_time"),  # filed at the deadline's very second
        (shanghai(16, 0, 1), "late"),
    ],
)
def test_on_time_and_late_at_the_deadline(office, week, member, day_event, ready_report, submitted, expected):
    report = ready_report(day_event, DAY)
    report_submit(report=report, by=member, now=submitted)

    with time_machine.travel(shanghai(17), tick=False):
        response = office.get(BOARD)

    assert rows(response) == {"沪昆新材料沙龙": expected}
    assert response.context["counts"][expected] == 1


def test_every_state_is_shown_and_counted(office, week, office_user):
    states = {
        "draft": "draft",
        "submitted": "on_time",
        "late": "late",
        "accepted": "accepted",
        "returned": "returned",
    }
    for name, status in [
        ("草稿", "draft"),
        ("按时", "submitted"),
        ("逾期", "submitted"),
        ("采用", "accepted"),
        ("退回", "returned"),
    ]:
        made = factories.event(
            week=week, subtitle=name, starts_at=factories.at(DAY, 9), ends_at=factories.at(DAY, 11)
        )
        factories.report(
            event=made,
            day=DAY,
            status=status,
            is_late=(name == "逾期") if status != "draft" else None,
            reviewed_by=office_user,
        )
    factories.event(week=week, subtitle="缺报", starts_at=factories.at(DAY, 9), ends_at=factories.at(DAY, 11))

    with time_machine.travel(shanghai(15), tick=False):
        before = office.get(BOARD)
    with time_machine.travel(shanghai(17), tick=False):
        after = office.get(BOARD)

    assert rows(before) == {
        "草稿": "draft",
        "按时": "on_time",
        "逾期": "late",
        "采用": "accepted",
        "退回": "returned",
        "缺报": "not_started",
    }
    assert rows(after) == {
        "草稿": "missing",
        "按时": "on_time",
        "逾期": "late",
        "采用": "accepted",
        "退回": "returned",
        "缺报": "missing",
    }
    assert after.context["counts"] == {
        "due": 6,
        "on_time": 1,
        "late": 1,
        "missing": 2,
        "accepted": 1,
        "returned": 1,
        "draft": 0,
    }
    html = after.content.decode()
    for label in ("按时报送", "逾期报送", "未报送", "已采用", "已退回"):
        assert label in html
    assert states  # the labels above are the Chinese names of these states


def test_evening_event_is_due_next_day_and_not_missing_at_todays_deadline(office, week):
    factories.event(
        week=week, subtitle="晚间路演", starts_at=factories.at(DAY, 19), ends_at=factories.at(DAY, 21)
    )

    with time_machine.travel(shanghai(17), tick=False):
        response = office.get(BOARD)

    assert rows(response) == {"晚间路演": "not_started"}
    assert "次日截止" in response.content.decode()


def test_needs_action_first(office, week, office_user):
    order = [
        ("采用", "accepted", False),
        ("缺报", None, None),
        ("按时", "submitted", False),
        ("逾期", "submitted", True),
        ("退回", "returned", False),
    ]
    for name, status, late in order:
        made = factories.event(
            week=week, subtitle=name, starts_at=factories.at(DAY, 9), ends_at=factories.at(DAY, 11)
        )
        if status:
            factories.report(event=made, day=DAY, status=status, is_late=late, reviewed_by=office_user)

    with time_machine.travel(shanghai(17), tick=False):
        response = office.get(BOARD)

    assert [row.event.subtitle for row in response.context["board"].rows] == [
        "逾期",
        "按时",
        "缺报",
        "退回",
        "采用",
    ]


# --- leaders -------------------------------------------------------------------------------


def test_leaders_present_are_listed_first_highest_level_first(office, week):
    city = factories.event(
        week=week, subtitle="市级论坛", starts_at=factories.at(DAY, 9), ends_at=factories.at(DAY, 11)
    )
    province = factories.event(
        week=week, subtitle="省级展示", starts_at=factories.at(DAY, 10), ends_at=factories.at(DAY, 11)
    )
    draft = factories.event(
        week=week, subtitle="草稿活动", starts_at=factories.at(DAY, 9), ends_at=factories.at(DAY, 11)
    )
    factories.report(event=city, day=DAY, status="submitted", leaders=[("周海", "副市长", "municipal")])
    factories.report(
        event=province,
        day=DAY,
        status="accepted",
        leaders=[("李强", "副省长", "provincial")],
        reviewed_by=None,
    )
    factories.report(event=draft, day=DAY, status="draft", leaders=[("草拟者", "局长", "county")])

    with time_machine.travel(shanghai(15), tick=False):
        response = office.get(BOARD)

    leaders = [(p.leader.name, p.row.event.subtitle) for p in response.context["board"].leaders]
    assert leaders == [("李强", "省级展示"), ("周海", "市级论坛")]
    html = response.content.decode()
    assert html.index("出席领导") < html.index("应报送") < html.index("<table")
    assert html.index("副省长 李强") < html.index("副市长 周海")
    assert "草拟者" not in html.split("<table")[0]


# --- filters -------------------------------------------------------------------------------


def test_filters_by_venue_unit_form_and_state_in_the_url(office, week, office_user):
    hall, park = factories.venue(name="会展中心"), factories.venue(name="科技园")
    tech, youth = factories.organizer(name="科技局"), factories.organizer(name="团市委")
    a = factories.event(
        week=week,
        subtitle="甲",
        venue=hall,
        host=tech,
        form="forum",
        starts_at=factories.at(DAY, 9),
        ends_at=factories.at(DAY, 11),
    )
    factories.event(
        week=week,
        subtitle="乙",
        venue=park,
        host=youth,
        form="roadshow",
        starts_at=factories.at(DAY, 9),
        ends_at=factories.at(DAY, 11),
    )
    factories.report(event=a, day=DAY, status="submitted")

    with time_machine.travel(shanghai(17), tick=False):
        by_venue = office.get(BOARD, {"venue": park.pk})
        by_unit = office.get(BOARD, {"unit": tech.pk})
        by_form = office.get(BOARD, {"form": "roadshow"})
        by_state = office.get(BOARD, {"state": "missing"})
        combined = office.get(BOARD, {"venue": hall.pk, "state": "on_time"})
        nonsense = office.get(BOARD, {"venue": "x", "form": "nope", "state": "nope"})

    assert list(rows(by_venue)) == ["乙"]
    assert list(rows(by_unit)) == ["甲"]
    assert list(rows(by_form)) == ["乙"]
    assert list(rows(by_state)) == ["乙"]
    assert list(rows(combined)) == ["甲"]
    assert sorted(rows(nonsense)) == ["乙", "甲"]
    # Counts describe the whole day, whatever the filter shows.
    assert by_state.context["counts"]["due"] == 2
    assert (
        'data-url="/review/live/?day=2026-09-21&amp;venue=%d&amp;state=on_time"' % hall.pk
        in combined.content.decode()
    )


def test_live_fragment_has_counts_leaders_and_rows_but_no_layout(office, week, day_event):
    factories.report(event=day_event, day=DAY, status="submitted", leaders=[("周海", "副市长", "municipal")])

    with time_machine.travel(shanghai(15), tick=False):
        response = office.get(reverse("board:live"), {"day": "2026-09-21"})

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "<html" not in html and "副市长 周海" in html and "沪昆新材料沙龙" in html
    assert re.search(r'data-count="on_time">1<', html)


def test_board_page_uses_its_script_and_no_inline_script(office, week, day_event):
    html = office.get(BOARD).content.decode()

    assert "js/board.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


# --- the version an open board asks for every second ------------------------------------------

VERSION = reverse("board:version")


def version(client) -> str:
    response = client.get(VERSION)
    assert response.status_code == 200
    assert response["ETag"] == f'"{response.json()["version"]}"'
    return response.json()["version"]


def test_unchanged_version_answers_304_with_the_same_etag(office, week, day_event):
    first = office.get(VERSION)

    again = office.get(VERSION, headers={"If-None-Match": first["ETag"]})

    assert first.status_code == 200 and first["Cache-Control"] == "no-store"
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert office.get(VERSION, headers={"If-None-Match": f"W/{first['ETag']}"}).status_code == 304
    assert office.get(VERSION, headers={"If-None-Match": '"0.0-other"'}).status_code == 200


def test_a_review_moves_the_version(office, week, office_user, day_event, django_capture_on_commit_callbacks):
    accepted = factories.report(event=day_event, day=DAY, status="submitted")
    returned = factories.report(
        event=factories.event(week=week, starts_at=factories.at(DAY, 9), ends_at=factories.at(DAY, 11)),
        day=DAY,
        status="submitted",
    )
    before = office.get(VERSION)

    with django_capture_on_commit_callbacks(execute=True):
        report_accept(report=accepted, by=office_user, checklist=list(week.publication_checklist or []))
    after_accept = office.get(VERSION, headers={"If-None-Match": before["ETag"]})
    with django_capture_on_commit_callbacks(execute=True):
        report_return(report=returned, by=office_user, comment="请补充照片。")

    assert after_accept.status_code == 200
    assert after_accept.json()["version"] != before.json()["version"]
    assert version(office) not in (before.json()["version"], after_accept.json()["version"])


def test_a_submission_moves_the_version(
    office, week, member, day_event, ready_report, django_capture_on_commit_callbacks
):
    report = ready_report(day_event, DAY)
    before = version(office)

    with django_capture_on_commit_callbacks(execute=True):
        report_submit(report=report, by=member, now=shanghai(15))

    assert version(office) != before


def test_a_media_check_result_and_an_event_change_move_the_version(
    office, week, office_user, day_event, django_capture_on_commit_callbacks
):
    report = factories.report(event=day_event, day=DAY)
    media = MediaFile.objects.create(
        report=report,
        kind="photo",
        file="reports/x.jpg",
        original_name="现场.jpg",
        size=1,
        sha256="1" * 64,
        status="queued",
        attempts=MAX_CHECK_ATTEMPTS,
    )
    seen = [version(office)]

    with django_capture_on_commit_callbacks(execute=True):
        media_check(media_id=media.pk)  # one attempt too many: failed without opening the file
    seen.append(version(office))
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=day_event, by=office_user, reason="场地调整")
    seen.append(version(office))

    media.refresh_from_db()
    assert media.status == "failed"
    assert len(set(seen)) == 3


def test_removing_a_reporters_membership_moves_the_version(
    office, week, office_user, member, day_event, django_capture_on_commit_callbacks
):
    """The board names each event's reporter: a reporter who leaves the unit leaves the board."""
    before = version(office)

    with django_capture_on_commit_callbacks(execute=True):
        membership_remove(membership=member.memberships.get(), by=office_user)

    day_event.refresh_from_db()
    assert day_event.reporter is None
    assert version(office) != before


def test_a_drafts_autosave_leaves_the_version_alone(
    office, week, member, day_event, django_capture_on_commit_callbacks
):
    # The first save makes the draft ("not started" becomes "draft"); typing on does not show.
    with django_capture_on_commit_callbacks(execute=True):
        report = report_for_day(event=day_event, day=DAY)
    before = version(office)

    with django_capture_on_commit_callbacks(execute=True):
        report_save_draft(report=report, text="活动进行中。", no_leaders=True, attendance=None, leaders=[])

    assert version(office) == before


def test_a_rolled_back_change_leaves_the_version_alone(office, week, office_user, day_event):
    report = factories.report(event=day_event, day=DAY, status="submitted")
    before = version(office)

    # Not committed (the test's transaction is never committed): nothing to tell the boards.
    report_return(report=report, by=office_user, comment="请补充照片。")

    assert version(office) == before


def test_the_rows_carry_the_version_they_show_and_the_next_deadline(office, week, day_event):
    with time_machine.travel(shanghai(15, 30), tick=False):
        html = office.get(reverse("board:live"), {"day": "2026-09-21"}).content.decode()

    assert f'data-version="{version(office)}"' in html
    # The day's deadline is 16:00: the row turns "missing" in half an hour.
    assert 'data-next-change-in="1800"' in html


def test_a_board_with_every_day_filed_or_missing_has_no_next_change(office, week, day_event):
    with time_machine.travel(shanghai(17), tick=False):
        html = office.get(reverse("board:live"), {"day": "2026-09-21"}).content.decode()

    assert "data-next-change-in" not in html


def test_the_page_tells_its_script_where_to_ask(office, week, day_event):
    html = office.get(BOARD).content.decode()

    assert f'data-version-url="{VERSION}"' in html
    assert 'data-interval="1"' in html


# --- phones --------------------------------------------------------------------------------------


def test_rows_carry_what_the_phones_card_shows(office, week, day_event, member):
    member.phone = "13800000009"
    member.save()
    submitted = factories.report(event=day_event, day=DAY, status="submitted", photos=2)
    accepted = factories.report(
        event=factories.event(
            week=week,
            subtitle="专利服务进园区",
            starts_at=factories.at(DAY, 9),
            ends_at=factories.at(DAY, 11),
        ),
        day=DAY,
        status="accepted",
    )
    factories.event(
        week=week, subtitle="未开始的活动", starts_at=factories.at(DAY, 9), ends_at=factories.at(DAY, 11)
    )

    with time_machine.travel(shanghai(17), tick=False):
        html = office.get(BOARD, {"day": "2026-09-21"}).content.decode()

    # Labels for the counts, and a big button: "review" while waiting, "open" once decided,
    # none without a report. The stylesheet shows them on phones only.
    assert html.count('<td class="media-counts"><small>照片</small>') == 3
    assert html.count('<td class="media-counts"><small>视频</small>') == 3
    assert 'href="tel:13800000009"' in html
    review = reverse("board:report", args=[submitted.pk])
    opened = reverse("board:report", args=[accepted.pk])
    assert f'<td><a class="btn btn-sm btn-primary" href="{review}">审核</a></td></tr>' in html
    assert f'<td><a class="btn btn-sm btn-outline-secondary" href="{opened}">查看</a></td></tr>' in html
    assert html.count('<td><a class="btn btn-sm') == 2


def test_the_phone_layout_is_in_the_stylesheet_not_in_the_markup(office, week, day_event):
    html = office.get(BOARD).content.decode()
    css = (settings.BASE_DIR / "static/css/board.css").read_text()

    assert " style=" not in html
    assert "@media (max-width: 575.98px)" in css and "grid-template-areas" in css
    assert ".board-row > td:nth-child(9)" in css  # the phone's button, the row's ninth cell


# --- queries ---------------------------------------------------------------------------------

# session, user, office group, the board's version, week, events, reports, media, leaders,
# filter choices, the day strip's reporting days, and the layout's unit memberships and
# unread notices.
BOARD_QUERIES = 13
LIVE_QUERIES = 9
# session, user, office group, the version: no rendering, nothing that grows with the board.
VERSION_QUERIES = 4


@pytest.mark.parametrize("count", [5, 50])
def test_board_query_count_does_not_grow_with_rows(office, week, count, django_assert_num_queries):
    factories.board_events(week=week, day=DAY, count=count)

    with time_machine.travel(shanghai(17), tick=False):
        with django_assert_num_queries(BOARD_QUERIES):
            response = office.get(BOARD, {"day": "2026-09-21"})

    assert len(response.context["board"].rows) == count
    assert len(response.context["board"].leaders) == count // 2


@pytest.mark.parametrize("count", [5, 50])
def test_live_query_count_does_not_grow_with_rows(office, week, count, django_assert_num_queries):
    factories.board_events(week=week, day=DAY, count=count)

    with django_assert_num_queries(LIVE_QUERIES):
        office.get(reverse("board:live"), {"day": "2026-09-21"})


@pytest.mark.parametrize("count", [5, 50])
def test_version_query_count_is_small_and_fixed(office, week, count, django_assert_num_queries):
    factories.board_events(week=week, day=DAY, count=count)
    first = office.get(VERSION)

    with django_assert_num_queries(VERSION_QUERIES):
        unchanged = office.get(VERSION, headers={"If-None-Match": first["ETag"]})

    assert unchanged.status_code == 304
