from django.urls import path

from ..views import reminders

app_name = "reminders"
urlpatterns = [
    path("", reminders.ReminderLogView.as_view(), name="day"),
]
