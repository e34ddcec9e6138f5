"""Login throttling (django-axes): locked by username *and* address, for a set cool-off, and a
forged proxy header neither moves the lock nor resets the count."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db
OFFICE_IP, ELSEWHERE = "10.20.30.40", "203.0.113.9"


@pytest.fixture
def person(db):
    return factories.user(username="kjj-reporter")


def _login(password, *, ip=OFFICE_IP, username="kjj-reporter", **headers):
    return Client(REMOTE_ADDR=ip).post(
        reverse("login"), {"username": username, "password": password}, **headers
    )


def _guess(times, **kwargs):
    for _ in range(times):
        response = _login("wrong-password", **kwargs)
        assert response.status_code in (200, 429)
    return response


def test_five_wrong_passwords_lock_that_username_at_that_address_with_a_chinese_page(settings, person):
    assert settings.AXES_FAILURE_LIMIT == 5

    assert _guess(4).status_code == 200
    locked = _login("wrong-password")
    right_but_locked = _login(factories.PASSWORD)

    assert locked.status_code == 429 and right_but_locked.status_code == 429
    page = right_but_locked.content.decode()
    assert "登录已暂时锁定" in page and "15 分钟后再试" in page
    assert "_auth_user_id" not in right_but_locked.client.session


def test_guesses_from_elsewhere_do_not_lock_out_the_office_address(person):
    _guess(10, ip=ELSEWHERE)

    assert _login("wrong-password", ip=ELSEWHERE).status_code == 429
    assert _login(factories.PASSWORD, ip=OFFICE_IP).status_code == 302


def test_lock_lifts_after_the_cool_off(person):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _guess(5)
        assert _login(factories.PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert _login(factories.PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        # 15 minutes after the last refused attempt (a refused attempt restarts the cool-off)
        assert _login(factories.PASSWORD).status_code == 302


def test_success_resets_the_count(person):
    _guess(4)
    assert _login(factories.PASSWORD).status_code == 302

    assert _guess(4).status_code == 200
    assert _login(factories.PASSWORD).status_code == 302


def test_forwarded_headers_are_ignored_without_a_configured_proxy(person):
    for n in range(5):
        _login("wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", HTTP_X_REAL_IP=f"192.0.2.{n}")

    assert _login(factories.PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200").status_code == 429


def test_behind_the_proxy_a_forged_left_hand_entry_does_not_reset_the_count(settings, person):
    # nginx: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; it appends the real address.
    settings.CLIENT_IP_HEADER, settings.CLIENT_IP_PROXY_COUNT = "HTTP_X_FORWARDED_FOR", 1
    proxy = "127.0.0.1"
    for n in range(5):
        _login("wrong-password", ip=proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {ELSEWHERE}")

    assert (
        _login(factories.PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=f"8.8.8.8, {ELSEWHERE}").status_code == 429
    )
    # The office behind the same proxy still gets in: the lock is on the guesser's address.
    assert _login(factories.PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=OFFICE_IP).status_code == 302


def test_lockout_page_is_an_html_page_under_the_csp(person):
    _guess(5)
    response = Client(REMOTE_ADDR=OFFICE_IP).post(
        reverse("login"), {"username": "kjj-reporter", "password": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 429
    assert "text/html" in response["Content-Type"] and "Content-Security-Policy" in response
