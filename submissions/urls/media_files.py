from django.urls import path

from ..views import media_files

app_name = "media_files"
urlpatterns = [
    path("<int:pk>/<str:variant>/", media_files.MediaFileView.as_view(), name="serve"),
]
