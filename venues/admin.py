from django import forms
from django.contrib import admin

from core.admin import BumpsPublicCache
from core.text import validate_single_line

from .models import Venue


class VenueAdminForm(forms.ModelForm):
    single_line_fields = ("name", "district", "address")

    class Meta:
        model = Venue
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.single_line_fields:
            if name in self.fields:
                self.fields[name].validators.append(validate_single_line)


@admin.register(Venue)
class VenueAdmin(BumpsPublicCache, admin.ModelAdmin):
    form = VenueAdminForm
    list_display = ["name", "kind", "parent", "district", "address", "order"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "district", "address"]
    list_editable = ["order"]
    autocomplete_fields = ["parent"]
