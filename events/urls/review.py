from django.urls import path

app_name = "review_events"
urlpatterns: list = []
