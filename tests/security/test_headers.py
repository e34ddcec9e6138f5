"""Every HTML page carries the CSP and the hardening headers, and no page runs inline code."""

import logging
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from shuangchuang.logging import JsonFormatter, RequestIdFilter
from tests import factories
from tests.security.html_checks import inline_code

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site(week, organizer, member, event, office_user):
    report = factories.report(
        event=event, status="submitted", photos=1, leaders=[("张三", "副市长", "municipal")]
    )
    factories.public_media(event=event)
    return {
        "week": week,
        "event": event,
        "member": member,
        "office": office_user,
        "report": report,
        "venue": event.venue,
        "admin": factories.superuser(),
    }


def _pages(site):
    event, day = site["event"], site["event"].days[0]
    anonymous = [
        reverse("home"),
        reverse("schedule"),
        reverse("event_detail", args=[event.pk]),
        reverse("venues:list"),
        reverse("venues:detail", args=[site["venue"].pk]),
        reverse("archive"),
        reverse("archive_week", args=[site["week"].pk]),
        reverse("login"),
        reverse("password_reset"),
        reverse("organizer:apply"),
    ]
    organizer = [
        reverse("organizer:dashboard"),
        reverse("organizer:event_create"),
        reverse("organizer:event_detail", args=[event.pk]),
        reverse("organizer:event_edit", args=[event.pk]),
        reverse("reports:list"),
        reverse("reports:detail", args=[event.pk, day]),
        reverse("password_change"),
    ]
    office = [
        reverse("board:home"),
        reverse("board:report", args=[site["report"].pk]),
        reverse("review_events:queue"),
        reverse("review_events:list"),
        reverse("review_events:detail", args=[event.pk]),
        reverse("review_events:organizers"),
        reverse("review_events:import"),
    ]
    return [(None, anonymous), (site["member"], organizer), (site["office"], office)]


def test_main_pages_have_a_strict_csp_and_no_inline_code(site):
    checked = 0
    for user, urls in _pages(site):
        client = Client()
        if user:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            policy = response["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "default-src 'self'" in policy, url
            assert "unsafe-inline" not in policy and "nonce-" not in policy, (url, policy)
            assert inline_code(response.content.decode()) == [], url
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Referrer-Policy"] == "same-origin"
            assert response["X-Frame-Options"] == "DENY"
            checked += 1
    assert checked == 24


def test_no_template_holds_inline_script_or_style_attributes():
    """Grep every web template (e-mails are not pages and carry their own styles)."""
    found = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "emails" in path.parts:
            continue
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style[\s>]"):
            for match in re.finditer(pattern, text):
                found.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert found == []


def test_cached_anonymous_page_keeps_the_same_policy_without_nonce(site):
    first, second = Client().get(reverse("schedule")), Client().get(reverse("schedule"))

    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    assert "nonce" not in first["Content-Security-Policy"] and "nonce" not in first.content.decode()


def test_every_response_echoes_a_request_id_and_keeps_a_proxy_id():
    generated = Client().get(reverse("healthz"))
    kept = Client().get(reverse("healthz"), HTTP_X_REQUEST_ID="nginx-0123456789abcdef")
    forged = Client().get(reverse("healthz"), HTTP_X_REQUEST_ID="bad id\nwith newline")

    assert re.fullmatch(r"[0-9a-f]{32}", generated["X-Request-ID"])
    assert kept["X-Request-ID"] == "nginx-0123456789abcdef"
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_log_lines_are_json_with_the_request_id(caplog):
    import json

    from shuangchuang.middleware import RequestIdMiddleware

    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("tests.security.request_id")
    logger.addHandler(handler)
    try:

        def view(request):
            logger.warning("报送 %s", "已收到", extra={"media_id": 7})
            from django.http import HttpResponse

            return HttpResponse("ok")

        from django.test import RequestFactory

        response = RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="abcdef0123456789"))
    finally:
        logger.removeHandler(handler)

    [line] = lines
    record = json.loads(line)
    assert record["request_id"] == "abcdef0123456789" == response["X-Request-ID"]
    assert record["msg"] == "报送 已收到" and record["media_id"] == 7 and record["level"] == "WARNING"
