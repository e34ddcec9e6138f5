"""The anonymous page cache: no SQL on a hit, immediate invalidation, 304s, nobody else's page."""

import re

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse
from django.utils.http import http_date

from core.public_cache import bump_public_version, forget_local_pages, public_version
from events import services
from events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = [
    "home",
    "schedule",
    "archive",
    "venues:list",
    "schedule_ics",
    "schedule_xml",
    "schedule_frab_json",
    "api_schedule",
]


@pytest.fixture
def event(week):
    return factories.event(week=week, subtitle="缓存测试论坛", live_url="https://live.example.com/x")


def without_token(response) -> str:
    """The body with the per-visitor CSRF token blanked out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode(errors="replace"))


def event_urls(event) -> list[str]:
    return [
        reverse("event_detail", args=[event.pk]),
        reverse("event_ics", args=[event.pk]),
        reverse("event_qr", args=[event.pk]),
        reverse("venues:detail", args=[event.venue_id]),
        reverse("venues:ics", args=[event.venue_id]),
        reverse("archive_week", args=[event.week_id]),
    ]


def all_urls(event) -> list[str]:
    return (
        [reverse(name) for name in PAGES] + event_urls(event) + [reverse("schedule") + "?q=缓存&form=forum"]
    )


def test_a_warm_cache_answers_every_public_page_and_feed_without_sql(
    client, event, django_assert_num_queries
):
    for url in all_urls(event):
        first = client.get(url)
        assert first.status_code == 200, url
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.status_code == 200
        assert without_token(again) == without_token(first)


def test_cached_page_sets_no_cookie_and_carries_no_token(client, event):
    client.get(reverse("schedule"))
    other = type(client)()

    response = other.get(reverse("schedule"))

    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html and "__PUBLIC_CSRF_TOKEN__" not in html
    assert not response.cookies
    assert response["Cache-Control"] == settings.PUBLIC_CACHE_CONTROL


def test_a_cached_page_with_a_form_gets_a_fresh_token_for_each_visitor_and_stays_private(rf, db):
    from django.middleware.csrf import CsrfViewMiddleware, get_token
    from django.template import engines

    from core.public_cache import public_cached

    form = engines["django"].from_string('<form method="post">{% csrf_token %}<button>ok</button></form>')

    @public_cached()
    def view(request):
        return HttpResponse(form.render({"csrf_token": get_token(request)}))

    def visit():
        request = rf.get("/a-page-with-a-form/")
        request.COOKIES = {}
        return CsrfViewMiddleware(view)(request)

    first, second = visit(), visit()

    tokens = [re.search(r'value="([^"]+)"', r.content.decode()).group(1) for r in (first, second)]
    assert tokens[0] != tokens[1] and "__PUBLIC_CSRF_TOKEN__" not in tokens
    assert first.cookies["csrftoken"].value and second.cookies["csrftoken"].value
    assert first["Cache-Control"] == second["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert "Content-Encoding" not in second  # a page with a secret is never compressed (BREACH)


@pytest.mark.parametrize("change", ["approve", "change", "cancel"])
def test_approve_change_and_cancel_show_at_once(client, week, change):
    event = factories.event(
        week=week,
        subtitle="原来的名称",
        status=Event.Status.SUBMITTED if change == "approve" else Event.Status.APPROVED,
    )
    before = without_token(client.get(reverse("schedule"), {"day": "all"}))

    if change == "approve":
        event.status = Event.Status.APPROVED
    elif change == "change":
        event.subtitle = "改过的名称"
    else:
        event.status, event.cancel_reason = Event.Status.CANCELLED, "天气原因"
    event.save()
    stale = without_token(client.get(reverse("schedule"), {"day": "all"}))
    bump_public_version()  # what the approval services call
    after = without_token(client.get(reverse("schedule"), {"day": "all"}))

    assert stale == before  # served from cache until the version moves
    if change == "approve":
        assert "原来的名称" not in before and "原来的名称" in after
    elif change == "change":
        assert "原来的名称" in before and "改过的名称" in after and "原来的名称" not in after
    else:
        assert "已取消" not in before and "已取消" in after


def test_the_approval_services_invalidate_the_cache_when_they_commit(
    client, week, office_user, django_capture_on_commit_callbacks
):
    event = factories.event(week=week, subtitle="服务审核的活动", status=Event.Status.SUBMITTED)
    assert "服务审核的活动" not in client.get(reverse("schedule"), {"day": "all"}).content.decode()

    with django_capture_on_commit_callbacks(execute=True) as committed:
        services.event_approve(event=event, by=office_user)
        # Before the commit the old page stands: a request now must not cache old rows as new.
        assert "服务审核的活动" not in client.get(reverse("schedule"), {"day": "all"}).content.decode()
    assert committed
    assert "服务审核的活动" in client.get(reverse("schedule"), {"day": "all"}).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=Event.objects.get(pk=event.pk), by=office_user, reason="场地原因")
    assert "场地原因" in client.get(reverse("event_detail", args=[event.pk])).content.decode()


def test_a_signed_in_organizer_gets_the_cached_schedule_without_a_schedule_query(
    client, event, django_assert_num_queries
):
    client.get(reverse("schedule"))  # an anonymous visitor warms the cache
    member = factories.member(event.host, full_name="登录的主办单位人员")
    client.force_login(member)

    # The session, its user and the current week (published? else organizers see it before the
    # public does), nothing of the schedule (issue 21).
    with django_assert_num_queries(3):
        response = client.get(reverse("schedule"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "登录的主办单位人员" not in html and "csrfmiddlewaretoken" not in html
    assert f'data-account-menu-url="{reverse("account_menu")}"' in html
    # The same bytes as everybody's, but a session asked: no shared cache keeps the answer.
    assert response["Cache-Control"] == "private, max-age=0, must-revalidate"


def test_a_signed_in_miss_stores_the_page_everybody_gets(client, event):
    client.force_login(factories.member(event.host, full_name="第一个来的人"))
    first = client.get(reverse("schedule"), {"day": "all"})
    client.logout()

    anonymous = type(client)().get(reverse("schedule"), {"day": "all"})

    assert "第一个来的人" not in first.content.decode()
    assert anonymous.content == first.content and anonymous["ETag"] == first["ETag"]


def test_a_pending_message_is_rendered_for_its_reader_and_never_stored(client, event, office_user, rf):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage

    client.get(reverse("schedule"))
    client.force_login(office_user)
    # A real pending message, as the office's last action left it in its cookie.
    storage, carrier = CookieStorage(rf.get("/")), HttpResponse()
    storage.add(constants.SUCCESS, "已批准")
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value

    html = client.get(reverse("schedule")).content.decode()

    assert office_user.display_name in html  # rendered for its reader: the menu is in the page
    assert "data-account-menu-url" not in html
    assert office_user.display_name not in type(client)().get(reverse("schedule")).content.decode()


def test_signed_in_pages_are_not_stored_for_anonymous_visitors(client, event):
    user = factories.user(full_name="不应被缓存的人")
    client.force_login(user)
    client.get(reverse("schedule"))
    client.logout()

    assert "不应被缓存的人" not in type(client)().get(reverse("schedule")).content.decode()


def test_unknown_query_parameters_share_one_cache_entry(client, event, django_assert_num_queries):
    first = client.get(reverse("schedule"), {"day": "all", "x": "1"})
    client.get(reverse("home"), {"x": "1"})

    with django_assert_num_queries(0):
        second = client.get(reverse("schedule"), {"day": "all", "x": "2"})
        third = client.get(reverse("schedule"), {"utm_source": "wechat", "day": "all"})
        home = client.get(reverse("home"), {"x": "2"})

    assert (second.status_code, third.status_code, home.status_code) == (200, 200, 200)
    assert second["ETag"] == third["ETag"] == first["ETag"]


def test_cache_key_keeps_only_the_declared_parameters_sorted(rf):
    from core.public_cache import cache_key
    from events.selectors.public import ScheduleFilters

    def key(url):
        return cache_key(rf.get(url), ScheduleFilters.PARAMS)

    assert key("/schedule/?day=all&x=1") == key("/schedule/?x=2&day=all") == key("/schedule/?day=all")
    assert key("/schedule/?form=forum&day=all") == key("/schedule/?day=all&form=forum")
    assert (
        len(
            {
                key("/schedule/?day=all"),
                key("/schedule/?day=all&form=forum"),
                key("/schedule/?day=all&q=a"),
                key("/schedule/?day=2026-09-20"),
                key("/schedule/"),
            }
        )
        == 5
    )
    assert cache_key(rf.get("/?x=1")) == cache_key(rf.get("/?x=2")) == cache_key(rf.get("/"))


def test_known_query_parameters_still_tell_pages_apart(client, week, main_venue):
    factories.event(week=week, venue=main_venue, subtitle="路演活动", form=Event.Form.ROADSHOW)
    factories.event(week=week, venue=main_venue, subtitle="论坛活动", form=Event.Form.FORUM)

    roadshows = client.get(reverse("schedule"), {"day": "all", "form": "roadshow"})
    forums = client.get(reverse("schedule"), {"day": "all", "form": "forum"})
    searched = client.get(reverse("schedule"), {"day": "all", "q": "论坛", "x": "1"})

    assert [e.subtitle for e in roadshows.context["events"]] == ["路演活动"]
    assert [e.subtitle for e in forums.context["events"]] == ["论坛活动"]
    assert [e.subtitle for e in searched.context["events"]] == ["论坛活动"]


def test_language_is_part_of_the_key_and_named_by_the_url(client, event):
    chinese = client.get("/schedule/", {"day": "all"}).content.decode()
    english = client.get("/en/schedule/", {"day": "all"}).content.decode()
    # Neither a browser's language nor a cookie changes what an address shows.
    asked_in_english = client.get("/schedule/", {"day": "all"}, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    with_cookie = client.get("/schedule/", {"day": "all"}).content.decode()

    assert '<html lang="zh-hans">' in chinese
    assert '<html lang="en">' in english
    assert (
        '<html lang="zh-hans">' in asked_in_english.content.decode()
        and '<html lang="zh-hans">' in with_cookie
    )
    assert "Accept-Language" not in asked_in_english.get("Vary", "")
    assert asked_in_english["Content-Language"] == "zh-hans"


@pytest.mark.parametrize("name", ["schedule", "api_schedule", "schedule_ics", "schedule_xml"])
def test_matching_etag_answers_304(client, event, name):
    first = client.get(reverse(name))
    etag = first["ETag"]

    again = client.get(reverse(name), HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_etag_matches_even_after_the_cache_entry_is_rebuilt(client, event):
    etag = client.get(reverse("api_schedule"))["ETag"]
    from django.core.cache import cache

    cache.clear()  # the entry expired; the content did not change

    assert client.get(reverse("api_schedule"), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_stale_etag_after_a_change_gets_the_new_content(client, event):
    etag = client.get(reverse("api_schedule"))["ETag"]
    event.subtitle = "新名称"
    event.save()
    bump_public_version()

    response = client.get(reverse("api_schedule"), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "新名称" in response.content.decode()


def test_if_modified_since_answers_304(client, event):
    first = client.get(reverse("schedule_ics"))

    again = client.get(reverse("schedule_ics"), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    older = client.get(reverse("schedule_ics"), HTTP_IF_MODIFIED_SINCE=http_date(0))

    assert again.status_code == 304
    assert older.status_code == 200


def test_head_request_has_headers_and_no_body(client, event):
    response = client.head(reverse("api_schedule"))

    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"]


def test_feeds_allow_cors_and_pages_do_not(client, event):
    assert client.get(reverse("api_schedule"))["Access-Control-Allow-Origin"] == "*"
    assert client.get(reverse("schedule_ics"))["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get(reverse("schedule"))


def test_not_found_is_not_cached(client, week):
    assert client.get(reverse("event_detail", args=[999])).status_code == 404
    event = factories.event(week=week)

    assert client.get(reverse("event_detail", args=[event.pk])).status_code == 200


def test_pages_held_by_a_web_process_go_stale_when_the_shared_cache_loses_its_keys(client, event, week):
    from django.core.cache import cache

    cache.clear()
    client.get(reverse("schedule"))  # now held in this process and in the shared cache
    factories.event(week=week, subtitle="重启后新增的活动")  # changed without a bump, e.g. restored data
    cache.clear()  # what a Redis restart does: it keeps nothing
    public_version()  # another web process asks first and starts the version again

    page = client.get(reverse("schedule")).content.decode()

    assert "重启后新增的活动" in page


def test_another_web_process_is_served_the_page_from_the_shared_cache(
    client, event, django_assert_num_queries
):
    first = client.get(reverse("api_schedule"))
    forget_local_pages()  # as a process that never rendered it

    with django_assert_num_queries(0):
        again = client.get(reverse("api_schedule"))

    assert again.content == first.content and again["ETag"] == first["ETag"]


def test_after_a_bump_the_stale_page_is_not_moved_out_of_the_shared_cache(client, event, monkeypatch):
    from django.core.cache import cache

    client.get(reverse("schedule"), {"day": "all"})
    forget_local_pages()
    bump_public_version()
    read = []
    real_get = cache.get

    def recording_get(key, *args, **kwargs):
        value = real_get(key, *args, **kwargs)
        read.append(value)
        return value

    monkeypatch.setattr(cache, "get", recording_get)
    page = client.get(reverse("schedule"), {"day": "all"})

    assert page.status_code == 200 and event.subtitle in page.content.decode()
    # Only the stored page's version was read: the old page itself stayed in the cache.
    assert not [value for value in read if isinstance(value, dict) and "body" in value]


def test_a_render_reads_the_public_version_once(client, event, monkeypatch):
    """The event page and the week's kept rows it is drawn from are of the version the page
    is stored under: read once, before the page is looked up."""
    from django.core.cache import cache

    from core.public_cache import VERSION_KEY

    client.get(reverse("schedule"))  # this process now holds the week's rows
    bump_public_version(events=[])
    read = []
    real_get = cache.get

    def recording_get(key, *args, **kwargs):
        read.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", recording_get)
    page = client.get(reverse("event_detail", args=[event.pk]))

    assert page.status_code == 200 and event.subtitle in page.content.decode()
    assert read.count(VERSION_KEY) == 1


def test_after_an_outage_a_version_the_cache_lost_is_started_again_once():
    from django.core.cache import cache

    from tests.public.test_schedule_fragments import REDIS_DOWN

    with override_settings(CACHES=REDIS_DOWN, CACHE_RETRY_SECONDS=0):
        assert public_version() is None
    cache.clear()  # the cache answers again without the version (a restarted Redis keeps nothing)

    first = public_version()

    assert first is not None and public_version() == first


def test_a_bump_reaches_pages_held_by_a_web_process(client, event, week):
    client.get(reverse("schedule"))
    factories.event(week=week, subtitle="审核后新增的活动")

    bump_public_version()

    assert "审核后新增的活动" in client.get(reverse("schedule")).content.decode()


def test_a_made_up_session_cookie_is_served_the_cached_page(client, event, django_assert_max_num_queries):
    client.get(reverse("schedule"))  # warms the cache
    client.cookies[settings.SESSION_COOKIE_NAME] = "madeup0123456789abcdefghijklmnopq"

    with django_assert_max_num_queries(1):  # the session is looked up, nothing rendered
        response = client.get(reverse("schedule"))

    assert response.status_code == 200 and event.subtitle in response.content.decode()


def test_a_made_up_messages_cookie_is_served_the_cached_page(client, event, django_assert_num_queries):
    client.get(reverse("schedule"))
    client.cookies["messages"] = "forged:value"

    with django_assert_num_queries(0):
        response = client.get(reverse("schedule"))

    assert response.status_code == 200
