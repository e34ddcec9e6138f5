"""Joining a hall as a holder, from the open link or an e-mailed invitation.

Signed in, a person confirms and joins. Otherwise they create an account (login name = the
e-mail address) or sign in first (the login page brings them back). The link is the
capability, as for units' invitations: it never signs anybody into an existing account.
New accounts are limited per client address.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View

from core import ratelimit
from core.ratelimit import RateLimit, RateLimitedPostMixin

from .. import services
from ..forms import HolderSignUpForm, JoinForm
from ..selectors.access import forget, holder_exhibition_ids

SIGN_UP_PER_ADDRESS = RateLimit("exhibit-holder-signup-address", 5, 60 * 60)


class JoinBaseView(RateLimitedPostMixin, View):
    http_method_names = ["get", "post", "head"]
    template_name = "exhibits/join/join.html"
    invitation = None

    def dispatch(self, request, *args, token: str, **kwargs):
        try:
            self.resolve(token)
        except ValidationError as error:
            return render(request, "exhibits/join/invalid.html", {"message": error.messages[0]}, status=410)
        return super().dispatch(request, *args, **kwargs)

    @property
    def fixed_email(self) -> str:
        return self.invitation.email if self.invitation else ""

    def rate_limit_checks(self):
        if self.request.user.is_authenticated:
            return []
        return [(SIGN_UP_PER_ADDRESS, self.client_address)]

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if self.exhibition.pk in holder_exhibition_ids(request.user):
                messages.info(request, _("您已是“%(title)s”的项目方。") % {"title": self.exhibition.title})
                return redirect("exhibits:home")
            return self._render(join_form=JoinForm(initial={"organization": self._organization()}))
        return self._render(sign_up_form=self._sign_up_form(None))

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return self._join(request)
        return self._sign_up(request)

    def _organization(self) -> str:
        return self.invitation.organization if self.invitation else ""

    def _sign_up_form(self, data) -> HolderSignUpForm:
        return HolderSignUpForm(data, email=self.fixed_email, initial={"organization": self._organization()})

    def _join(self, request):
        form = JoinForm(request.POST)
        if not form.is_valid():
            return self._render(join_form=form)
        try:
            services.holder_join(
                exhibition=self.exhibition,
                user=request.user,
                organization=form.cleaned_data["organization"],
                invitation=self.invitation,
            )
        except ValidationError as error:
            return render(request, "exhibits/join/invalid.html", {"message": error.messages[0]}, status=410)
        forget(request.user)
        messages.success(
            request, _("您已加入“%(title)s”，可以提交展项了。") % {"title": self.exhibition.title}
        )
        return redirect("exhibits:home")

    def _sign_up(self, request):
        form = self._sign_up_form(request.POST)
        if not form.is_valid():
            return self._render(sign_up_form=form)
        if not ratelimit.spend(SIGN_UP_PER_ADDRESS, self.client_address):
            return self.rate_limited(SIGN_UP_PER_ADDRESS)
        try:
            user = services.holder_sign_up(
                exhibition=self.exhibition,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                organization=form.cleaned_data["organization"],
                invitation=self.invitation,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self._render(sign_up_form=form)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("欢迎！您已加入“%(title)s”，登录名为 %(username)s。")
            % {"title": self.exhibition.title, "username": user.username},
        )
        return redirect("exhibits:home")

    def _render(self, **context):
        return render(
            self.request,
            self.template_name,
            {"exhibition": self.exhibition, "invitation": self.invitation, **context},
        )


class JoinView(JoinBaseView):
    """The hall's open link."""

    def resolve(self, token: str) -> None:
        self.exhibition = services.exhibition_for_join_token(token)


class InvitationView(JoinBaseView):
    """An e-mailed, single-use invitation."""

    def resolve(self, token: str) -> None:
        self.invitation = services.invitation_for_token(token)
        self.exhibition = self.invitation.exhibition
