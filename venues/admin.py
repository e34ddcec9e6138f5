from django.contrib import admin

from core.admin import BumpsPublicCache

from .models import Venue


@admin.register(Venue)
class VenueAdmin(BumpsPublicCache, admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "district", "address", "order"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "district", "address"]
    list_editable = ["order"]
    autocomplete_fields = ["parent"]
