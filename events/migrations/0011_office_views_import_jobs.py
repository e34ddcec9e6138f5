"""Office reviewers may look at spreadsheet import jobs in the admin."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICE_GROUP = "office_reviewers"
CODENAMES = ["view_importjob"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("events")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="events", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=OFFICE_GROUP).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="events", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [("events", "0010_importjob")]
    operations = [migrations.RunPython(grant, revoke)]
