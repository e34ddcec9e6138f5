"""The office reviewers' group subscribes to sub-venues' portals in the admin (add, change,
disable a source) and sees each source's state and its events (read-only)."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICE_GROUP = "office_reviewers"
CODENAMES = ["add_source", "change_source", "view_source", "view_remoteevent"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("federation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="federation", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=OFFICE_GROUP).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="federation", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("federation", "0001_sources_and_remote_events"),
        ("events", "0003_office_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
