"""Joining a hall as a holder, from the open link or an e-mailed invitation, and confirming
the holder's e-mail address.

Signed in, a person confirms and joins. Otherwise they create an account (login name = the
e-mail address) or sign in first (the login page brings them back). The link is the
capability, as for units' invitations: it never signs anybody into an existing account.
New accounts are limited per client address.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View

from core import ratelimit
from core.ratelimit import RateLimit, RateLimitedPostMixin
from core.views import PortalPermissionMixin

from .. import services
from ..forms import HolderSignUpForm, JoinForm
from ..selectors import area as area_selectors
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


# --- Confirming the address ------------------------------------------------------------------


class HolderConfirmView(View):
    """The link mailed to a holder: a button that confirms their address (a POST, so a mail
    scanner opening the link confirms nothing). The signed link is the capability."""

    http_method_names = ["get", "post", "head"]
    template_name = "exhibits/join/confirm.html"

    def dispatch(self, request, *args, token: str, **kwargs):
        try:
            self.holder = services.holder_for_confirmation(token)
        except ValidationError as error:
            context = {"message": error.messages[0], "heading": _("确认链接不可用")}
            return render(request, "exhibits/join/invalid.html", context, status=410)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return render(
            request, self.template_name, {"holder": self.holder, "exhibition": self.holder.exhibition}
        )

    def post(self, request, *args, **kwargs):
        services.holder_confirm_email(holder=self.holder)
        messages.success(request, _("邮箱已确认，现在可以提交展项审核了。"))
        if request.user.is_authenticated and request.user.pk == self.holder.user_id:
            return redirect("exhibits:home")
        return redirect("login")


class ConfirmationSendView(PortalPermissionMixin, View):
    """A holder asks for a new confirmation link for one of their halls."""

    http_method_names = ["post"]
    permission_required = "exhibits.use_area"

    def post(self, request, *args, pk: int, **kwargs):
        holder = get_object_or_404(area_selectors.holder_halls(user=request.user), exhibition_id=pk)
        try:
            services.holder_confirmation_send(holder=holder)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("确认邮件已发送到 %(email)s，请查收并点击其中的链接。") % {"email": request.user.email},
            )
        project = request.POST.get("project", "")
        if project.isdigit():
            return redirect("exhibits:project", pk=int(project))
        return redirect("exhibits:home")
