from pathlib import Path

import pytest

from tests import factories


@pytest.fixture
def week(db):
    return factories.week()


@pytest.fixture
def office_user(db):
    return factories.office_user()


@pytest.fixture
def organizer(db):
    return factories.organizer()


@pytest.fixture
def member(organizer):
    return factories.member(organizer)


@pytest.fixture
def event(week, organizer, member):
    return factories.event(week=week, host=organizer, reporter=member)


def pytest_configure(config):
    from django.conf import settings

    # The test settings name these folders; importing settings makes nothing, so they are made here.
    for folder in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        Path(folder).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: rate-limit counts and cached pages of one test
    must not decide another's. This process's rendered fragments, pages and week snapshots are forgotten with it."""
    from django.core.cache import cache

    from core.fragments import forget_local_fragments
    from core.public_cache import forget_local_pages
    from public import week_snapshot

    cache.clear()
    forget_local_fragments()
    forget_local_pages()
    week_snapshot.forget()


@pytest.fixture
def eager_retries():
    """Celery runs an eager task's retries at once, in place, only when eager errors do not
    propagate (with propagation it raises Retry instead)."""
    from shuangchuang.celery import app

    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the portal's first language: a request in English leaves English
    active in its thread (Django's LocaleMiddleware does not reset it), and a later test that
    renders outside a request would otherwise inherit it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
