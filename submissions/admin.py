from django.contrib import admin

from .models import DailyDispatch, DailyReport, MediaFile, Reminder, ReportLeader, ReportLogEntry


class ReportLeaderInline(admin.TabularInline):
    model = ReportLeader
    extra = 0


class MediaFileInline(admin.TabularInline):
    model = MediaFile
    extra = 0
    fields = ["kind", "original_name", "caption", "status", "size", "is_public"]
    readonly_fields = ["kind", "original_name", "status", "size"]


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
    readonly_fields = ["sha256", "size", "attempts", "checked_at", "reasons"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["event", "day", "slot", "channel", "recipient", "status", "sent_at"]
    list_filter = ["channel", "status", "slot", "day"]
    search_fields = ["event__subtitle", "recipient__username", "address"]
    raw_id_fields = ["event", "recipient"]


@admin.register(DailyDispatch)
class DailyDispatchAdmin(admin.ModelAdmin):
    list_display = ["week", "day", "kind", "status", "sent_at"]
    list_filter = ["kind", "status"]
