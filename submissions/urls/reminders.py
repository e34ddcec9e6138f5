from django.urls import path

from ..views import reminders

app_name = "reminders"
urlpatterns = [
    path("", reminders.day, name="day"),
]
