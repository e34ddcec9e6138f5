import pytest

from tests import factories


@pytest.fixture
def reviewer(db):
    return factories.office_user(full_name="胡丹")


@pytest.fixture
def draft(week, organizer, member):
    return factories.complete_event(week=week, host=organizer, reporter=member)


class Mailbox:
    """The test outbox; ``with mailbox.sending():`` runs what commits inside it, so mail goes out."""

    def __init__(self, capture):
        self._capture = capture

    def sending(self):
        return self._capture(execute=True)

    @property
    def _outbox(self):
        from django.core import mail

        return mail.outbox

    def __iter__(self):
        return iter(self._outbox)

    def __len__(self):
        return len(self._outbox)

    def __getitem__(self, index):
        return self._outbox[index]


@pytest.fixture
def mailbox(django_capture_on_commit_callbacks):
    return Mailbox(django_capture_on_commit_callbacks)
