from django.urls import path

from ..views import charts, feeds, media, pages, site, subvenues, videos

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("schedule/", pages.ScheduleView.as_view(), name="schedule"),
    path("schedule.ics", feeds.ScheduleIcsView.as_view(), name="schedule_ics"),
    path("schedule.xml", feeds.ScheduleXmlView.as_view(), name="schedule_xml"),
    path("schedule.frab.json", feeds.ScheduleFrabJsonView.as_view(), name="schedule_frab_json"),
    path("api/schedule.json", feeds.ApiScheduleView.as_view(), name="api_schedule"),
    path("api/weeks/current/totals.json", subvenues.WeekTotalsView.as_view(), name="current_week_totals"),
    path("api/weeks/<int:pk>/totals.json", subvenues.WeekTotalsView.as_view(), name="week_totals"),
    path("subvenues/", subvenues.SubvenuesView.as_view(), name="subvenues"),
    path("data/", site.OpenDataView.as_view(), name="open_data"),
    path("stats/week.json", charts.WeekChartView.as_view(), name="week_chart"),
    path("favicon.ico", site.FaviconView.as_view(), name="favicon"),
    path("events/<int:pk>/", pages.EventDetailView.as_view(), name="event_detail"),
    path("events/<int:pk>.ics", feeds.EventIcsView.as_view(), name="event_ics"),
    path("events/<int:pk>/qr.svg", pages.EventQrView.as_view(), name="event_qr"),
    path("videos/", videos.VideosView.as_view(), name="videos"),
    path("videos/<int:pk>/", videos.VideosWeekView.as_view(), name="videos_week"),
    path("videos/play/", videos.ViewBeaconView.as_view(), name="video_play"),
    path("archive/", pages.ArchiveView.as_view(), name="archive"),
    path("archive/<int:pk>/", pages.ArchiveWeekView.as_view(), name="archive_week"),
    path("events/<int:pk>/cover/", media.EventCoverView.as_view(), name="event_cover"),
    path("media/public/<int:pk>/", media.PublicMediaView.as_view(), name="public_media"),
    path(
        "media/public/<int:pk>/preview/", media.PublicMediaPreviewView.as_view(), name="public_media_preview"
    ),
]
