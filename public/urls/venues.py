from django.urls import path

from ..views import feeds, venues

app_name = "venues"
urlpatterns = [
    path("venues/", venues.VenueListView.as_view(), name="list"),
    path("venues/<int:pk>/", venues.VenueDetailView.as_view(), name="detail"),
    path("venues/<int:pk>.ics", feeds.VenueIcsView.as_view(), name="ics"),
]
