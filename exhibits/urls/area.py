from django.urls import path

from core.resumable.urls import tus_paths

from ..views import area, charts, curator, imports, join, resumable

app_name = "exhibits"
urlpatterns = [
    path("", area.HomeView.as_view(), name="home"),
    path("join/<str:token>/", join.JoinView.as_view(), name="join"),
    path("invitation/<str:token>/", join.InvitationView.as_view(), name="invitation"),
    path("confirm/<str:token>/", join.HolderConfirmView.as_view(), name="holder_confirm"),
    path("halls/<int:pk>/confirm-email/", join.ConfirmationSendView.as_view(), name="holder_confirm_send"),
    # A holder's projects (curators and the office open them too).
    path("halls/<int:exhibition_pk>/new/", area.ProjectCreateView.as_view(), name="project_create"),
    path("projects/<int:pk>/", area.ProjectDetailView.as_view(), name="project"),
    path("projects/<int:pk>/edit/", area.ProjectEditView.as_view(), name="project_edit"),
    path("projects/<int:pk>/submit/", area.ProjectSubmitView.as_view(), name="project_submit"),
    path("projects/<int:pk>/images/", area.ImageAddView.as_view(), name="image_add"),
    path("images/<int:pk>/delete/", area.ImageDeleteView.as_view(), name="image_delete"),
    path("projects/<int:pk>/documents/", area.DocumentAddView.as_view(), name="document_add"),
    # A document, resumably (tus 1.0): the collection, and one upload of the user's.
    *tus_paths(
        "projects/<int:pk>/documents/",
        create=resumable.ProjectFileResumableCreateView,
        upload=resumable.ProjectFileResumableUploadView,
        name="document_resumable",
        kwargs={"kind": "document"},
    ),
    path("projects/<int:pk>/changes/cover/", area.RevisionCoverView.as_view(), name="revision_cover"),
    path("documents/<int:pk>/delete/", area.DocumentDeleteView.as_view(), name="document_delete"),
    path("projects/<int:pk>/video/", area.VideoAddView.as_view(), name="video_add"),
    # The same video, resumably (tus 1.0): the collection, and one upload of the user's.
    *tus_paths(
        "projects/<int:pk>/video/",
        create=resumable.ProjectFileResumableCreateView,
        upload=resumable.ProjectFileResumableUploadView,
        name="video_resumable",
        kwargs={"kind": "video"},
    ),
    path("videos/<int:pk>/delete/", area.VideoDeleteView.as_view(), name="video_delete"),
    path("projects/<int:pk>/signings/new/", area.SigningCreateView.as_view(), name="signing_create"),
    path("intents/", area.IntentListView.as_view(), name="intents"),
    path("intents/<int:pk>/answer/", area.IntentAnswerView.as_view(), name="intent_answer"),
    # A curator's hall.
    path("halls/<int:pk>/", curator.ProjectListView.as_view(), name="hall"),
    path("halls/<int:pk>/invite/", curator.InviteView.as_view(), name="invite"),
    path("halls/<int:pk>/invite/new-link/", curator.JoinLinkRenewView.as_view(), name="join_link_renew"),
    path("holders/<int:pk>/remove/", curator.HolderRemoveView.as_view(), name="holder_remove"),
    path("halls/<int:pk>/intents/", curator.HallIntentListView.as_view(), name="hall_intents"),
    path("halls/<int:pk>/events/", curator.PresentationEventsView.as_view(), name="presentations"),
    path(
        "halls/<int:pk>/events/<int:event_pk>/",
        curator.EventPresentationsView.as_view(),
        name="event_presentations",
    ),
    path("halls/<int:pk>/totals/", curator.TotalsView.as_view(), name="totals"),
    path("halls/<int:pk>/totals.xlsx", curator.TotalsXlsxView.as_view(), name="totals_xlsx"),
    path("halls/<int:pk>/charts/<str:name>.json", charts.HallChartView.as_view(), name="hall_chart"),
    path("halls/<int:pk>/import/", imports.ImportView.as_view(), name="import"),
    path("halls/<int:pk>/import/template.xlsx", imports.ImportTemplateView.as_view(), name="import_template"),
    path("imports/<int:pk>/", imports.ImportJobView.as_view(), name="import_job"),
    path("imports/<int:pk>/progress/", imports.ImportProgressView.as_view(), name="import_progress"),
    path("projects/<int:pk>/review/", curator.ReviewView.as_view(), name="review"),
    path("projects/<int:pk>/feature/", curator.FeatureView.as_view(), name="feature"),
]
