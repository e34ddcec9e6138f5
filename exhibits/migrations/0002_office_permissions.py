"""The office reviewers' group sets halls up in the admin (halls, sections, curators) and may
look at everything else of the hall there."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICE_GROUP = "office_reviewers"
CODENAMES = [
    "add_exhibition",
    "change_exhibition",
    "view_exhibition",
    "add_section",
    "change_section",
    "delete_section",
    "view_section",
    "add_curator",
    "change_curator",
    "delete_curator",
    "view_curator",
    "view_holder",
    "delete_holder",
    "view_holderinvitation",
    "view_project",
    "view_projectreview",
    "view_intent",
    "view_signing",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("exhibits")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="exhibits", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=OFFICE_GROUP).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="exhibits", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("exhibits", "0001_initial"),
        ("events", "0003_office_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
