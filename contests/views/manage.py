"""The organizer's pages of a contest: the area's home, creating and editing a contest, its
tracks, questions and rounds, the entries (filters, bulk screening and promotion, .xlsx) and
one entry's screening.
"""

from __future__ import annotations

from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView, UpdateView, View

from core.views import PortalPermissionMixin

from .. import exports, services
from ..forms import BulkForm, ContestForm, EntryProjectForm, FormFieldForm, RoundForm, ScreenForm, TrackForm
from ..models import Entry, FormField, Round, Track
from ..selectors import manage as selectors
from ..selectors.access import forget
from ..selectors.hall import hall_projects
from .base import XLSX, ContestMixin, ManagedActionView, ManagedObjectMixin, download

S = Entry.Status
PAGE_SIZE = 50


class HomeView(PortalPermissionMixin, TemplateView):
    """The contests the user runs and the entries they registered."""

    permission_required = "contests.use_area"
    template_name = "contests/manage/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "contests": list(selectors.managed_contest_list(user=user)),
            "entries": list(selectors.own_entries(user=user)),
            "can_create": rules.test_rule("contests.create_contest", user),
        }


class ContestCreateView(PortalPermissionMixin, FormView):
    permission_required = "contests.create_contest"
    template_name = "contests/manage/contest_form.html"
    form_class = ContestForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "events": selectors.events_for_contests(user=self.request.user)}

    def get_initial(self):
        opens, closes = services.default_window(timezone.localtime())
        return {"registration_opens_at": opens, "registration_closes_at": closes}

    def form_valid(self, form):
        data = {name: value for name, value in form.cleaned_data.items() if name != "event"}
        try:
            with transaction.atomic():
                contest = services.contest_create(
                    event=form.cleaned_data["event"], by=self.request.user, **data
                )
                for name in (_("企业组"), _("团队组")):
                    services.track_add(contest=contest, name=name)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        forget(self.request.user)
        messages.success(self.request, _("已创建大赛，已添加企业组和团队组，可按需修改。"))
        return redirect("contests:contest", pk=contest.pk)


class ContestView(ContestMixin, TemplateView):
    """The contest's overview: tracks, registration form, rounds, counts, links."""

    template_name = "contests/manage/contest.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            selectors.contest_setup(contest=self.contest),
            track_form=TrackForm(),
            statuses=S.choices,
            field_kinds=FormField.Kind.choices,
        )
        return context


