from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import health

admin.site.site_header = _("双创周管理后台")
admin.site.site_title = _("双创周")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("healthz", health.HealthView.as_view(), name="healthz"),
    path("readyz", health.ReadyView.as_view(), name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("events.urls.accounts")),
    path("admin/", admin.site.urls),
    path("organizer/reports/", include("submissions.urls.organizer")),
    path("files/", include("submissions.urls.media_files")),
    path("organizer/", include("submissions.urls.organizer_area")),
    path("review/events/", include("events.urls.review")),
    path("review/reminders/", include("submissions.urls.reminders")),
    path("review/subvenues/", include("federation.urls")),
    path("review/", include("submissions.urls.review")),
    path("exhibits/", include("exhibits.urls.area")),
    path("contests/", include("contests.urls.manage")),
    path("jury/", include("contests.urls.jury")),
]
# The public site names its language in the URL: /schedule/ is Chinese, /en/schedule/ English,
# whatever cookie or Accept-Language the visitor sends, so a page and its cached copy (here, in
# a CDN) are the same for everybody and no language cookie is needed. Every other page
# negotiates its language as before (cookie set by the switcher, then Accept-Language):
# shuangchuang.middleware.PortalLocaleMiddleware.
urlpatterns += i18n_patterns(
    # The online hall's and the contests' public pages (the vote, an applicant's entry) are the
    # public site's too: /en/expo/, /en/contest/ in English.
    path("expo/", include("exhibits.urls.public")),
    path("contest/", include("contests.urls.public")),
    path("", include("public.urls.venues")),
    path("", include("public.urls.site")),
    prefix_default_language=False,
)

# Uploaded media is never served from MEDIA_URL, not even in development: only through the
# views that check permission (files/) or that the office marked it public (media/public/).
handler500 = "shuangchuang.errors.server_error"
