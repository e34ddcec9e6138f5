"""The admin: a file's check state and public flag change only through the service."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.public_cache import public_version
from submissions.models import MediaFile, ReportLogEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = factories.superuser()
    client.force_login(user)
    return user


def test_status_and_public_flag_are_read_only_in_the_admin_and_its_inline(client, staff, event):
    report = factories.report(event=event, status="accepted", photos=1)
    media = report.media.get()

    page = client.get(reverse("admin:submissions_mediafile_change", args=[media.pk]))
    inline_page = client.get(reverse("admin:submissions_dailyreport_change", args=[report.pk]))

    assert not {"status", "is_public"} & set(page.context["adminform"].form.fields)
    [files] = [
        formset for formset in inline_page.context["inline_admin_formsets"] if formset.opts.model is MediaFile
    ]
    assert not {"status", "is_public"} & set(files.formset.forms[0].fields)


def test_admin_action_publishes_through_the_service_and_reports_refusals(
    client, staff, event, django_capture_on_commit_callbacks
):
    accepted = factories.report(event=event, status="accepted", photos=1).media.get()
    other = factories.event(week=event.week, host=event.host)
    pending = factories.report(event=other, status="submitted", photos=1).media.get()
    before = public_version()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:submissions_mediafile_changelist"),
            {"action": "make_public", "_selected_action": [accepted.pk, pending.pk]},
        )

    assert response.status_code == 302
    accepted.refresh_from_db()
    pending.refresh_from_db()
    assert (accepted.is_public, pending.is_public) == (True, False)
    assert ReportLogEntry.objects.get(action="media_published").by == staff
    assert public_version() == before + 1
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert "已将 1 个文件设为公开。" in texts
    assert any(pending.original_name in text and "报送采用后" in text for text in texts)


def test_admin_action_takes_files_out_of_the_archive(
    client, staff, event, django_capture_on_commit_callbacks
):
    media = factories.report(event=event, status="accepted", photos=1).media.get()
    MediaFile.objects.filter(pk=media.pk).update(is_public=True)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:submissions_mediafile_changelist"),
            {"action": "make_private", "_selected_action": [media.pk]},
        )

    media.refresh_from_db()
    assert media.is_public is False
    assert ReportLogEntry.objects.filter(action="media_unpublished").count() == 1
