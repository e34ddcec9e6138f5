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


def test_anonymous_public_pages_carry_no_cookie_and_may_be_kept_by_shared_caches(site):
    for url in (reverse("home"), reverse("schedule"), "/en/schedule/", reverse("venues:list")):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert not response.cookies and "csrfmiddlewaretoken" not in response.content.decode(), url
        assert response["Cache-Control"].startswith("public, "), url
    signed_in = Client()
    signed_in.force_login(site["member"])
    assert signed_in.get(reverse("schedule"))["Cache-Control"].startswith("private, ")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_shipped_nginx_config_is_valid_and_compresses_static_files_only(tmp_path):
    """deploy/nginx/shuangchuang.conf under `nginx -t`, then serving: a proxied page (which
    may carry a CSRF token) is never compressed by nginx, even under a main nginx.conf with
    Debian's `gzip on;`; static files go out as the .gz collectstatic wrote beside them."""
    import gzip
    import http.server
    import os
    import shutil
    import subprocess
    import threading
    import time
    import urllib.request

    if not shutil.which("nginx"):
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    page = b"<!doctype html><title>x</title>" + b'<input name="csrfmiddlewaretoken" value="secret">' * 40

    class Upstream(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    listen = _free_port()
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    css = (ROOT / "static" / "css" / "portal.css").read_bytes()
    (static / "css" / "portal.css").write_bytes(css)
    (static / "css" / "portal.css.gz").write_bytes(gzip.compress(css))
    site_conf = (ROOT / "deploy" / "nginx" / "shuangchuang.conf").read_text(encoding="utf-8")
    for old, new in (
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream.server_address[1]};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{listen};"),
        ("/var/cache/nginx/shuangchuang", str(tmp_path / "cache")),
        ("/srv/shuangchuang/static/", f"{static}/"),
        ("server { listen 80; server_name sc.example.gov.cn; return 301 https://$host$request_uri; }", ""),
    ):
        assert old in site_conf, old
        site_conf = site_conf.replace(old, new)
    (tmp_path / "site.conf").write_text(site_conf, encoding="utf-8")
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp_path / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'} warn;\n"
        + "events { worker_connections 64; }\n"
        + f"http {{\n    access_log off;\n{temp_paths}    gzip on;\n    gzip_types text/css application/json;\n"
        + f"    include {tmp_path / 'site.conf'};\n}}\n",
        encoding="utf-8",
    )
    command = ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:

        def get(path):
            request = urllib.request.Request(
                f"http://127.0.0.1:{listen}{path}", headers={"Accept-Encoding": "gzip"}
            )
            for _ in range(50):
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        return response.headers, response.read()
                except (ConnectionError, urllib.error.URLError):
                    time.sleep(0.1)
            raise AssertionError(f"nginx did not answer {path}")

        page_headers, page_body = get("/organizer/")
        css_headers, css_body = get("/static/css/portal.css")
    finally:
        pid = tmp_path / "nginx.pid"
        if pid.exists():
            os.kill(int(pid.read_text().strip()), 15)
        server.wait(timeout=10)
        upstream.shutdown()

    assert page_headers.get("Content-Encoding") is None and page_body == page
    assert css_headers["Content-Encoding"] == "gzip" and gzip.decompress(css_body) == css
