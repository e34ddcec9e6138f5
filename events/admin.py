from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.admin import BumpsPublicCache
from core.change_counters import bump_on_commit
from core.forms import SingleLineFieldsMixin

from .forms import SINGLE_LINE_EVENT_FIELDS
from .models import (
    Event,
    EventChangeRequest,
    EventPartner,
    EventStatusChange,
    ImportJob,
    Invitation,
    Membership,
    Notice,
    Organizer,
    OrganizerApplication,
    Theme,
    User,
    Week,
)
from .selectors.public import events_of_units, events_tagged

# Web addresses typed without a scheme are taken as https (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class EventAdminForm(SingleLineFieldsMixin, forms.ModelForm):
    single_line_fields = SINGLE_LINE_EVENT_FIELDS

    class Meta:
        model = Event
        fields = "__all__"


class OrganizerAdminForm(SingleLineFieldsMixin, forms.ModelForm):
    single_line_fields = ("name", "contact_name")

    class Meta:
        model = Organizer
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email", "phone"]
    fieldsets = DjangoUserAdmin.fieldsets + ((_("联系方式"), {"fields": ["full_name", "phone"]}),)

    # The office board names reporters (full name, else first and last name, else username)
    # with their phone numbers: a change of one of these refreshes open boards.
    BOARD_FIELDS = {"full_name", "first_name", "last_name", "username", "phone"}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and self.BOARD_FIELDS & set(form.changed_data):
            bump_on_commit("events")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_on_commit("events")  # an event's reporter may have gone with the person

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_on_commit("events")


@admin.register(Week)
class WeekAdmin(BumpsPublicCache, admin.ModelAdmin):
    list_display = ["name", "theme", "starts_on", "ends_on", "deadline_time", "is_current", "is_published"]
    list_filter = ["is_current", "is_published"]
    search_fields = ["name", "theme", "unified_title"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "theme",
                    "unified_title",
                    "starts_on",
                    "ends_on",
                    "time_zone",
                    "is_current",
                    "is_published",
                ]
            },
        ),
        (
            _("报送规则"),
            {
                "fields": [
                    "deadline_time",
                    "photo_min_bytes",
                    "photo_max_bytes",
                    "video_min_width",
                    "video_min_height",
                    "video_max_bytes",
                    "photos_required",
                    "video_required",
                    "max_photos_per_report",
                    "max_videos_per_report",
                    "max_bytes_per_unit_day",
                ]
            },
        ),
        (
            _("提醒与汇总"),
            {
                "fields": [
                    "reminder_times",
                    "reminder_grace_minutes",
                    "remind_contact",
                    "digest_delay_minutes",
                    "digest_recipients",
                    "bulletin_time",
                    "bulletin_recipients",
                    "publication_checklist",
                ]
            },
        ),
        (_("活动审核"), {"fields": ["review_public_changes"]}),
        (
            _("联系方式与抄送"),
            {
                "fields": [
                    "office_contact_name",
                    "report_contact_name",
                    "office_email",
                    "office_phone",
                    "copy_to",
                ],
                "description": _(
                    "显示在主办单位的每个页面、每封提醒邮件和公开网站页脚；抄送单位印在每日简报末尾。"
                ),
            },
        ),
    ]


@admin.register(Theme)
class ThemeAdmin(BumpsPublicCache, admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]

    def events_named(self, ids: list) -> list[int]:
        return events_tagged(ids)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organizer)
class OrganizerAdmin(BumpsPublicCache, admin.ModelAdmin):
    form = OrganizerAdminForm
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "kind", "contact_name", "contact_phone", "contact_email"]
    list_filter = ["kind"]
    search_fields = ["name", "contact_name", "contact_phone"]
    inlines = [MembershipInline]

    def events_named(self, ids: list) -> list[int]:
        return events_of_units(ids)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organizer", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "organizer__name"]
    autocomplete_fields = ["user", "organizer"]


class EventPartnerInline(admin.TabularInline):
    model = EventPartner
    extra = 0
    autocomplete_fields = ["organizer"]


class EventStatusChangeInline(admin.TabularInline):
    model = EventStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "at", "comment"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(BumpsPublicCache, admin.ModelAdmin):
    bump_names = BumpsPublicCache.OBJECTS
    form = EventAdminForm
    formfield_overrides = HTTPS_URLS
    list_display = ["subtitle", "host", "form", "venue", "starts_at", "ends_at", "status"]
    list_filter = ["status", "form", "venue", "week", "themes"]
    search_fields = ["subtitle", "place", "address", "host__name", "contact_name"]
    date_hierarchy = "starts_at"
    list_select_related = ["host", "venue"]
    autocomplete_fields = ["host", "venue", "reporter"]
    filter_horizontal = ["themes"]
    inlines = [EventPartnerInline, EventStatusChangeInline]
    # Approve, return and cancel in /review/events/: that keeps the history, tells the unit
    # and refreshes public pages. The admin only shows the state.
    readonly_fields = ["status", "cancel_reason"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]


@admin.register(OrganizerApplication)
class OrganizerApplicationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact_name", "contact_email", "status", "created_at", "decided_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "contact_name", "contact_email"]
    readonly_fields = ["status", "organizer", "decided_by", "decided_at", "created_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only here: invitations are sent from the review area, which e-mails the signed link."""

    list_display = ["email", "organizer", "invited_by", "created_at", "used_at"]
    list_filter = ["organizer"]
    search_fields = ["email", "organizer__name"]
    list_select_related = ["organizer", "invited_by"]
    readonly_fields = ["organizer", "email", "full_name", "invited_by", "created_at", "used_at", "user"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(EventChangeRequest)
class EventChangeRequestAdmin(admin.ModelAdmin):
    """Read-only: decide change requests in the review area, so the unit is told and caches refresh."""

    list_display = ["event", "status", "requested_by", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["event__week", "requested_by", "decided_by"]
    readonly_fields = [
        "event",
        "proposed",
        "previous",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "comment",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Spreadsheet imports checked by a worker: what came in and what the check said."""

    list_display = ["name", "week", "uploaded_by", "status", "created_at", "finished_at"]
    list_filter = ["status", "week"]
    search_fields = ["name", "uploaded_by__username"]
    exclude = ["content"]
    readonly_fields = [
        "name",
        "week",
        "uploaded_by",
        "publish",
        "language",
        "status",
        "result",
        "error",
        "created_at",
        "finished_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
