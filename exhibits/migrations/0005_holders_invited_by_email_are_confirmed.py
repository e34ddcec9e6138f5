"""Holders who joined before addresses were confirmed: those who came by an e-mailed
invitation to their account's address have shown they read it, so it counts as confirmed.
The others (the open link) confirm it by the link they can send themselves from the area."""

from django.db import migrations


def confirm_invited(apps, schema_editor):
    Holder = apps.get_model("exhibits", "Holder")
    HolderInvitation = apps.get_model("exhibits", "HolderInvitation")
    for invitation in HolderInvitation.objects.filter(
        used_at__isnull=False, user__isnull=False
    ).select_related("user"):
        if (invitation.user.email or "").casefold() != invitation.email.casefold():
            continue
        Holder.objects.filter(
            exhibition_id=invitation.exhibition_id,
            user_id=invitation.user_id,
            email_confirmed_at__isnull=True,
        ).update(confirmed_email=invitation.user.email, email_confirmed_at=invitation.used_at)


class Migration(migrations.Migration):
    dependencies = [
        ("exhibits", "0004_revisions_and_holder_email"),
    ]

    operations = [
        migrations.RunPython(confirm_invited, migrations.RunPython.noop),
    ]
