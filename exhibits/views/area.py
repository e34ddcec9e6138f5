"""The signed-in area shared by holders and curators: the home page, a project's page, the
holder's editing (text, images, documents), intents and signings.

Every project view starts from ``selectors.access.area_projects`` (own projects, curated
halls', all for the office), so anybody else's project is a 404; what the user may do with
one they can open is asked of ``rules.py`` (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView, TemplateView, UpdateView, View
from django.views.generic.detail import SingleObjectMixin

from core.roles import is_office_reviewer
from core.serving import file_response
from core.views import ObjectPermissionMixin, PortalPermissionMixin

from .. import services
from ..forms import AnswerForm, DocumentForm, ImageForm, ProjectForm, SigningForm, VideoForm
from ..models import Exhibition, Intent, Project, ProjectDocument, ProjectImage, ProjectVideo
from ..selectors import area as selectors
from ..selectors.access import area_projects, holder_exhibition_ids
from ..selectors.presentations import project_presentations

S = Project.Status


class AreaMixin(PortalPermissionMixin):
    permission_required = "exhibits.use_area"


class HomeView(AreaMixin, TemplateView):
    """A holder's halls and projects; a curator's (or the office's) halls with their queues."""

    template_name = "exhibits/area/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            holder_halls=list(selectors.holder_halls(user=user)),
            projects=list(selectors.own_projects(user=user)),
            managed_halls=list(selectors.managed_halls(user=user)),
            is_office=is_office_reviewer(user),
        )
        return context


# --- A project -----------------------------------------------------------------------------


class ProjectQuerysetMixin:
    def get_queryset(self):
        return area_projects(user=self.request.user).select_related(
            "exhibition", "section", "owner", "revision"
        )


class ProjectDetailView(ObjectPermissionMixin, DetailView):
    """Everything about a project for its holder, its curators and the office: the public
    fields, contacts, images, documents, review history, intents and signings."""

    permission_required = "exhibits.see_project"
    template_name = "exhibits/area/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return selectors.area_project(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        context.update(
            exhibition=project.exhibition,
            images=list(project.images.all()),
            documents=list(project.documents.all()),
            reviews=list(project.reviews.all()),
            intents=list(selectors.project_intents(project=project)),
            signings=list(project.signings.all()),
            missing=services.missing_for_submit(project) if project.status in (S.DRAFT, S.RETURNED) else [],
            return_reason=selectors.last_return_reason(project),
            revision=project.open_revision,
            changes=selectors.revision_changes(project),
            holder=selectors.own_holding(user=self.request.user, project=project),
            image_form=ImageForm(),
            document_form=DocumentForm(),
            videos=list(project.videos.all()),
            video_form=VideoForm(),
            presentations=project_presentations(project=project),
            answer_choices=Intent.Answer.choices,
            can_add_image=len(project.images.all()) < ProjectImage.MAX_PER_PROJECT,
            can_add_document=len(project.documents.all()) < ProjectDocument.MAX_PER_PROJECT,
        )
        return context


