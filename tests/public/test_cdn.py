"""Public pages a CDN can hold: no cookie, the language in the URL, Cache-Control public with an
ETag, compression only where nothing is secret, the purge hook, and the full head."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.public_cache import bump_public_version, resync_public_version
from events import services
from events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PURGES: list = []


def record_purge(*, version):
    PURGES.append(version)


def failing_purge(*, version):
    raise ConnectionError("the CDN's API did not answer")


@pytest.fixture(autouse=True)
def no_purges():
    PURGES.clear()
    yield
    PURGES.clear()


@pytest.fixture
def event(week, main_venue):
    return factories.event(
        week=week,
        venue=main_venue,
        subtitle="科普日",
        starts_at=factories.at(week.starts_on, 9),
        ends_at=factories.at(week.starts_on + dt.timedelta(days=4), 17),
    )


def public_urls(event) -> list[str]:
    return [
        reverse("home"),
        reverse("schedule") + "?day=all",
        reverse("event_detail", args=[event.pk]),
        reverse("venues:list"),
        reverse("venues:detail", args=[event.venue_id]),
        reverse("archive"),
        reverse("archive_week", args=[event.week_id]),
        reverse("open_data"),
        reverse("schedule_ics"),
        reverse("schedule_xml"),
        reverse("schedule_frab_json"),
        reverse("api_schedule"),
        reverse("event_ics", args=[event.pk]),
        reverse("venues:ics", args=[event.venue_id]),
    ]


def test_anonymous_public_pages_set_no_cookie_and_may_be_kept_by_a_cdn(event):
    client = Client()
    for prefix in ("", "/en"):
        for url in public_urls(event):
            for attempt in ("rendered", "from the cache"):
                response = client.get(prefix + url)
                where = (prefix + url, attempt)
                assert response.status_code == 200, where
                assert not response.cookies, where
                assert "Set-Cookie" not in response, where
                assert response["Cache-Control"] == "public, max-age=60, s-maxage=300", where
                assert response["ETag"], where
                vary = {part.strip() for part in response["Vary"].split(",")}
                assert "Cookie" in vary and "Accept-Language" not in vary, where
                assert response["X-Accel-Expires"] == "1", where
    assert not client.cookies


def test_cache_control_comes_from_settings(client, event, settings):
    settings.PUBLIC_CACHE_CONTROL = "public, max-age=30, s-maxage=600, stale-while-revalidate=60"
    settings.PUBLIC_CACHE_ACCEL_EXPIRES = 0

    response = client.get(reverse("schedule"))

    assert response["Cache-Control"] == "public, max-age=30, s-maxage=600, stale-while-revalidate=60"
    assert "X-Accel-Expires" not in response


def test_a_signed_in_request_to_the_same_page_sees_the_account_menu(client, event):
    anonymous = client.get(reverse("schedule"), {"day": "all"})  # warms the cache
    client.force_login(factories.user(full_name="登录的办公室同事"))

    signed_in = client.get(reverse("schedule"), {"day": "all"}, HTTP_ACCEPT_ENCODING="gzip")
    menu = client.get(reverse("account_menu"))

    # The page is everybody's (gzipped: it holds no token), the menu comes beside it.
    assert signed_in["ETag"] == anonymous["ETag"][:-1] + '-gzip"'
    assert signed_in["Content-Encoding"] == "gzip"
    assert signed_in["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert "登录的办公室同事" not in gzip.decompress(signed_in.content).decode()
    html = menu.content.decode()
    assert menu.status_code == 200 and "登录的办公室同事" in html and reverse("logout") in html
    assert "csrfmiddlewaretoken" in html and "{#" not in html
    assert "no-store" in menu["Cache-Control"] and "private" in menu["Cache-Control"]


def test_the_account_menu_is_empty_for_a_visitor(client):
    response = Client().get(reverse("account_menu"))

    assert response.status_code == 204 and response.content == b""


def test_the_marker_cookie_follows_the_session(client, event):
    member = factories.member(event.host, username="marker-person")

    signed_in = client.post(reverse("login"), {"username": "marker-person", "password": factories.PASSWORD})
    page = client.get(reverse("schedule"))
    signed_out = client.post(reverse("logout"))
    after = client.get(reverse("schedule"))

    assert member.pk and signed_in.cookies["sc_account"].value == "1"
    assert signed_in.cookies["sc_account"]["httponly"] == ""  # the page's script reads it
    assert "sc_account" not in page.cookies  # already there: the cached page sets nothing
    assert signed_out.cookies["sc_account"].value == "" and "private" in signed_out["Cache-Control"]
    assert "Set-Cookie" not in str(after.serialize_headers()) and "public" in after["Cache-Control"]


def test_a_stale_marker_is_cleared_by_the_menu_never_by_a_public_page(event):
    visitor = Client()
    visitor.cookies["sc_account"] = "1"  # the session ran out, or was never there

    page = visitor.get("/en/schedule/")
    menu = visitor.get(reverse("account_menu"))  # what the page's script asks, seeing the marker

    assert "sc_account" not in page.cookies and page["Cache-Control"].startswith("public")
    assert menu.status_code == 204 and menu.cookies["sc_account"].value == ""


def test_the_first_private_answer_sets_the_marker_and_public_pages_never_do(client, member):
    client.force_login(member)

    response = client.get(reverse("account_menu"))
    page = client.get("/en/schedule/")

    assert response.cookies["sc_account"].value == "1" and "sc_account" not in page.cookies


def test_the_language_switch_is_a_link_to_the_other_languages_address(client, event):
    html = client.get(reverse("schedule"), {"day": "all", "x": "made-up"}).content.decode()
    english = client.get("/en/schedule/", {"day": "all"}).content.decode()

    assert 'action="/i18n/setlang/"' not in html and "csrfmiddlewaretoken" not in html
    # The filters that make the page are kept, a visitor's made-up parameter is not.
    assert '<a href="/en/schedule/?day=all" hreflang="en" lang="en"' in html
    assert '<a href="/schedule/?day=all" hreflang="zh-Hans" lang="zh-hans"' in english
    assert "made-up" not in html
    site = settings.SITE_URL
    for page in (html, english):
        assert f'<link rel="alternate" hreflang="zh-Hans" href="{site}/schedule/">' in page
        assert f'<link rel="alternate" hreflang="en" href="{site}/en/schedule/">' in page
        assert f'<link rel="alternate" hreflang="x-default" href="{site}/schedule/">' in page
    assert f'<link rel="canonical" href="{site}/en/schedule/">' in english
    # Links on an English page stay English.
    assert f'href="/en/events/{event.pk}/"' in english


def test_pages_outside_the_public_site_keep_the_cookie_switch(client, event):
    client.cookies["django_language"] = "en"

    login = client.get(reverse("login"))

    html = login.content.decode()
    assert '<html lang="en">' in html
    assert 'action="/i18n/setlang/"' in html and 'name="language" value="en"' in html
    assert "Accept-Language" in login["Vary"]
    # Chosen there, the language carries over to the public site through its links.
    assert 'href="/en/"' in html


def test_the_cookie_switch_sends_a_public_page_to_its_other_address(client, event):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/schedule/?day=all"})

    assert switched.status_code == 302 and switched["Location"] == "/en/schedule/?day=all"


def test_schedule_is_gzipped_for_clients_that_accept_it(client, event):
    plain = client.get(reverse("schedule"), {"day": "all"})
    response = client.get(reverse("schedule"), {"day": "all"}, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    again = client.get(reverse("schedule"), {"day": "all"}, HTTP_ACCEPT_ENCODING="gzip")

    assert "Content-Encoding" not in plain
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == plain.content
    assert again.content == response.content  # compressed once, stored with the page
    assert len(response.content) * 3 < len(plain.content)
    assert "Accept-Encoding" in response["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert response["ETag"] != plain["ETag"]
    assert response["Cache-Control"] == plain["Cache-Control"] == settings.PUBLIC_CACHE_CONTROL
    not_modified = client.get(
        reverse("schedule"), {"day": "all"}, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert not_modified.status_code == 304 and not_modified["ETag"] == response["ETag"]


@pytest.mark.parametrize("name", ["schedule_ics", "schedule_xml", "schedule_frab_json", "api_schedule"])
def test_feeds_are_gzipped_too(client, event, name):
    plain = client.get(reverse(name))
    response = client.get(reverse(name), HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == plain.content
    assert response["Access-Control-Allow-Origin"] == "*"


def test_no_purge_hook_configured_changes_nothing(event, settings):
    settings.PUBLIC_CACHE_PURGE = ""

    assert bump_public_version() is not None
    assert PURGES == []


def test_the_purge_hook_is_called_after_each_bump_with_the_new_version(client, event, settings):
    settings.PUBLIC_CACHE_PURGE = "tests.public.test_cdn.record_purge"
    client.get(reverse("schedule"))

    version = bump_public_version()

    assert PURGES == [version] and version is not None


def test_approving_an_event_purges_the_cdn_once_it_is_committed(
    week, office_user, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_CACHE_PURGE = "tests.public.test_cdn.record_purge"
    event = factories.event(week=week, subtitle="待审核的活动", status=Event.Status.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        services.event_approve(event=event, by=office_user)
        assert PURGES == []  # not before the commit: the CDN would fetch the old page again

    assert len(PURGES) == 1


def test_a_resync_that_starts_a_new_version_purges_too(event, settings):
    from django.core.cache import cache

    settings.PUBLIC_CACHE_PURGE = "tests.public.test_cdn.record_purge"
    bump_public_version()
    PURGES.clear()
    cache.delete("public:stored-bumps")  # the cache missed a bump while it was away

    assert resync_public_version() is True
    assert len(PURGES) == 1


def test_a_failing_purge_hook_is_logged_and_the_bump_stands(client, event, settings, caplog):
    settings.PUBLIC_CACHE_PURGE = "tests.public.test_cdn.failing_purge"
    before = client.get(reverse("schedule"))["ETag"]
    Event.objects.filter(pk=event.pk).update(subtitle="改过的名称")

    with caplog.at_level(logging.ERROR, logger="core.public_cache"):
        assert bump_public_version() is not None

    assert "purge hook" in caplog.text and "failing_purge" in caplog.text
    after = client.get(reverse("schedule"), {"day": "all"})
    assert "改过的名称" in after.content.decode() and after["ETag"] != before


def test_the_head_has_description_canonical_manifest_theme_colour_and_the_calendar(client, event):
    html = client.get(reverse("home")).content.decode()

    assert re.search(r'<meta name="description" content="[^"]*主题：', html)  # the week's theme
    assert f'<link rel="canonical" href="{settings.SITE_URL}/">' in html
    assert '<meta name="theme-color" content="#8c1115">' in html
    assert '<link rel="manifest" href="/static/manifest.json">' in html
    assert '<link rel="alternate" type="text/calendar" title="日历订阅 (.ics)" href="/schedule.ics">' in html
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    assert '<script defer src="/static/vendor/bootstrap/bootstrap.bundle.min.js"></script>' in html
    assert re.findall(r"<script(?![^>]*\bdefer\b)[^>]*>", html) == []


def test_an_events_description_names_it_and_its_dates(client, event):
    html = client.get(reverse("event_detail", args=[event.pk])).content.decode()

    [description] = re.findall(r'<meta name="description" content="([^"]*)"', html)
    assert description.startswith("科普日 · ")
    assert "9月20日" in description and "24日" in description


def test_no_calendar_link_before_the_week_is_published(client, week):
    week.is_published = False
    week.save()

    assert "text/calendar" not in client.get(reverse("home")).content.decode()


def test_the_web_app_manifest_names_the_portal_and_icons_that_exist():
    manifest = json.loads((ROOT / "static" / "manifest.json").read_text(encoding="utf-8"))

    assert manifest["name"] == "双创周" and manifest["start_url"] == "/"
    assert manifest["theme_color"] == "#8c1115"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512", "any"} <= sizes
    for icon in manifest["icons"]:
        assert (ROOT / "static" / icon["src"]).is_file(), icon["src"]
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_collectstatic_writes_brotli_beside_gzip(tmp_path):
    """whitenoise's storage compresses each static file with both when brotli is installed."""
    from whitenoise.compress import Compressor

    css = tmp_path / "portal.css"
    css.write_bytes((ROOT / "static" / "css" / "portal.css").read_bytes())

    written = sorted(Path(name).name for name in Compressor(quiet=True).compress(str(css)))

    assert written == ["portal.css.br", "portal.css.gz"]
