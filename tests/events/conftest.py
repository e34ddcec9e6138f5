import pytest

from tests import factories


@pytest.fixture
def reviewer(db):
    return factories.office_user(full_name="胡丹")


@pytest.fixture
def draft(week, organizer, member):
    return factories.complete_event(week=week, host=organizer, reporter=member)


@pytest.fixture
def mailbox(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (e-mails are sent after commit) and hand back the outbox."""
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        yield mail.outbox
