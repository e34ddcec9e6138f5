"""The read-only observers' group (publicity department, city leaders: core.roles.OBSERVER_GROUP).

It carries no model permission: what observers may read is decided by rules
(``submissions.see_board``, ``submissions.view_summary``). The office grants phone numbers to
one observer, or to the whole group, with the permission ``events.view_contact_phones``.
"""

from django.db import migrations

OBSERVER_GROUP = "observers"


def create_observer_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=OBSERVER_GROUP)


def remove_observer_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=OBSERVER_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0012_organizer_view_contact_phones"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_observer_group, remove_observer_group)]
