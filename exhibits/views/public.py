"""The public hall (/expo/): the projects of public halls, a project's page, its files, and a
visitor's cooperation intent with its code.

These pages live in this app's own face rather than in ``public/``: they read only this
domain, and the intent pages are forms that write through this app's services. ``public/``
stays the face of the week (schedule, venues, archive); it may link here, and a face app
above several domains can take these views over unchanged if the hall ever combines them.

Hall and project pages are cached for anonymous visitors like the schedule
(``PublicCachedMixin``); every service that changes what they show bumps the public version.
A project page's views are counted outside the cache, so a cached answer counts too.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import re
from urllib.parse import urlencode

import rules
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from core import ratelimit
from core.image_versions import version_for
from core.mail import absolute_url
from core.ratelimit import RateLimit, RateLimitedPostMixin
from core.serving import file_response
from core.views import PublicCachedMixin

from .. import services
from ..forms import CodeForm, IntentForm
from ..models import Cooperation, Intent, Pending, Project
from ..selectors import public as selectors

log = logging.getLogger(__name__)

HALL_PAGE_SIZE = 24
# Intents write to a holder: limited per client address and per e-mail address across
# projects; and one confirmed intent per e-mail address and project a day (a second is refused
# with the reason, 429). An intent never confirmed reached nobody: the visitor may send it again.
INTENT_PER_ADDRESS = RateLimit("exhibit-intent-address", 10, 60 * 60)
INTENT_PER_EMAIL = RateLimit("exhibit-intent-email", 5, 60 * 60, key_kind="email")
INTENT_REPEAT_AFTER = dt.timedelta(days=1)
# Guessing a code: each intent allows a few tries (services); this bounds an address overall.
CODE_TRIES_PER_ADDRESS = RateLimit("exhibit-intent-code-address", 30, 10 * 60)
INTENT_TOKEN_SALT = "exhibits.intent"
INTENT_TOKEN_MAX_AGE = 24 * 60 * 60
# Crawlers and link previews open pages nobody reads: they are not counted as views.
NOT_A_READER = re.compile(r"bot|spider|crawl|slurp|preview|fetch|monitor|curl|wget|python", re.IGNORECASE)
FILE_CACHE_CONTROL = "public, max-age=300"
PRIVATE_FILE_CACHE_CONTROL = "private, max-age=300"


class PublicPageView(PublicCachedMixin, TemplateView):
    http_method_names = ["get", "head"]


class HallView(PublicPageView):
    """Every public hall's projects (or one hall's, ``slug``): sections, featured first,
    filters and search in the URL, 24 a page."""

    template_name = "exhibits/public/hall.html"
    cache_params = selectors.HallFilters.PARAMS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exhibition = selectors.public_exhibition(slug=kwargs["slug"]) if "slug" in kwargs else None
        filters = selectors.HallFilters.from_query(self.request.GET)
        paginator = Paginator(selectors.hall_projects(filters=filters, exhibition=exhibition), HALL_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        base = reverse("expo:exhibition", args=[exhibition.slug]) if exhibition else reverse("expo:hall")
        choices = selectors.hall_choices(exhibition=exhibition, year=filters.year)
        context.update(
            exhibition=exhibition,
            filters=filters,
            page=page,
            projects=page.object_list,
            base_url=base,
            choices=choices,
            all_sections_url="?" + urlencode(filters.as_params(section="")),
            section_links=[
                {
                    "section": section,
                    "url": "?" + urlencode(filters.as_params(section=section.pk)),
                    "active": section.pk == filters.section,
                }
                for section in choices.sections
            ],
            page_query=urlencode(filters.as_params()),
            stages=Project.Stage.choices,
            cooperations=Cooperation.choices,
            # Signed-in pages are never cached: a curator finds the way to their hall's pages here.
            show_area_link=rules.test_rule("exhibits.use_area", self.request.user),
        )
        return context


class ProjectView(PublicPageView):
    """A project's public page: images, the video (its web versions only), documents, the
    hall and section, the events that present it, the intent button, a share card (og:
    meta). Contacts are never read for it."""

    template_name = "exhibits/public/project.html"

    @classmethod
    def as_view(cls, **initkwargs):
        cached = super().as_view(**initkwargs)

        @functools.wraps(cached)
        def counted(request, *args, **kwargs):
            response = cached(request, *args, **kwargs)
            if (
                request.method == "GET"
                and response.status_code in (200, 304)
                and not NOT_A_READER.search(request.META.get("HTTP_USER_AGENT", ""))
            ):
                services.project_view_count(project_id=kwargs["pk"])
            return response

        return counted

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = selectors.public_project(pk=kwargs["pk"])
        page_url = absolute_url(reverse("expo:project", args=[project.pk]))
        cover_url = ""
        if project.cover:
            # A share card wants a large but light image: the widest web version, once made.
            versions = services.cover_versions(project)
            cover_url = absolute_url(reverse("expo:cover", args=[project.pk]))
            if versions:
                cover_url += f"?w={max(versions)}"
        context.update(
            project=project,
            exhibition=project.exhibition,
            images=list(project.images.all()),
            documents=list(project.documents.all()),
            video=selectors.public_video(project),
            events=selectors.project_events(project=project),
            page_url=page_url,
            cover_url=cover_url,
        )
        return context


# --- Files ---------------------------------------------------------------------------------


class ProjectFileView(View):
    """A project's cover, image or document: to the public once the project is public, else
    to who may see the project (``exhibits.see_project_files``, privately cached)."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, pk: int, **kwargs):
        project = get_object_or_404(Project.objects.select_related("exhibition__week"), pk=pk)
        if not rules.test_rule("exhibits.see_project_files", request.user, project):
            raise Http404("No file")
        self.in_review = False
        field, content_type, filename = self.file_of(project, **kwargs)
        if not field:
            raise Http404("No file")
        is_public = (
            rules.test_rule("exhibits.see_project_files", AnonymousUser(), project) and not self.in_review
        )
        response = file_response(
            request, field, content_type=content_type, filename=filename, as_attachment=bool(filename)
        )
        response["Cache-Control"] = FILE_CACHE_CONTROL if is_public else PRIVATE_FILE_CACHE_CONTROL
        return response


