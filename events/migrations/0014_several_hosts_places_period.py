"""Several hosts and reporting partners, places of every kind, the office's contacts on the
week, and events that may start before the week's period.

The triggers of 0002 refused an event outside its week. An event may now start before the
period (科普日 9/13-17 in a plan from 9/15): the form and the import warn instead, and the
office decides whether those days are reported. The triggers go first, so that no ALTER
below rebuilds a table under them. Existing events keep a venue: their place kind is "venue".
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

triggers = importlib.import_module("events.migrations.0002_event_inside_week")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(triggers.POSTGRESQL_BACKWARD)
    elif vendor == "sqlite":
        for statement in triggers.SQLITE_BACKWARD:
            schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(triggers.POSTGRESQL_FORWARD)
    elif vendor == "sqlite":
        for statement in triggers.SQLITE_FORWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0013_observer_group'),
        ('venues', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers),
        migrations.AlterModelOptions(
            name='eventpartner',
            options={'ordering': ['order', 'id'], 'verbose_name': '主办、承办或协办单位', 'verbose_name_plural': '主办、承办或协办单位'},
        ),
        migrations.RemoveConstraint(
            model_name='eventpartner',
            name='partner_role_known',
        ),
        migrations.AddField(
            model_name='event',
            name='online_url',
            field=models.URLField(blank=True, help_text='线上活动或线上线下同步活动的参与地址，如网络投票页面。', verbose_name='线上参与链接'),
        ),
        migrations.AddField(
            model_name='event',
            name='place_kind',
            field=models.CharField(choices=[('venue', '本市会场'), ('place', '本市其他地点'), ('elsewhere', '外地'), ('online', '线上'), ('hybrid', '线下会场加线上')], default='venue', max_length=16, verbose_name='地点类型'),
        ),
        migrations.AddField(
            model_name='event',
            name='reports_before_period',
            field=models.BooleanField(default=False, help_text='活动在活动周开始前已开始时，由市发改委决定这些天是否也须每日报送。', verbose_name='活动周开始前的活动日也须报送'),
        ),
        migrations.AddField(
            model_name='eventpartner',
            name='contact_email',
            field=models.EmailField(blank=True, max_length=254, verbose_name='联系人邮箱'),
        ),
        migrations.AddField(
            model_name='eventpartner',
            name='contact_name',
            field=models.CharField(blank=True, max_length=60, verbose_name='联系人'),
        ),
        migrations.AddField(
            model_name='eventpartner',
            name='contact_phone',
            field=models.CharField(blank=True, max_length=32, verbose_name='联系人电话'),
        ),
        migrations.AddField(
            model_name='eventpartner',
            name='may_report',
            field=models.BooleanField(default=False, verbose_name='可报送信息'),
        ),
        migrations.AddField(
            model_name='eventpartner',
            name='reporter',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='partner_reported_events', to=settings.AUTH_USER_MODEL, verbose_name='信息报送员'),
        ),
        migrations.AddField(
            model_name='week',
            name='copy_to',
            field=models.TextField(blank=True, help_text='收到每日简报的单位，照方案原文填写，如“市委办公室，市人大常委会办公室”；印在简报末尾。', verbose_name='抄送'),
        ),
        migrations.AddField(
            model_name='week',
            name='office_contact_name',
            field=models.CharField(blank=True, max_length=60, verbose_name='活动周联系人'),
        ),
        migrations.AddField(
            model_name='week',
            name='office_email',
            field=models.EmailField(blank=True, max_length=254, verbose_name='联系邮箱'),
        ),
        migrations.AddField(
            model_name='week',
            name='office_phone',
            field=models.CharField(blank=True, max_length=32, verbose_name='联系电话'),
        ),
        migrations.AddField(
            model_name='week',
            name='report_contact_name',
            field=models.CharField(blank=True, max_length=60, verbose_name='信息报送联系人'),
        ),
        migrations.AlterField(
            model_name='event',
            name='place',
            field=models.CharField(blank=True, max_length=120, verbose_name='活动地点'),
        ),
        migrations.AlterField(
            model_name='event',
            name='venue',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='venues.venue', verbose_name='会场'),
        ),
        migrations.AlterField(
            model_name='eventpartner',
            name='role',
            field=models.CharField(choices=[('host', '主办单位'), ('undertaker', '承办单位'), ('co_organizer', '协办单位')], max_length=16, verbose_name='角色'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(('place_kind__in', ['venue', 'place', 'elsewhere', 'online', 'hybrid'])), name='event_place_kind_known'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('place_kind__in', ['venue', 'hybrid']), _negated=True), ('venue__isnull', False), _connector='OR'), name='event_venue_kinds_have_venue'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('place_kind__in', ['place', 'elsewhere']), _negated=True), models.Q(('place', ''), _negated=True), _connector='OR'), name='event_text_place_kinds_have_place'),
        ),
        migrations.AddConstraint(
            model_name='eventpartner',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['host', 'undertaker', 'co_organizer'])), name='partner_role_known'),
        ),
        migrations.AddConstraint(
            model_name='eventpartner',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('role', 'host'), _negated=True), models.Q(('may_report', True), ('organizer__isnull', False)), _connector='OR'), name='partner_host_is_reporting_unit'),
        ),
        migrations.AddConstraint(
            model_name='eventpartner',
            constraint=models.CheckConstraint(condition=models.Q(('may_report', False), ('organizer__isnull', False), _connector='OR'), name='partner_reporting_is_unit'),
        ),
    ]
