"""The office's view of the sources: each one's state at a glance, its events read-only."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import BumpsPublicCache
from core.dispatch import try_enqueue
from core.forms import SingleLineFieldsMixin
from core.public_cache import NO_EVENT

from .models import RemoteEvent, Source
from .services import SYNC_TASK

SYNCED = [
    "etag",
    "api_version",
    "week_name",
    "event_count",
    "last_attempt_at",
    "last_success_at",
    "last_changed_at",
    "last_error",
    "totals",
    "totals_read_at",
    "totals_error",
]


def _https_by_default(field, **kwargs):
    # Addresses typed without a scheme are taken as https (Django 6's default, chosen now).
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class SourceAdminForm(SingleLineFieldsMixin, forms.ModelForm):
    single_line_fields = ("name", "city", "totals_token")

    class Meta:
        model = Source
        fields = "__all__"
        formfield_callback = _https_by_default


@admin.register(Source)
class SourceAdmin(BumpsPublicCache, admin.ModelAdmin):
    bump_names = NO_EVENT  # no event's row shows it
    form = SourceAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name",
        "city",
        "enabled",
        "state",
        "event_count",
        "last_success_at",
        "last_attempt_at",
        "api_version",
        "totals_read_at",
    ]
    list_filter = ["enabled", "city"]
    search_fields = ["name", "city", "base_url"]
    fields = ["name", "city", "base_url", "totals_token", "enabled", "order", *SYNCED]
    readonly_fields = SYNCED
    actions = ["sync_now"]

    def save_model(self, request, obj, form, change):
        if change and "base_url" in form.changed_data:
            # Another portal: what the old one answered says nothing about it.
            obj.etag = obj.totals_etag = ""
        super().save_model(request, obj, form, change)

    @admin.display(description=_("状态"))
    def state(self, source: Source) -> str:
        if not source.enabled:
            return _("已停用")
        if source.last_error:
            return _("出错：%(error)s") % {"error": source.last_error[:120]}
        if source.last_success_at is None:
            return _("尚未读取")
        return _("正常")

    @admin.action(description=_("立即读取所选门户"))
    def sync_now(self, request, queryset) -> None:
        started = sum(
            try_enqueue(SYNC_TASK, about=f"federation source {pk}", source_id=pk)
            for pk in queryset.filter(enabled=True).values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("已安排读取 %(n)s 个门户。", "已安排读取 %(n)s 个门户。", started) % {"n": started},
            messages.SUCCESS,
        )


@admin.register(RemoteEvent)
class RemoteEventAdmin(admin.ModelAdmin):
    """Read-only: these rows belong to their source and are replaced at each sync."""

    list_display = ["__str__", "source", "starts_at", "form_name", "status"]
    list_filter = ["source__city", "source", "status"]
    search_fields = ["title", "host", "where"]
    list_select_related = ["source"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
