"""Admin plumbing shared by every app whose records the public pages show."""

from django.db import transaction

from .public_cache import bump_public_version


class BumpsPublicCache:
    """For ModelAdmins of what public pages show: a save or delete bumps the public version
    once the admin's transaction commits, so cached public pages do not outlive the change."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(bump_public_version)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(bump_public_version)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(bump_public_version)
