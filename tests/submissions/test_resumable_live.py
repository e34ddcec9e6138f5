"""A resumable upload over real sockets (pytest-django's live server): the connection drops
in the middle of a PATCH at about 60 %, the server keeps what arrived, and the upload
continues from there; the stored file is the source, byte for byte."""

from __future__ import annotations

import base64
import hashlib
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse

from submissions.models import MediaFile
from tests import factories
from tests.submissions import media_samples

pytestmark = pytest.mark.django_db(transaction=True)
TUS = {"Tus-Resumable": "1.0.0"}
MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def staging_folder(settings, tmp_path):
    settings.RESUMABLE_UPLOAD_DIR = tmp_path / "uploads-in-progress"


def _session(user) -> tuple[requests.Session, dict]:
    """A real HTTP client signed in as ``user``, sending the CSRF token as the page's client does."""
    client = Client()
    client.force_login(user)
    token = _get_new_csrf_string()
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    session.cookies.set(settings.CSRF_COOKIE_NAME, token)
    return session, {settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-"): token}


def _drop_mid_patch(url: str, session: requests.Session, csrf: dict, data: bytes, sent: int) -> None:
    """Send a PATCH announcing all of ``data`` but only ``sent`` bytes of it, then hang up."""
    parts = urlsplit(url)
    cookies = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    headers = {
        "Host": parts.netloc,
        **TUS,
        **csrf,
        "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream",
        "Content-Length": str(len(data)),
        "Cookie": cookies,
    }
    head = f"PATCH {parts.path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    with socket.create_connection((parts.hostname, parts.port)) as connection:
        connection.sendall(head.encode() + data[:sent])


def _offset_when_settled(session, url, expected: int) -> int:
    """The server stores the bytes of the dropped request when it notices the end of its
    body: ask until it has (a deadline only against a hang, not a measure of speed)."""
    deadline = time.monotonic() + 60
    while True:
        offset = int(session.head(url, headers=TUS).headers["Upload-Offset"])
        if offset == expected or time.monotonic() > deadline:
            return offset
        time.sleep(0.05)


def test_an_upload_interrupted_half_way_resumes_and_stores_the_source(live_server, tmp_path):
    unit = factories.organizer()
    reporter = factories.member(unit)
    event = factories.event(week=factories.week(), host=unit, reporter=reporter)
    video = media_samples.make_large_video(
        tmp_path / "路演.mp4", size_bytes=3 * MIB, width=1280, height=720, fps=10, bit_rate=4_000_000
    )
    data = video.read_bytes()
    session, csrf = _session(reporter)
    endpoint = live_server.url + reverse("reports:resumable", args=[event.pk, event.days[0]])
    metadata = ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in {"filename": "路演.mp4"}.items()
    )

    created = session.post(
        endpoint, headers={**TUS, **csrf, "Upload-Length": str(len(data)), "Upload-Metadata": metadata}
    )
    assert created.status_code == 201, created.text
    url = live_server.url + created.headers["Location"]
    cut = int(len(data) * 0.6)
    _drop_mid_patch(url, session, csrf, data, cut)

    assert _offset_when_settled(session, url, cut) == cut
    rest = session.patch(
        url,
        data=data[cut:],
        headers={**TUS, **csrf, "Upload-Offset": str(cut), "Content-Type": "application/offset+octet-stream"},
    )
    assert rest.status_code == 204, rest.text
    assert rest.headers["Upload-Offset"] == str(len(data))

    bytes_sent = cut + len(data[cut:])
    assert bytes_sent <= 1.05 * len(data)
    answer = session.get(url, headers={"Accept": "application/json"}).json()
    [card] = answer["created"]
    media = MediaFile.objects.get(pk=card["id"])
    with media.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == hashlib.sha256(data).hexdigest() == media.sha256
    assert media.status != MediaFile.Status.QUEUED  # the check ran, as for any upload
