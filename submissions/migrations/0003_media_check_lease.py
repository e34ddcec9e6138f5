from django.db import migrations, models


class Migration(migrations.Migration):
    """The time a check started becomes its lease, renewed while the check runs."""

    dependencies = [
        ("submissions", "0002_mediafile_check_started_at"),
    ]

    operations = [
        migrations.RenameField(model_name="mediafile", old_name="check_started_at", new_name="check_alive_at"),
        migrations.AlterField(
            model_name="mediafile",
            name="check_alive_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="检查进行中（最近确认）"),
        ),
    ]
