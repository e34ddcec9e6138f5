from django.urls import path

from ..views import charts, manage, rounds

app_name = "contests"
urlpatterns = [
    path("", manage.HomeView.as_view(), name="home"),
    path("new/", manage.ContestCreateView.as_view(), name="contest_create"),
    path("<int:pk>/", manage.ContestView.as_view(), name="contest"),
    path("<int:pk>/edit/", manage.ContestEditView.as_view(), name="contest_edit"),
    path("<int:pk>/tracks/", manage.TrackAddView.as_view(), name="track_add"),
    path("tracks/<int:pk>/delete/", manage.TrackDeleteView.as_view(), name="track_delete"),
    path("<int:pk>/questions/new/", manage.FieldCreateView.as_view(), name="field_create"),
    path("questions/<int:pk>/edit/", manage.FieldEditView.as_view(), name="field_edit"),
    path("questions/<int:pk>/remove/", manage.FieldRemoveView.as_view(), name="field_remove"),
    path("<int:pk>/rounds/new/", manage.RoundCreateView.as_view(), name="round_create"),
    # Entries and screening.
    path("<int:pk>/entries/", manage.EntryListView.as_view(), name="entries"),
    path("<int:pk>/entries.xlsx", manage.EntriesXlsxView.as_view(), name="entries_xlsx"),
    path("entries/<int:pk>/", manage.EntryDetailView.as_view(), name="entry"),
    path("entries/<int:pk>/screen/", manage.ScreenView.as_view(), name="screen"),
    path("entries/<int:pk>/project/", manage.EntryProjectView.as_view(), name="entry_project"),
    # A round: lineup, criteria, jurors, ranking, results, votes.
    path("rounds/<int:pk>/", rounds.RoundView.as_view(), name="round"),
    path("rounds/<int:pk>/edit/", rounds.RoundEditView.as_view(), name="round_edit"),
    path("rounds/<int:pk>/draw/", rounds.LineupDrawView.as_view(), name="lineup_draw"),
    path("lineup/<int:pk>/remove/", rounds.RoundEntryRemoveView.as_view(), name="lineup_remove"),
    path("lineup/<int:pk>/story/", rounds.StoryView.as_view(), name="story"),
    path("rounds/<int:pk>/criteria/", rounds.CriterionAddView.as_view(), name="criterion_add"),
    path("criteria/<int:pk>/delete/", rounds.CriterionDeleteView.as_view(), name="criterion_delete"),
    path("rounds/<int:pk>/jurors/", rounds.JurorAddView.as_view(), name="juror_add"),
    path("jurors/<int:pk>/new-link/", rounds.JurorLinkRenewView.as_view(), name="juror_renew"),
    path("jurors/<int:pk>/remove/", rounds.JurorRemoveView.as_view(), name="juror_remove"),
    path("jurors/<int:pk>/reopen/", rounds.JurorReopenView.as_view(), name="juror_reopen"),
    path("jurors/<int:pk>/sheet.docx", rounds.JurorSheetView.as_view(), name="juror_sheet"),
    path("rounds/<int:pk>/ranking/", rounds.RankingView.as_view(), name="ranking"),
    path("rounds/<int:pk>/publish/", rounds.PublishView.as_view(), name="publish"),
    path("rounds/<int:pk>/results.xlsx", rounds.ResultsXlsxView.as_view(), name="results_xlsx"),
    path("rounds/<int:pk>/votes/", rounds.VotesView.as_view(), name="votes"),
    path("rounds/<int:pk>/votes/void/", rounds.VoidView.as_view(), name="void"),
    # Charts (JSON for static/js/charts.js): registrations per day and track, votes per hour.
    path(
        "<int:pk>/charts/registrations.json",
        charts.RegistrationsChartView.as_view(),
        name="chart_registrations",
    ),
    path("rounds/<int:pk>/charts/votes.json", charts.VotesChartView.as_view(), name="chart_votes"),
]
