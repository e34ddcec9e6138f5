from django.urls import path

from ..views import jury

app_name = "jury"
urlpatterns = [
    path("", jury.HomeView.as_view(), name="home"),
    path("enter/<str:token>/", jury.EnterView.as_view(), name="enter"),
    path("<int:juror_pk>/", jury.LineupView.as_view(), name="lineup"),
    path("<int:juror_pk>/submit/", jury.SubmitView.as_view(), name="submit"),
    path("<int:juror_pk>/entries/<int:entry_pk>/", jury.SheetView.as_view(), name="sheet"),
    path("<int:juror_pk>/entries/<int:entry_pk>/score/", jury.ScoreView.as_view(), name="score"),
    path("<int:juror_pk>/entries/<int:entry_pk>/conflict/", jury.ConflictView.as_view(), name="conflict"),
    path("<int:juror_pk>/entries/<int:entry_pk>/plan/", jury.PlanView.as_view(), name="plan"),
]
