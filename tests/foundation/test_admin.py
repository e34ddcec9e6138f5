"""The office can use the admin for every model (directly, or inline under its parent)."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"events", "venues", "submissions"}


def _project_models():
    return [model for model in admin.site._registry if model._meta.app_label in PROJECT_APPS]


def test_every_project_model_is_in_the_admin():
    from django.apps import apps

    reachable = set(admin.site._registry)
    for model_admin in admin.site._registry.values():
        reachable.update(inline.model for inline in model_admin.inlines)
    models = [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]
    assert [m for m in models if m not in reachable] == []


@pytest.mark.parametrize("model", _project_models(), ids=lambda m: m._meta.label)
def test_office_reviewer_opens_every_changelist_and_search(client, office_user, event, model):
    client.force_login(office_user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = client.get(url, {"q": "测试"})

    assert response.status_code == 200


def test_admin_speaks_chinese(client, office_user):
    client.force_login(office_user)

    html = client.get("/admin/").content.decode()

    assert "双创周管理后台" in html
    assert "专题活动" in html and "每日信息报送" in html
