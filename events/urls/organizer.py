from django.urls import path

from ..views import onboarding, organizer

# Mounted under the "organizer" namespace by ``submissions.urls.organizer_area``, which adds
# the area's home page (it shows the day's reports, which live above this app).
urlpatterns = [
    path("events/new/", organizer.EventCreateView.as_view(), name="event_create"),
    path("events/<int:pk>/", organizer.EventDetailView.as_view(), name="event_detail"),
    path("events/<int:pk>/edit/", organizer.EventEditView.as_view(), name="event_edit"),
    path("events/<int:pk>/submit/", organizer.EventSubmitView.as_view(), name="event_submit"),
    path("events/<int:pk>/withdraw/", organizer.EventWithdrawView.as_view(), name="event_withdraw"),
    path(
        "events/<int:pk>/units/<int:partner_pk>/people/",
        organizer.UnitPeopleView.as_view(),
        name="event_unit_people",
    ),
    path("notices/", organizer.NoticeListView.as_view(), name="notices"),
    path("apply/", onboarding.ApplyView.as_view(), name="apply"),
    path("apply/done/", onboarding.ApplyDoneView.as_view(), name="apply_done"),
    path("invitation/<str:token>/", onboarding.InvitationView.as_view(), name="invitation"),
]
