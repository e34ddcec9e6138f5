from django.urls import path

from ..views import public, public_feeds, public_media

urlpatterns = [
    path("", public.home, name="home"),
    path("schedule/", public.schedule, name="schedule"),
    path("schedule.ics", public_feeds.schedule_ics, name="schedule_ics"),
    path("schedule.xml", public_feeds.schedule_xml, name="schedule_xml"),
    path("schedule.frab.json", public_feeds.schedule_frab_json, name="schedule_frab_json"),
    path("api/schedule.json", public_feeds.api_schedule, name="api_schedule"),
    path("events/<int:pk>/", public.event_detail, name="event_detail"),
    path("events/<int:pk>.ics", public_feeds.event_ics, name="event_ics"),
    path("events/<int:pk>/qr.svg", public.event_qr, name="event_qr"),
    path("archive/", public.archive, name="archive"),
    path("archive/<int:pk>/", public.archive_week, name="archive_week"),
    path("events/<int:pk>/cover/", public_media.event_cover, name="event_cover"),
    path("media/public/<int:pk>/", public_media.media_file, name="public_media"),
    path("media/public/<int:pk>/preview/", public_media.media_preview, name="public_media_preview"),
]
