from django.urls import path

from ..views import board, board_exports, review_reports

app_name = "board"
urlpatterns = [
    path("", board.home, name="home"),
    path("live/", board.live, name="live"),
    path("reports/<int:pk>/", review_reports.detail, name="report"),
    path("reports/<int:pk>/accept/", review_reports.accept, name="accept"),
    path("reports/<int:pk>/return/", review_reports.return_report, name="return"),
    path("media/<int:pk>/public/", review_reports.media_public, name="media_public"),
    path("export/<str:day>/<str:fmt>/", board_exports.export, name="export"),
]
