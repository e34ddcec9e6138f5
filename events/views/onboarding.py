"""Joining the portal: a unit applies on its own, a person accepts an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from core import ratelimit
from core.ratelimit import RateLimitedPostMixin

from .. import services
from ..forms import AcceptInvitationForm, ApplicationForm


class ApplyView(RateLimitedPostMixin, FormView):
    """Open to anyone: a unit asks to take part; the office decides.

    Each accepted application mails the office, so they are limited per client address
    (``APPLICATION_PER_ADDRESS``); a form sent back for corrections counts nothing.
    """

    template_name = "events/organizer/apply.html"
    form_class = ApplicationForm

    def rate_limit_checks(self):
        return [(ratelimit.APPLICATION_PER_ADDRESS, self.client_address)]

    def form_valid(self, form):
        if not ratelimit.spend(ratelimit.APPLICATION_PER_ADDRESS, self.client_address):
            return self.rate_limited(ratelimit.APPLICATION_PER_ADDRESS)
        services.application_submit(**form.cleaned_data)
        return redirect("organizer:apply_done")


class ApplyDoneView(TemplateView):
    template_name = "events/organizer/apply_done.html"


class InvitationView(View):
    """A signed, single-use link from an invitation e-mail.

    A new person sets a password and lands in /organizer/. A person who already has an
    account confirms joining the unit and then signs in with their own password: the link
    neither changes that password nor signs anybody into an existing account.
    """

    http_method_names = ["get", "post", "head"]

    def dispatch(self, request, *args, token: str, **kwargs):
        try:
            self.invitation = services.invitation_for_token(token)
            self.existing_user = services.invitation_existing_user(invitation=self.invitation)
        except ValidationError as error:
            return _invalid(request, error)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.existing_user is not None:
            return self._render(existing_user=self.existing_user)
        return self._render(form=self._form(data=None))

    def post(self, request, *args, **kwargs):
        if self.existing_user is not None:
            return self._join_with_existing_account()
        form = self._form(data=request.POST)
        if not form.is_valid():
            return self._render(form=form)
        try:
            user = services.invitation_accept(
                invitation=self.invitation,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
            )
        except ValidationError as error:
            return _invalid(request, error)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("欢迎！您已加入“%(unit)s”，登录名为 %(username)s。")
            % {"unit": self.invitation.organizer.name, "username": user.username},
        )
        return redirect("organizer:dashboard")

    def _form(self, *, data) -> AcceptInvitationForm:
        invitation = self.invitation
        return AcceptInvitationForm(data, email=invitation.email, initial={"full_name": invitation.full_name})

    def _join_with_existing_account(self):
        try:
            services.invitation_accept(invitation=self.invitation)
        except ValidationError as error:
            return _invalid(self.request, error)
        messages.success(
            self.request,
            _("您已加入“%(unit)s”。请用您原有的账号（登录名 %(username)s）和原密码登录。")
            % {"unit": self.invitation.organizer.name, "username": self.existing_user.username},
        )
        return redirect("login")

    def _render(self, **context):
        return render(
            self.request, "events/organizer/invitation.html", {"invitation": self.invitation, **context}
        )


def _invalid(request, error: ValidationError):
    return render(
        request, "events/organizer/invitation_invalid.html", {"message": error.messages[0]}, status=410
    )
