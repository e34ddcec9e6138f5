from django.urls import path

from ..views import board, board_exports, charts, review_reports, summary

app_name = "board"
urlpatterns = [
    path("", board.BoardView.as_view(), name="home"),
    path("live/", board.BoardLiveView.as_view(), name="live"),
    path("version/", board.BoardVersionView.as_view(), name="version"),
    path("reports/<int:pk>/", review_reports.ReportReviewView.as_view(), name="report"),
    path("reports/<int:pk>/accept/", review_reports.ReportAcceptView.as_view(), name="accept"),
    path("reports/<int:pk>/return/", review_reports.ReportReturnView.as_view(), name="return"),
    path("media/<int:pk>/public/", review_reports.MediaPublicView.as_view(), name="media_public"),
    path("export/<str:day>/<str:fmt>/", board_exports.DayExportView.as_view(), name="export"),
    # The day and week summary: the week, or one day with ?day=; the files cover the week.
    path("summary/", summary.SummaryView.as_view(), name="summary"),
    path("summary.docx", summary.SummaryExportView.as_view(fmt="docx"), name="summary_docx"),
    path("summary.xlsx", summary.SummaryExportView.as_view(fmt="xlsx"), name="summary_xlsx"),
    # The week's charts (board and summary) as JSON for static/js/charts.js.
    path("charts/<str:name>.json", charts.WeekChartView.as_view(), name="chart"),
]
