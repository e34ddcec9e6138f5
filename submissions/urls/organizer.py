from django.urls import path, register_converter

from ..views import organizer
from .converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "reports"
urlpatterns = [
    path("", organizer.report_list, name="list"),
    path("<int:event_id>/<isodate:day>/", organizer.report_detail, name="detail"),
    path("<int:event_id>/<isodate:day>/upload/", organizer.media_upload, name="upload"),
    path("<int:event_id>/<isodate:day>/media.json", organizer.media_status, name="media_status"),
    path("media/<int:pk>/delete/", organizer.media_delete, name="media_delete"),
]
