from django.urls import path

from core.resumable.urls import tus_paths

from ..views import public, register, resumable, voting

app_name = "contest"
urlpatterns = [
    path("", public.ContestListView.as_view(), name="list"),
    # An applicant's account and entry.
    path("confirm/resend/", register.ConfirmResendView.as_view(), name="confirm_resend"),
    path("confirm/<str:token>/", register.ConfirmEmailView.as_view(), name="confirm_email"),
    path("entries/<int:pk>/", register.EntryView.as_view(), name="entry"),
    path("entries/<int:pk>/edit/", register.EntryEditView.as_view(), name="entry_edit"),
    path("entries/<int:pk>/submit/", register.EntrySubmitView.as_view(), name="entry_submit"),
    path("entries/<int:pk>/withdraw/", register.EntryWithdrawView.as_view(), name="entry_withdraw"),
    path("entries/<int:pk>/plan/", register.EntryFileView.as_view(), {"kind": "plan"}, name="entry_plan"),
    path("entries/<int:pk>/video/", register.EntryFileView.as_view(), {"kind": "video"}, name="entry_video"),
    # The plan, the video and a file question's PDF, resumably (tus 1.0): the collection, and
    # one upload of the user's.
    *tus_paths(
        "entries/<int:pk>/plan/",
        create=resumable.EntryFileResumableCreateView,
        upload=resumable.EntryFileResumableUploadView,
        name="entry_plan_resumable",
        kwargs={"kind": "plan"},
    ),
    *tus_paths(
        "entries/<int:pk>/video/",
        create=resumable.EntryFileResumableCreateView,
        upload=resumable.EntryFileResumableUploadView,
        name="entry_video_resumable",
        kwargs={"kind": "video"},
    ),
    *tus_paths(
        "entries/<int:pk>/questions/<int:question_pk>/",
        create=resumable.EntryFileResumableCreateView,
        upload=resumable.EntryFileResumableUploadView,
        name="entry_file_resumable",
        kwargs={"kind": "file"},
    ),
    path(
        "entries/<int:pk>/files/<int:file_pk>/",
        register.EntryFileView.as_view(),
        {"kind": "file"},
        name="entry_file",
    ),
    # The public vote.
    path("vote/<int:pk>/", voting.VoteView.as_view(), name="vote"),
    path("vote/<int:pk>/verify/", voting.VerifyView.as_view(), name="vote_verify"),
    path("vote/<int:pk>/cast/<int:entry_pk>/", voting.CastView.as_view(), name="vote_cast"),
    path("vote/<int:pk>/totals.json", voting.TotalsView.as_view(), name="vote_totals"),
    path("vote/<int:pk>/video/<int:entry_pk>/", voting.CandidateVideoView.as_view(), name="candidate_video"),
    path(
        "vote/<int:pk>/poster/<int:entry_pk>/", voting.CandidatePosterView.as_view(), name="candidate_poster"
    ),
    # A contest's public pages.
    path("<slug:slug>/", public.ContestPageView.as_view(), name="detail"),
    path("<slug:slug>/register/", register.RegisterView.as_view(), name="register"),
    path("<slug:slug>/results/<int:round_pk>/", public.ResultsView.as_view(), name="results"),
]
