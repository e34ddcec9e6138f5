"""Chinese first, English second."""

import polib
import pytest
from django.conf import settings

from tests import factories

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_by_default(client):
    factories.week()

    response = client.get("/")

    assert response.headers["Content-Language"] == "zh-hans"
    assert "今日活动" in response.content.decode()


def test_language_switch_turns_the_site_english_and_back(client):
    factories.week()

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    assert switched.headers["Content-Language"] == "en"
    assert "Today's events" in switched.content.decode()
    back = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, follow=True)
    assert "今日活动" in back.content.decode()


def test_header_offers_both_languages(client):
    # The public site: a link to each language's address (no form, no cookie).
    html = client.get("/").content.decode()

    assert '<a href="/" hreflang="zh-Hans" lang="zh-hans"' in html
    assert '<a href="/en/" hreflang="en" lang="en"' in html
    # Elsewhere: the form that sets the language cookie.
    login = client.get("/accounts/login/").content.decode()
    assert 'name="language" value="zh-hans"' in login
    assert 'name="language" value="en"' in login


def test_english_catalogue_is_complete():
    catalogue = polib.pofile(str(settings.LOCALE_PATHS[0] / "en" / "LC_MESSAGES" / "django.po"))

    missing = [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]

    assert missing == []


def test_time_zone_is_shanghai():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
