import pytest

from core import sms
from tests.contests import factories as contest_factories
from tests.events.conftest import Mailbox


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """Texts go to ``core.sms.outbox`` (the locmem backend), emptied for every test."""
    settings.SMS_BACKEND = "core.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def mailbox(django_capture_on_commit_callbacks):
    return Mailbox(django_capture_on_commit_callbacks)


@pytest.fixture
def contest(db):
    return contest_factories.contest()


@pytest.fixture
def organizer_member(contest):
    return contest_factories.organizer_member(contest)
