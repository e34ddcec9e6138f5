from django.urls import path

from events.views import public_feeds

from . import views

app_name = "venues"
urlpatterns = [
    path("venues/", views.venue_list, name="list"),
    path("venues/<int:pk>/", views.venue_detail, name="detail"),
    path("venues/<int:pk>.ics", public_feeds.venue_ics, name="ics"),
]
