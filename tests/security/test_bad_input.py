"""A corpus of hostile input. What is plainly no photo or video (a script, a web page, a
playlist) is refused at upload with a clear Chinese message and nothing is stored. Real media
that breaks the rules, or that only looks like media in its first bytes, is kept as DESIGN.md
says a failed file is kept (flagged, replaceable, stored under a generated name with a
harmless suffix, never public, only ever downloaded): nothing unsafe is served inline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from events.models import Event, OrganizerApplication
from submissions.models import MediaFile
from tests import factories
from tests.security.html_checks import inline_code
from tests.submissions import media_samples

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024
SAFE_SUFFIXES = {".jpg", ".jpeg", ".mp4", ".mov", ".mkv", ".m4v", ".webm", ".avi", ".bin"}


@pytest.fixture
def reporter(client, member):
    client.force_login(member)
    return client


def _upload(client, event, field, upload, captured):
    with captured(execute=True):
        response = client.post(
            reverse("reports:upload", args=[event.pk, event.days[0]]), {field: [upload]}, follow=True
        )
    assert response.status_code == 200
    return response.content.decode()


def _stored_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def _assert_kept_flagged_and_harmless(client, media: MediaFile, *, reason: str, page: str):
    assert media.status == MediaFile.Status.FAILED and not media.is_public
    assert Path(media.file.name).suffix in SAFE_SUFFIXES, media.file.name
    assert Path(media.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    detail = client.get(
        reverse("reports:detail", args=[media.report.event_id, media.report.day])
    ).content.decode()
    assert reason in detail
    served = client.get(reverse("media_files:serve", args=[media.pk, "original"]))
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert Client().get(reverse("public_media", args=[media.pk])).status_code == 404


def _assert_refused_and_nothing_stored(page: str, name: str, stored_before: list[Path]):
    assert f"“{name}”不是照片或视频文件，未保存。" in page
    assert not MediaFile.objects.exists()
    assert _stored_files() == stored_before


def test_php_named_like_a_photo_is_refused_and_nothing_stored(
    reporter, event, django_capture_on_commit_callbacks
):
    php = SimpleUploadedFile("a.jpg.php", b"<?php system($_GET['c']); ?>" * 1000, content_type="image/jpeg")

    stored_before = _stored_files()

    page = _upload(reporter, event, "photos", php, django_capture_on_commit_callbacks)

    _assert_refused_and_nothing_stored(page, "a.jpg.php", stored_before)


def test_a_web_page_sent_as_a_photo_is_refused(reporter, event, django_capture_on_commit_callbacks):
    html = SimpleUploadedFile(
        "photo.jpg", b"<html><script>alert(1)</script></html>" * 100, content_type="image/jpeg"
    )

    stored_before = _stored_files()

    page = _upload(reporter, event, "photos", html, django_capture_on_commit_callbacks)

    _assert_refused_and_nothing_stored(page, "photo.jpg", stored_before)


def test_path_traversal_and_control_characters_in_a_name_are_dropped(
    reporter, event, tmp_path, django_capture_on_commit_callbacks
):
    photo = media_samples.make_jpeg(tmp_path / "x.jpg", size_bytes=int(2.1 * MIB))
    hostile = SimpleUploadedFile(
        "../../../etc/\x07pass\x1bwd\t.jpg", photo.read_bytes(), content_type="image/jpeg"
    )

    _upload(reporter, event, "photos", hostile, django_capture_on_commit_callbacks)

    media = MediaFile.objects.get()
    assert "/" not in media.original_name and ".." not in media.original_name
    assert not any(ord(ch) < 32 for ch in media.original_name)
    assert media.file.name.startswith(f"reports/{event.pk}/") and ".." not in media.file.name
    assert all(path.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()) for path in _stored_files())
    served = reporter.get(reverse("media_files:serve", args=[media.pk, "original"]))
    assert "\x07" not in served["Content-Disposition"] and "/" not in served["Content-Disposition"]


def test_html_behind_jpeg_magic_bytes_fails_its_check_and_is_only_downloadable(
    reporter, event, django_capture_on_commit_callbacks
):
    body = (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"<html><script>alert(document.cookie)</script></html>" * 50000
    )
    upload = SimpleUploadedFile("现场.jpg", body, content_type="image/jpeg")

    page = _upload(reporter, event, "photos", upload, django_capture_on_commit_callbacks)

    media = MediaFile.objects.get()
    _assert_kept_flagged_and_harmless(reporter, media, reason="损坏", page=page)


def test_declared_content_type_that_lies_is_judged_by_content(
    reporter, event, tmp_path, django_capture_on_commit_callbacks
):
    png = media_samples.make_png_named_jpg(tmp_path / "photo.jpg")
    upload = SimpleUploadedFile("photo.jpg", png.read_bytes(), content_type="image/jpeg")

    page = _upload(reporter, event, "photos", upload, django_capture_on_commit_callbacks)

    media = MediaFile.objects.get()
    _assert_kept_flagged_and_harmless(reporter, media, reason="此文件实际是 PNG", page=page)


def test_oversize_body_is_cut_by_the_upload_handler_before_anything_is_stored(
    reporter, event, django_capture_on_commit_callbacks
):
    event.week.photo_max_bytes = 3 * MIB
    event.week.save()
    upload = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * (4 * MIB), content_type="image/jpeg")
    before = set(_stored_files())

    page = _upload(reporter, event, "photos", upload, django_capture_on_commit_callbacks)

    assert "“big.jpg”超过 3 MB 的上限，未保存。" in page
    assert MediaFile.objects.count() == 0 and set(_stored_files()) == before


def test_playlist_renamed_mp4_is_refused_and_nothing_stored(
    reporter, event, tmp_path, django_capture_on_commit_callbacks
):
    playlist = media_samples.make_m3u8(tmp_path / "live.m3u8")
    upload = SimpleUploadedFile("live.mp4", playlist.read_bytes(), content_type="video/mp4")

    stored_before = _stored_files()

    page = _upload(reporter, event, "videos", upload, django_capture_on_commit_callbacks)

    _assert_refused_and_nothing_stored(page, "live.mp4", stored_before)


# --- Script in every text field, rendered back escaped ------------------------------------

PAYLOAD = "<script>x()</script><i onclick=x()>"
ESCAPED = "&lt;script&gt;x()&lt;/script&gt;"


def _poison(instance, *, skip=()):
    """Put the payload into every free-text field of a row (the forms are tested below)."""
    from django.db import models

    for field in instance._meta.fields:
        if (
            isinstance(field, (models.CharField, models.TextField))
            and not field.choices
            and not isinstance(field, (models.EmailField, models.URLField))
            and field.name not in skip
            and (field.max_length is None or field.max_length >= len(PAYLOAD))
        ):
            setattr(instance, field.name, PAYLOAD)
    instance.save()
    return instance


def test_script_entered_through_the_forms_is_stored_as_text_and_rendered_escaped(
    reporter, member, event, tmp_path, django_capture_on_commit_callbacks
):
    day = event.days[0]
    photo = media_samples.make_jpeg(tmp_path / "x.jpg", size_bytes=int(2.1 * MIB))
    with django_capture_on_commit_callbacks(execute=True), open(photo, "rb") as handle:
        reporter.post(
            reverse("reports:upload", args=[event.pk, day]), {"photos": [handle], "caption": PAYLOAD}
        )
    media = MediaFile.objects.get()
    reporter.post(
        reverse("reports:detail", args=[event.pk, day]),
        {
            "report-text": PAYLOAD,
            "report-attendance": "10",
            "leaders-TOTAL_FORMS": "1",
            "leaders-INITIAL_FORMS": "0",
            "leaders-MIN_NUM_FORMS": "0",
            "leaders-MAX_NUM_FORMS": "1000",
            "leaders-0-name": "<b>x</b>",
            "leaders-0-post": PAYLOAD,
            "leaders-0-level": "municipal",
            f"caption-{media.pk}": PAYLOAD,
            "action": "save",
        },
    )
    Client().post(
        reverse("organizer:apply"),
        {
            "name": PAYLOAD,
            "kind": "enterprise",
            "contact_name": "<b>x</b>",
            "contact_phone": "13900000000",
            "contact_email": "a@example.com",
            "note": PAYLOAD,
        },
    )
    office = Client()
    office.force_login(factories.office_user())

    report = media.report
    report.refresh_from_db()
    assert report.text == PAYLOAD and report.leaders.get().post == PAYLOAD
    assert OrganizerApplication.objects.get().note == PAYLOAD
    pages = [
        reporter.get(reverse("reports:detail", args=[event.pk, day])),
        office.get(reverse("board:report", args=[report.pk])),
        office.get(reverse("review_events:applications")),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert PAYLOAD not in html and ESCAPED in html
        assert inline_code(html) == []


def test_script_in_every_text_field_is_escaped_on_every_page(member, organizer, week):
    venue = _poison(factories.venue())
    event = factories.complete_event(
        week=week, host=organizer, reporter=member, venue=venue, status=Event.Status.APPROVED
    )
    _poison(event, skip={"import_key"})
    _poison(organizer)
    _poison(member, skip={"password", "username"})
    from events.models import EventPartner

    _poison(EventPartner.objects.create(event=event, role=EventPartner.Role.CO_ORGANIZER, name="x"))
    report = factories.report(event=event, status="submitted", photos=1, leaders=[("x", "y", "municipal")])
    _poison(report)
    _poison(report.leaders.get())
    media = report.media.get()
    media.is_public = True
    _poison(media, skip={"sha256"})
    _poison(factories.application())
    office, organizer_client = Client(), Client()
    office.force_login(factories.office_user())
    organizer_client.force_login(member)
    day = event.days[0]
    pages = {
        Client(): [
            reverse("home"),
            reverse("schedule"),
            reverse("event_detail", args=[event.pk]),
            reverse("venues:list"),
            reverse("venues:detail", args=[venue.pk]),
            reverse("archive_week", args=[week.pk]),
        ],
        organizer_client: [
            reverse("organizer:dashboard"),
            reverse("organizer:event_detail", args=[event.pk]),
            reverse("organizer:event_edit", args=[event.pk]),
            reverse("reports:list"),
            reverse("reports:detail", args=[event.pk, day]),
        ],
        office: [
            reverse("board:home"),
            f"{reverse('board:home')}?day={day}",
            f"{reverse('board:live')}?day={day}",
            reverse("board:report", args=[report.pk]),
            reverse("review_events:queue"),
            reverse("review_events:list"),
            reverse("review_events:detail", args=[event.pk]),
            reverse("review_events:organizers"),
            reverse("review_events:organizer_detail", args=[organizer.pk]),
            reverse("review_events:applications"),
        ],
    }
    shown = 0
    for client, urls in pages.items():
        for url in urls:
            response = client.get(url)
            html = response.content.decode()
            assert response.status_code == 200, url
            assert PAYLOAD not in html and "<i onclick" not in html, url
            assert inline_code(html) == [], url
            shown += ESCAPED in html
    assert shown >= 15
