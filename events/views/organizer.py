"""The organizer area: registering and editing events, notices. (The area's home, which
also shows the day's reports, is ``submissions.views.dashboard``.)

Every event view starts from the user's own units' events, so another unit's event is a
404; what the user may do with their own event is asked of ``rules.py``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView, UpdateView

from core.roles import organizer_ids
from core.views import ObjectPermissionMixin, PortalPermissionMixin

from .. import services
from ..context_processors import current_week
from ..forms import EventForm, UnitPeopleForm
from ..models import Event, EventChangeRequest
from ..presenters import next_step
from ..selectors import organizer as selectors
from ..selectors.review import with_diffs

S = Event.Status


class EventFormMixin:
    template_name = "events/organizer/event_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            user=self.request.user, week=self.week, submitting=self.request.POST.get("action") == "submit"
        )
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["week"] = self.week
        return context

    def form_valid(self, form):
        event = form.instance
        try:
            with transaction.atomic():
                change = services.event_save(
                    event=event,
                    by=self.request.user,
                    themes=form.cleaned_data["themes"],
                    partners=form.partners(),
                )
                if form.submitting and event.status in (S.DRAFT, S.RETURNED):
                    services.event_submit(event=event, by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self._say_saved(event, change, submitted=form.submitting)
        for warning in selectors.event_warnings(event=event, user=self.request.user):
            messages.warning(self.request, warning)
        return redirect("organizer:event_detail", pk=event.pk)

    def _say_saved(self, event, change, *, submitted: bool) -> None:
        if event.status == S.SUBMITTED:
            messages.success(self.request, _("已提交审核，市发改委审核后会通知您。"))
        elif change is not None:
            changed = {
                field for field, value in change.proposed.items() if value != change.previous.get(field)
            }
            if changed & set(services.PUBLIC_FACE_FIELDS):
                message = _("变更已提交市发改委审核；审核通过前，公开页面仍显示原内容。")
            else:
                message = _("时间、地点或会场的变更已提交市发改委审核；审核通过前，公开页面仍显示原内容。")
            messages.success(self.request, message)
        elif event.status == S.APPROVED:
            messages.success(self.request, _("已保存，公开页面已更新。"))
        else:
            messages.success(self.request, _("已保存草稿。"))


class EventCreateView(PortalPermissionMixin, EventFormMixin, FormView):
    permission_required = "events.add_event"
    form_class = EventForm

    def dispatch(self, request, *args, **kwargs):
        self.week = current_week(request)
        if request.user.is_authenticated and self.week is None:
            messages.error(request, _("当前没有开放登记的活动周。"))
            return redirect("organizer:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Event(week=self.week, status=S.DRAFT)
        return kwargs


class EventEditView(ObjectPermissionMixin, EventFormMixin, UpdateView):
    permission_required = "events.edit_event"
    form_class = EventForm
    context_object_name = "event"

    def get_queryset(self):
        return selectors.with_pending_change(selectors.unit_events(user=self.request.user)).select_related(
            "week"
        )

    def get_form_kwargs(self):
        self.week = self.object.week
        event = self.object
        if event.status == S.APPROVED and event.pending_changes:
            # Show what the unit asked for, not the approved values, while the request waits.
            services.apply_guarded_values(event, event.pending_changes[0].proposed)
        return super().get_form_kwargs()


class EventDetailView(ObjectPermissionMixin, DetailView):
    permission_required = "events.see_event"
    template_name = "events/organizer/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return selectors.event_for_unit_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        context["next_step"] = next_step(event)
        context["pending_changes"] = with_diffs(event.pending_changes)
        context["missing"] = (
            services.missing_for_submit(event) if event.status in (S.DRAFT, S.RETURNED) else []
        )
        context["warnings"] = selectors.event_warnings(event=event, user=self.request.user)
        units = organizer_ids(self.request.user)
        # The user's own co-host (or reporting partner) rows: each names its people here.
        context["own_partners"] = [p for p in event.reporting_partners if p.organizer_id in units]
        history = list(event.history.all())
        if event.status == S.RETURNED and history:
            context["return_comment"] = history[-1].comment
        context["last_decisions"] = with_diffs(
            event.change_requests.exclude(status=EventChangeRequest.Status.PENDING).order_by("-decided_at")[
                :3
            ]
        )
        return context


class UnitPeopleView(ObjectPermissionMixin, FormView):
    """A co-host (or a partner with the reporter role) names its contact person and information
    reporter for the event. The partner row must be one of the user's own units (else 404)."""

    permission_required = "events.name_unit_people"
    template_name = "events/organizer/unit_people.html"
    form_class = UnitPeopleForm

    def get_permission_object(self):
        return self.event

    @cached_property
    def event(self) -> Event:
        event = selectors.event_for_unit_detail(user=self.request.user, pk=self.kwargs["pk"]).first()
        if event is None:
            raise Http404
        return event

    @cached_property
    def partner(self):
        units = organizer_ids(self.request.user)
        for partner in self.event.reporting_partners:
            if partner.pk == self.kwargs["partner_pk"] and partner.organizer_id in units:
                return partner
        raise Http404

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partner": self.partner}

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, partner=self.partner, **kwargs)

    def form_valid(self, form):
        try:
            services.event_unit_people_set(partner=self.partner, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存本单位的联系人和信息报送员。"))
        return redirect("organizer:event_detail", pk=self.event.pk)


class _EventActionView(ObjectPermissionMixin, DetailView):
    """A POST-only state change of the user's own event."""

    http_method_names = ["post"]

    def get_queryset(self):
        return selectors.unit_events(user=self.request.user)

    def post(self, request, *args, **kwargs):
        event = self.get_object()
        try:
            self.act(event)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("organizer:event_detail", pk=event.pk)


class EventSubmitView(_EventActionView):
    permission_required = "events.submit_event"

    def act(self, event):
        services.event_submit(event=event, by=self.request.user)
        messages.success(self.request, _("已提交审核，市发改委审核后会通知您。"))


class EventWithdrawView(_EventActionView):
    permission_required = "events.withdraw_event"

    def act(self, event):
        services.event_withdraw(event=event, by=self.request.user)
        messages.success(self.request, _("已撤回为草稿，可继续修改。"))


class NoticeListView(PortalPermissionMixin, TemplateView):
    """The user's notices, newest first; showing them marks them read."""

    permission_required = "events.see_own_notices"
    template_name = "events/organizer/notices.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notices = list(selectors.notices_for(user=self.request.user)[:100])
        context["notices"] = notices
        context["unread_ids"] = {n.pk for n in notices if n.read_at is None}
        services.notices_mark_read(user=self.request.user, notices=notices)
        context["unread_notice_count"] = 0
        return context