class ContestEditView(ContestMixin, FormView):
    template_name = "contests/manage/contest_form.html"
    form_class = ContestForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.contest,
            "events": selectors.events_for_contests(user=self.request.user),
        }

    def form_valid(self, form):
        data = {name: value for name, value in form.cleaned_data.items() if name != "event"}
        try:
            services.contest_update(contest=self.contest, by=self.request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存。"))
        return redirect("contests:contest", pk=self.contest.pk)


# --- Tracks and questions --------------------------------------------------------------------


class TrackAddView(ContestMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = TrackForm(request.POST)
        if form.is_valid():
            try:
                services.track_add(contest=self.contest, name=form.cleaned_data["name"])
                messages.success(request, _("已添加组别。"))
            except ValidationError as error:
                messages.error(request, error.messages[0])
        else:
            messages.error(request, _("请填写组别名称（不超过 40 字）。"))
        return redirect("contests:contest", pk=self.contest.pk)


class TrackDeleteView(ManagedActionView):
    model = Track

    def act(self, track):
        services.track_delete(track=track)
        return _("已删除组别。")

    def back(self, track):
        return reverse("contests:contest", args=[track.contest_id])


class FieldFormMixin:
    template_name = "contests/manage/field_form.html"
    form_class = FormFieldForm

    def form_valid(self, form):
        try:
            services.form_field_save(field=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存报名表题目。"))
        return redirect("contests:contest", pk=form.instance.contest_id)


class FieldCreateView(ContestMixin, FieldFormMixin, FormView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": FormField(contest=self.contest)}


class FieldEditView(ManagedObjectMixin, FieldFormMixin, UpdateView):
    model = FormField
    related = ("contest",)
    context_object_name = "field"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "contest": self.object.contest}


class FieldRemoveView(ManagedActionView):
    model = FormField

    def act(self, field):
        services.form_field_remove(field=field)
        return _("已从报名表中移除该题目。")

    def back(self, field):
        return reverse("contests:contest", args=[field.contest_id])


class RoundCreateView(ContestMixin, FormView):
    template_name = "contests/manage/round_form.html"
    form_class = RoundForm

    def get_initial(self):
        today = timezone.localdate()
        return {"number": services.next_round_number(self.contest), "starts_on": today, "ends_on": today}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Round(contest=self.contest)}

    def form_valid(self, form):
        try:
            round_ = services.round_save(round_=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已添加轮次。"))
        return redirect("contests:round", pk=round_.pk)


# --- Entries ---------------------------------------------------------------------------------


class EntryListView(ContestMixin, TemplateView):
    """The contest's entries with filters (status, track, round, search), 50 a page; ticked
    entries can be screened or moved into a round at once."""

    template_name = "contests/manage/entries.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = selectors.EntryFilters.from_query(self.request.GET)
        rounds = list(self.contest.rounds.order_by("number"))
        paginator = Paginator(selectors.contest_entries(contest=self.contest, filters=filters), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            filters=filters,
            page_obj=page,
            paginator=paginator,
            entries=page.object_list,
            tracks=selectors.tracks(contest=self.contest),
            rounds=rounds,
            nav_rounds=rounds,
            statuses=[(value, label) for value, label in S.choices if value != S.DRAFT],
            page_query=urlencode(filters.as_params()),
            bulk_form=kwargs.get("bulk_form") or BulkForm(contest=self.contest),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = BulkForm(request.POST, contest=self.contest)
        back = f"{reverse('contests:entries', args=[self.contest.pk])}?{request.POST.get('query', '')}"
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        entries, action = form.cleaned_data["entries"], form.cleaned_data["action"]
        try:
            if action == "advance":
                done = services.entries_advance(
                    entries=entries, to=form.cleaned_data["round"], by=request.user
                )
                messages.success(
                    request,
                    _("%(done)d 个项目已进入%(round)s（%(left)d 个不符合晋级条件，未改动）。")
                    % {"done": done, "round": form.cleaned_data["round"].name, "left": len(entries) - done},
                )
            else:
                done = services.entries_screen(
                    entries=entries,
                    by=request.user,
                    eligible=action == "eligible",
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("已更新 %(done)d 个报名的审核结果。") % {"done": done})
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return redirect(back)


class EntriesXlsxView(ContestMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        filters = selectors.EntryFilters.from_query(request.GET)
        content = exports.entries_workbook(
            contest=self.contest,
            entries=selectors.entries_for_export(contest=self.contest, filters=filters),
            fields=selectors.all_fields(contest=self.contest),
        )
        return download(content, content_type=XLSX, filename=exports.entries_filename(self.contest))


class EntryDetailView(ManagedObjectMixin, DetailView):
    """One entry for its organizers: the answers, files, rounds, screening."""

    model = Entry
    template_name = "contests/manage/entry.html"
    context_object_name = "entry"

    def get_queryset(self):
        return selectors.entry_page(entries=super().get_queryset())

    def get_context_data(self, **kwargs):
        entry = self.object
        return {
            **super().get_context_data(**kwargs),
            "contest": entry.contest,
            "answers": selectors.answer_rows(entry),
            "screen_form": ScreenForm(
                initial={
                    "decision": entry.status if entry.status in (S.ELIGIBLE, S.INELIGIBLE) else None,
                    "reason": entry.screening_reason,
                }
            ),
            "project_form": EntryProjectForm(
                projects=hall_projects(contest=entry.contest), initial={"project": entry.project_id}
            ),
        }


class EntryProjectView(ManagedObjectMixin, View):
    """The organizer links the entry to a project of the week's online hall, or unlinks it."""

    http_method_names = ["post"]
    model = Entry
    related = ("contest__event",)

    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        form = EntryProjectForm(request.POST, projects=hall_projects(contest=entry.contest))
        if not form.is_valid():
            for error in form.errors.get("project", []):
                messages.error(request, error)
            return redirect("contests:entry", pk=entry.pk)
        project = form.cleaned_data["project"]
        try:
            services.entry_project_link(entry=entry, project=project, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("已关联展厅项目。") if project else _("已取消关联展厅项目。"))
        return redirect("contests:entry", pk=entry.pk)


class ScreenView(ManagedObjectMixin, View):
    http_method_names = ["post"]
    model = Entry
    permission_required = "contests.screen_entry"

    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        form = ScreenForm(request.POST)
        if form.is_valid():
            services.entries_screen(
                entries=[entry],
                by=request.user,
                eligible=form.cleaned_data["decision"] == "eligible",
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("已保存审核结果。"))
        else:
            messages.error(request, _("不符合条件时请填写原因。"))
        return redirect("contests:entry", pk=entry.pk)