class ProjectFormMixin:
    template_name = "exhibits/area/project_form.html"
    form_class = ProjectForm

    def get_form_kwargs(self):
        submitting = self.request.POST.get("action") == "submit"
        return {**super().get_form_kwargs(), "exhibition": self.exhibition, "submitting": submitting}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "exhibition": self.exhibition}

    def form_valid(self, form):
        project = form.instance
        submitting = self.request.POST.get("action") == "submit"
        was_accepted = project.pk is not None and project.status == S.ACCEPTED
        if was_accepted and not form.has_changed():
            # Saving an accepted project unchanged would put nothing in review.
            messages.info(self.request, _("没有修改，展项仍在展厅公开。"))
            return redirect("exhibits:project", pk=project.pk)
        try:
            with transaction.atomic():
                services.project_save(project=project, by=self.request.user)
                if submitting and project.status in (S.DRAFT, S.RETURNED):
                    services.project_submit(project=project, by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if was_accepted and project.has_pending_changes:
            messages.warning(self.request, CHANGES_IN_REVIEW)
        elif was_accepted:
            messages.success(self.request, _("已保存（联系人信息不公开，无需审核）。"))
        elif project.status == S.SUBMITTED:
            messages.success(self.request, _("已提交审核，策展单位审核后会通知您。"))
        else:
            messages.success(self.request, _("已保存草稿。"))
        return redirect("exhibits:project", pk=project.pk)


class ProjectCreateView(PortalPermissionMixin, ProjectFormMixin, FormView):
    permission_required = "exhibits.add_project"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # Only the halls the user submits to: another hall is a 404.
        self.exhibition = get_object_or_404(
            Exhibition.objects.filter(pk__in=holder_exhibition_ids(request.user)), pk=kwargs["exhibition_pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.exhibition

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        holder = self.exhibition.holders.filter(user=self.request.user).first()
        user = self.request.user
        kwargs["instance"] = Project(
            exhibition=self.exhibition,
            owner=user,
            organization=holder.organization if holder else "",
            contact_name=user.display_name,
            contact_phone=user.phone,
            contact_email=user.email,
        )
        return kwargs


class ProjectEditView(ObjectPermissionMixin, ProjectQuerysetMixin, ProjectFormMixin, UpdateView):
    """Edit a project; an accepted one's form starts from its changes not yet accepted."""

    permission_required = "exhibits.edit_project"
    context_object_name = "project"

    def get_object(self, queryset=None):
        return selectors.with_changes(super().get_object(queryset))

    def get_form_kwargs(self):
        self.exhibition = self.object.exhibition
        return super().get_form_kwargs()


class ProjectActionView(ObjectPermissionMixin, ProjectQuerysetMixin, SingleObjectMixin, View):
    """A POST on one project: calls ``act`` and goes back to the project's page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        project = self.get_object()
        try:
            self.act(project)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("exhibits:project", pk=project.pk)


class ProjectSubmitView(ProjectActionView):
    permission_required = "exhibits.submit_project"

    def act(self, project):
        services.project_submit(project=project, by=self.request.user)
        messages.success(self.request, _("已提交审核，策展单位审核后会通知您。"))


class ImageAddView(ProjectActionView):
    permission_required = "exhibits.edit_project"

    def act(self, project):
        form = ImageForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        was_accepted = project.status == S.ACCEPTED
        services.project_image_add(
            project=project,
            by=self.request.user,
            upload=form.cleaned_data["image"],
            name=form.stored_name,
            caption=form.cleaned_data["caption"],
        )
        _say_changed(self.request, was_accepted, _("图片已上传。"))


class DocumentAddView(ProjectActionView):
    permission_required = "exhibits.edit_project"

    def act(self, project):
        form = DocumentForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        was_accepted = project.status == S.ACCEPTED
        services.project_document_add(
            project=project,
            by=self.request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        )
        _say_changed(self.request, was_accepted, _("文档已上传。"))


class VideoAddView(ProjectActionView):
    """Upload the project's video (it replaces the one there; on an accepted project the
    new one waits for review). The worker's check and web versions follow."""

    permission_required = "exhibits.edit_project"

    def act(self, project):
        form = VideoForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        was_accepted = project.status == S.ACCEPTED
        services.project_video_add(
            project=project, by=self.request.user, upload=form.cleaned_data["video"], name=form.stored_name
        )
        _say_changed(self.request, was_accepted, _("视频已上传，正在检查，稍后刷新本页查看结果。"))


class AttachmentDeleteView(ObjectPermissionMixin, SingleObjectMixin, View):
    """Delete one of a project's images or documents (the rule is asked of its project)."""

    http_method_names = ["post"]
    permission_required = "exhibits.edit_project"
    model = None

    def get_queryset(self):
        projects = area_projects(user=self.request.user)
        return self.model.objects.filter(project__in=projects).select_related("project__exhibition")

    def get_permission_object(self):
        return self.get_object().project

    def post(self, request, *args, **kwargs):
        attachment = self.get_object()
        project = attachment.project
        was_accepted = project.status == S.ACCEPTED
        try:
            self.delete(attachment)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            _say_changed(request, was_accepted, _("已删除。"))
        return redirect("exhibits:project", pk=project.pk)


class ImageDeleteView(AttachmentDeleteView):
    model = ProjectImage

    def delete(self, image):
        services.project_image_delete(image=image, by=self.request.user)


class DocumentDeleteView(AttachmentDeleteView):
    model = ProjectDocument

    def delete(self, document):
        services.project_document_delete(document=document, by=self.request.user)


class VideoDeleteView(AttachmentDeleteView):
    model = ProjectVideo

    def delete(self, video):
        services.project_video_delete(video=video, by=self.request.user)


CHANGES_IN_REVIEW = gettext_lazy("修改已提交审核；审核通过前，展厅继续显示原来的版本。")


def _say_changed(request, was_accepted: bool, message: str) -> None:
    if was_accepted:
        messages.warning(request, CHANGES_IN_REVIEW)
    else:
        messages.success(request, message)


class RevisionCoverView(ObjectPermissionMixin, ProjectQuerysetMixin, SingleObjectMixin, View):
    """The new cover of an accepted project's changes in review, for its holder and curators
    (never public, never shared caches)."""

    http_method_names = ["get", "head"]
    permission_required = "exhibits.see_project"

    def get(self, request, *args, **kwargs):
        project = self.get_object()
        revision = project.open_revision
        if revision is None or not revision.cover:
            raise Http404("No new cover")
        content_type = "image/png" if revision.cover.name.lower().endswith(".png") else "image/jpeg"
        response = file_response(request, revision.cover, content_type=content_type)
        response["Cache-Control"] = "private, no-cache"
        return response


# --- Intents and signings --------------------------------------------------------------------


class IntentListView(AreaMixin, ListView):
    """The confirmed intents on the user's own projects."""

    template_name = "exhibits/area/intents.html"
    context_object_name = "intents"
    paginate_by = 50

    def get_queryset(self):
        return selectors.intents_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "answer_choices": Intent.Answer.choices}


class IntentAnswerView(ObjectPermissionMixin, SingleObjectMixin, View):
    http_method_names = ["post"]
    permission_required = "exhibits.answer_intent"

    def get_queryset(self):
        return selectors.area_intent(user=self.request.user, pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        intent = self.get_object()
        form = AnswerForm(request.POST)
        if form.is_valid():
            services.intent_answer(intent=intent, by=request.user, **form.cleaned_data)
            messages.success(request, _("已记录回复。"))
        else:
            messages.error(request, _("请选择回复。"))
        back = request.POST.get("back")
        if back == "list":
            return redirect("exhibits:intents")
        if back == "hall":
            return redirect("exhibits:hall_intents", pk=intent.project.exhibition_id)
        return redirect("exhibits:project", pk=intent.project_id)


class SigningCreateView(ObjectPermissionMixin, ProjectQuerysetMixin, SingleObjectMixin, FormView):
    permission_required = "exhibits.record_signing"
    template_name = "exhibits/area/signing_form.html"
    form_class = SigningForm

    def get_form_kwargs(self):
        project = self.get_object()
        return {**super().get_form_kwargs(), "intents": selectors.project_intents(project=project)}

    def get_context_data(self, **kwargs):
        self.object = self.get_object()
        return {**super().get_context_data(**kwargs), "project": self.object}

    def form_valid(self, form):
        project = self.get_object()
        try:
            services.signing_record(project=project, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已记录签约。"))
        return redirect("exhibits:project", pk=project.pk)
