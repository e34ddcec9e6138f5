"""The contests in the admin, for support: contests are set up and run on the organizer's
pages (``/contests/``); here the office looks at what is stored. Scores and votes are read
only (a vote is an audit row: voiding happens on the vote monitor, with a reason)."""

from django.contrib import admin

from core.admin import BumpsPublicCache
from core.public_cache import NO_EVENT

from .models import Contest, Entry, Juror, Round, Track, Vote, VoteVoid


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0
    fields = ["name", "order"]


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    fields = [
        "number",
        "name",
        "starts_on",
        "ends_on",
        "vote_opens_at",
        "vote_closes_at",
        "results_published_at",
    ]
    readonly_fields = ["results_published_at"]


@admin.register(Contest)
class ContestAdmin(BumpsPublicCache, admin.ModelAdmin):
    bump_names = NO_EVENT  # no event's row shows it
    list_display = ["title", "event", "registration_opens_at", "registration_closes_at", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title", "slug", "event__subtitle"]
    raw_id_fields = ["event", "created_by"]
    inlines = [TrackInline, RoundInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "contest", "track", "organization", "status", "submitted_at"]
    list_filter = ["status", "contest"]
    search_fields = ["name", "organization", "contact_name", "applicant__username"]


@admin.register(Juror)
class JurorAdmin(ReadOnlyAdmin):
    list_display = ["name", "round", "track", "submitted_at"]
    list_filter = ["round__contest"]
    search_fields = ["name"]


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "round", "entry", "proof", "ip_prefix", "void"]
    list_filter = ["round", "proof"]


@admin.register(VoteVoid)
class VoteVoidAdmin(ReadOnlyAdmin):
    list_display = ["at", "round", "entry", "starts_at", "ends_at", "count", "by"]
