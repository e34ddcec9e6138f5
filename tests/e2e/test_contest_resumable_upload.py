"""An applicant's pitch video goes up resumably from the entry's edit page (tus): the
connection drops at about 60 % and stays away, the applicant reloads and chooses the same
file again, the upload continues from where it stopped, and the stored video is the source.
A PDF answering one of the contest's file questions goes up the same way from a phone."""

from __future__ import annotations

import hashlib
import os

import pytest

from contests.models import Entry, EntryFile, FormField
from tests.contests import factories as contest_factories
from tests.e2e.test_resumable_upload import MIB, Network
from tests.submissions import media_samples

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def staging_folder(settings, tmp_path):
    settings.RESUMABLE_UPLOAD_DIR = tmp_path / "uploads-in-progress"


def test_a_pitch_video_resumes_after_a_reload(live_server, page, phone_page, login, tmp_path, screenshot_dir):
    contest = contest_factories.contest()
    applicant = contest_factories.applicant(full_name="赵敏")
    entry = contest_factories.entry(contest=contest, applicant=applicant, status=Entry.Status.DRAFT)
    # 24 MiB: the page sends 1 MiB chunks, so the one lost chunk stays within the 5 %.
    video = media_samples.make_large_video(
        tmp_path / "路演视频.mp4", size_bytes=24 * MIB, width=1280, height=720, fps=10, bit_rate=4_000_000
    )
    size = video.stat().st_size
    network = Network(drop_at=int(size * 0.6), stay_down=True)
    edit = f"{live_server.url}/contest/entries/{entry.pk}/edit/"
    login(page, applicant)
    page.route("**/tus/**", network.route)
    page.goto(edit)
    page.screenshot(path=screenshot_dir / "edit-desktop.png", full_page=True)

    page.set_input_files("input[name=video_upload]", str(video))
    page.locator("#video-upload-status .progress").wait_for()
    assert page.locator("form.entry-form button[type=submit]").first.is_disabled()
    while not network.dropped:
        page.wait_for_timeout(100)
    page.reload()
    network.down = False

    status = page.locator("#video-upload-status")
    assert "路演视频.mp4" in status.inner_text()  # the unfinished upload is named
    resumed_from = len(network.first_offsets)
    page.set_input_files("input[name=video_upload]", str(video))
    page.locator("#video-upload-status .text-success").wait_for(timeout=90_000)
    page.screenshot(path=screenshot_dir / "done-desktop.png", full_page=True)

    assert network.first_offsets[resumed_from] >= int(size * 0.5)  # continued, not from zero
    assert size <= network.sent <= 1.05 * size
    entry.refresh_from_db()
    with entry.video.open("rb") as stored:
        assert hashlib.sha256(stored.read()).digest() == hashlib.sha256(video.read_bytes()).digest()
    assert page.input_value("input[name=video_upload]") == ""  # saving the form does not send it again
    login(phone_page, applicant)
    phone_page.goto(edit)
    phone_page.screenshot(path=screenshot_dir / "edit-phone.png", full_page=True)


def test_a_question_file_goes_up_from_a_phone_and_is_stored(
    live_server, phone_page, login, tmp_path, screenshot_dir
):
    contest = contest_factories.contest()
    question = FormField.objects.create(contest=contest, label="营业执照", kind=FormField.Kind.FILE)
    applicant = contest_factories.applicant(full_name="钱锋")
    entry = contest_factories.entry(contest=contest, applicant=applicant, status=Entry.Status.DRAFT)
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(b"%PDF-1.7\n" + os.urandom(4 * MIB) + b"\n%%EOF\n")
    size = licence.stat().st_size
    network = Network(drop_at=int(size * 0.6))  # one dropped PATCH; the page retries by itself
    login(phone_page, applicant)
    phone_page.route("**/tus/**", network.route)
    phone_page.goto(f"{live_server.url}/contest/entries/{entry.pk}/edit/")

    field = f"input[name=q_{question.pk}]"
    phone_page.set_input_files(field, str(licence))
    status = phone_page.locator(f"#q_{question.pk}-upload-status")
    status.locator(".text-success").wait_for(timeout=60_000)
    status.scroll_into_view_if_needed()
    phone_page.screenshot(path=screenshot_dir / "question-file-phone.png", full_page=True)

    # Continued after the drop, not from zero: the lost 1 MiB chunk is the only byte sent twice.
    assert network.dropped and network.first_offsets.count(0) == 1 and size < network.sent <= size + MIB
    assert "营业执照.pdf" in status.inner_text()
    stored = EntryFile.objects.get(entry=entry, field=question)
    with stored.file.open("rb") as saved:
        assert hashlib.sha256(saved.read()).digest() == hashlib.sha256(licence.read_bytes()).digest()
    assert phone_page.input_value(field) == ""  # saving the form does not send it again
