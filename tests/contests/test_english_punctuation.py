"""Contest and hall pages in English use English punctuation and the right words."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.contests import factories as contest_factories

pytestmark = pytest.mark.django_db


def test_a_contest_page_in_english_states_its_registration_period(client):
    contest = contest_factories.contest()
    with translation.override("en"):
        url = reverse("contest:detail", args=[contest.slug])

    page = client.get(url, headers={"accept-language": "en"}).content.decode()

    assert "Registration: " in page
    assert "Registered at" not in page and "：" not in page.split("contest-cta", 1)[1].split("</p>", 1)[0]
