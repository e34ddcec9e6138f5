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
    """A signed, single-use link from an invitation e-mail: set a password, land in /organizer/."""
    try:
        invitation = services.invitation_for_token(token)
    except ValidationError as error:
        return render(request, "events/organizer/invitation_invalid.html", {"message": error.messages[0]}, status=410)
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
            return render(request, "events/organizer/invitation_invalid.html", {"message": error.messages[0]}, status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("欢迎！您已加入“%(unit)s”，登录名为 %(username)s。") % {"unit": invitation.organizer.name, "username": user.username}
        )
        return redirect("organizer:dashboard")
    return render(request, "events/organizer/invitation.html", {"form": form, "invitation": invitation})
