"""Admin plumbing shared by every app whose records the public pages show."""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import OutboxMessage
from .public_cache import bump_public_version


class BumpsPublicCache:
    """For ModelAdmins of what public pages show: a save or delete bumps the public version
    once the admin's transaction commits, so cached public pages do not outlive the change."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(bump_public_version, robust=True)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(bump_public_version, robust=True)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(bump_public_version, robust=True)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The office sees every e-mail and its fate; an uncertain one is for a person to judge
    (ask the recipient), never resent by the portal itself."""

    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "key"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    @admin.display(description=_("收件人"))
    def recipients(self, message: OutboxMessage) -> str:
        return ", ".join(message.to)

    def has_add_permission(self, request) -> bool:
        return False
