from django.urls import path

from ..views import public

app_name = "expo"
urlpatterns = [
    path("", public.HallView.as_view(), name="hall"),
    path("hall/<slug:slug>/", public.HallView.as_view(), name="exhibition"),
    path("p/<int:pk>/", public.ProjectView.as_view(), name="project"),
    path("p/<int:pk>/cover/", public.CoverView.as_view(), name="cover"),
    path("p/<int:pk>/images/<int:image_pk>/", public.ImageView.as_view(), name="image"),
    path("p/<int:pk>/documents/<int:document_pk>/", public.DocumentView.as_view(), name="document"),
    path("p/<int:pk>/videos/<int:video_pk>/", public.VideoView.as_view(), name="video"),
    path("p/<int:pk>/videos/<int:video_pk>/poster/", public.VideoPosterView.as_view(), name="video_poster"),
    path("p/<int:pk>/intent/", public.IntentView.as_view(), name="intent"),
    path("intent/done/", public.IntentDoneView.as_view(), name="intent_done"),
    path("intent/<str:token>/", public.IntentConfirmView.as_view(), name="intent_confirm"),
]
