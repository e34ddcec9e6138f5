from django import forms
from django.contrib import admin

from core.admin import BumpsPublicCache
from core.forms import SingleLineFieldsMixin

from .models import Venue
from .selectors import events_at


class VenueAdminForm(SingleLineFieldsMixin, forms.ModelForm):
    single_line_fields = ("name", "district", "address")

    class Meta:
        model = Venue
        fields = "__all__"


@admin.register(Venue)
class VenueAdmin(BumpsPublicCache, admin.ModelAdmin):
    form = VenueAdminForm
    list_display = ["name", "kind", "parent", "district", "address", "order"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "district", "address"]
    list_editable = ["order"]
    autocomplete_fields = ["parent"]

    def events_named(self, ids: list) -> list[int] | None:
        # A venue no public event is at still shows: the home page and the JSON API list the
        # venues kept with the rows. Naming nothing has them read again.
        return events_at(ids) or None
