from django.urls import path

from ..views import review

app_name = "review_events"
urlpatterns = [
    path("", review.QueueView.as_view(), name="queue"),
    path("all/", review.EventListView.as_view(), name="list"),
    path("bulk-approve/", review.BulkApproveView.as_view(), name="bulk_approve"),
    path("<int:pk>/", review.EventDetailView.as_view(), name="detail"),
    path("<int:pk>/approve/", review.ApproveView.as_view(), name="approve"),
    path("<int:pk>/return/", review.ReturnView.as_view(), name="return"),
    path("<int:pk>/cancel/", review.CancelView.as_view(), name="cancel"),
    path("<int:pk>/reporting/", review.ReportingView.as_view(), name="reporting"),
    path("changes/<int:pk>/accept/", review.ChangeDecisionView.as_view(accept=True), name="change_accept"),
    path("changes/<int:pk>/reject/", review.ChangeDecisionView.as_view(accept=False), name="change_reject"),
    path("import/", review.ImportView.as_view(), name="import"),
    path("import/template.xlsx", review.ImportTemplateView.as_view(), name="import_template"),
    path("import/plan/", review.PlanImportView.as_view(), name="import_plan"),
    path("units/", review.OrganizerListView.as_view(), name="organizers"),
    path("units/<int:pk>/", review.OrganizerDetailView.as_view(), name="organizer_detail"),
    path(
        "units/<int:pk>/members/<int:membership_pk>/remove/",
        review.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path("applications/", review.ApplicationListView.as_view(), name="applications"),
    path("applications/<int:pk>/accept/", review.ApplicationAcceptView.as_view(), name="application_accept"),
    path(
        "applications/<int:pk>/decline/", review.ApplicationDeclineView.as_view(), name="application_decline"
    ),
]
