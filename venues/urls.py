from django.urls import path

from . import views

app_name = "venues"
urlpatterns = [
    path("venues/", views.venue_list, name="list"),
    path("venues/<int:pk>/", views.venue_detail, name="detail"),
]
