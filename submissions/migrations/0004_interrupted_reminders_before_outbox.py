"""Before reminders go through the outbox: a reminder still pending after a send attempt
started (``attempts`` >= 1) may have left already. The old sweep would have failed it after
its retry window; the new delivery would send it again. Fail it now, with the reason."""

from django.db import migrations

REASON = "升级时投递尚未完成，可能已发出，为免重复未再发送。"


def fail_interrupted(apps, schema_editor):
    Reminder = apps.get_model("submissions", "Reminder")
    Reminder.objects.filter(status="pending", attempts__gte=1).update(status="failed", reason=REASON)


class Migration(migrations.Migration):
    dependencies = [("submissions", "0003_media_check_lease")]
    operations = [migrations.RunPython(fail_interrupted, migrations.RunPython.noop)]
