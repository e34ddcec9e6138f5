"""Plain-text e-mails, in-site notices and robot messages carry text, not HTML entities."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db
TEXT_TEMPLATES = sorted(
    path.relative_to(settings.BASE_DIR / "templates").as_posix()
    for path in (settings.BASE_DIR / "templates").rglob("*.txt")
    if "subject" not in path.name
)


@pytest.mark.parametrize("name", TEXT_TEMPLATES)
def test_every_plain_text_template_turns_autoescaping_off(name):
    source = (settings.BASE_DIR / "templates" / name).read_text()

    assert "{% autoescape off %}" in source and source.rstrip().endswith("{% endautoescape %}")


def test_an_ampersand_in_an_event_title_reaches_the_notice_as_written(
    week, organizer, member, office_user, django_capture_on_commit_callbacks
):
    from events import services
    from events.models import Notice
    from tests import factories

    event = factories.complete_event(
        week=week, host=organizer, reporter=member, subtitle="AI & 创新 <路演>", status="submitted"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.event_approve(event=event, by=office_user)

    body = Notice.objects.filter(recipient=member).latest("created_at").body
    assert "AI & 创新 <路演>" in body and "&amp;" not in body
