"""The office reviewers' group may look at the contests in the admin (they run every contest
on the organizer's pages already) and publish or unpublish a contest there."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICE_GROUP = "office_reviewers"
CODENAMES = [
    "change_contest",
    "view_contest",
    "view_track",
    "view_round",
    "view_entry",
    "view_juror",
    "view_vote",
    "view_votevoid",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("contests")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="contests", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=OFFICE_GROUP).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="contests", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0001_initial"),
        ("events", "0003_office_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
