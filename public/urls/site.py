from django.urls import path

from ..views import feeds, media, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("schedule/", pages.schedule, name="schedule"),
    path("schedule.ics", feeds.schedule_ics, name="schedule_ics"),
    path("schedule.xml", feeds.schedule_xml, name="schedule_xml"),
    path("schedule.frab.json", feeds.schedule_frab_json, name="schedule_frab_json"),
    path("api/schedule.json", feeds.api_schedule, name="api_schedule"),
    path("events/<int:pk>/", pages.event_detail, name="event_detail"),
    path("events/<int:pk>.ics", feeds.event_ics, name="event_ics"),
    path("events/<int:pk>/qr.svg", pages.event_qr, name="event_qr"),
    path("archive/", pages.archive, name="archive"),
    path("archive/<int:pk>/", pages.archive_week, name="archive_week"),
    path("events/<int:pk>/cover/", media.event_cover, name="event_cover"),
    path("media/public/<int:pk>/", media.media_file, name="public_media"),
    path("media/public/<int:pk>/preview/", media.media_preview, name="public_media_preview"),
]
