"""Rate limits on the forms anybody may post (core.ratelimit): sign-in, password reset, a
unit's application. The n-th request passes, the next gets 429 with a Chinese page; other
addresses are not affected; a window ends; an unreachable cache lets requests through."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client, TestCase
from django.urls import reverse

from core import ratelimit
from events.models import OrganizerApplication
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
GUESSER, OFFICE_IP = "203.0.113.7", "10.20.30.40"
# Whole hours: every window (5, 15, 60 minutes) starts here.
START = dt.datetime(2026, 9, 21, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def person(db):
    return factories.user(username="kjj-reporter", email="kjj@example.com")


def _client(ip):
    return Client(REMOTE_ADDR=ip)


def _login(username, password="wrong-password", *, ip=GUESSER):
    return _client(ip).post(reverse("login"), {"username": username, "password": password})


def _fail_logins(count, *, start=START, ip=GUESSER):
    """``count`` failed sign-ins with new usernames, at the pace the burst limit allows."""
    burst = ratelimit.LOGIN_BURST_PER_ADDRESS
    for n in range(count):
        with time_machine.travel(
            start + dt.timedelta(seconds=burst.seconds * (n // burst.count)), tick=False
        ):
            assert _login(f"random-{n}", ip=ip).status_code == 200, n
    return start + dt.timedelta(seconds=burst.seconds * ((count - 1) // burst.count))


def _reset(email, *, ip=GUESSER):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the mail leaves through the outbox after commit
        return _client(ip).post(reverse("password_reset"), {"email": email})


def _apply(name, *, ip=GUESSER, django_capture_on_commit_callbacks):
    data = {
        "name": name,
        "kind": "enterprise",
        "contact_name": "刘洋",
        "contact_phone": "13800000004",
        "contact_email": "ly@example.com",
    }
    with django_capture_on_commit_callbacks(execute=True):
        return _client(ip).post(reverse("organizer:apply"), data)


def _assert_refused(response, minutes=None):
    assert response.status_code == 429
    page = response.content.decode()
    match = re.search(r"操作过于频繁，请 (\d+) 分钟后再试。", page)
    assert match, page
    if minutes is not None:
        assert int(match.group(1)) == minutes
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    assert "text/html" in response["Content-Type"]


# --- sign-in ---------------------------------------------------------------------------------


def test_new_usernames_from_one_address_are_refused_after_the_limit(person):
    last = _fail_logins(ratelimit.LOGIN_PER_ADDRESS.count)
    with time_machine.travel(
        last + dt.timedelta(seconds=ratelimit.LOGIN_BURST_PER_ADDRESS.seconds), tick=False
    ):
        refused = _login(person.username, factories.PASSWORD)  # even the right password

        _assert_refused(refused, minutes=4)  # 105 s into the 5-minute window
        assert "_auth_user_id" not in refused.client.session
        # Another address signs in as usual.
        assert _login(person.username, factories.PASSWORD, ip=OFFICE_IP).status_code == 302


def test_the_address_limit_lifts_when_the_window_ends(person):
    last = _fail_logins(ratelimit.LOGIN_PER_ADDRESS.count)
    with time_machine.travel(
        last + dt.timedelta(seconds=ratelimit.LOGIN_BURST_PER_ADDRESS.seconds), tick=False
    ):
        _assert_refused(_login("random-x"))
    with time_machine.travel(START + dt.timedelta(minutes=4, seconds=59), tick=False):
        _assert_refused(_login(person.username, factories.PASSWORD), minutes=1)
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        assert _login(person.username, factories.PASSWORD).status_code == 302


def test_one_username_guessed_at_from_many_addresses_is_refused_for_that_username_only(person):
    limit = ratelimit.LOGIN_PER_USERNAME.count
    with time_machine.travel(START, tick=False):
        for n in range(limit):
            assert _login(person.username, ip=f"198.51.100.{n}").status_code == 200

        _assert_refused(_login(person.username, factories.PASSWORD, ip=OFFICE_IP), minutes=15)
        # Other usernames from those addresses, and the guessers' own budgets, are untouched.
        other = factories.user()
        assert _login(other.username, factories.PASSWORD, ip="198.51.100.0").status_code == 302
    with time_machine.travel(START + dt.timedelta(minutes=15), tick=False):
        assert _login(person.username, factories.PASSWORD, ip=OFFICE_IP).status_code == 302


def test_a_burst_of_new_usernames_gets_only_a_few_password_checks(person, monkeypatch):
    from django.contrib.auth.backends import ModelBackend

    checked = []
    authenticate = ModelBackend.authenticate

    def counting(backend, request, username=None, password=None, **kwargs):
        # The attempt is already counted when its password is checked: a flood arriving all
        # at once cannot pass the limit by being checked before any of it was counted.
        counter = ratelimit._counter_key(ratelimit.LOGIN_BURST_PER_ADDRESS, GUESSER)
        checked.append((username, cache.get(counter)))
        return authenticate(backend, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    burst = ratelimit.LOGIN_BURST_PER_ADDRESS.count
    with time_machine.travel(START, tick=False):
        answers = [_login(f"random-{n}").status_code for n in range(burst + 5)]

        assert answers == [200] * burst + [429] * 5
        assert checked == [(f"random-{n}", n + 1) for n in range(burst)]
        _assert_refused(_login("random-x"), minutes=1)
    with time_machine.travel(
        START + dt.timedelta(seconds=ratelimit.LOGIN_BURST_PER_ADDRESS.seconds), tick=False
    ):
        assert _login("random-y").status_code == 200
        assert _login(person.username, factories.PASSWORD).status_code == 302


def test_repeated_guesses_from_one_address_are_left_to_axes(person, settings):
    # The same username from the same address counts once for both limits; axes locks the pair.
    # At a fixed moment: the counter's key names its window, which the real clock could leave
    # between the guesses and the check (it did, once, at 22:05:00).
    with time_machine.travel(START, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT + 3):
            _login(person.username)

        assert cache.get(ratelimit._counter_key(ratelimit.LOGIN_PER_ADDRESS, GUESSER)) == 1
        assert _login(person.username, factories.PASSWORD, ip=OFFICE_IP).status_code == 302


def test_a_successful_sign_in_counts_nothing(person):
    for _ in range(ratelimit.LOGIN_PER_ADDRESS.count + 1):
        assert _login(person.username, factories.PASSWORD).status_code == 302


# --- password reset --------------------------------------------------------------------------


def test_reset_requests_from_one_address_are_refused_after_the_limit(person):
    limit = ratelimit.PASSWORD_RESET_PER_ADDRESS.count
    with time_machine.travel(START, tick=False):
        for n in range(limit):
            response = _reset(f"nobody{n}@example.com")
            assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")

        _assert_refused(_reset(person.email), minutes=60)
        assert mail.outbox == []
        # Another address may still ask.
        assert _reset(person.email, ip=OFFICE_IP).status_code == 302
        assert len(mail.outbox) == 1
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        assert _reset(person.email).status_code == 302
        assert len(mail.outbox) == 2


def test_reset_mails_to_one_address_stop_silently_after_the_limit(person):
    limit = ratelimit.PASSWORD_RESET_PER_EMAIL.count
    with time_machine.travel(START, tick=False):
        sent = [_reset(person.email, ip=f"198.51.100.{n}") for n in range(limit)]
        assert len(mail.outbox) == limit

        over = _reset(" KJJ@example.com ", ip="198.51.100.200")  # the same address, written otherwise
        unknown = _reset("nobody@example.com", ip="198.51.100.201")

        assert len(mail.outbox) == limit  # nothing more sent
        # Answered like every other request, and like an address nobody has.
        for response in [*sent, over, unknown]:
            assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
        assert _client("198.51.100.200").get(over["Location"]).status_code == 200
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        _reset(person.email, ip="198.51.100.202")
        assert len(mail.outbox) == limit + 1


# --- a unit's application --------------------------------------------------------------------


def test_applications_from_one_address_are_refused_after_the_limit(django_capture_on_commit_callbacks):
    factories.office_user(email="office@example.com")
    limit = ratelimit.APPLICATION_PER_ADDRESS.count
    apply = dict(django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    with time_machine.travel(START, tick=False):
        for n in range(limit):
            assert _apply(f"某公司{n}", **apply)["Location"] == reverse("organizer:apply_done")
        assert len(mail.outbox) == limit

        _assert_refused(_apply("某公司x", **apply), minutes=60)

        assert OrganizerApplication.objects.count() == limit and len(mail.outbox) == limit
        # Another address applies as usual.
        assert _apply("某公司y", ip=OFFICE_IP, **apply).status_code == 302
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        assert _apply("某公司z", **apply).status_code == 302
    assert len(mail.outbox) == limit + 2


def test_a_form_sent_back_for_corrections_counts_nothing(django_capture_on_commit_callbacks):
    for _ in range(ratelimit.APPLICATION_PER_ADDRESS.count + 2):
        response = _client(GUESSER).post(reverse("organizer:apply"), {"name": "某公司"})
        assert response.status_code == 200 and response.context["form"].errors

    apply = dict(django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert _apply("某公司", **apply).status_code == 302


def test_the_page_is_english_for_an_english_visitor(person, settings):
    settings.RATE_LIMITS = {"password-reset-address": (1, 3600)}
    client = _client(GUESSER)
    client.post(reverse("password_reset"), {"email": person.email})

    refused = client.post(reverse("password_reset"), {"email": person.email}, HTTP_ACCEPT_LANGUAGE="en")

    assert refused.status_code == 429
    assert "Too many requests. Please try again in" in refused.content.decode()


# --- settings and the cache ------------------------------------------------------------------


def test_settings_override_a_limit(settings):
    settings.RATE_LIMITS = {"login-address": (2, 60)}

    assert (ratelimit.LOGIN_PER_ADDRESS.count, ratelimit.LOGIN_PER_ADDRESS.seconds) == (2, 60)
    settings.RATE_LIMITS = {"login-address": (2, 60), "login-address-burst": (10, 60)}
    _login("a"), _login("b")
    _assert_refused(_login("c"), minutes=1)


def test_an_unreachable_cache_lets_requests_through(person, monkeypatch, settings):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for name in ("add", "get", "incr"):
        monkeypatch.setattr(LocMemCache, name, down)
    settings.RATE_LIMITS = {"password-reset-address": (1, 3600), "login-address": (1, 300)}
    settings.CACHE_RETRY_SECONDS = 0  # the next test finds the cache asked again at once

    resets = [_reset(person.email) for _ in range(3)]
    logins = [_login(f"random-{n}") for n in range(3)]

    assert [r.status_code for r in resets] == [302] * 3 and len(mail.outbox) == 3
    assert [r.status_code for r in logins] == [200] * 3


def test_a_refused_request_costs_no_query(settings, django_assert_num_queries):
    settings.RATE_LIMITS = {"password-reset-address": (1, 3600)}
    _reset("first@example.com")

    with django_assert_num_queries(0):
        refused = _client(GUESSER).post(reverse("password_reset"), {"email": "second@example.com"})

    assert refused.status_code == 429


def test_a_flood_of_failures_for_a_username_cannot_lock_out_its_owners_browser(person, settings):
    settings.RATE_LIMITS = {"login-username": (2, 900)}
    owner = _client("198.51.100.7")
    assert (
        owner.post(reverse("login"), {"username": person.username, "password": PASSWORD}).status_code == 302
    )
    owner.post(reverse("logout"))

    for n in range(3):  # failures for that username from three other places
        _login(person.username, ip=f"203.0.113.{n + 1}")
    assert _login(person.username, ip="203.0.113.99").status_code == 429  # elsewhere: refused

    again = owner.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert again.status_code == 302  # the browser it signed in with before still signs in


def test_ipv6_addresses_count_by_their_64_network(settings):
    settings.RATE_LIMITS = {"login-address": (2, 300)}

    _login("a", ip="2001:db8:1:2::1")
    _login("b", ip="2001:db8:1:2::2")

    assert _login("c", ip="2001:db8:1:2:ffff::3").status_code == 429
    assert _login("d", ip="2001:db8:1:3::1").status_code == 200  # another subscriber's network
