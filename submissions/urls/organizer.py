from django.urls import path, register_converter

from core.resumable.urls import tus_paths

from ..views import organizer, resumable
from .converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "reports"
urlpatterns = [
    path("", organizer.ReportListView.as_view(), name="list"),
    path("<int:event_id>/<isodate:day>/", organizer.ReportDetailView.as_view(), name="detail"),
    path("<int:event_id>/<isodate:day>/upload/", organizer.MediaUploadView.as_view(), name="upload"),
    # Resumable uploads (tus 1.0): the collection, and one upload of the user's.
    *tus_paths(
        "<int:event_id>/<isodate:day>/",
        create=resumable.ReportResumableCreateView,
        upload=resumable.ReportResumableUploadView,
        name="resumable",
    ),
    path("<int:event_id>/<isodate:day>/media.json", organizer.MediaStatusView.as_view(), name="media_status"),
    path("media/<int:pk>/delete/", organizer.MediaDeleteView.as_view(), name="media_delete"),
]