def _image_type(field: FieldFile) -> str:
    return "image/png" if field.name.lower().endswith(".png") else "image/jpeg"


def _version_or_original(instance, field: FieldFile, versions, width: str) -> tuple[FieldFile, str]:
    """``?w=400|800|1600``: that web version (a JPEG), once made; else the original."""
    version = version_for(versions, width)
    if version is None:
        return field, _image_type(field)
    return FieldFile(instance, field.field, version.name), "image/jpeg"


class CoverView(ProjectFileView):
    """A project's cover; ``?w=`` one of its web versions (services/images.py)."""

    def file_of(self, project, **kwargs):
        versions = services.cover_versions(project)
        field, content_type = _version_or_original(
            project, project.cover, versions, self.request.GET.get("w", "")
        )
        return field, content_type, None


def _added_in_review(view, project, item) -> None:
    """An image, document or video added to an accepted project's changes is not public until they
    are accepted: only who may see the project gets it (privately cached)."""
    if item.pending == Pending.ADD:
        if not rules.test_rule("exhibits.see_project", view.request.user, project):
            raise Http404("Not public yet")
        view.in_review = True


class ImageView(ProjectFileView):
    """One of a project's images; ``?w=`` one of its web versions."""

    def file_of(self, project, *, image_pk: int, **kwargs):
        image = get_object_or_404(project.images, pk=image_pk)
        _added_in_review(self, project, image)
        versions = services.image_versions(image)
        field, content_type = _version_or_original(
            image, image.image, versions, self.request.GET.get("w", "")
        )
        return field, content_type, None


class DocumentView(ProjectFileView):
    def file_of(self, project, *, document_pk: int, **kwargs):
        document = get_object_or_404(project.documents, pk=document_pk)
        _added_in_review(self, project, document)
        return document.file, "application/pdf", f"{document.title}.pdf"


class VideoView(ProjectFileView):
    """A web version of a project's video (``?v=720``, ``360`` or ``preview``; the largest by
    default), H.264 MP4 with byte ranges; never the upload. None is served until made."""

    def file_of(self, project, *, video_pk: int, **kwargs):
        video = get_object_or_404(project.videos, pk=video_pk)
        _added_in_review(self, project, video)
        versions = video.web_versions
        slot = self.request.GET.get("v", "")
        if slot not in versions:
            sizes = [key for key in versions if key.isdigit()]
            slot = max(sizes, key=int) if sizes else ""
        if not slot:
            raise Http404("The web versions of this video are not made yet")
        return FieldFile(video, video.file.field, versions[slot]["name"]), "video/mp4", None


