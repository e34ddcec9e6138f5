from django.urls import path, register_converter

from ..views import organizer, resumable
from .converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "reports"
urlpatterns = [
    path("", organizer.ReportListView.as_view(), name="list"),
    path("<int:event_id>/<isodate:day>/", organizer.ReportDetailView.as_view(), name="detail"),
    path("<int:event_id>/<isodate:day>/upload/", organizer.MediaUploadView.as_view(), name="upload"),
    # Resumable uploads (tus 1.0): the collection, and one upload of the user's.
    path(
        "<int:event_id>/<isodate:day>/tus/", resumable.ReportResumableCreateView.as_view(), name="resumable"
    ),
    path(
        "<int:event_id>/<isodate:day>/tus/<uuid:upload_id>/",
        resumable.ReportResumableUploadView.as_view(),
        name="resumable_upload",
    ),
    path("<int:event_id>/<isodate:day>/media.json", organizer.MediaStatusView.as_view(), name="media_status"),
    path("media/<int:pk>/delete/", organizer.MediaDeleteView.as_view(), name="media_delete"),
]
