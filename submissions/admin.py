from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import DailyDispatch, DailyReport, MediaFile, Reminder, ReportLeader, ReportLogEntry
from .services.review import media_set_public


class ReportLeaderInline(admin.TabularInline):
    model = ReportLeader
    extra = 0


class MediaFileInline(admin.TabularInline):
    model = MediaFile
    extra = 0
    fields = ["kind", "original_name", "caption", "status", "size", "is_public"]
    # Publishing goes through media_set_public (accepted reports only, logged, cache refreshed).
    readonly_fields = ["kind", "original_name", "status", "size", "is_public"]


class ReportLogEntryInline(admin.TabularInline):
    model = ReportLogEntry
    extra = 0
    can_delete = False
    readonly_fields = ["action", "by", "at", "comment", "checklist"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DailyReport)
class DailyReportAdmin(admin.ModelAdmin):
    list_display = ["event", "day", "status", "is_late", "submitted_at", "reviewed_at"]
    list_filter = ["status", "is_late", "day"]
    search_fields = ["event__subtitle", "event__host__name", "text"]
    date_hierarchy = "day"
    list_select_related = ["event", "event__week"]
    raw_id_fields = ["event"]
    inlines = [ReportLeaderInline, MediaFileInline, ReportLogEntryInline]


@admin.register(MediaFile)
class MediaFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "report", "status", "size", "width", "height", "is_public"]
    list_filter = ["kind", "status", "is_public"]
    search_fields = ["original_name", "caption", "sha256"]
    raw_id_fields = ["report"]
    # The check's verdict is the worker's, and publishing goes through media_set_public
    # (accepted reports only, logged, public cache refreshed): both only through the actions.
    readonly_fields = ["sha256", "size", "status", "is_public", "attempts", "checked_at", "reasons"]
    actions = ["make_public", "make_private"]

    @admin.action(description=gettext_lazy("设为公开"))
    def make_public(self, request, queryset) -> None:
        self._set_public(request, queryset, public=True)

    @admin.action(description=gettext_lazy("取消公开"))
    def make_private(self, request, queryset) -> None:
        self._set_public(request, queryset, public=False)

    def _set_public(self, request, queryset, *, public: bool) -> None:
        done = 0
        for media in queryset.order_by("pk"):
            try:
                media_set_public(media=media, by=request.user, public=public)
            except ValidationError as error:
                self.message_user(
                    request, f"{media.original_name}：{'；'.join(error.messages)}", level=messages.ERROR
                )
            else:
                done += 1
        if done:
            text = _("已将 %(count)d 个文件设为公开。") if public else _("已将 %(count)d 个文件取消公开。")
            self.message_user(request, text % {"count": done}, level=messages.SUCCESS)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["event", "day", "slot", "channel", "recipient", "status", "sent_at"]
    list_filter = ["channel", "status", "slot", "day"]
    search_fields = ["event__subtitle", "recipient__username", "address"]
    raw_id_fields = ["event", "recipient"]
    # What left the portal is the outbox's record: linked here, changed only there.
    readonly_fields = ["outbox"]


@admin.register(DailyDispatch)
class DailyDispatchAdmin(admin.ModelAdmin):
    list_display = ["week", "day", "kind", "status", "sent_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["outbox_messages"]
