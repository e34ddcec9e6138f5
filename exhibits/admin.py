"""The office sets halls up here: the hall, its sections and curators (members of the host
unit). Projects, intents and signings are worked on in the hall's own pages; the admin shows
them for support. Changes to what the public hall shows bump the public version.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import BumpsPublicCache
from core.forms import SingleLineFieldsMixin
from core.public_cache import NO_EVENT
from events.models import Membership

from .models import (
    Curator,
    Exhibition,
    Holder,
    HolderInvitation,
    Intent,
    Presentation,
    Project,
    ProjectDocument,
    ProjectImage,
    ProjectReview,
    ProjectRevision,
    ProjectVideo,
    Section,
    Signing,
)
from .validation import SINGLE_LINE_PROJECT_FIELDS


class CuratorInlineForm(forms.ModelForm):
    class Meta:
        model = Curator
        fields = ["user"]

    def clean(self):
        cleaned = super().clean()
        user, exhibition = (
            cleaned.get("user"),
            self.instance.exhibition if self.instance.exhibition_id else None,
        )
        host_id = getattr(self, "host_id", None) or (exhibition.host_id if exhibition else None)
        if user and host_id and not Membership.objects.filter(user=user, organizer_id=host_id).exists():
            raise ValidationError(_("策展人须是主办单位的成员，请先在单位中添加此人。"))
        return cleaned


class CuratorInlineFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.host_id = self.data.get("host") or (self.instance.host_id if self.instance.pk else None)
        return form


class SectionInline(admin.TabularInline):
    model = Section
    extra = 1
    fields = ["name", "order", "intro"]


class CuratorInline(admin.TabularInline):
    model = Curator
    form = CuratorInlineForm
    formset = CuratorInlineFormSet
    extra = 1
    autocomplete_fields = ["user"]
    fields = ["user"]


class ExhibitionAdminForm(SingleLineFieldsMixin, forms.ModelForm):
    single_line_fields = ("title",)

    class Meta:
        model = Exhibition
        fields = "__all__"


@admin.register(Exhibition)
class ExhibitionAdmin(BumpsPublicCache, admin.ModelAdmin):
    bump_names = NO_EVENT  # no event's row shows it
    form = ExhibitionAdminForm
    list_display = [
        "title",
        "year",
        "host",
        "week",
        "call_opens_at",
        "call_closes_at",
        "is_published",
        "is_permanent",
    ]
    list_filter = ["year", "is_published", "is_permanent"]
    search_fields = ["title", "slug", "host__name"]
    inlines = [SectionInline, CuratorInline]


class ProjectAdminForm(SingleLineFieldsMixin, forms.ModelForm):
    single_line_fields = SINGLE_LINE_PROJECT_FIELDS

    class Meta:
        model = Project
        fields = "__all__"


class ProjectReviewInline(admin.TabularInline):
    model = ProjectReview
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """What support sees of a project's parts: uploads pass their checks and reviews on the
    hall's pages, so the admin only shows them."""

    extra = 0
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ProjectImageInline(ReadOnlyInline):
    model = ProjectImage
    fields = ["image", "caption", "order", "width", "height", "pending", "created_at"]


class ProjectDocumentInline(ReadOnlyInline):
    model = ProjectDocument
    fields = ["file", "title", "pending", "created_at"]


class ProjectVideoInline(ReadOnlyInline):
    model = ProjectVideo
    fields = [
        "original_name",
        "size",
        "status",
        "reasons",
        "duration",
        "versions_status",
        "pending",
        "uploaded_at",
    ]


class PresentationInline(ReadOnlyInline):
    model = Presentation
    fields = ["event", "order", "added_by", "added_at"]


class ProjectRevisionInline(ReadOnlyInline):
    """A change of an accepted project waiting for the curators (the public page keeps the old one)."""

    model = ProjectRevision
    fields = ["status", "title", "pitch", "section", "stage", "organization"]


@admin.register(Project)
class ProjectAdmin(BumpsPublicCache, admin.ModelAdmin):
    """For support: the review itself happens on the curators' pages (with its history)."""

    bump_names = NO_EVENT  # no event's row shows it

    form = ProjectAdminForm
    list_display = [
        "title",
        "exhibition",
        "section",
        "organization",
        "status",
        "featured_order",
        "updated_at",
    ]
    list_filter = ["status", "exhibition", "stage"]
    search_fields = ["title", "organization", "external_id"]
    raw_id_fields = ["owner"]
    readonly_fields = ["status", "submitted_at", "accepted_at"]
    inlines = [
        ProjectRevisionInline,
        ProjectImageInline,
        ProjectDocumentInline,
        ProjectVideoInline,
        PresentationInline,
        ProjectReviewInline,
    ]


@admin.register(Holder)
class HolderAdmin(admin.ModelAdmin):
    list_display = ["user", "exhibition", "organization", "joined_at", "email_confirmed_at", "removed_at"]
    list_filter = ["exhibition"]
    search_fields = ["user__username", "user__email", "organization"]
    raw_id_fields = ["user", "removed_by"]


@admin.register(HolderInvitation)
class HolderInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "exhibition", "created_at", "used_at"]
    list_filter = ["exhibition"]
    search_fields = ["email"]
    readonly_fields = [field.name for field in HolderInvitation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Intent)
class IntentAdmin(admin.ModelAdmin):
    """Read only: intents hold visitors' contact details and are answered by the holder."""

    list_display = ["name", "organization", "project", "kind", "confirmed_at", "answer"]
    list_filter = ["answer", "kind"]
    search_fields = ["name", "organization", "email", "project__title"]
    exclude = ["code_hash"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Intent._meta.fields if field.name != "code_hash"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Signing)
class SigningAdmin(admin.ModelAdmin):
    list_display = ["project", "parties", "kind", "amount", "signed_on"]
    list_filter = ["kind"]
    search_fields = ["parties", "project__title"]
    raw_id_fields = ["project", "intent"]
