"""Joining the portal: a unit applies on its own, a person accepts an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from .. import services
from ..forms import AcceptInvitationForm, ApplicationForm


class ApplyView(FormView):
    """Open to anyone: a unit asks to take part; the office decides."""

    template_name = "events/organizer/apply.html"
    form_class = ApplicationForm

    def form_valid(self, form):
        services.application_submit(**form.cleaned_data)
        return redirect("organizer:apply_done")


class ApplyDoneView(TemplateView):
    template_name = "events/organizer/apply_done.html"


def accept_invitation(request, token: str):
    """A signed, single-use link from an invitation e-mail.

    A new person sets a password and lands in /organizer/. A person who already has an
    account confirms joining the unit and then signs in with their own password: the link
    neither changes that password nor signs anybody into an existing account.
    """
    try:
        invitation = services.invitation_for_token(token)
        existing = services.invitation_existing_user(invitation=invitation)
    except ValidationError as error:
        return _invalid(request, error)
    if existing is not None:
        return _join_with_existing_account(request, invitation, existing)
    form = AcceptInvitationForm(
        request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
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
            % {"unit": invitation.organizer.name, "username": user.username},
        )
        return redirect("organizer:dashboard")
    return render(request, "events/organizer/invitation.html", {"form": form, "invitation": invitation})


def _join_with_existing_account(request, invitation, user):
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation)
        except ValidationError as error:
            return _invalid(request, error)
        messages.success(
            request,
            _("您已加入“%(unit)s”。请用您原有的账号（登录名 %(username)s）和原密码登录。")
            % {"unit": invitation.organizer.name, "username": user.username},
        )
        return redirect("login")
    return render(
        request, "events/organizer/invitation.html", {"invitation": invitation, "existing_user": user}
    )


def _invalid(request, error: ValidationError):
    return render(
        request, "events/organizer/invitation_invalid.html", {"message": error.messages[0]}, status=410
    )
