"""A 路演's page on a 375 px phone lists the hall's projects in their running order; a project
opens from it, lists the event, and plays its video's 360p web version (720p on a desktop).
Debian's Chromium; screenshots go to test-output/<test name>/."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from exhibits.models import ProjectVideo
from tests import factories
from tests.e2e.waiting import wait_until
from tests.exhibits import factories as exhibit_factories
from tests.submissions import media_samples

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def real_versions(project, tmp_path) -> ProjectVideo:
    """A project video whose recorded web versions are real H.264 clips of their sizes."""
    video = exhibit_factories.video(project=project)
    versions = dict(video.versions)
    for slot, (width, height) in {"360": (640, 360), "720": (1280, 720)}.items():
        clip = media_samples.make_video(
            tmp_path / f"{slot}.mp4", width=width, height=height, seconds=1, faststart=True
        )
        name = default_storage.save(
            f"exhibits/videos/{project.pk}/web/{slot}.mp4", ContentFile(clip.read_bytes())
        )
        versions["versions"][slot] = {**versions["versions"][slot], "name": name}
    ProjectVideo.objects.filter(pk=video.pk).update(versions=versions)
    return video


def test_a_phone_follows_a_roadshow_to_its_projects_and_plays_the_small_version(
    live_server, phone_page, page, screenshot_dir, tmp_path
):
    week = factories.week()
    hall = exhibit_factories.exhibition(week=week)
    exhibit_factories.section(exhibition=hall, name="碳中和")
    roadshow = exhibit_factories.roadshow(week=week, subtitle="高校科技成果路演")
    titles = ["固态锂电池隔膜材料", "农业无人机精准施药平台", "可降解医用镁合金骨钉"]
    projects = [
        exhibit_factories.project(exhibition=hall, title=title, organization="某某大学") for title in titles
    ]
    projects[1].cover.save("cover.png", exhibit_factories.png_upload(size=(800, 450)))
    for order, project in enumerate(reversed(projects), start=1):  # the running order: last title first
        exhibit_factories.presentation(event=roadshow, project=project, order=order)
    real_versions(projects[0], tmp_path)

    phone_page.goto(f"{live_server.url}/events/{roadshow.pk}/")
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.locator(".presented-projects .project-card .title").all_inner_texts() == list(
        reversed(titles)
    )
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.screenshot(path=str(screenshot_dir / "roadshow-375.png"), full_page=True)

    phone_page.click("text=固态锂电池隔膜材料")
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.locator("h1").inner_text() == "固态锂电池隔膜材料"
    assert "高校科技成果路演" in phone_page.locator("#events-heading + ul").inner_text()
    wait_until(phone_page, "document.querySelector('video.project-video').readyState >= 1")
    assert phone_page.evaluate("document.querySelector('video.project-video').currentSrc").endswith("?v=360")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.screenshot(path=str(screenshot_dir / "project-video-375.png"), full_page=True)

    page.goto(phone_page.url)
    wait_until(page, "document.querySelector('video.project-video').readyState >= 1")
    assert page.evaluate("document.querySelector('video.project-video').currentSrc").endswith("?v=720")