class VideoPosterView(ProjectFileView):
    """The poster frame of a project's video (made with its web versions)."""

    def file_of(self, project, *, video_pk: int, **kwargs):
        video = get_object_or_404(project.videos, pk=video_pk)
        _added_in_review(self, project, video)
        if not video.poster_name:
            raise Http404("No poster yet")
        return FieldFile(video, video.file.field, video.poster_name), "image/jpeg", None


# --- Intents -------------------------------------------------------------------------------


def intent_token(intent: Intent) -> str:
    return signing.TimestampSigner(salt=INTENT_TOKEN_SALT).sign(str(intent.pk))


def intent_for_token(token: str) -> Intent:
    try:
        pk = signing.TimestampSigner(salt=INTENT_TOKEN_SALT).unsign(token, max_age=INTENT_TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise Http404("No such intent") from None
    return get_object_or_404(Intent.objects.select_related("project"), pk=pk)


class IntentView(RateLimitedPostMixin, FormView):
    """The intent form of a public project. A valid intent is stored unconfirmed and a code
    sent to the visitor; the next page asks for it. Limited per client address, per e-mail
    address, and to one per e-mail address and project a day (``INTENT_PER_*``)."""

    template_name = "exhibits/public/intent_form.html"
    form_class = IntentForm

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.project = selectors.intent_target(pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def rate_limit_checks(self):
        return [(INTENT_PER_ADDRESS, self.client_address)]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "project": self.project}

    def form_valid(self, form):
        if form.is_bot:
            log.info("intent honeypot filled on project %s: dropped", self.project.pk)
            return redirect("expo:project", pk=self.project.pk)
        email = ratelimit.normalised(form.cleaned_data["email"])
        if not ratelimit.spend(INTENT_PER_ADDRESS, self.client_address):
            return self.rate_limited(INTENT_PER_ADDRESS)
        now = timezone.now()
        confirmed_at = selectors.intent_confirmed_since(
            project=self.project, email=email, since=now - INTENT_REPEAT_AFTER
        )
        if confirmed_at is not None:
            return self._refused(
                _("您今天已对该项目表达过合作意向，项目方会通过邮件或电话与您联系，请勿重复提交。"),
                minutes=math.ceil((confirmed_at + INTENT_REPEAT_AFTER - now).total_seconds() / 60),
            )
        if not ratelimit.spend(INTENT_PER_EMAIL, email):
            return self._refused(
                _("该邮箱提交合作意向过于频繁，请稍后再试。"),
                minutes=ratelimit.minutes_left(INTENT_PER_EMAIL),
            )
        data = {
            name: value for name, value in form.cleaned_data.items() if name not in ("website", "consent")
        }
        try:
            intent = services.intent_create(project=self.project, **data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("expo:intent_confirm", token=intent_token(intent))

    def _refused(self, message: str, *, minutes: int):
        response = render(
            self.request,
            "exhibits/public/intent_refused.html",
            {"project": self.project, "message": message, "minutes": minutes},
            status=429,
        )
        response["Retry-After"] = str(minutes * 60)
        return response


class IntentConfirmView(RateLimitedPostMixin, FormView):
    """Enter the code sent to the visitor (or ask for a new one). Confirmed, the intent
    reaches the holder."""

    template_name = "exhibits/public/intent_confirm.html"
    form_class = CodeForm
    rate_limits = (CODE_TRIES_PER_ADDRESS,)

    def dispatch(self, request, *args, token: str, **kwargs):
        self.intent = intent_for_token(token)
        if self.intent.confirmed_at is not None:
            return redirect("expo:intent_done")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "intent": self.intent,
            "project": self.intent.project,
            "masked_email": _masked(self.intent.email),
        }

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "resend":
            try:
                services.intent_code_resend(intent=self.intent)
            except ValidationError as error:
                return self.render_to_response(
                    self.get_context_data(form=CodeForm(), notice=error.messages[0])
                )
            return self.render_to_response(
                self.get_context_data(form=CodeForm(), notice=_("新的验证码已发送。"))
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.intent_confirm(intent=self.intent, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
            return self.form_invalid(form)
        return redirect("expo:intent_done")


class IntentDoneView(TemplateView):
    template_name = "exhibits/public/intent_done.html"


def _masked(email: str) -> str:
    name, _sep, domain = email.partition("@")
    return f"{name[:2]}***@{domain}"
