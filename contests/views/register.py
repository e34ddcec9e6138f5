"""An applicant's side: signing up (or in) to register, confirming the e-mail address, the
entry's form (a draft first, submitted once complete), its page with the status, editing
until registration closes, withdrawing; and the entry's files for who may see them.

Every entry view starts from the user's own entries, so anybody else's is a 404; the rules
say what the applicant may do with their own (403 otherwise).
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import DetailView, View
from django.views.generic.detail import SingleObjectMixin

from core import ratelimit
from core.ratelimit import RateLimit, RateLimitedPostMixin
from core.serving import file_response
from core.views import ObjectPermissionMixin, PortalPermissionMixin

from .. import services
from ..forms import ApplicantSignUpForm, EntryForm
from ..models import Entry
from ..selectors import manage as selectors
from ..selectors.hall import hall_projects
from ..selectors.public import public_contest

SIGN_UP_PER_ADDRESS = RateLimit("contest-applicant-signup-address", 5, 60 * 60)
CONFIRM_RESENDS_PER_USER = RateLimit("contest-confirm-resend-user", 3, 60 * 60, key_kind="username")
S = Entry.Status


def _entry_form(request, *, contest, entry, data=None, files=None) -> EntryForm:
    stored = set(entry.files.values_list("field_id", flat=True)) if entry.pk else set()
    return EntryForm(
        data,
        files,
        instance=entry,
        contest=contest,
        questions=services.active_fields(contest),
        stored_files=stored,
        hall_projects=hall_projects(contest=contest, owner=request.user),
    )


def _save_entry(request, form: EntryForm):
    """Save the draft (kept even when submitting fails, so no upload is lost), then submit if
    asked; back to the entry's page, which says what is still missing."""
    cleaned = form.cleaned_data
    try:
        entry = services.entry_save(
            entry=form.instance,
            by=request.user,
            plan=cleaned.get("plan_upload"),
            video=cleaned.get("video_upload"),
            files=form.uploads,
            video_suffix=form.video_suffix,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if request.POST.get("action") == "submit" and entry.status == S.DRAFT:
        try:
            services.entry_submit(entry=entry, by=request.user)
        except ValidationError as error:
            messages.error(request, _("草稿已保存，但还不能提交：%(reason)s") % {"reason": error.messages[0]})
            return redirect("contest:entry", pk=entry.pk)
        messages.success(
            request, _("报名已提交，报名序号 %(code)s。主办单位审核后会通知您。") % {"code": entry.code}
        )
    elif entry.status == S.SUBMITTED and request.POST.get("action") != "submit":
        messages.success(request, _("修改已保存，主办单位将重新审核。"))
    else:
        messages.success(request, _("已保存。"))
    return redirect("contest:entry", pk=entry.pk)


class RegisterView(RateLimitedPostMixin, View):
    """A contest's registration: an account first (sign up here, or sign in), then the entry's
    form. One entry per person and contest: who has one is sent to it."""

    http_method_names = ["get", "post", "head"]

    def dispatch(self, request, *args, slug: str, **kwargs):
        self.contest = public_contest(slug=slug)
        if not self.contest.registration_is_open():
            return render(request, "contests/register/closed.html", {"contest": self.contest}, status=403)
        if request.user.is_authenticated:
            existing = Entry.objects.filter(contest=self.contest, applicant=request.user).first()
            if existing is not None:
                return redirect("contest:entry", pk=existing.pk)
        return super().dispatch(request, *args, **kwargs)

    def rate_limit_checks(self):
        if self.request.user.is_authenticated:
            return []
        return [(SIGN_UP_PER_ADDRESS, self.client_address)]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self._render_sign_up(ApplicantSignUpForm())
        return self._render_entry(_entry_form(request, contest=self.contest, entry=self._new_entry()))

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self._sign_up()
        if not rules.test_rule("contests.register", request.user, self.contest):
            raise Http404("Registration closed")
        form = _entry_form(
            request, contest=self.contest, entry=self._new_entry(), data=request.POST, files=request.FILES
        )
        if form.is_valid():
            response = _save_entry(request, form)
            if response is not None:
                return response
        return self._render_entry(form)

    def _new_entry(self) -> Entry:
        user = self.request.user
        return Entry(
            contest=self.contest,
            contact_name=user.display_name,
            contact_phone=user.phone,
            contact_email=user.email,
        )

    def _sign_up(self):
        form = ApplicantSignUpForm(self.request.POST)
        if not form.is_valid():
            return self._render_sign_up(form)
        if not ratelimit.spend(SIGN_UP_PER_ADDRESS, self.client_address):
            return self.rate_limited(SIGN_UP_PER_ADDRESS)
        try:
            user = services.applicant_sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                next_url=self.request.path,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self._render_sign_up(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            _("账号已创建，登录名为 %(username)s。确认邮件已发到您的邮箱，确认后即可提交报名。")
            % {"username": user.username},
        )
        return redirect("contest:register", slug=self.contest.slug)

    def _render_sign_up(self, form):
        return render(self.request, "contests/register/sign_up.html", {"contest": self.contest, "form": form})

    def _render_entry(self, form):
        return render(
            self.request,
            "contests/register/entry_form.html",
            {
                "contest": self.contest,
                "form": form,
                "confirmed": services.email_is_confirmed(self.request.user),
            },
        )


class ConfirmEmailView(View):
    """The link of the confirmation e-mail: the address is confirmed, whoever opens it (the
    link is the proof); it signs nobody in."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, token: str, **kwargs):
        try:
            services.email_confirm(token=token)
        except ValidationError as error:
            return render(
                request, "contests/register/confirm_invalid.html", {"message": error.messages[0]}, status=410
            )
        messages.success(request, _("邮箱已确认，现在可以提交报名了。"))
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = ""
        return redirect(target or "contests:home")


class ConfirmResendView(PortalPermissionMixin, View):
    http_method_names = ["post"]
    permission_required = "contests.use_area"

    def post(self, request, *args, **kwargs):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        if not ratelimit.spend(CONFIRM_RESENDS_PER_USER, str(request.user.pk)):
            return ratelimit.too_many_requests(request, CONFIRM_RESENDS_PER_USER)
        try:
            services.confirmation_send(user=request.user, next_url=back)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("确认邮件已发送到 %(email)s。") % {"email": request.user.email})
        return redirect(back or "contests:home")


# --- One's own entry -------------------------------------------------------------------------


class OwnEntryMixin:
    def get_queryset(self):
        return selectors.own_entry(user=self.request.user, pk=self.kwargs["pk"])


class EntryView(ObjectPermissionMixin, OwnEntryMixin, DetailView):
    """The applicant's entry: status (and reason), rounds reached, answers, files, what is
    still missing, and what they may do."""

    permission_required = "contests.see_entry"
    template_name = "contests/register/entry.html"
    context_object_name = "entry"

    def get_context_data(self, **kwargs):
        entry = self.object
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "contest": entry.contest,
            "answers": selectors.answer_rows(entry),
            "missing": services.missing_for_submit(entry) if entry.status == S.DRAFT else [],
            "confirmed": services.email_is_confirmed(user),
            "can_edit": rules.test_rule("contests.edit_entry", user, entry),
            "can_submit": rules.test_rule("contests.submit_entry", user, entry),
            "can_withdraw": rules.test_rule("contests.withdraw_entry", user, entry),
        }


class EntryEditView(ObjectPermissionMixin, OwnEntryMixin, SingleObjectMixin, View):
    permission_required = "contests.edit_entry"
    http_method_names = ["get", "post", "head"]

    def get(self, request, *args, **kwargs):
        entry = self.get_object()
        return self._render(_entry_form(request, contest=entry.contest, entry=entry))

    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        form = _entry_form(
            request, contest=entry.contest, entry=entry, data=request.POST, files=request.FILES
        )
        if form.is_valid():
            response = _save_entry(request, form)
            if response is not None:
                return response
        return self._render(form)

    def _render(self, form):
        entry = self.get_object()
        return render(
            self.request,
            "contests/register/entry_form.html",
            {
                "contest": entry.contest,
                "entry": entry,
                "form": form,
                "confirmed": services.email_is_confirmed(self.request.user),
            },
        )


class EntryActionView(ObjectPermissionMixin, OwnEntryMixin, SingleObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        try:
            with transaction.atomic():
                said = self.act(entry)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, said)
        return redirect("contest:entry", pk=entry.pk)


class EntrySubmitView(EntryActionView):
    permission_required = "contests.submit_entry"

    def act(self, entry):
        services.entry_submit(entry=entry, by=self.request.user)
        return _("报名已提交，报名序号 %(code)s。主办单位审核后会通知您。") % {"code": entry.code}


class EntryWithdrawView(EntryActionView):
    permission_required = "contests.withdraw_entry"

    def act(self, entry):
        services.entry_withdraw(entry=entry, by=self.request.user)
        return _("报名已撤回。")


# --- Files -----------------------------------------------------------------------------------


class EntryFileView(View):
    """An entry's plan, video or answered file: to its applicant and its organizers (never
    public), privately cached. Anybody else gets 404, as if there were none."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, pk: int, kind: str, file_pk: int | None = None, **kwargs):
        entry = get_object_or_404(Entry.objects.select_related("contest"), pk=pk)
        if not rules.test_rule("contests.see_entry", request.user, entry):
            raise Http404("No file")
        if kind == "plan":
            field, content_type, filename = entry.plan, "application/pdf", f"{entry.name}_商业计划书.pdf"
        elif kind == "video":
            field, content_type, filename = entry.video, _video_type(entry.video.name), None
        else:
            stored = get_object_or_404(entry.files.select_related("field"), pk=file_pk)
            field, content_type, filename = (
                stored.file,
                "application/pdf",
                f"{entry.name}_{stored.field.label}.pdf",
            )
        if not field:
            raise Http404("No file")
        response = file_response(
            request, field, content_type=content_type, filename=filename, as_attachment=bool(filename)
        )
        response["Cache-Control"] = "private, max-age=300"
        return response


VIDEO_TYPES = {
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".mkv": "video/x-matroska",
    ".webm": "video/webm",
    ".avi": "video/x-msvideo",
}


def _video_type(name: str) -> str:
    for suffix, content_type in VIDEO_TYPES.items():
        if name.lower().endswith(suffix):
            return content_type
    return "application/octet-stream"
