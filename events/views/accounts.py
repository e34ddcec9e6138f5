from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import View

from core.roles import is_office_reviewer, is_organizer_member


class AfterLoginView(LoginRequiredMixin, View):
    """Send each role to its own area after signing in."""

    def get(self, request, *args, **kwargs):
        user = request.user
        if is_office_reviewer(user):
            return redirect("board:home")
        if is_organizer_member(user):
            return redirect("organizer:dashboard")
        if user.is_staff:
            return redirect("admin:index")
        return redirect("home")

    post = get
