"""The office reviewers' group and the model permissions it carries in the admin."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICE_GROUP = "office_reviewers"
OFFICE_PERMISSIONS = {
    "events": {
        "week": "add change view",
        "theme": "add change delete view",
        "organizer": "add change view",
        "membership": "add change delete view",
        "event": "change view",
        "eventpartner": "view",
        "eventstatuschange": "view",
        "notice": "view",
        "user": "add change view",
    },
    "venues": {"venue": "add change view"},
    "submissions": {
        "dailyreport": "change view",
        "reportleader": "view",
        "reportlogentry": "view",
        "mediafile": "change view",
        "reminder": "view",
        "dailydispatch": "view",
    },
}


def create_office_group(apps, schema_editor):
    # Permissions are normally created after migrations; create them now so they exist.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    for app_label, models in OFFICE_PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions.split()]
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


def remove_office_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=OFFICE_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_event_inside_week"),
        ("venues", "0001_initial"),
        ("submissions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_office_group, remove_office_group)]
