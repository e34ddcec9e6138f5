from django.urls import path

from ..views import feeds, venues

app_name = "venues"
urlpatterns = [
    path("venues/", venues.venue_list, name="list"),
    path("venues/<int:pk>/", venues.venue_detail, name="detail"),
    path("venues/<int:pk>.ics", feeds.venue_ics, name="ics"),
]
