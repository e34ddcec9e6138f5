"""The organizer area under one namespace: its home page, and the events' pages below it."""

from django.urls import path

from events.urls.organizer import urlpatterns as event_patterns

from ..views import dashboard

app_name = "organizer"
urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    *event_patterns,
]
