from django.urls import path

from ..views import organizer

app_name = "organizer"
urlpatterns = [
    path("", organizer.dashboard, name="dashboard"),
]
