import pytest

from tests.events.conftest import Mailbox
from tests.exhibits import factories as exhibit_factories


@pytest.fixture
def mailbox(django_capture_on_commit_callbacks):
    return Mailbox(django_capture_on_commit_callbacks)


@pytest.fixture
def hall(db):
    hall = exhibit_factories.exhibition()
    for order, name in enumerate(["碳中和", "生物医药与大健康", "数字文创"]):
        exhibit_factories.section(exhibition=hall, name=name, order=order)
    return hall


@pytest.fixture
def curator(hall):
    return exhibit_factories.curator(exhibition=hall, full_name="陈策展")


@pytest.fixture
def holder(hall):
    return exhibit_factories.holder(exhibition=hall, full_name="李老师")
