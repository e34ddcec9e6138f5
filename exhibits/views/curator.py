"""A curator's pages (and the office's, which curates every hall): the hall's projects with
filters, review and featuring, the projects its week's 路演 and 对接会 present, invitations,
intents, totals.

Halls are looked up among those the user curates (``selectors.access.managed_exhibitions``),
so another hall is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View
from django.views.generic.detail import SingleObjectMixin

from core.views import ObjectPermissionMixin, PortalPermissionMixin

from .. import exports, services
from ..forms import FeatureForm, InviteForm, PresentationForm, ReviewForm
from ..models import Intent, Project
from ..selectors import area as selectors
from ..selectors import presentations as presenting
from ..selectors.access import area_projects
from ..selectors.totals import exhibition_totals

S = Project.Status


class HallMixin(PortalPermissionMixin):
    """One hall the user curates (all, for the office), from the URL's ``pk``; another is a 404."""

    permission_required = "exhibits.curate_exhibition"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.exhibition = get_object_or_404(selectors.managed_hall(user=request.user, pk=kwargs["pk"]))
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.exhibition

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "exhibition": self.exhibition}


class ProjectListView(HallMixin, ListView):
    """The hall's submitted projects (not holders' drafts): filters by status, section, stage,
    featured, and a search; 50 a page."""

    template_name = "exhibits/curator/project_list.html"
    context_object_name = "projects"
    paginate_by = 50

    def get_queryset(self):
        self.filters = selectors.CuratorFilters.from_query(self.request.GET)
        return selectors.curator_projects(exhibition=self.exhibition, filters=self.filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.filters
        params = {
            "status": filters.status,
            "section": filters.section or "",
            "stage": filters.stage,
            "featured": "1" if filters.featured else "",
            "q": filters.q,
        }
        context.update(
            filters=filters,
            sections=list(self.exhibition.sections.all()),
            statuses=[(value, label) for value, label in S.choices if value != S.DRAFT],
            stages=Project.Stage.choices,
            page_query=urlencode({name: value for name, value in params.items() if value}),
        )
        return context


class ProjectDecisionMixin(ObjectPermissionMixin, SingleObjectMixin):
    def get_queryset(self):
        return area_projects(user=self.request.user).select_related(
            "exhibition", "section", "owner", "revision"
        )


class ReviewView(ProjectDecisionMixin, FormView):
    """Accept, return (with a reason) or reject a submitted project, or the pending changes of
    an accepted one (rejected changes are discarded; the accepted version stays)."""

    permission_required = "exhibits.review_project"
    template_name = "exhibits/curator/review.html"
    form_class = ReviewForm

    def get_context_data(self, **kwargs):
        self.object = self.get_object()
        project = selectors.area_project(user=self.request.user, pk=self.object.pk).get()
        return {
            **super().get_context_data(**kwargs),
            "project": project,
            "images": list(project.images.all()),
            "documents": list(project.documents.all()),
            "reviews": list(project.reviews.all()),
            "videos": list(project.videos.all()),
            "revision": project.open_revision,
            "changes": selectors.revision_changes(project),
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "changes": self.get_object().has_pending_changes}

    def get_initial(self):
        revision = self.get_object().open_revision
        return {"seen": services.revision_stamp(revision) if revision else ""}

    def form_valid(self, form):
        project = self.get_object()
        changes = project.has_pending_changes
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        action = {
            "accept": services.project_accept,
            "return": services.project_return,
            "reject": services.project_reject,
        }[decision]
        try:
            action(
                project=project, by=self.request.user, reason=reason, seen=form.cleaned_data["seen"] or None
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if changes:
            said = {
                "accept": _("修改已通过：%(title)s"),
                "return": _("修改已退回：%(title)s"),
                "reject": _("修改未通过，保留原版本：%(title)s"),
            }
        else:
            said = {
                "accept": _("已入展：%(title)s"),
                "return": _("已退回：%(title)s"),
                "reject": _("未予入选：%(title)s"),
            }
        messages.success(self.request, said[decision] % {"title": project.title})
        return redirect("exhibits:hall", pk=project.exhibition_id)


class FeatureView(ProjectDecisionMixin, View):
    """Feature an accepted project at an order, or stop featuring it (empty order)."""

    http_method_names = ["post"]
    permission_required = "exhibits.feature_project"

    def post(self, request, *args, **kwargs):
        project = self.get_object()
        form = FeatureForm(request.POST)
        if form.is_valid():
            order = form.cleaned_data["order"]
            services.project_feature(project=project, by=request.user, order=order)
            if order is None:
                messages.success(request, _("已取消精选：%(title)s") % {"title": project.title})
            else:
                messages.success(
                    request,
                    _("已设为精选（第 %(order)d 位）：%(title)s") % {"order": order, "title": project.title},
                )
        else:
            messages.error(request, _("精选排序须为 1 至 999 的整数。"))
        return redirect("exhibits:project", pk=project.pk)


class PresentationEventsView(HallMixin, TemplateView):
    """The 路演 and 对接会 of the hall's week, each with how many of the hall's projects it presents."""

    permission_required = "exhibits.present_projects"
    template_name = "exhibits/curator/presentations.html"

    def get_context_data(self, **kwargs):
        events = list(presenting.presenting_events(exhibition=self.exhibition))
        return {**super().get_context_data(**kwargs), "events": events}


class EventPresentationsView(HallMixin, TemplateView):
    """The hall's projects one event presents, in order: move one up or down, take it off, or
    add one found by a search (``?q=``) among the hall's accepted projects."""

    permission_required = "exhibits.present_projects"
    template_name = "exhibits/curator/event_presentations.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.event_pk = kwargs["event_pk"]
        return super().dispatch(request, *args, **kwargs)

    def get_event(self):
        return get_object_or_404(presenting.presenting_events(exhibition=self.exhibition), pk=self.event_pk)

    def get_context_data(self, **kwargs):
        event = self.get_event()
        q = " ".join(self.request.GET.get("q", "").split())[:60]
        return {
            **super().get_context_data(**kwargs),
            "event": event,
            "presentations": presenting.hall_presentations(exhibition=self.exhibition, event=event),
            "candidates": presenting.presentation_candidates(exhibition=self.exhibition, event=event, q=q),
            "q": q,
            "max_per_event": services.MAX_PER_EVENT,
        }

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        form = PresentationForm(request.POST)
        back = f"{request.path}?{urlencode({'q': request.POST.get('q', '')})}"
        if not form.is_valid():
            messages.error(request, _("请重新选择要调整的展项。"))
            return redirect(back)
        action, project_id = form.cleaned_data["action"], form.cleaned_data["project"]
        ids = [
            item.project_id for item in presenting.hall_presentations(exhibition=self.exhibition, event=event)
        ]
        if action == "add" and project_id not in ids:
            ids.append(project_id)
        elif action == "remove" and project_id in ids:
            ids.remove(project_id)
        elif action in ("up", "down") and project_id in ids:
            at = ids.index(project_id)
            to = at - 1 if action == "up" else at + 1
            if 0 <= to < len(ids):
                ids[at], ids[to] = ids[to], ids[at]
        try:
            services.presentations_set(
                exhibition=self.exhibition, event=event, project_ids=ids, by=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if action == "add":
                messages.success(request, _("已加入路演安排。"))
            elif action == "remove":
                messages.success(request, _("已移出路演安排。"))
        return redirect(back)


class InviteView(HallMixin, FormView):
    """The hall's open link (with "new link") and invitations by e-mail."""

    template_name = "exhibits/curator/invite.html"
    form_class = InviteForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            join_url=services.join_link_url(self.exhibition),
            invitations=list(self.exhibition.invitations.select_related("invited_by")[:100]),
            holders=selectors.hall_holders(exhibition=self.exhibition),
        )
        return context

    def form_valid(self, form):
        exhibition = self.exhibition
        invitations = services.holders_invite(
            exhibition=exhibition,
            emails=form.cleaned_data["emails"],
            organization=form.cleaned_data["organization"],
            by=self.request.user,
        )
        messages.success(self.request, _("已发送 %(count)d 份邀请。") % {"count": len(invitations)})
        return redirect("exhibits:invite", pk=exhibition.pk)


class HolderRemoveView(PortalPermissionMixin, View):
    """Take a holder out of a hall the user curates (another hall's holder is a 404)."""

    http_method_names = ["post"]
    permission_required = "exhibits.remove_holder"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.holder = get_object_or_404(selectors.managed_holder(user=request.user, pk=kwargs["pk"]))
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.holder.exhibition

    def post(self, request, *args, **kwargs):
        holder = services.holder_remove(holder=self.holder, by=request.user)
        messages.success(
            request,
            _("已将 %(name)s 移出展厅；其展项保留在展厅中，已入展的继续公开。")
            % {"name": holder.user.display_name},
        )
        return redirect("exhibits:invite", pk=holder.exhibition_id)


class JoinLinkRenewView(HallMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.join_link_renew(exhibition=self.exhibition, by=request.user)
        messages.success(request, _("已生成新的邀请链接，旧链接已失效。"))
        return redirect("exhibits:invite", pk=self.kwargs["pk"])


class HallIntentListView(HallMixin, ListView):
    """Every confirmed intent of the hall's projects."""

    template_name = "exhibits/curator/intents.html"
    context_object_name = "intents"
    paginate_by = 50

    def get_queryset(self):
        return selectors.intents_for(user=self.request.user, exhibition=self.exhibition)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "answer_choices": Intent.Answer.choices}


class TotalsView(HallMixin, TemplateView):
    template_name = "exhibits/curator/totals.html"

    def get_context_data(self, **kwargs):
        totals = exhibition_totals(exhibition=self.exhibition)
        groups = [
            (_("展项（按展区）"), totals.by_section),
            (_("展项（按成果所属单位）"), totals.by_organization),
        ]
        return {**super().get_context_data(**kwargs), "totals": totals, "groups": groups}


class TotalsXlsxView(HallMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        totals = exhibition_totals(exhibition=self.exhibition)
        response = HttpResponse(
            exports.totals_workbook(totals),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=exports.totals_filename(totals)
        )
        return response
